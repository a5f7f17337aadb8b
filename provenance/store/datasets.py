"""Dataset manifests stored under ``.prov/datasets/NAME.yaml``."""

from __future__ import annotations

from pathlib import Path

from ..errors import ManifestError, NotFoundError
from ..model.dataset import DatasetManifest
from . import atomic
from .repo import ProvRepo
from .yamlio import dump_yaml, load_model

HEADER = "# Dataset manifest managed by prov; edit, then run `prov dataset add --manifest` on it again.\n"


def manifest_text(manifest: DatasetManifest) -> str:
    data = manifest.model_dump(mode="json", exclude_none=False)
    return HEADER + dump_yaml(data)


def save(repo: ProvRepo, manifest: DatasetManifest) -> Path:
    path = repo.dataset_file(manifest.name)
    atomic.write_text(path, manifest_text(manifest))
    return path


def load(repo: ProvRepo, name: str) -> tuple[DatasetManifest, bytes]:
    """The manifest and its exact bytes (the card records their digest)."""
    path = repo.dataset_file(name)
    if not path.exists():
        known = ", ".join(names(repo)) or "none yet"
        raise NotFoundError(
            f"no dataset named {name!r} in {repo.datasets_dir} (known: {known}); register it with `prov dataset add`"
        )
    manifest = load_model(DatasetManifest, path)
    if manifest.name != name:
        raise ManifestError(str(path), "name", f"is {manifest.name!r} but the file is named {name}.yaml")
    return manifest, path.read_bytes()


def names(repo: ProvRepo) -> list[str]:
    if not repo.datasets_dir.is_dir():
        return []
    return sorted(p.stem for p in repo.datasets_dir.glob("*.yaml"))
