"""The verbatim scan and the membership audit on 100k rows x 50 features.

Run: `make bench` (or `python benchmarks/bench_privacy.py [--rows N] [--features F]`).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from provenance.analysis.audit import membership_audit
from provenance.analysis.verbatim import scan


def timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--features", type=int, default=50)
    ap.add_argument("--bootstrap", type=int, default=200)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    n, f = args.rows, args.features
    x = rng.normal(size=(2 * n, f))
    y = (x[:, :5].sum(axis=1) + rng.normal(size=2 * n) > 0).astype(int)
    x_tr, y_tr, x_te, y_te = x[:n], y[:n], x[n:], y[n:]

    knn = KNeighborsClassifier(1).fit(x_tr, y_tr)
    result, t_scan = timed(lambda: scan(knn, x_tr))
    assert result.rows_found == n
    lr = LogisticRegression(max_iter=200).fit(x_tr, y_tr)
    result_lr, t_scan_lr = timed(lambda: scan(lr, x_tr))
    assert result_lr.rows_found == 0
    audit, t_audit = timed(lambda: membership_audit(lr, x_tr, y_tr, x_te, y_te, bootstrap=args.bootstrap))

    print(f"data: {n} training rows + {n} holdout rows, {f} features")
    print(f"verbatim scan, 1-NN storing every row     {t_scan:7.2f} s  ({result.rows_found} rows found)")
    print(f"verbatim scan, logistic regression        {t_scan_lr:7.2f} s  ({result_lr.rows_found} rows found)")
    print(
        f"membership audit, {args.bootstrap} bootstrap resamples  {t_audit:7.2f} s  "
        f"(AUC {audit.auc:.3f}, advantage {audit.advantage:.3f}, TPR@0.1% {audit.tpr_at_fpr['0.001']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
