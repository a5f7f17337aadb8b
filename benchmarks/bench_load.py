"""Loading speed: prov's policy loader (parse, judge, build) against plain joblib.load on the same file.

Run: `make bench` (or `python benchmarks/bench_load.py [--mb 100]`). Builds a random forest whose joblib
file is about --mb MB (uncompressed and zlib-compressed), then times interleaved runs of both loaders
(median of --runs) and prints the ratios; the issue's target is at most 1.5x joblib.load for each file.
Also shown against joblib.load, without a target: the inspection alone, and the inspection with the
bytes hashed, then the build (what provenance.load does).
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, table


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


def rows(quick: bool = False, *, mb: int | None = None, runs: int | None = None) -> list[Row]:
    mb = mb or (5 if quick else 100)
    runs = runs or (3 if quick else 5)
    result = []
    with tempfile.TemporaryDirectory() as tmp:
        plain = forest_of(mb, Path(tmp) / "forest.joblib")
        compressed = Path(tmp) / "forest.z.joblib"
        joblib.dump(joblib.load(plain), compressed, compress=("zlib", 3))
        for path, kind in ((plain, "uncompressed"), (compressed, "zlib")):
            ours, theirs, inspect, hashed = [], [], [], []
            for _ in range(runs):  # interleaved, so drift on a shared machine hits both alike
                theirs.append(timed(lambda p=path: joblib.load(p)))
                ours.append(timed(lambda p=path: load_model(p)))
                inspect.append(timed(lambda p=path: inspect_pickle(p)))
                hashed.append(timed(lambda p=path: load_parsed(p, inspect_pickle(p, digest=True))))
            what = f"{plain.stat().st_size / 1e6:.0f} MB forest, {kind}"
            if path != plain:
                what += f" to {path.stat().st_size / 1e6:.0f} MB"
            peer, peer_value = "joblib.load", statistics.median(theirs)
            result += [
                Row(f"prov load (policy loader), {what}", statistics.median(ours), "s", peer, peer_value, limit=1.5),
                Row(
                    f"provenance.load (+ sha256 of the bytes), {what}",
                    statistics.median(hashed),
                    "s",
                    peer,
                    peer_value,
                ),
                Row(f"prov inspection alone, {what}", statistics.median(inspect), "s", peer, peer_value),
            ]
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=int, default=None, help="size of the forest's joblib file, default 100 (--quick: 5)")
    ap.add_argument("--runs", type=int, default=None, help="interleaved runs, medians (default 5; --quick: 3)")
    ap.add_argument("--quick", action="store_true", help="a smoke run on a small forest")
    args = ap.parse_args()
    result = rows(args.quick, mb=args.mb, runs=args.runs)
    print(table(result))
    return 0 if all(r.passed is not False for r in result) else 1


if __name__ == "__main__":
    sys.exit(main())
