"""Whether a model's hyper-parameters describe how it was fitted: RMIA's reference models are clones built
from ``get_params()``, and a file chooses its own parameters.

A model saved with ``n_estimators=1`` beside 80 fitted trees would give one-stump references, which say
every training row is surprising, and so hide the leak (an attacker's file, found in review). Where the
fitted state contradicts a parameter, the references cannot stand for the model: RMIA does not run, and
the card says why. Only contradictions the fitted state proves are reported; a parameter that fitted
state cannot check (``C``, ``alpha``) is taken as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

_EXACT_COUNT = ("RandomForest", "ExtraTrees", "Bagging", "IsolationForest", "RandomTreesEmbedding")


def unfaithful(model: Any) -> list[str]:
    """Each contradiction between a parameter and the fitted state, anywhere in the model (pipelines,
    column transformers, ensembles), as a sentence naming where the estimator sits."""
    from .memorisation import TOO_DEEP, walk

    out: list[str] = []
    for where, est in walk(model):
        if est is not TOO_DEEP:
            out += [f"{where or 'the model'} ({type(est).__name__}): {p}" for p in _contradictions(est)]
    return out


def _contradictions(est: Any) -> list[str]:
    params = vars(est)
    out: list[str] = []
    cls = type(est).__name__
    for key in ("n_estimators", "max_depth", "max_iter", "max_leaf_nodes"):
        value = params.get(key)
        if value is not None and not (isinstance(value, int | np.integer) and not isinstance(value, bool)):
            out.append(f"{key}={value!r} is not a whole number")
    if out:
        return out
    n = params.get("n_estimators")
    fitted = _fitted_count(est)
    if isinstance(n, int | np.integer) and fitted is not None:
        early = params.get("n_iter_no_change") is not None or cls.startswith("AdaBoost")
        if fitted > n or (fitted < n and (cls.startswith(_EXACT_COUNT) or not early)):
            out.append(f"n_estimators={n}, but it holds {fitted} fitted estimators")
    depth = params.get("max_depth")
    trees = _trees(est)
    if isinstance(depth, int | np.integer) and trees:
        deepest = max(int(t.max_depth) for t in trees)
        if deepest > depth:
            out.append(f"max_depth={depth}, but a fitted tree is {deepest} deep")
    leaves = params.get("max_leaf_nodes")
    if isinstance(leaves, int | np.integer) and trees:
        most = max(int(t.n_leaves) for t in trees)
        if most > leaves:
            out.append(f"max_leaf_nodes={leaves}, but a fitted tree has {most} leaves")
    max_iter, n_iter = params.get("max_iter"), params.get("n_iter_")
    if isinstance(max_iter, int | np.integer) and max_iter >= 0 and n_iter is not None:  # -1: no limit (libsvm)
        ran = int(np.max(np.asarray(n_iter)))
        if ran > max_iter:
            out.append(f"max_iter={max_iter}, but it ran {ran} iterations")
    sizes, coefs = params.get("hidden_layer_sizes"), params.get("coefs_")
    if sizes is not None and coefs is not None:
        wanted = [int(s) for s in np.atleast_1d(sizes)]
        have = [int(np.shape(c)[1]) for c in coefs[:-1]]
        if wanted != have:
            out.append(f"hidden_layer_sizes={tuple(wanted)}, but its layers are {tuple(have)}")
    return out


def _fitted_count(est: Any) -> int | None:
    params = vars(est)
    if "n_estimators_" in params:  # gradient boosting: the stages actually fitted
        return int(params["n_estimators_"])
    fitted = params.get("estimators_")
    if fitted is None:
        return None
    return len(fitted) if not hasattr(fitted, "shape") else int(np.shape(fitted)[0])


def _trees(est: Any) -> list[Any]:
    """The fitted ``tree_`` objects the estimator's own tree parameters govern."""
    own = vars(est).get("tree_")
    if own is not None:
        return [own]
    fitted = vars(est).get("estimators_")
    if fitted is None:
        return []
    flat = np.ravel(np.asarray(fitted, dtype=object)) if hasattr(fitted, "shape") else list(fitted)
    return [t for e in flat if (t := vars(e).get("tree_") if hasattr(e, "__dict__") else None) is not None]


