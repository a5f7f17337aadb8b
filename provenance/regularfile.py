"""Reading a file a user named: only a regular file, and only so much of it.

Opening a FIFO for reading waits for a writer that may never come, and ``/dev/zero`` never ends, so
``read_text()`` on a path someone typed (or a config file someone replaced) can hang prov for ever.
Every YAML, key and table prov reads from a user's path comes through here: opened without blocking,
refused in one line unless it is a regular file, and read up to a limit no real manifest comes near.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import NotFoundError, UsageError

LIMIT = 64 << 20  # manifests, configs, keys and recipient profiles are kilobytes; 64 MiB is no real one

_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def open_regular(path: Path) -> int:
    """A file descriptor for ``path``, which is a regular file (links followed); the caller closes it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise UsageError(f"{path}: is {kind}, not a file prov can read")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def require_regular(path: Path) -> None:
    """Refuse ``path`` now, in one line, unless it is a regular file (for readers that open it themselves)."""
    os.close(open_regular(path))


def read_regular(path: Path, limit: int = LIMIT) -> bytes:
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"{path}: larger than the {limit >> 20} MiB prov reads from such a file")
    return data


def file_in_the_way(path: Path) -> Path | None:
    """What stops ``path`` from being (made) a directory: the nearest existing path at or above it, when
    that is a file or a broken link; None when ``mkdir -p`` could succeed."""
    nearest = next((p for p in (path, *path.parents) if os.path.lexists(p)), None)
    return nearest if nearest is not None and not nearest.is_dir() else None
