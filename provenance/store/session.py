"""Per-command resources: the time a command decides at, and the hasher (with its digest cache) it uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..digest import DigestCache, Hasher
from .repo import ProvRepo


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hasher_for(repo: ProvRepo | None, show_progress: bool | None = None) -> Hasher:
    cache = DigestCache(repo.cache_dir) if repo is not None and repo.prov_dir.is_dir() else None
    return Hasher(cache, show_progress)


def write_output(path: Path, text: str) -> None:
    """Write a file the user asked for (``-o FILE``), atomically like everything prov writes."""
    from . import atomic

    atomic.write_text(path, text)