def reproduction_gap(
    model: Any, x: Any, y: Any, likelihood: Callable[[Any, Any, Any], np.ndarray]
) -> tuple[float, float]:
    """How far a clone re-fitted on the training rows lands from the model, beside how far re-fitting
    lands from itself: (gap, noise), each the mean absolute difference of the true-label likelihood on
    those rows.

    Parameters that fitted state cannot check (``min_samples_leaf``, ``C``, a meta-estimator's template)
    can still lie: a clone of them is not the model, and neither are RMIA's references. Re-fitted on
    the very rows the model learned from, a faithful clone gives the model's outputs back, up to what
    its randomness moves (``noise``: two clones with other seeds, when the model has a seed to change).
    """
    from sklearn.base import clone

    target = likelihood(model, x, y)
    gap = float(np.mean(np.abs(likelihood(clone(model).fit(x, y), x, y) - target)))
    seeds = [k for k in clone(model).get_params(deep=True) if k == "random_state" or k.endswith("__random_state")]
    if not seeds:
        return gap, 0.0
    draws = []
    for seed in (11, 12):
        other = clone(model)
        other.set_params(**dict.fromkeys(seeds, seed))
        draws.append(likelihood(other.fit(x, y), x, y))
    return gap, float(np.mean(np.abs(draws[0] - draws[1])))


def fitted_rows(model: Any) -> int | None:
    """How many rows the model was fitted on, where its fitted state says so: a k-NN's ``n_samples_fit_``,
    a tree's root (or a forest's or a boosted ensemble's trees' roots, when they all agree and carry whole
    counts), else a scaler's ``n_samples_seen_``. None where nothing says (a linear model alone).

    The audit's members are rows the signer chooses; a subset of the least memorised ones, beside a
    holdout matched to them, can hide a leak every attack would see on all of them. The count is what
    ``MembershipAudit.objections`` compares with the members."""
    from .memorisation import TOO_DEEP, walk

    learners: list[int] = []
    scalers: list[int] = []
    counted: list[str] = []  # an ensemble counted whole: its own trees (bootstrap samples) are not models
    for where, est in walk(model):
        if est is TOO_DEEP or any(where.startswith(c + ".") or where.startswith(c + "[") for c in counted):
            continue
        attrs = vars(est)
        if isinstance(attrs.get("n_samples_fit_"), int | np.integer):
            learners.append(int(attrs["n_samples_fit_"]))
        elif (count := _trees_count(est)) is not None:
            learners.append(count)
            counted.append(where)
        elif "n_samples_seen_" in attrs:
            scalers.append(int(np.max(np.asarray(attrs["n_samples_seen_"]))))
    counts = learners or scalers
    return max(counts) if counts else None


def _trees_count(est: Any) -> int | None:
    """Rows a tree, or an ensemble of trees, was fitted on: a tree's root counts its rows whatever their
    weights; a forest without bootstrap has that count in every tree; with bootstrap, the trees' weighted
    roots add up to it only where no class weight (other than all ones) scales them."""
    params = vars(est)
    own = params.get("tree_")
    if own is not None:
        return int(own.n_node_samples[0])
    trees = _trees(est)
    if not trees:
        return None
    if params.get("bootstrap") is False:
        roots = {int(t.n_node_samples[0]) for t in trees}
        return roots.pop() if len(roots) == 1 else None
    weights = params.get("class_weight")
    if weights is not None and not (isinstance(weights, dict) and set(weights.values()) <= {1}):
        return None  # weighted roots: not a count
    if params.get("max_samples") is not None or params.get("subsample", 1.0) != 1.0:
        return None  # each tree saw a sample, not the rows
    weighted = {float(t.weighted_n_node_samples[0]) for t in trees}
    if len(weighted) != 1 or not float(next(iter(weighted))).is_integer():
        return None  # sample weights, or trees that saw different rows
    return int(next(iter(weighted)))
