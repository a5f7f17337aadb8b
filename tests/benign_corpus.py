"""Every scikit-learn estimator that fits on a small dataset, saved every way users save models.

The benign half of the safe-loading corpus: ``all_estimators()`` fitted on iris (or text, or a
1-d target where the estimator needs one), plus the cases that once raised false alarms (search
objects with string scorers and scipy distributions, multiclass gradient boosting, splines), in
pickle protocols 0-5 and joblib with every compressor it offers. Used by the loader tests, the
table-review test and ``benchmarks/compare_scanners.py``.
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# Estimators whose defaults cannot fit iris, and why; each gets its own construction below.
_TEXT = ["the cat sat", "a dog ran far", "the dog sat down", "cats and dogs", "a cat ran", "dogs sat far"] * 5


def _special(name: str) -> Callable[[Any, Any], Any] | None:
    """Estimators that need arguments or other data; None for ones built with their defaults."""
    from sklearn import (
        compose,
        feature_extraction,
        feature_selection,
        linear_model,
        model_selection,
        multiclass,
        multioutput,
        pipeline,
        preprocessing,
        random_projection,
        semi_supervised,
    )
    from sklearn.cross_decomposition import CCA, PLSSVD, PLSCanonical
    from sklearn.ensemble import StackingClassifier, StackingRegressor, VotingClassifier, VotingRegressor
    from sklearn.frozen import FrozenEstimator
    from sklearn.isotonic import IsotonicRegression

    lr = linear_model.LogisticRegression
    ridge = linear_model.Ridge
    y2 = lambda y: __import__("numpy").stack([y, y[::-1]], axis=1)  # noqa: E731
    table: dict[str, Callable[[Any, Any], Any]] = {
        "CCA": lambda x, y: CCA(n_components=1).fit(x, y),
        "PLSCanonical": lambda x, y: PLSCanonical(n_components=1).fit(x, y),
        "PLSSVD": lambda x, y: PLSSVD(n_components=1).fit(x, y),
        "ClassifierChain": lambda x, y: multioutput.ClassifierChain(lr()).fit(x, y2(y) % 2),
        "RegressorChain": lambda x, y: multioutput.RegressorChain(ridge()).fit(x, y2(y)),
        "MultiOutputClassifier": lambda x, y: multioutput.MultiOutputClassifier(lr()).fit(x, y2(y)),
        "MultiOutputRegressor": lambda x, y: multioutput.MultiOutputRegressor(ridge()).fit(x, y2(y)),
        "ColumnTransformer": lambda x, y: compose.ColumnTransformer(
            [("scale", preprocessing.StandardScaler(), [0, 1]), ("bins", preprocessing.KBinsDiscretizer(3), [2])],
            remainder="passthrough",
        ).fit(x, y),
        "CountVectorizer": lambda x, y: feature_extraction.text.CountVectorizer().fit(_TEXT),
        "TfidfVectorizer": lambda x, y: feature_extraction.text.TfidfVectorizer(stop_words="english").fit(_TEXT),
        "DictVectorizer": lambda x, y: feature_extraction.DictVectorizer().fit([{"a": 1, "b": 2}, {"c": 3.0}]),
        "FeatureUnion": lambda x, y: pipeline.FeatureUnion(
            [
                ("pca", __import__("sklearn.decomposition").decomposition.PCA(2)),
                ("k", feature_selection.SelectKBest(k=2)),
            ]
        ).fit(x, y),
        "FixedThresholdClassifier": lambda x, y: (
            __import__("sklearn.model_selection").model_selection.FixedThresholdClassifier(lr()).fit(x, y % 2)
        ),
        "TunedThresholdClassifierCV": lambda x, y: model_selection.TunedThresholdClassifierCV(lr(), cv=3).fit(x, y % 2),
        "FrozenEstimator": lambda x, y: FrozenEstimator(lr().fit(x, y)),
        "GammaRegressor": lambda x, y: linear_model.GammaRegressor().fit(x, y + 1.0),
        "GaussianRandomProjection": lambda x, y: random_projection.GaussianRandomProjection(2).fit(x),
        "SparseRandomProjection": lambda x, y: random_projection.SparseRandomProjection(2).fit(x),
        "GridSearchCV": lambda x, y: model_selection.GridSearchCV(
            lr(), {"C": [0.1, 1.0]}, scoring="f1_macro", cv=3
        ).fit(x, y),
        "RandomizedSearchCV": lambda x, y: model_selection.RandomizedSearchCV(
            lr(),
            {"C": __import__("scipy.stats").stats.loguniform(1e-2, 1e2), "fit_intercept": [True, False]},
            n_iter=3,
            cv=3,
            scoring="balanced_accuracy",
            random_state=0,
        ).fit(x, y),
        "IsotonicRegression": lambda x, y: IsotonicRegression().fit(x[:, 0], y),
        "KernelCenterer": lambda x, y: preprocessing.KernelCenterer().fit(x @ x.T),
        "LabelBinarizer": lambda x, y: preprocessing.LabelBinarizer().fit(y),
        "LabelEncoder": lambda x, y: preprocessing.LabelEncoder().fit(y),
        "MultiTaskElasticNet": lambda x, y: linear_model.MultiTaskElasticNet().fit(x, y2(y)),
        "MultiTaskElasticNetCV": lambda x, y: linear_model.MultiTaskElasticNetCV(cv=3).fit(x, y2(y)),
        "MultiTaskLasso": lambda x, y: linear_model.MultiTaskLasso().fit(x, y2(y)),
        "MultiTaskLassoCV": lambda x, y: linear_model.MultiTaskLassoCV(cv=3).fit(x, y2(y)),
        "OneVsOneClassifier": lambda x, y: multiclass.OneVsOneClassifier(lr()).fit(x, y),
        "OneVsRestClassifier": lambda x, y: multiclass.OneVsRestClassifier(lr()).fit(x, y),
        "OutputCodeClassifier": lambda x, y: multiclass.OutputCodeClassifier(lr(), random_state=0).fit(x, y),
        "Pipeline": lambda x, y: pipeline.make_pipeline(preprocessing.StandardScaler(), lr()).fit(x, y),
        "RFE": lambda x, y: feature_selection.RFE(lr(), n_features_to_select=2).fit(x, y),
        "RFECV": lambda x, y: feature_selection.RFECV(lr(), cv=3).fit(x, y),
        "SelectFromModel": lambda x, y: feature_selection.SelectFromModel(lr()).fit(x, y),
        "SelfTrainingClassifier": lambda x, y: semi_supervised.SelfTrainingClassifier(lr()).fit(
            x, __import__("numpy").where(__import__("numpy").arange(len(y)) % 3 == 0, -1, y)
        ),
        "SequentialFeatureSelector": lambda x, y: feature_selection.SequentialFeatureSelector(
            lr(), n_features_to_select=2, cv=3
        ).fit(x, y),
        "SparseCoder": lambda x, y: __import__("sklearn.decomposition").decomposition.SparseCoder(x[:3]).fit(x),
        "StackingClassifier": lambda x, y: StackingClassifier(
            [("lr", lr()), ("tree", __import__("sklearn.tree").tree.DecisionTreeClassifier())], cv=3
        ).fit(x, y),
        "StackingRegressor": lambda x, y: StackingRegressor([("r", ridge()), ("l", linear_model.Lasso())], cv=3).fit(
            x, y
        ),
        "VotingClassifier": lambda x, y: VotingClassifier(
            [("lr", lr()), ("nb", __import__("sklearn.naive_bayes").naive_bayes.GaussianNB())], voting="soft"
        ).fit(x, y),
        "VotingRegressor": lambda x, y: VotingRegressor([("r", ridge()), ("l", linear_model.Lasso())]).fit(x, y),
    }
    return table.get(name)


def _extras() -> dict[str, Callable[[Any, Any], Any]]:
    """Cases that once raised false alarms, beside the one-per-estimator list."""
    import numpy as np
    from scipy import stats
    from sklearn import ensemble, linear_model, model_selection, pipeline, preprocessing

    return {
        "GradientBoostingClassifier_multiclass": lambda x, y: ensemble.GradientBoostingClassifier(n_estimators=5).fit(
            x, y
        ),
        "GradientBoostingClassifier_binary": lambda x, y: ensemble.GradientBoostingClassifier(n_estimators=5).fit(
            x, y % 2
        ),
        "HistGradientBoostingClassifier_multiclass": lambda x, y: ensemble.HistGradientBoostingClassifier(
            max_iter=5
        ).fit(x, y),
        "SplineTransformer_pipeline": lambda x, y: pipeline.make_pipeline(
            preprocessing.SplineTransformer(), linear_model.Ridge()
        ).fit(x, y),
        "RandomizedSearchCV_scipy_distributions": lambda x, y: model_selection.RandomizedSearchCV(
            ensemble.RandomForestClassifier(n_estimators=3, random_state=0),
            {
                "max_depth": stats.randint(2, 5),
                "min_samples_leaf": stats.randint(1, 4),
                "max_features": stats.uniform(0.3, 0.6),
            },
            n_iter=2,
            cv=3,
            random_state=np.random.RandomState(0),
        ).fit(x, y),
        "GridSearchCV_f1_macro": lambda x, y: model_selection.GridSearchCV(
            linear_model.LogisticRegression(max_iter=500), {"C": [0.5, 1.0]}, scoring="f1_macro", cv=3
        ).fit(x, y),
        "GridSearchCV_multimetric": lambda x, y: model_selection.GridSearchCV(
            linear_model.LogisticRegression(max_iter=500),
            {"C": [0.5, 1.0]},
            scoring=["accuracy", "f1_macro", "neg_log_loss", "roc_auc_ovr"],
            refit="accuracy",
            cv=3,
        ).fit(x, y),
        "OneHotEncoder_strings": lambda x, y: preprocessing.OneHotEncoder().fit(
            np.array([["a", "x"], ["b", "y"], ["c", "x"]], dtype=object)
        ),
        "OrdinalEncoder_strings": lambda x, y: preprocessing.OrdinalEncoder().fit(
            np.array([["a"], ["b"], [None]], dtype=object)
        ),
        "FunctionTransformer_ufunc": lambda x, y: preprocessing.FunctionTransformer(np.log1p).fit(x),
        "SGDClassifier_random_state": lambda x, y: linear_model.SGDClassifier(
            random_state=np.random.RandomState(3)
        ).fit(x, y),
        "KNN_kd_tree": lambda x, y: (
            __import__("sklearn.neighbors").neighbors.KNeighborsClassifier(3, algorithm="kd_tree").fit(x, y)
        ),
        "KNN_ball_tree": lambda x, y: (
            __import__("sklearn.neighbors").neighbors.KNeighborsClassifier(3, algorithm="ball_tree").fit(x, y)
        ),
    }


# all_estimators() lists these only after some test has imported sklearn.experimental.enable_* (so the corpus
# would depend on test order); the construction table does not admit them yet.
_EXPERIMENTAL = frozenset({"HalvingGridSearchCV", "HalvingRandomSearchCV", "IterativeImputer"})


def fitted_models() -> Iterator[tuple[str, Any]]:
    """(name, fitted model) for every estimator we can fit, and the extras. Skips are in SKIPPED."""
    from sklearn.datasets import load_iris
    from sklearn.utils import all_estimators

    warnings.filterwarnings("ignore")
    x, y = load_iris(return_X_y=True)
    for name, cls in all_estimators():
        if name in _EXPERIMENTAL:
            continue
        build = _special(name)
        if build is not None:
            yield name, build(x, y)
            continue
        est = cls()
        try:
            est.fit(x, y)
        except TypeError:
            est.fit(x)
        yield name, est
    for name, build in _extras().items():
        yield name, build(x, y)


def joblib_compressors() -> list[str]:
    """Every compressor this joblib offers (lz4 only where the lz4 package is installed)."""
    from joblib.compressor import _COMPRESSORS

    names = sorted(_COMPRESSORS)
    try:
        import lz4  # noqa: F401
    except ImportError:
        names = [n for n in names if n != "lz4"]
    return names


def saves() -> list[tuple[str, Callable[[Any, Path], None]]]:
    """(suffix, save) for pickle protocols 0-5, plain joblib and joblib with each compressor."""
    import joblib

    out: list[tuple[str, Callable[[Any, Path], None]]] = []
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        out.append((f".p{proto}.pkl", lambda m, p, proto=proto: p.write_bytes(pickle.dumps(m, protocol=proto))))
    out.append((".joblib", lambda m, p: joblib.dump(m, p)))
    for comp in joblib_compressors():
        out.append((f".{comp}.joblib", lambda m, p, comp=comp: joblib.dump(m, p, compress=(comp, 3))))
    return out


def write(directory: Path, *, models: int | None = None) -> dict[str, Path]:
    """Write the corpus (or its first ``models`` models, for quick runs); returns file name -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for i, (name, model) in enumerate(fitted_models()):
        if models is not None and i >= models:
            break
        for suffix, save in saves():
            path = directory / f"{name}{suffix}"
            save(model, path)
            files[path.name] = path
    return files
