"""Issue 13: each audit budget's time for the whole membership audit a card runs (the loss threshold,
offline RMIA and the learned black-box attack, with their bootstrap intervals and the duplicate check),
on synthetic 10k and 100k rows x 50 features, for a logistic regression and a random forest (half the
rows members, half holdout). The peer, on the rows where it finishes in reasonable time (up to 20k): IBM
ART's MembershipInferenceBlackBox (random forest) trained and scored on the same rows, one run (it is
required there: without ART the benchmark does not run). No target: the ratios are figures to watch.

    python benchmarks/bench_attacks.py [--rows 10000 100000] [--models lr rf] [--budgets quick standard thorough]
                                       [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, table  # noqa: E402

ART_ROWS = 20_000  # the peer runs up to this many rows (past it, it takes too long to be worth waiting for)
ART = "ART MembershipInferenceBlackBox (rf)"


def rows(
    quick: bool = False,
    *,
    n_rows: list[int] | None = None,
    models: list[str] | None = None,
    budgets: list[str] | None = None,
) -> list[Row]:
    n_rows = n_rows or ([2_000] if quick else [10_000, 100_000])
    models = models or (["lr"] if quick else ["lr", "rf"])
    budgets = budgets or (["quick"] if quick else ["quick", "standard", "thorough"])
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    from provenance.analysis.membership import membership
    from provenance.analysis.privacy import Data

    if any(n <= ART_ROWS for n in n_rows):
        try:
            import art  # noqa: F401
        except ImportError as e:
            raise SystemExit(
                f"IBM ART, the peer, cannot be imported ({e}): pip install 'adversarial-robustness-toolbox>=1.17' "
                "packaging"
            ) from None

    makers = {
        "lr": lambda: LogisticRegression(max_iter=1000),
        "rf": lambda: RandomForestClassifier(n_estimators=50, min_samples_leaf=2, n_jobs=1, random_state=0),
    }
    result = []
    for n in n_rows:
        x, y = make_classification(n_samples=n, n_features=50, n_informative=20, random_state=0)
        half = n // 2
        for name in models:
            t = time.perf_counter()
            model = makers[name]().fit(x[:half], y[:half])
            fit = time.perf_counter() - t
            peer = _art_seconds(model, x[:half], y[:half], x[half:], y[half:]) if n <= ART_ROWS else None
            for budget in budgets:
                t = time.perf_counter()
                audit = membership(model, Data(x[:half], y[:half]), Data(x[half:], y[half:]), budget=budget)
                took = time.perf_counter() - t
                bound = audit.bound()
                print(
                    f"bench_attacks: {n:,} rows, {name} (fit {fit:.1f} s), {budget}: upper bound {bound.upper:.3f}, "
                    f"{bound.attack.split(' (')[0]}",
                    file=sys.stderr,
                    flush=True,
                )
                what = f"membership audit, {budget}, {name}, {n:,} rows x 50"
                result.append(Row(what, took, "s", ART if peer is not None else None, peer))
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=None, help="default 10000 100000 (--quick: 2000)")
    ap.add_argument("--models", nargs="+", default=None, help="lr, rf (--quick: lr)")
    ap.add_argument("--budgets", nargs="+", default=None, help="quick standard thorough (--quick: quick)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: one small audit")
    args = ap.parse_args()
    result = rows(args.quick, n_rows=args.rows, models=args.models, budgets=args.budgets)
    print(table(result))
    return 0 if all(r.passed is not False for r in result) else 1


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
    raise SystemExit(main())
