"""The differential property at scale: prov's inspection against plain joblib.load on tens of thousands
of mutated real files and generated opcode streams (the CI test runs a few hundred of each).

Run: `make bench-differential` (or `python benchmarks/bench_differential.py --examples 20000`).
Prints how many inputs prov judged safe (and were then loaded by plain joblib.load in a separate
process: no global outside the table, no crash) and how many it refused.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from differential import PlainLoader, check_one, mutated, opcode_streams, seeds
from hypothesis import HealthCheck, given, settings


def _run(strategy: object, examples: int, case: Path, loader: PlainLoader) -> collections.Counter[str]:
    outcomes: collections.Counter[str] = collections.Counter()

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=strategy)
    def run(data: bytes) -> None:
        outcomes[check_one(data, case, loader)] += 1

    run()
    return outcomes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--examples", type=int, default=20_000, help="examples per strategy")
    args = ap.parse_args()
    loader = PlainLoader()
    with tempfile.TemporaryDirectory() as tmp:
        base = seeds(Path(tmp))
        case = Path(tmp) / "case.joblib"
        for label, strategy in (("mutated real files", mutated(base)), ("generated opcode streams", opcode_streams())):
            t = time.perf_counter()
            outcomes = _run(strategy, args.examples, case, loader)
            elapsed = time.perf_counter() - t
            total = sum(outcomes.values())
            print(
                f"{label:26} {total:>7} examples in {elapsed:6.1f} s: {outcomes['safe']:>6} judged safe and "
                f"confirmed by plain joblib.load, {outcomes['refused']:>6} refused; disagreements: 0"
            )
    loader.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
