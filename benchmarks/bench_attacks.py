"""Issue 13: each audit budget's time for the whole membership audit a card runs (the loss threshold,
offline RMIA and the learned black-box attack, with their bootstrap intervals and the duplicate check),
on synthetic 10k and 100k rows x 50 features, for a logistic regression and a random forest (half the
rows members, half holdout). The peer, on the rows where it finishes in reasonable time: IBM ART's
MembershipInferenceBlackBox (random forest) trained and scored on the same rows.

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

    from provenance.analysis.membership import membership
    from provenance.analysis.privacy import Data

    makers = {
        "lr": lambda: LogisticRegression(max_iter=1000),
        "rf": lambda: RandomForestClassifier(n_estimators=50, min_samples_leaf=2, n_jobs=1, random_state=0),
    }
    print(f"{'rows':>7} {'model':5} {'budget':9} {'fit':>7} {'audit':>8} {'vs ART':>7}  verdict (upper bound, attack)")
    for rows in args.rows:
        x, y = make_classification(n_samples=rows, n_features=50, n_informative=20, random_state=0)
        half = rows // 2
        for name in args.models:
            t = time.perf_counter()
            model = makers[name]().fit(x[:half], y[:half])
            fit = time.perf_counter() - t
            peer = _art_seconds(model, x[:half], y[:half], x[half:], y[half:]) if rows <= 20_000 else None
            for budget in args.budgets:
                t = time.perf_counter()
                audit = membership(model, Data(x[:half], y[:half]), Data(x[half:], y[half:]), budget=budget)
                took = time.perf_counter() - t
                bound = audit.bound()
                ratio = f"{took / peer:6.1f}x" if peer else "      -"
                print(
                    f"{rows:>7} {name:5} {budget:9} {fit:6.1f}s {took:7.1f}s {ratio}  "
                    f"{bound.upper:.3f}, {bound.attack.split(' (')[0]}",
                    flush=True,
                )
            if peer:
                print(f"{rows:>7} {name:5} {'ART':9} {'':7} {peer:7.1f}s  (MembershipInferenceBlackBox rf, one run)")


def _art_seconds(model, x_in, y_in, x_out, y_out) -> float | None:  # type: ignore[no-untyped-def]
    """ART's learned attack fitted on half of each group and scored on the rest: one run's seconds."""
    try:
        from art.attacks.inference.membership_inference import MembershipInferenceBlackBox
        from art.estimators.classification import SklearnClassifier
    except ImportError:
        return None
    import numpy as np

    t = time.perf_counter()
    hm, hn = len(y_in) // 2, len(y_out) // 2
    attack = MembershipInferenceBlackBox(SklearnClassifier(model=model), attack_model_type="rf")
    attack.fit(x_in[:hm], y_in[:hm], x_out[:hn], y_out[:hn])
    attack.infer(np.vstack([x_in[hm:], x_out[hn:]]), np.r_[y_in[hm:], y_out[hn:]], probabilities=True)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
