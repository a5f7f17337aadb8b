"""Per-command resources: the time a command decides at, and the hasher (with its digest cache) it uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..digest import DigestCache, Hasher
from .repo import ProvRepo


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hasher_for(repo: ProvRepo | None, show_progress: bool | None = None) -> Hasher:
    """A hasher with the repository's digest cache, opened once per process (``DigestCache.shared``)."""
    cache = DigestCache.shared(repo.cache_dir) if repo is not None and repo.prov_dir.is_dir() else None
    return Hasher(cache, show_progress)


def write_output(path: Path, text: str) -> None:
    """Write a file the user asked for (``-o FILE``), atomically like everything prov writes.

    An atomic write replaces whatever is at the path, so the path is checked first: never a device, a
    pipe or a directory (as root, ``-o /dev/null`` would replace the device), never a file prov keeps
    (a signed card, anything under ``.prov/``), never an artefact prov knows by its card or a file inside
    one, never a card's signatures for other tools, nor an existing file named like a model or a signature."""
    import os
    import stat

    from ..errors import UsageError
    from ..filenames import CARD_SUFFIX, OMS_SUFFIX, PROV_DIR, SSH_CARD_SUFFIX, SSH_SIG_SUFFIX
    from . import atomic

    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise UsageError(f"-o {path}: is not a regular file; give a new file name")
    real = Path(os.path.realpath(path))
    if real.name.endswith(CARD_SUFFIX) or any(p.name == PROV_DIR for p in (real, *real.parents)):
        raise UsageError(f"-o {path}: is a file prov keeps (a signed card or under {PROV_DIR}/); choose another name")
    if st is not None and real.with_name(real.name + CARD_SUFFIX).exists():
        raise UsageError(f"-o {path}: is an artefact with a signed card; choose another name")
    if any(p.is_dir() and p.with_name(p.name + CARD_SUFFIX).exists() for p in real.parents if p.name):
        raise UsageError(f"-o {path}: is inside a directory artefact with a signed card; choose another place")
    for suffix in (OMS_SUFFIX, SSH_CARD_SUFFIX, SSH_SIG_SUFFIX):  # a card's signatures for other tools
        if real.name.endswith(suffix) and real.with_name(real.name[: -len(suffix)] + CARD_SUFFIX).exists():
            raise UsageError(f"-o {path}: is a signature prov card writes beside an artefact; choose another name")
    if st is not None:
        from ..filenames import DEFAULT_PATTERNS
        from ..selection import companion_bases, is_artefact_name

        if companion_bases(real.name) or is_artefact_name(real.name, DEFAULT_PATTERNS):
            raise UsageError(f"-o {path}: exists and is named like a model or a signature; choose another name")
    atomic.write_text(path, text)
