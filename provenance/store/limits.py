"""The project's bounds on reading pickle-bearing artefacts (``loading`` in ``.prov/config.yaml``)."""

from __future__ import annotations

from pathlib import Path

from ..analysis.pickles.reader import Limits
from . import config as config_store
from .repo import ProvRepo, find_repo


def limits_for(repo: ProvRepo | None) -> Limits:
    if repo is None or not repo.config_file.exists():
        return Limits()
    loading = config_store.load(repo).loading
    return Limits(max_bytes=loading.max_bytes, max_opcodes=loading.max_opcodes, max_expansion=loading.max_expansion)


def limits_near(path: Path) -> Limits:
    """The limits of the repository ``path`` is in (defaults outside one)."""
    return limits_for(find_repo(path.parent if path.parent.exists() else Path.cwd()))
