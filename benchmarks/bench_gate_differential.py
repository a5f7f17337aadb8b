"""The one-gate differential at length: the hook's fast path, `prov check` (staged and --all) and
`prov export --dry-run` to the repository's audience on many generated repository states (the CI
test runs a dozen). Each state is a real git repository with real signed cards.

Run: `make bench-gate-differential` (or `python benchmarks/bench_gate_differential.py --examples 300`).
Prints how many states were tried, how many each verdict had, and the blocking codes seen.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hypothesis import HealthCheck, given, settings
from test_gate_differential import agree, build, states, verdicts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--examples", type=int, default=300)
    args = ap.parse_args()
    import joblib
    from sklearn.linear_model import LogisticRegression

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PROV_HOME"] = str(Path(tmp) / "home")
        model = Path(tmp) / "m.joblib"
        joblib.dump(LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]), model)
        model_bytes = model.read_bytes()
        outcomes: collections.Counter[str] = collections.Counter()
        codes: collections.Counter[str] = collections.Counter()
        here = os.getcwd()
        n = [0]

        @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(state=states())
        def run(state: dict) -> None:  # type: ignore[type-arg]
            n[0] += 1
            case = Path(tmp) / f"s{n[0]}"
            case.mkdir()
            try:
                v = verdicts(build(case, state, model_bytes))
            finally:
                os.chdir(here)
            agree(v)
            outcomes["refused" if v["check"][0] else "allowed"] += 1
            for blocking in v["by_export"].values():
                codes.update(blocking)

        start = time.perf_counter()
        run()
        took = time.perf_counter() - start
    print(f"{n[0]} repository states in {took:.0f} s: hook, check, check --all and export --dry-run agreed on all")
    print(f"  verdicts: {dict(outcomes)}")
    print(f"  blocking codes seen: {dict(codes.most_common())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
