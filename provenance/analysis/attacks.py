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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .audit import FPRS, _roc, bootstrap_intervals, per_sample_loss, roc_points, tpr_at_fprs


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
    tpr_at_fpr_ci: dict[str, tuple[float, float]] = field(default_factory=dict)


def score_attack(
    attack: str, members: np.ndarray, nonmembers: np.ndarray, *, bootstrap: int = 200, seed: int = 0, started: float
) -> AttackResult:
    """ROC AUC, advantage and TPR at each FPR (``audit.tpr_at_fprs``) for the score "higher = member",
    with bootstrap intervals."""
    auc, adv, fpr, tpr = _roc(members, nonmembers)
    if not (np.isfinite(members).all() and np.isfinite(nonmembers).all()):
        raise ValueError(f"{attack}: scores that are not finite numbers (NaN or infinity)")
    distinct = len(np.unique(np.concatenate([members, nonmembers])))
    at, notes = tpr_at_fprs(fpr, tpr, members, nonmembers, adv)
    resolved = tuple(f for f in FPRS if at[f"{f:g}"] is not None)
    auc_ci, adv_ci, tpr_ci = bootstrap_intervals(members, nonmembers, bootstrap, seed, resolved)
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
        tpr_ci,
    )


def _true_label_probability(model: Any, x: Any, y: Any, scale: float = 1.0) -> np.ndarray:
    """Pr(x | model): the probability the model gives the true label (exp(-loss) for classifiers with
    probabilities; the logistic of the margin for those without), or for a regressor a Gaussian likelihood
    exp(-error / scale) with one ``scale`` for the target and every reference -- in a target's natural
    units exp(-error) underflows to the clip for every row and the attack sees nothing. Clipped to
    [1e-12, 1]."""
    loss, kind = per_sample_loss(model, x, y)
    return _likelihood(loss, kind, scale)


def _likelihood(loss: np.ndarray, kind: str, scale: float = 1.0) -> np.ndarray:
    if kind == "squared error":
        p = np.exp(-loss / scale)
    elif kind == "negative margin":
        # exp(margin) is 1 (clipped) for every row on the right side: RMIA would see nothing. The logistic
        # of the margin keeps the ranking and its spread.
        p = 0.5 * (1 - np.tanh(np.clip(loss, -700, 700) / 2))
    else:
        p = np.exp(-loss)
    return np.clip(p, 1e-12, 1.0)


class ReferencesUnfit(ValueError):
    """The reference models cannot stand for the model: RMIA would understate the leak, so it does not run."""


