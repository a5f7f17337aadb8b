"""Stat stamps: what says a file is unchanged since it was read, and when that may be believed.

A file's stamp is (device, inode, size, mtime_ns, ctime_ns). Any write changes ctime, and nobody can set
ctime back, so an unchanged stamp means unchanged bytes -- except within one tick of a coarse clock: a
kernel that stamps files from a clock ticking every 1-10 ms gives a change made in the same tick as the
last one the same ctime (git's "racily clean" files). So a stamp is only remembered for a file whose
ctime is older than its reading by more than ``RACY_NS`` (by two seconds for a file system that keeps
whole seconds). A file changed just before it was read is simply read again next time.
"""

from __future__ import annotations

import os

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
