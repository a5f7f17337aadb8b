"""Issue 13: each audit budget's time for the stronger membership attacks (offline RMIA and the learned
black-box attack) beside the loss-threshold audit, on synthetic 10k and 100k rows x 50 features, for a
logistic regression and a random forest (half the rows members, half holdout).

    python benchmarks/bench_attacks.py [--rows 10000 100000] [--models lr rf] [--budgets quick standard thorough]
"""

from __future__ import annotations

import argparse
import time
import warnings

warnings.filterwarnings("ignore")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--models", nargs="+", default=["lr", "rf"])
    ap.add_argument("--budgets", nargs="+", default=["quick", "standard", "thorough"])
    args = ap.parse_args()
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    from provenance.analysis.attacks import run_attacks
    from provenance.analysis.audit import membership_audit

    makers = {
        "lr": lambda: LogisticRegression(max_iter=1000),
        "rf": lambda: RandomForestClassifier(n_estimators=50, min_samples_leaf=2, n_jobs=1, random_state=0),
    }
    print(f"{'rows':>7} {'model':5} {'budget':9} {'fit':>7} {'loss':>7} {'attacks':>8}  strongest (AUC / advantage)")
    for rows in args.rows:
        x, y = make_classification(n_samples=rows, n_features=50, n_informative=20, random_state=0)
        half = rows // 2
        for name in args.models:
            t = time.perf_counter()
            model = makers[name]().fit(x[:half], y[:half])
            fit = time.perf_counter() - t
            t = time.perf_counter()
            membership_audit(model, x[:half], y[:half], x[half:], y[half:])
            loss = time.perf_counter() - t
            for budget in args.budgets:
                t = time.perf_counter()
                results, _ = run_attacks(model, x[:half], y[:half], x[half:], y[half:], budget)
                took = time.perf_counter() - t
                best = max(results, key=lambda r: r.advantage)
                print(
                    f"{rows:>7} {name:5} {budget:9} {fit:6.1f}s {loss:6.1f}s {took:7.1f}s  "
                    f"{best.attack.split(' (')[0]}: {best.auc:.3f} / {best.advantage:.3f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
