"""Dataset manifests stored under ``.prov/datasets/NAME.yaml`` (or ``NAME.yml``: one rule everywhere)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ManifestError, NotFoundError
from ..filenames import PROV_DIR
from ..model.dataset import DatasetManifest
from ..regularfile import read_regular
from ..selection import manifest_name
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
        raise ManifestError(str(path), "name", f"is {manifest.name!r} but the file is named {path.name}")
    return manifest, read_regular(path)


def names(repo: ProvRepo) -> list[str]:
    """Registered dataset names; the same file rule as the commit check (``gate.selection``)."""
    if not repo.datasets_dir.is_dir():
        return []
    found: dict[str, str] = {}
    for entry in sorted(repo.datasets_dir.iterdir()):
        name = manifest_name(f"{PROV_DIR}/datasets/{entry.name}")
        if name is None or not entry.is_file():
            continue
        if name in found:
            raise ManifestError(
                str(entry),
                None,
                f"dataset {name} has two manifests ({found[name]} and {entry.name}); delete one of them",
            )
        found[name] = entry.name
    return sorted(found)
