"""Stronger membership-inference attacks than the loss threshold (issue 13, first part: the attacks).

The loss-threshold attack (``audit.py``) is the weakest standard attack; an anonymity verdict resting on
it can understate leakage. Two stronger ones, scored the same way (ROC AUC, advantage, TPR at low FPR,
bootstrap intervals):

- **RMIA, offline** (Zarifzadeh et al., "Low-Cost High-Power Membership Inference Attacks", ICML 2024):
  reference models -- the target's own estimator, cloned with its hyper-parameters -- are fitted on
  random halves of a population set (the holdout). For a point x, Pr(x|target) is the probability the
  target gives its true label; Pr(x) is the mean over the reference models that did *not* see x, with the
  paper's offline correction ``(1+a)/2 * mean + (1-a)/2``. The score is the share of population points z
  whose likelihood ratio x beats by a factor gamma (1 here: with a few hundred population points, a larger
  gamma leaves most scores at 0 and the attack unable to rank them). Every point is scored only by references it was not
  in, so members (never in a reference) and non-members are measured alike.
- **Learned black-box** (Shokri et al. 2017; the attack ART calls MembershipInferenceBlackBox): a random
  forest on the target's outputs (sorted class probabilities, the true label's probability, the loss),
  trained and scored by cross-fitting, so every sample's score comes from an attack model that never saw it.

Everything runs in this process (n_jobs=1): an audit starts no workers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .audit import FPRS, _roc, bootstrap_intervals, per_sample_loss, roc_points


@dataclass
class AttackResult:
    attack: str
    auc: float
    auc_ci: tuple[float, float]
    advantage: float
    advantage_ci: tuple[float, float]
    tpr_at_fpr: dict[str, float | None]
    n_members: int
    n_nonmembers: int
    seconds: float
    distinct_scores: int
    notes: list[str] = field(default_factory=list)
    roc: list[tuple[float, float]] = field(default_factory=list)


def score_attack(
    attack: str, members: np.ndarray, nonmembers: np.ndarray, *, bootstrap: int = 200, seed: int = 0, started: float
) -> AttackResult:
    """ROC AUC, advantage and TPR at each FPR for the score "higher = member", with bootstrap intervals.
    A TPR is reported only where the non-members can resolve that FPR and the scores have enough
    distinct values to place a threshold there; otherwise None, with a note saying why."""
    auc, adv, fpr, tpr = _roc(members, nonmembers)
    distinct = len(np.unique(np.concatenate([members, nonmembers])))
    notes: list[str] = []
    at: dict[str, float | None] = {}
    for f in FPRS:
        key = f"{f:g}"
        needed = int(np.ceil(1 / f))
        resolvable = fpr[(fpr > 0) & (fpr <= f)]
        if len(nonmembers) < needed:
            at[key] = None
            notes.append(f"TPR at FPR {f:g} needs at least {needed} non-members; there are {len(nonmembers)}")
        elif len(resolvable) == 0:
            at[key] = None
            notes.append(
                f"TPR at FPR {f:g}: the scores take {distinct} distinct values, too few to place a threshold "
                f"there; the advantage ({adv:.3f}) says what the attack achieves"
            )
        else:
            at[key] = float(np.max(tpr[fpr <= f]))
    auc_ci, adv_ci = bootstrap_intervals(members, nonmembers, bootstrap, seed)
    return AttackResult(
        attack,
        auc,
        auc_ci,
        adv,
        adv_ci,
        at,
        len(members),
        len(nonmembers),
        time.perf_counter() - started,
        distinct,
        notes,
        roc_points(fpr, tpr),
    )


def _true_label_probability(model: Any, x: Any, y: Any) -> np.ndarray:
    """Pr(x | model): the probability the model gives the true label (exp(-loss) for classifiers; a
    Gaussian-like exp(-error) for regressors), clipped away from 0 and 1."""
    loss, _ = per_sample_loss(model, x, y)
    return np.clip(np.exp(-loss), 1e-12, 1.0)


def rmia_offline(
    model: Any,
    x_train: Any,
    y_train: Any,
    x_holdout: Any,
    y_holdout: Any,
    *,
    references: int = 4,
    a: float = 0.3,
    gamma: float = 1.0,
    bootstrap: int = 200,
    seed: int = 0,
) -> AttackResult:
    """RMIA with ``references`` reference models fitted on random halves of the holdout (see the module)."""
    from sklearn.base import clone

    started = time.perf_counter()
    x_train, y_train = np.asarray(x_train), np.asarray(y_train)
    x_holdout, y_holdout = np.asarray(x_holdout), np.asarray(y_holdout)
    rng = np.random.default_rng(seed)
    n_out = len(y_holdout)
    p_train_ref = np.zeros((references, len(y_train)))
    p_hold_ref = np.full((references, n_out), np.nan)  # NaN where the reference saw the point
    fitted = 0
    for r in range(references):
        half = rng.permutation(n_out)[: n_out // 2]
        if len(np.unique(y_holdout[half])) < len(np.unique(y_holdout)):
            half = rng.permutation(n_out)[: n_out // 2]  # every class in the half, or the clone cannot fit
        ref = clone(model)
        ref.fit(x_holdout[half], y_holdout[half])
        fitted += 1
        p_train_ref[r] = _true_label_probability(ref, x_train, y_train)
        out = np.ones(n_out, dtype=bool)
        out[half] = False
        p_hold_ref[r, out] = _true_label_probability(ref, x_holdout[out], y_holdout[out])
    p_train = _true_label_probability(model, x_train, y_train)
    p_hold = _true_label_probability(model, x_holdout, y_holdout)
    notes: list[str] = []
    seen_by_all = np.all(np.isnan(p_hold_ref), axis=0)
    if seen_by_all.any():
        notes.append(f"{int(seen_by_all.sum())} holdout points were in every reference model and are left out")
    mean_train = p_train_ref.mean(axis=0)
    with np.errstate(invalid="ignore"):
        mean_hold = np.nanmean(np.where(seen_by_all, 1.0, p_hold_ref), axis=0)
    prior_train = (1 + a) / 2 * mean_train + (1 - a) / 2
    prior_hold = (1 + a) / 2 * mean_hold + (1 - a) / 2
    ratio_train = p_train / prior_train
    ratio_hold = p_hold / prior_hold
    population = np.sort(ratio_hold[~seen_by_all])  # z: the holdout points, each by references without it

    def share_beaten(ratios: np.ndarray) -> np.ndarray:
        # the share of z with ratio(x) / ratio(z) > gamma, i.e. ratio(z) < ratio(x) / gamma. One
        # denominator for members and non-members alike: a non-member is among the z, but with gamma > 1 it
        # never beats itself, and scaling the two groups differently would rank ties by group.
        return np.searchsorted(population, ratios / gamma, side="left") / max(len(population), 1)

    members = share_beaten(ratio_train)
    nonmembers = share_beaten(ratio_hold[~seen_by_all])
    result = score_attack(
        f"RMIA (offline, {fitted} reference models)",
        members,
        nonmembers,
        bootstrap=bootstrap,
        seed=seed,
        started=started,
    )
    result.notes = notes + result.notes
    return result


def _features(model: Any, x: Any, y: Any) -> np.ndarray:
    """What a black-box attacker sees: the sorted output vector, the true label's probability, the loss."""
    loss, _ = per_sample_loss(model, x, y)
    columns = [loss.reshape(-1, 1), np.exp(-loss).reshape(-1, 1)]
    if hasattr(model, "predict_proba"):
        try:
            proba = np.asarray(model.predict_proba(x), dtype=float)
            columns.append(-np.sort(-proba, axis=1))
        except (AttributeError, NotImplementedError):
            pass
    return np.hstack(columns)