def rmia_offline(
    model: Any,
    x_train: Any,
    y_train: Any,
    x_holdout: Any,
    y_holdout: Any,
    *,
    population: tuple[Any, Any] | None = None,
    references: int = 4,
    a: float = 0.3,
    gamma: float = 1.0,
    bootstrap: int = 200,
    seed: int = 0,
    tick: Callable[[], None] | None = None,
) -> AttackResult:
    """RMIA with ``references`` reference models, each fitted on a random half of the population set: the
    holdout, or ``population`` (rows from the same distribution that are neither members nor the
    holdout). Every point's Pr(x) is taken over the references that did not see it (see the module)."""
    from sklearn.base import clone

    from .refit import reproduction_gap, unfaithful

    started = time.perf_counter()
    problems = unfaithful(model)
    if problems:
        raise ReferencesUnfit(
            f"its hyper-parameters do not describe its fitted state ({'; '.join(problems[:3])}), so clones of "
            "it are not the model"
        )
    x_train, y_train = np.asarray(x_train), np.asarray(y_train)
    x_holdout, y_holdout = np.asarray(x_holdout), np.asarray(y_holdout)
    separate = population is not None
    x_pop, y_pop = (np.asarray(population[0]), np.asarray(population[1])) if separate else (x_holdout, y_holdout)
    rng = np.random.default_rng(seed)
    n_pop = len(y_pop)
    p_train_ref = np.zeros((references, len(y_train)))
    p_pop_ref = np.full((references, n_pop), np.nan)  # NaN where the reference saw the point
    p_hold_ref = np.zeros((references, len(y_holdout))) if separate else p_pop_ref
    classes = np.unique(y_pop)
    loss_pop, kind = per_sample_loss(model, x_pop, y_pop)
    scale = float(max(np.mean(loss_pop), 1e-12)) if kind == "squared error" else 1.0

    def likelihood(m: Any, x: Any, y: Any) -> np.ndarray:
        return _true_label_probability(m, x, y, scale)

    gap, noise = reproduction_gap(model, x_train, y_train, likelihood)
    if gap > 2 * noise + 0.02:
        raise ReferencesUnfit(
            f"a clone re-fitted on the training rows does not give the model's outputs back (mean difference "
            f"{gap:.3f}, re-fitting noise {noise:.3f}): its hyper-parameters, or the training rows given, do not "
            "describe how it was fitted, so clones of it are not the model"
        )
    if tick:
        tick()

    half = np.arange(0)
    for r in range(references):
        if r % 2 == 0:  # references in pairs on complementary halves: each point is out of exactly half of them
            for _ in range(10):  # every class in both halves, or a clone cannot learn what the target knows
                order = rng.permutation(n_pop)
                half, other = order[: n_pop // 2], order[n_pop // 2 :]
                if len(np.unique(y_pop[half])) == len(np.unique(y_pop[other])) == len(classes):
                    break
        else:
            half = other
        ref = clone(model)
        ref.fit(x_pop[half], y_pop[half])
        p_train_ref[r] = likelihood(ref, x_train, y_train)
        out = np.ones(n_pop, dtype=bool)
        out[half] = False
        p_pop_ref[r, out] = likelihood(ref, x_pop[out], y_pop[out])
        if separate:
            p_hold_ref[r] = likelihood(ref, x_holdout, y_holdout)
        if tick:
            tick()
    p_train = likelihood(model, x_train, y_train)
    p_pop = likelihood(model, x_pop, y_pop)
    p_hold = likelihood(model, x_holdout, y_holdout) if separate else p_pop
    notes: list[str] = [
        f"reference models fitted on halves of {'the population set' if separate else 'the holdout'} ({n_pop} rows)"
    ]
    seen_by_all = np.all(np.isnan(p_pop_ref), axis=0)
    if seen_by_all.any():
        notes.append(f"{int(seen_by_all.sum())} population points were in every reference model and are left out")

    def prior(p_ref: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(np.where(np.all(np.isnan(p_ref), axis=0), 1.0, p_ref), axis=0)
        return (1 + a) / 2 * mean + (1 - a) / 2

    if not separate and references > 1:
        # A non-member's Pr(x) averages the references of each complementary pair that did not see it; a
        # member's would average all of them, a less noisy estimate. Unequal noise alone separates the two
        # groups' scores (a wider spread reaches past any threshold), so members get as many: one of each pair.
        pick = rng.integers(0, 2, size=(references // 2, len(y_train)))
        chosen = np.zeros_like(p_train_ref, dtype=bool)
        for k in range(references // 2):
            chosen[2 * k] = pick[k] == 0
            chosen[2 * k + 1] = pick[k] == 1
        p_train_ref = np.where(chosen, p_train_ref, np.nan)
    _references_blind(p_train_ref, p_hold_ref if separate else p_hold_ref[:, ~seen_by_all])
    ratio_train = p_train / prior(p_train_ref)
    ratio_pop = p_pop / prior(p_pop_ref)
    ratio_hold = p_hold / prior(p_hold_ref) if separate else ratio_pop
    population_ratios = np.sort(ratio_pop[~seen_by_all])  # z: each population point, by references without it

    def share_beaten(ratios: np.ndarray) -> np.ndarray:
        # the share of z with ratio(x) / ratio(z) > gamma, i.e. ratio(z) < ratio(x) / gamma. One
        # denominator for members and non-members alike: a non-member is among the z, but with gamma > 1 it
        # never beats itself, and scaling the two groups differently would rank ties by group.
        return np.searchsorted(population_ratios, ratios / gamma, side="left") / max(len(population_ratios), 1)

    members = share_beaten(ratio_train)
    nonmembers = share_beaten(ratio_hold if separate else ratio_hold[~seen_by_all])
    result = score_attack(
        f"RMIA (offline, {references} reference models)",
        members,
        nonmembers,
        bootstrap=bootstrap,
        seed=seed,
        started=started,
    )
    result.notes = notes + result.notes
    return result


def _references_blind(p_members: np.ndarray, p_nonmembers: np.ndarray) -> None:
    """The references saw neither the members nor these non-members, so they must score both groups alike.
    If they score the members far higher (4 standard errors of an AUC under no difference), their data --
    the holdout or the population -- holds training rows or near-copies, and RMIA would understate the
    leak: refuse it rather than report a small number."""
    with np.errstate(invalid="ignore"):
        m = np.nanmean(p_members, axis=0)
        n = np.nanmean(p_nonmembers, axis=0)
    m, n = m[np.isfinite(m)], n[np.isfinite(n)]
    if len(m) == 0 or len(n) == 0:
        return
    auc, _, _, _ = _roc(m, n)
    se = np.sqrt((len(m) + len(n) + 1) / (12 * len(m) * len(n)))
    if auc > 0.5 + 4 * se:
        raise ReferencesUnfit(
            f"the reference models score the training rows above the holdout rows (AUC {auc:.3f}): the rows they "
            "were fitted on hold training rows or near-copies of them"
        )


def _features(model: Any, x: Any, y: Any) -> np.ndarray:
    """What a black-box attacker sees: the sorted output vector, the true label's probability, the loss."""
    loss, kind = per_sample_loss(model, x, y)
    columns = [loss.reshape(-1, 1), _likelihood(loss, kind).reshape(-1, 1)]  # bounded: a huge margin is no inf
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
    tick: Callable[[], None] | None = None,
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
    fold = np.empty(len(labels), dtype=int)
    for group in (labels == 1, labels == 0):  # stratified: every fold holds members and non-members in proportion
        idx = np.flatnonzero(group)
        fold[rng.permutation(idx)] = np.arange(len(idx)) % folds
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
        # Leaves of 5 rows and whole bootstraps on a few thousand rows; on more, larger leaves and 5,000-row
        # bootstraps per tree (the forest still sees every row): a few output features need no deeper trees.
        attack = RandomForestClassifier(
            n_estimators=trees,
            min_samples_leaf=max(5, len(rows) // 500),
            max_samples=None if len(rows) <= 5000 else 5000,
            random_state=seed + k,
            n_jobs=1,
        )
        attack.fit(feats[rows], labels[rows], sample_weight=weight[rows])
        scores[test] = attack.predict_proba(feats[test])[:, 1]
        if tick:
            tick()
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


def steps(budget: str, population: bool = False) -> int:
    """How many units of work ``run_attacks`` reports through ``tick``: one per reference model and fold."""
    b = BUDGETS[budget]
    return (b.references + 1) * (2 if population else 1) + b.folds


def run_attacks(
    model: Any,
    x_train: Any,
    y_train: Any,
    x_holdout: Any,
    y_holdout: Any,
    budget: str = "standard",
    *,
    population: tuple[Any, Any] | None = None,
    seed: int = 0,
    tick: Callable[[], None] | None = None,
) -> tuple[list[AttackResult], list[str]]:
    """Every attack the budget allows, and notes on those that could not run: RMIA needs the estimator
    re-fitted, which an estimator prov cannot clone or fit rules out; the learned attack and the loss
    threshold need only the model's outputs.

    A population set adds a second RMIA, on references fitted on it, beside the one on the holdout; it
    never replaces it. The verdict reads the strongest attack, so rows a signer chooses can only add a
    way to find the leak -- a population of near-copies of the training rows cannot hide one."""
    b = BUDGETS[budget]
    notes: list[str] = []
    results: list[AttackResult] = []
    for pop in (None, population) if population is not None else (None,):
        label = "RMIA on the population set" if pop is not None else "RMIA"
        try:
            result = rmia_offline(
                model,
                x_train,
                y_train,
                x_holdout,
                y_holdout,
                population=pop,
                references=b.references,
                bootstrap=b.bootstrap,
                seed=seed,
                tick=tick,
            )
            if pop is not None:
                result.attack = result.attack.replace("RMIA (offline,", "RMIA (offline, population set,")
            results.append(result)
            continue
        except ReferencesUnfit as e:
            notes.append(f"{label} not run: {e}")
        except Exception as e:  # clone or fit refused: the attacks that need no re-fit still run
            first = (str(e).strip().splitlines() or [""])[0][:200]
            why = f"{type(e).__name__}: {first}"
            notes.append(f"{label} not run: the model could not be re-fitted for reference models ({why})")
        if tick:
            for _ in range(b.references + 1):
                tick()
    results.append(
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
            tick=tick,
        )
    )
    return results, notes
