"""The ``.prov/`` directory of a user's repository."""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

from ..errors import NotFoundError

PROV_DIR = ".prov"


class ProvRepo(namedtuple("ProvRepo", "root")):
    """A repository that holds ``.prov/`` (``root``: its directory). A named tuple, not a dataclass:
    this module is on `prov verify`'s start-up path."""

    __slots__ = ()

    @property
    def prov_dir(self) -> Path:
        return self.root / PROV_DIR

    @property
    def config_file(self) -> Path:
        return self.prov_dir / "config.yaml"

    @property
    def datasets_dir(self) -> Path:
        return self.prov_dir / "datasets"

    @property
    def keys_dir(self) -> Path:
        return self.prov_dir / "keys"

    @property
    def revocations_file(self) -> Path:
        return self.keys_dir / "revocations.yaml"

    @property
    def withdrawals_file(self) -> Path:
        return self.prov_dir / "withdrawals.jsonl"

    @property
    def ledger_file(self) -> Path:
        return self.prov_dir / "ledger.jsonl"

    @property
    def cache_dir(self) -> Path:
        return self.prov_dir / "cache"

    def dataset_file(self, name: str) -> Path:
        """``NAME.yaml``, or ``NAME.yml`` when that is the spelling on disk (both are manifests)."""
        yml = self.datasets_dir / f"{name}.yml"
        return (
            yml
            if yml.is_file() and not (self.datasets_dir / f"{name}.yaml").exists()
            else self.datasets_dir / f"{name}.yaml"
        )

    def relative(self, path: Path) -> str:
        """``path`` relative to the repository root, POSIX style (as manifests store it)."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            raise NotFoundError(f"{path}: is outside the prov repository at {self.root}") from None


def find_repo(start: Path | None = None) -> ProvRepo | None:
    """The nearest directory at or above ``start`` that holds ``.prov/``."""
    here = (start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        if (directory / PROV_DIR).is_dir():
            return ProvRepo(directory)
    return None


def require_repo(start: Path | None = None) -> ProvRepo:
    repo = find_repo(start)
    if repo is None:
        where = start or Path.cwd()
        raise NotFoundError(f"{where}: not inside a prov repository (no .prov/ found); run `prov init` first")
    return repo
