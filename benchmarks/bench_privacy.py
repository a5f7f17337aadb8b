"""The verbatim scan and the membership audit on 100k rows x 50 features.

No peer and no target: the rows are figures to watch. Run: `make bench` (or
`python benchmarks/bench_privacy.py [--rows N] [--features F] [--bootstrap B] [--quick]`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from provenance.analysis.audit import membership_audit
from provenance.analysis.verbatim import scan

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, table


def timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def rows(
    quick: bool = False, *, n_rows: int | None = None, features: int | None = None, bootstrap: int | None = None
) -> list[Row]:
    n = n_rows or (5_000 if quick else 100_000)
    f = features or (20 if quick else 50)
    bootstrap = bootstrap or (50 if quick else 200)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2 * n, f))
    y = (x[:, :5].sum(axis=1) + rng.normal(size=2 * n) > 0).astype(int)
    x_tr, y_tr, x_te, y_te = x[:n], y[:n], x[n:], y[n:]

    knn = KNeighborsClassifier(1).fit(x_tr, y_tr)
    result, t_scan = timed(lambda: scan(knn, x_tr))
    if result.rows_found != n:
        raise SystemExit(f"the verbatim scan found {result.rows_found} of the 1-NN's {n} training rows")
    lr = LogisticRegression(max_iter=200).fit(x_tr, y_tr)
    result_lr, t_scan_lr = timed(lambda: scan(lr, x_tr))
    if result_lr.rows_found != 0:
        raise SystemExit(f"the verbatim scan found {result_lr.rows_found} rows in a logistic regression")
    audit, t_audit = timed(lambda: membership_audit(lr, x_tr, y_tr, x_te, y_te, bootstrap=bootstrap))
    print(
        f"bench_privacy: membership audit AUC {audit.auc:.3f}, advantage {audit.advantage:.3f}, "
        f"TPR@0.1% {audit.tpr_at_fpr['0.001']}",
        file=sys.stderr,
    )
    data = f"{n:,} rows x {f}"
    return [
        Row(f"verbatim scan, 1-NN storing every row, {data}", t_scan, "s"),
        Row(f"verbatim scan, logistic regression, {data}", t_scan_lr, "s"),
        Row(f"membership audit, {bootstrap} bootstrap resamples, {data} (+ holdout)", t_audit, "s"),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=None, help="training rows (as many held out), default 100,000")
    ap.add_argument("--features", type=int, default=None, help="default 50")
    ap.add_argument("--bootstrap", type=int, default=None, help="default 200")
    ap.add_argument("--quick", action="store_true", help="a smoke run: 5,000 rows x 20 features, 50 resamples")
    args = ap.parse_args()
    result = rows(args.quick, n_rows=args.rows, features=args.features, bootstrap=args.bootstrap)
    print(table(result))
    return 0 if all(r.passed is not False for r in result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
