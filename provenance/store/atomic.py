"""Atomic writes: temp file in the same directory, fsync, rename. A crash leaves old or new, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def make_parent(path: Path) -> None:
    """The directory ``path`` goes in, made as ``mkdir -p`` would; a file in the way is the user's to move."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        from ..errors import UsageError
        from ..regularfile import file_in_the_way

        blocker = file_in_the_way(path.parent) or path.parent
        raise UsageError(f"{path}: {blocker} is a file, so no directory can be made there") from None


def write_bytes(path: Path, data: bytes, mode: int = 0o644, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` atomically with permission ``mode``.

    ``exclusive`` refuses to replace an existing file (used for private keys: never overwrite one).
    """
    make_parent(path)
    # The temporary name is cut so that it fits wherever the final name fits (255 bytes per name).
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if exclusive:
            os.link(tmp, path)  # fails with FileExistsError instead of replacing
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def write_text(path: Path, text: str, mode: int = 0o644, *, exclusive: bool = False) -> None:
    write_bytes(path, text.encode("utf-8"), mode, exclusive=exclusive)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
