"""Readings of an artefact's files that can be held to the card's digest, byte for byte.

`prov card` reads each file twice -- once to hash it, once (or more) to inspect it -- and must sign a
digest and a verdict about the same bytes. Stat stamps cannot promise that: a parent directory exchanged
between two readings (rename(2) with RENAME_EXCHANGE) gives the second another file under the same name
with neither file's stamp moved, and bytes changed through a shared writable mapping keep the file's
mtime and ctime until writeback. So every file the inspection reads is opened here (``open_read``):

- its stamp is taken on the descriptor opened (which file was read, whatever the path led to);
- its bytes are served as one snapshot: the first pass over each ``BLOCK`` hashes it (SHA-256, continuing
  over the blocks before it), and a block read again later is held to that hash -- so whatever the reader
  got, forwards and backwards, is a prefix of one version of the file;
- ``noting_reads`` collects, per path, the stamp and each reading's prefix (its length, whole blocks or to
  the end, and SHA-256), which the hasher's marks of the same blocks (``digest.Hasher.start_tree(...,
  marked=True)``) must confirm (``card.inspection.described_files_unchanged``).
"""

from __future__ import annotations

import contextlib
import io
import os

from . import stamps

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

BLOCK = 1 << 20  # the unit of a reading's hash, and of the hasher's marks (``digest.marks_of``)

# path -> (stamp, {(prefix length, sha256 hex)}), or None: two different files read under one path
Noted = dict[str, "tuple[stamps.Stamp, frozenset[tuple[int, str]]] | None"]

_OPEN: list[tuple[str, stamps.Stamp, _Reading]] | None = None  # while ``noting_reads``: every reading


def open_read(path: str | os.PathLike[str]) -> BinaryIO:
    """A regular file opened for reading as one snapshot (``_Reading``, buffered), noted while
    ``noting_reads`` runs. Opened without blocking: a named pipe put under the name after it was listed as a
    file is refused, not waited on for ever (O_NONBLOCK changes nothing for a regular file)."""
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            from .errors import UsageError
            from .textsafe import shown

            raise UsageError(f"{shown(path)}: not a regular file (a named pipe, device or socket); remove it")
        reading = _Reading(fd, os.fspath(path), st.st_size)
    except BaseException:
        os.close(fd)
        raise
    if _OPEN is not None:
        _OPEN.append((os.fspath(path), stamps.key(st), reading))
    return io.BufferedReader(reading, BLOCK)  # type: ignore[return-value]


@contextlib.contextmanager
def noting_reads() -> Iterator[Noted]:
    """Every file ``open_read`` opens in this block, filled in as the block ends: its path as given -> the
    stamp of the file read there and each reading's prefix, or None when two readings of the path met two
    different files. One thread's work at a time; a block inside another hands its readings on."""
    global _OPEN
    saved, _OPEN = _OPEN, []
    opened = _OPEN
    noted: Noted = {}
    try:
        yield noted
    finally:
        _OPEN = saved
        for name, stamp, reading in opened:
            _note(noted, name, stamp, frozenset([reading.prefix()]))
        if saved is not None:  # an enclosing block sees these readings too
            saved.extend(opened)


def _note(noted: Noted, name: str, stamp: stamps.Stamp, prefixes: frozenset[tuple[int, str]]) -> None:
    if name in noted and noted[name] is None:
        return
    before = noted.get(name)
    if before is None:
        noted[name] = (stamp, prefixes)
    elif before[0] != stamp:
        noted[name] = None
    else:
        noted[name] = (stamp, before[1] | prefixes)


def prefix_confirmed(length: int, sha256: str, marks: list[bytes], size: int) -> bool:
    """Whether a reading's prefix (``length`` bytes hashing to ``sha256``) is the start of the bytes the
    hasher read, given its marks (the SHA-256 after each ``BLOCK``, the last one after the final partial
    block: the whole file's) and the file's size. An empty prefix (nothing read) is the start of anything."""
    if length == 0:
        return True
    blocks = -(-length // BLOCK)
    if length != min(blocks * BLOCK, size) or blocks > len(marks):
        return False
    return marks[blocks - 1].hex() == sha256


class _Reading(io.RawIOBase):
    """One opened file, served as one snapshot of its bytes (see the module's docstring)."""

    def __init__(self, fd: int, name: str, size: int) -> None:
        import hashlib

        self.name = name
        self._fd, self._size, self._pos = fd, size, 0
        self._hash = hashlib.sha256()
        self._marks: list[object] = []  # the running hash after each block passed (the last may be partial)
        self._last: tuple[int, bytes] | None = None  # the block read last

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._size}.get(whence)
        if base is None:
            raise ValueError(f"invalid whence ({whence})")
        if base + offset < 0:
            raise OSError(22, "Invalid argument")
        self._pos = base + offset
        return self._pos

    def readinto(self, b: object) -> int:
        view = memoryview(b).cast("B")  # type: ignore[arg-type]
        n = 0
        while n < len(view) and self._pos < self._size:
            index, start = divmod(self._pos, BLOCK)
            chunk = self._block(index)[start : start + len(view) - n]
            view[n : n + len(chunk)] = chunk
            n += len(chunk)
            self._pos += len(chunk)
        return n

    def prefix(self) -> tuple[int, str]:
        """(bytes passed, their SHA-256): every byte this reading served lies in them."""
        import hashlib

        if not self._marks:
            return 0, hashlib.sha256().hexdigest()
        return min(len(self._marks) * BLOCK, self._size), self._marks[-1].hexdigest()  # type: ignore[attr-defined]

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        super().close()

    def _block(self, index: int) -> bytes:
        if self._last is not None and self._last[0] == index:
            return self._last[1]
        while len(self._marks) <= index:  # the first pass, in order, up to this block
            data = self._pread(len(self._marks))
            self._hash.update(data)
            self._marks.append(self._hash.copy())
            self._last = (len(self._marks) - 1, data)
        if self._last is not None and self._last[0] == index:
            return self._last[1]
        data = self._pread(index)  # passed before: read again, and held to its first pass
        import hashlib

        check = self._marks[index - 1].copy() if index else hashlib.sha256()  # type: ignore[attr-defined]
        check.update(data)
        if check.digest() != self._marks[index].digest():  # type: ignore[attr-defined]
            self._changed()
        self._last = (index, data)
        return data

    def _pread(self, index: int) -> bytes:
        want = min(BLOCK, self._size - index * BLOCK)
        parts = []
        got = 0
        while got < want:
            part = os.pread(self._fd, want - got, index * BLOCK + got)
            if not part:
                self._changed()  # shorter than when it was opened
            parts.append(part)
            got += len(part)
        return b"".join(parts)

    def _changed(self) -> None:
        from .errors import UsageError
        from .textsafe import shown

        raise UsageError(
            f"{shown(self.name)}: changed while prov read it (two readings of the same bytes differ); "
            "run the command again once nothing writes it"
        )
