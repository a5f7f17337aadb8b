"""One table for every benchmark: each row is prov against the peer measured in the same run.

A benchmark module exposes ``rows(quick: bool = False) -> list[Row]`` (its measurements, peer
included) and keeps a ``main()`` that prints ``table(rows())`` when run by itself. ``benchmarks/run.py``
(``make bench``) collects the rows of all of them and prints one table.

The ratio is prov's figure over the peer's, whatever the unit: for times lower is better, for rates
(``higher_is_better``) higher is. A target is checked on the ratio when a peer was measured, otherwise
on prov's figure.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    what: str  # "prov card, example pipeline (no --train)"
    prov: float
    unit: str  # "s", "ms", "MB/s", "entries/s", "MiB", "files"
    peer: str | None = None  # "python -c pass", "openssl dgst -sha256", "model_signing verify key"
    peer_value: float | None = None
    limit: float | None = None  # the target: on the ratio when there is a peer, else on prov's figure
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        if self.peer_value is None or self.peer_value == 0:
            return None
        return self.prov / self.peer_value

    @property
    def passed(self) -> bool | None:
        if self.limit is None:
            return None
        value = self.ratio if self.peer is not None else self.prov
        if value is None:
            return None
        return value >= self.limit if self.higher_is_better else value <= self.limit

    def target(self) -> str:
        if self.limit is None:
            return ""
        op = ">=" if self.higher_is_better else "<="
        return f"{op} {self.limit:g}x" if self.peer is not None else f"{op} {_num(self.limit)} {self.unit}"


def _num(v: float) -> str:
    if v == 0 or abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"


def table(rows: Sequence[Row]) -> str:
    """The rows as aligned text: what, prov, peer, ratio, target, PASS/FAIL."""
    head = ("benchmark", "prov", "peer", "peer value", "ratio", "target", "")
    body = []
    for r in rows:
        verdict = {True: "PASS", False: "FAIL", None: ""}[r.passed]
        body.append(
            (
                r.what,
                f"{_num(r.prov)} {r.unit}",
                r.peer or "",
                f"{_num(r.peer_value)} {r.unit}" if r.peer_value is not None else "",
                f"{r.ratio:.2f}x" if r.ratio is not None else "",
                r.target(),
                verdict,
            )
        )
    widths = [max(len(str(line[i])) for line in [head, *body]) for i in range(len(head))]
    right = {1, 3, 4}

    def fmt(line: Sequence[str]) -> str:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(head), rule, *(fmt(b) for b in body)])


def median_interleaved(fns: Sequence[Callable[[], object]], runs: int) -> list[float]:
    """Each function's median wall time, the runs interleaved (a, b, a, b, ...) so that drift on a shared
    machine hits every side alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t)
    return [statistics.median(t) for t in times]


def command(cmd: Sequence[str], **kwargs: object) -> Callable[[], None]:
    """A callable that runs ``cmd`` and fails the benchmark loudly (with its stderr) if it fails."""

    def run() -> None:
        r = subprocess.run(list(cmd), capture_output=True, **kwargs)  # type: ignore[call-overload]
        if r.returncode != 0:
            err = (r.stderr or r.stdout or b"").decode(errors="replace")[-600:]
            raise SystemExit(f"{' '.join(map(str, cmd[:5]))}... exited {r.returncode}: {err}")

    return run


def bare_python() -> Callable[[], None]:
    """``python -c pass`` with this interpreter: the floor every start-up is measured against."""
    return command([sys.executable, "-c", "pass"])