def learned_black_box(
    model: Any,
    x_train: Any,
    y_train: Any,
    x_holdout: Any,
    y_holdout: Any,
    *,
    folds: int = 5,
    trees: int = 100,
    bootstrap: int = 200,
    seed: int = 0,
    max_train: int = 20_000,
) -> AttackResult:
    """A random-forest attack model on the target's outputs, cross-fitted: each sample is scored by an
    attack trained on the other folds (members and non-members balanced by sampling weights)."""
    from sklearn.ensemble import RandomForestClassifier

    started = time.perf_counter()
    f_in = _features(model, x_train, y_train)
    f_out = _features(model, x_holdout, y_holdout)
    feats = np.vstack([f_in, f_out])
    labels = np.r_[np.ones(len(f_in)), np.zeros(len(f_out))]
    rng = np.random.default_rng(seed)
    fold = rng.integers(0, folds, len(labels))
    scores = np.zeros(len(labels))
    weight = np.where(labels == 1, len(labels) / (2 * max(len(f_in), 1)), len(labels) / (2 * max(len(f_out), 1)))
    for k in range(folds):
        test = fold == k
        train = ~test
        if not test.any() or len(np.unique(labels[train])) < 2:
            continue
        rows = np.flatnonzero(train)
        if len(rows) > max_train:  # the attack learns a few output features: 20k rows suffice, and keep it fast
            rows = rng.choice(rows, max_train, replace=False)
        attack = RandomForestClassifier(n_estimators=trees, min_samples_leaf=5, random_state=seed + k, n_jobs=1)
        attack.fit(feats[rows], labels[rows], sample_weight=weight[rows])
        scores[test] = attack.predict_proba(feats[test])[:, 1]
    return score_attack(
        f"learned black-box (random forest on outputs, {folds}-fold)",
        scores[labels == 1],
        scores[labels == 0],
        bootstrap=bootstrap,
        seed=seed,
        started=started,
    )


@dataclass(frozen=True)
class Budget:
    references: int  # RMIA reference models (each a re-fit of the model on half the holdout)
    bootstrap: int  # resamples for the confidence intervals
    folds: int  # cross-fitting folds of the learned attack
    trees: int  # trees in the learned attack's forest


# `--audit quick|standard|thorough`: standard must finish in under a minute on 100k rows x 50 features for a
# linear model (benchmarks/bench_attacks.py).
BUDGETS = {
    "quick": Budget(references=2, bootstrap=50, folds=3, trees=50),
    "standard": Budget(references=4, bootstrap=200, folds=3, trees=100),
    "thorough": Budget(references=16, bootstrap=1000, folds=5, trees=300),
}


def run_attacks(
    model: Any, x_train: Any, y_train: Any, x_holdout: Any, y_holdout: Any, budget: str = "standard", seed: int = 0
) -> tuple[list[AttackResult], list[str]]:
    """Every attack the budget allows, and notes on those that could not run: RMIA needs the estimator
    re-fitted, which an estimator prov cannot clone or fit (or a holdout too small to halve) rules out."""
    b = BUDGETS[budget]
    notes: list[str] = []
    results = [
        learned_black_box(
            model,
            x_train,
            y_train,
            x_holdout,
            y_holdout,
            folds=b.folds,
            trees=b.trees,
            bootstrap=b.bootstrap,
            seed=seed,
        )
    ]
    try:
        results.insert(
            0,
            rmia_offline(
                model, x_train, y_train, x_holdout, y_holdout, references=b.references, bootstrap=b.bootstrap, seed=seed
            ),
        )
    except Exception as e:  # clone or fit refused: the attacks that need no re-fit still run
        notes.append(f"RMIA not run: the model could not be re-fitted for reference models ({type(e).__name__}: {e})")
    return results, notes
