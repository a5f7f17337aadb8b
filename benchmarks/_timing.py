"""Shared by the benchmark scripts: best-of-N wall time."""

from __future__ import annotations

import time
from collections.abc import Callable


def best(fn: Callable[[], object], runs: int) -> float:
    """The fastest of ``runs`` calls, in seconds: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)
