"""Stat stamps: what says a file is unchanged since it was read, and when that may be believed.

A file's stamp is (device, inode, size, mtime_ns, ctime_ns). Any write changes ctime, and nobody can set
ctime back, so an unchanged stamp means unchanged bytes -- except within one tick of a coarse clock: a
kernel that stamps files from a clock ticking every 1-10 ms gives a change made in the same tick as the
last one the same ctime (git's "racily clean" files). So a stamp is only remembered for a file whose
ctime is older than its reading by more than ``RACY_NS`` (by two seconds for a file system that keeps
whole seconds). A file changed just before it was read is simply read again next time.
"""

from __future__ import annotations

import contextlib
import os

TYPE_CHECKING = False  # not typing's: this module is on `prov verify`'s start-up path
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

RACY_NS = 20_000_000

Stamp = tuple[int, int, int, int, int]


def key(st: os.stat_result) -> Stamp:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def of(path: str | os.PathLike[str]) -> Stamp | None:
    """``path``'s stamp (links followed), None when it cannot be stat'ed."""
    try:
        return key(os.stat(path))
    except OSError:
        return None


def settled(ctime_ns: int, started_ns: int) -> bool:
    """Was a file with this ctime last changed long enough before ``started_ns`` (a ``time.time_ns()``
    taken before it was read) that any later change gives it another ctime?"""
    margin = 2_000_000_000 if ctime_ns % 1_000_000_000 == 0 else RACY_NS
    return ctime_ns < started_ns - margin


# --- what a reader actually read ------------------------------------------------------------------------
# A path names whatever file is there when it is opened: a parent directory exchanged for another between two
# readings (rename(2) with RENAME_EXCHANGE) gives the second reading another file under the same name, and
# neither file's own stamp moves. So whoever must say "these readings saw the same bytes" compares the stamps
# of the descriptors read, noted here as each file is opened, not stamps looked up by path before or after.

_NOTED: dict[str, Stamp | None] | None = None  # while ``noting_reads``: path -> stamp (None: two files)


def open_read(path: str | os.PathLike[str]) -> BinaryIO:
    """``open(path, "rb")`` of a regular file, noting the opened file's stamp (``noting_reads``). The
    artefact's inspection opens every file it reads through here."""
    import stat

    # Without blocking: a named pipe put under the name after it was listed as a file is refused here,
    # not waited on for ever (O_NONBLOCK changes nothing for a regular file).
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            from .errors import UsageError
            from .textsafe import shown

            raise UsageError(f"{shown(path)}: not a regular file (a named pipe, device or socket); remove it")
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    if _NOTED is not None:
        seen = key(st)
        name = os.fspath(path)
        if _NOTED.setdefault(name, seen) != seen:
            _NOTED[name] = None  # two different files read under one name
    return f


@contextlib.contextmanager
def noting_reads() -> Iterator[dict[str, Stamp | None]]:
    """Every file ``open_read`` opens in this block: its path as given -> the stamp of the file read there
    (None when two readings of the path met two different files). One thread's work at a time; a block
    inside another hands its readings on to the outer one."""
    global _NOTED
    saved, _NOTED = _NOTED, {}
    noted = _NOTED
    try:
        yield noted
    finally:
        _NOTED = saved
        if saved is not None:  # an enclosing block sees these readings too
            for name, seen in noted.items():
                if saved.setdefault(name, seen) != seen:
                    saved[name] = None
