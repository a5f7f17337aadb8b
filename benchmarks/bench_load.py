"""Loading speed: prov's policy loader (parse, judge, build) against plain joblib.load on the same file.

Run: `make bench` (or `python benchmarks/bench_load.py [--mb 100]`). Builds a random forest whose joblib
file is about --mb MB (uncompressed and zlib-compressed), then times interleaved runs of both loaders
(median of --runs) and prints the ratio; the issue's target is at most 1.5x joblib.load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import joblib
import numpy as np
from sklearn.ensemble import RandomForestRegressor

from provenance.analysis.safe_load import inspect_pickle, load_model, load_parsed


def forest_of(mb: int, path: Path) -> Path:
    """A fully grown forest: ~72 bytes per node, ~2 nodes per distinct training row, trees added until --mb."""
    rng = np.random.RandomState(0)
    x = rng.rand(60_000, 8)
    y = x @ rng.rand(8) + rng.rand(60_000)
    trees = 1
    while True:
        model = RandomForestRegressor(n_estimators=trees, random_state=0, n_jobs=1).fit(x, y)
        joblib.dump(model, path)
        size = path.stat().st_size
        if size >= mb * 1e6:
            return path
        trees = max(trees + 1, int(trees * mb * 1e6 / size))


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = forest_of(args.mb, Path(tmp) / "forest.joblib")
        compressed = Path(tmp) / "forest.z.joblib"
        joblib.dump(joblib.load(plain), compressed, compress=("zlib", 3))
        worst = 0.0
        for path in (plain, compressed):
            ours, theirs, inspect, hashed = [], [], [], []
            for _ in range(args.runs):  # interleaved, so drift on a shared machine hits both alike
                theirs.append(timed(lambda p=path: joblib.load(p)))
                ours.append(timed(lambda p=path: load_model(p)))
                inspect.append(timed(lambda p=path: inspect_pickle(p)))
                hashed.append(timed(lambda p=path: load_parsed(p, inspect_pickle(p, digest=True))))
            ratio = statistics.median(ours) / statistics.median(theirs)
            worst = max(worst, ratio)
            print(
                f"{path.name:18} {path.stat().st_size / 1e6:7.1f} MB  joblib.load {statistics.median(theirs):6.3f} s  "
                f"prov load {statistics.median(ours):6.3f} s  = {ratio:4.2f}x  (inspection alone "
                f"{statistics.median(inspect):6.3f} s; hashing the bytes too, as provenance.load does: "
                f"{statistics.median(hashed):6.3f} s = {statistics.median(hashed) / statistics.median(theirs):4.2f}x)"
            )
    print(f"worst ratio {worst:.2f}x (target <= 1.5x)")
    return 0 if worst <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
