"""What a model holds: static table over real fitted estimators, verbatim scan, membership audit."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from sklearn import (
    cluster,
    compose,
    decomposition,
    ensemble,
    feature_extraction,
    gaussian_process,
    impute,
    isotonic,
    kernel_approximation,
    kernel_ridge,
    linear_model,
    manifold,
    naive_bayes,
    neighbors,
    pipeline,
    preprocessing,
    semi_supervised,
    svm,
    tree,
)
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from provenance.analysis.audit import membership_audit
from provenance.analysis.memorisation import VERBATIM, analyse
from provenance.analysis.verbatim import scan

warnings.filterwarnings("ignore")
X_ALL, Y_ALL = load_breast_cancer(return_X_y=True)
X, Y = X_ALL[:120], Y_ALL[:120]
XS = preprocessing.StandardScaler().fit_transform(X)
CAT = np.array([["red", "s"], ["blue", "m"], ["green", "l"]] * 40, dtype=object)
TEXT = ["the patient reported pain", "no pain reported", "follow up in two weeks"] * 10

# name -> (fit the estimator, expected risk, attribute that holds the data or None)
Fit = Callable[[], Any]
CASES: dict[str, tuple[Fit, str, str | None]] = {
    "KNeighborsClassifier": (lambda: neighbors.KNeighborsClassifier(3).fit(X, Y), "high", "_fit_X"),
    "KNeighborsRegressor": (lambda: neighbors.KNeighborsRegressor(3).fit(X, Y), "high", "_fit_X"),
    "RadiusNeighborsClassifier": (lambda: neighbors.RadiusNeighborsClassifier(1e4).fit(X, Y), "high", "_fit_X"),
    "NearestNeighbors": (lambda: neighbors.NearestNeighbors().fit(X), "high", "_fit_X"),
    "RadiusNeighborsRegressor": (lambda: neighbors.RadiusNeighborsRegressor(1e4).fit(X, Y), "high", "_fit_X"),
    "KNeighborsTransformer": (lambda: neighbors.KNeighborsTransformer().fit(X), "high", "_fit_X"),
    "RadiusNeighborsTransformer": (lambda: neighbors.RadiusNeighborsTransformer(radius=1e4).fit(X), "high", "_fit_X"),
    "NuSVC": (lambda: svm.NuSVC().fit(XS, Y), "high", "support_vectors_"),
    "NuSVR": (lambda: svm.NuSVR().fit(XS, Y), "high", "support_vectors_"),
    "MaxAbsScaler": (lambda: preprocessing.MaxAbsScaler().fit(X), "high", "max_abs_"),
    "LabelBinarizer": (lambda: preprocessing.LabelBinarizer().fit(Y), "high", "classes_"),
    "KNNImputer": (lambda: impute.KNNImputer().fit(X), "high", "_fit_X"),
    "LocalOutlierFactor": (lambda: neighbors.LocalOutlierFactor(novelty=True).fit(X), "high", "_fit_X"),
    "KernelDensity": (lambda: neighbors.KernelDensity().fit(X), "high", "tree_"),
    "SVC": (lambda: svm.SVC().fit(XS, Y), "high", "support_vectors_"),
    "SVR": (lambda: svm.SVR().fit(XS, Y), "high", "support_vectors_"),
    "OneClassSVM": (lambda: svm.OneClassSVM().fit(XS), "high", "support_vectors_"),
    "GaussianProcessRegressor": (lambda: gaussian_process.GaussianProcessRegressor().fit(XS, Y), "high", "X_train_"),
    "GaussianProcessClassifier": (lambda: gaussian_process.GaussianProcessClassifier().fit(XS, Y), "high", "X_train_"),
    "KernelRidge": (lambda: kernel_ridge.KernelRidge().fit(XS, Y), "high", "X_fit_"),
    "KernelPCA": (lambda: decomposition.KernelPCA(fit_inverse_transform=True).fit(XS), "high", "X_fit_"),
    "LabelPropagation": (lambda: semi_supervised.LabelPropagation().fit(XS, Y), "high", "X_"),
    "LabelSpreading": (lambda: semi_supervised.LabelSpreading().fit(XS, Y), "high", "X_"),
    "DBSCAN": (lambda: cluster.DBSCAN(eps=3).fit(XS), "high", "components_"),
    "HDBSCAN": (lambda: cluster.HDBSCAN().fit(XS), "high", "_raw_data"),
    "AffinityPropagation": (lambda: cluster.AffinityPropagation(random_state=0).fit(XS), "high", "cluster_centers_"),
    "Birch": (lambda: cluster.Birch().fit(XS), "high", "subcluster_centers_"),
    "Nystroem": (lambda: kernel_approximation.Nystroem(n_components=10).fit(XS), "high", "components_"),
    "Isomap": (lambda: manifold.Isomap().fit(XS), "high", "nbrs_"),
    "LocallyLinearEmbedding": (lambda: manifold.LocallyLinearEmbedding().fit(XS), "high", "nbrs_"),
    "MDS": (
        lambda: manifold.MDS(dissimilarity="precomputed", n_init=1, max_iter=20).fit(
            np.abs(XS[:30, :1] - XS[:30, :1].T)
        ),
        "high",
        "embedding_",
    ),
    "TSNE": (lambda: manifold.TSNE(perplexity=5).fit(XS[:40]), "high", "embedding_"),
    "SpectralEmbedding": (lambda: manifold.SpectralEmbedding().fit(XS), "high", "embedding_"),
    "OneHotEncoder": (lambda: preprocessing.OneHotEncoder().fit(CAT), "high", "categories_"),
    "OrdinalEncoder": (lambda: preprocessing.OrdinalEncoder().fit(CAT), "high", "categories_"),
    "TargetEncoder": (lambda: preprocessing.TargetEncoder().fit(CAT, Y), "high", "categories_"),
    "LabelEncoder": (lambda: preprocessing.LabelEncoder().fit(Y), "high", "classes_"),
    "CountVectorizer": (lambda: feature_extraction.text.CountVectorizer().fit(TEXT), "high", "vocabulary_"),
    "TfidfVectorizer": (lambda: feature_extraction.text.TfidfVectorizer().fit(TEXT), "high", "vocabulary_"),
    "MinMaxScaler": (lambda: preprocessing.MinMaxScaler().fit(X), "high", "data_min_"),
    "RobustScaler": (lambda: preprocessing.RobustScaler().fit(X), "high", "center_"),
    "QuantileTransformer": (lambda: preprocessing.QuantileTransformer(n_quantiles=50).fit(X), "high", "quantiles_"),
    "KBinsDiscretizer": (lambda: preprocessing.KBinsDiscretizer().fit(X), "high", "bin_edges_"),
    "IsotonicRegression": (lambda: isotonic.IsotonicRegression().fit(X[:, 0], Y), "high", "X_thresholds_"),
    "DecisionTree (leaf of one)": (lambda: tree.DecisionTreeClassifier(random_state=0).fit(X, Y), "high", "tree_"),
    "DecisionTree (min leaf 10)": (lambda: tree.DecisionTreeClassifier(min_samples_leaf=10).fit(X, Y), "low", "tree_"),
    "RandomForest": (lambda: ensemble.RandomForestClassifier(5, random_state=0).fit(X, Y), "high", "tree_"),
    "GradientBoosting (min leaf 5)": (
        lambda: ensemble.GradientBoostingClassifier(n_estimators=5, min_samples_leaf=5).fit(X, Y),
        "low",
        "tree_",
    ),
    "HistGradientBoosting": (
        lambda: ensemble.HistGradientBoostingClassifier(max_iter=5).fit(X, Y),
        "low",
        "_predictors",
    ),
    "LogisticRegression": (lambda: linear_model.LogisticRegression(max_iter=2000).fit(XS, Y), "low", None),
    "Ridge": (lambda: linear_model.Ridge().fit(X, Y), "low", None),
    "LinearSVC": (lambda: svm.LinearSVC().fit(XS, Y), "low", None),
    "StandardScaler": (lambda: preprocessing.StandardScaler().fit(X), "low", None),
    "PCA": (lambda: decomposition.PCA(3).fit(X), "low", None),
    "KMeans": (lambda: cluster.KMeans(3, n_init=2, random_state=0).fit(X), "low", None),
    "GaussianNB": (lambda: naive_bayes.GaussianNB().fit(X, Y), "low", None),
    "Pipeline scaler+LR": (
        lambda: pipeline.make_pipeline(preprocessing.StandardScaler(), linear_model.LogisticRegression()).fit(X, Y),
        "low",
        None,
    ),
    "Pipeline scaler+kNN": (
        lambda: pipeline.make_pipeline(preprocessing.StandardScaler(), neighbors.KNeighborsClassifier()).fit(X, Y),
        "high",
        "_fit_X",
    ),
    "ColumnTransformer with encoder": (
        lambda: pipeline.make_pipeline(
            compose.ColumnTransformer([("enc", preprocessing.OneHotEncoder(), [0]), ("num", "passthrough", [1])]),
            linear_model.LogisticRegression(),
        ).fit(np.c_[CAT[:, :1], X[:, :1]], Y),
        "high",
        "categories_",
    ),
    "Bagged SVMs": (
        lambda: ensemble.BaggingClassifier(svm.SVC(), n_estimators=2).fit(XS, Y),
        "high",
        "support_vectors_",
    ),
    "Unrecognised estimator": (lambda: _Custom().fit(X, Y), "unknown", None),
}


class _Custom:
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {}

    def fit(self, x: Any, y: Any) -> _Custom:
        self.memory_ = np.asarray(x)
        return self


@pytest.mark.parametrize("name", list(CASES))
def test_static_risk_per_estimator(name: str) -> None:
    fit, risk, attribute = CASES[name]
    result = analyse(fit())
    assert result.risk == risk, result
    if attribute is not None:
        assert attribute in {f.attribute.split(".")[-1] for f in result.findings}, result.findings


def test_every_verbatim_table_entry_is_exercised() -> None:
    covered = {name.split(" ")[0] for name in CASES}
    assert set(VERBATIM) - covered == {"_BinaryGaussianProcessClassifierLaplace"}  # reached inside GPC


def test_tree_reports_smallest_leaf() -> None:
    assert analyse(tree.DecisionTreeClassifier(min_samples_leaf=7).fit(X, Y)).min_leaf_size >= 7


# --- the acceptance figures on breast-cancer data ---------------------------------------------------------


@pytest.fixture(scope="module")
def split() -> tuple[np.ndarray, ...]:
    return tuple(train_test_split(X_ALL, Y_ALL, test_size=0.5, random_state=0, stratify=Y_ALL))


def test_knn_holds_every_training_row(split) -> None:  # type: ignore[no-untyped-def]
    x_tr, _, y_tr, _ = split
    model = pipeline.make_pipeline(preprocessing.StandardScaler(), neighbors.KNeighborsClassifier(1)).fit(x_tr, y_tr)
    assert analyse(model).risk == "high"
    result = scan(model, x_tr)
    assert result.risk == "high"
    assert result.rows_found == len(np.unique(x_tr, axis=0))  # every (distinct) training row, after scaling


def test_logistic_regression_is_low_and_audit_near_chance(split) -> None:  # type: ignore[no-untyped-def]
    x_tr, x_te, y_tr, y_te = split
    model = pipeline.make_pipeline(preprocessing.StandardScaler(), linear_model.LogisticRegression(C=0.1)).fit(
        x_tr, y_tr
    )
    assert analyse(model).risk == "low"
    assert scan(model, x_tr).rows_found == 0
    audit = membership_audit(model, x_tr, y_tr, x_te, y_te)
    assert 0.45 <= audit.auc <= 0.56
    assert audit.advantage < 0.1
    assert audit.auc_ci[0] <= audit.auc <= audit.auc_ci[1]
    assert audit.tpr_at_fpr["0.001"] is None and "1000 non-members" in " ".join(audit.notes)


def test_overfit_tree_leaks_more_than_logistic_regression() -> None:
    # 10% label noise that a fully grown tree memorises and a regularised linear model cannot.
    rng = np.random.default_rng(0)
    noisy = np.where(rng.random(len(Y_ALL)) < 0.1, 1 - Y_ALL, Y_ALL)
    x_tr, x_te, y_tr, y_te = train_test_split(X_ALL, noisy, test_size=0.5, random_state=0, stratify=noisy)
    lr = pipeline.make_pipeline(preprocessing.StandardScaler(), linear_model.LogisticRegression(C=0.1)).fit(x_tr, y_tr)
    deep = tree.DecisionTreeClassifier(random_state=0).fit(x_tr, y_tr)
    a_lr = membership_audit(lr, x_tr, y_tr, x_te, y_te)
    a_tree = membership_audit(deep, x_tr, y_tr, x_te, y_te)
    assert a_tree.auc > a_lr.auc + 0.08
    assert a_tree.auc_ci[0] > a_lr.auc_ci[1]
    assert a_tree.advantage > 0.15


def test_one_nn_stores_rows_yet_audits_near_chance(split) -> None:  # type: ignore[no-untyped-def]
    """Why static and empirical checks are both needed: the audit alone would call this model safe."""
    x_tr, x_te, y_tr, y_te = split
    model = neighbors.KNeighborsClassifier(1).fit(x_tr, y_tr)
    audit = membership_audit(model, x_tr, y_tr, x_te, y_te)
    assert audit.auc < 0.6
    assert scan(model, x_tr).rows_found == len(np.unique(x_tr, axis=0))


def test_audit_for_regressors_and_decision_function_models(split) -> None:  # type: ignore[no-untyped-def]
    x_tr, x_te, y_tr, y_te = split
    reg = linear_model.Ridge().fit(x_tr, y_tr)
    assert membership_audit(reg, x_tr, y_tr, x_te, y_te).loss == "squared error"
    svc = pipeline.make_pipeline(preprocessing.StandardScaler(), svm.LinearSVC()).fit(x_tr, y_tr)
    assert membership_audit(svc, x_tr, y_tr, x_te, y_te).loss == "negative margin"


def test_categorical_values_found(split) -> None:  # type: ignore[no-untyped-def]
    enc = preprocessing.OneHotEncoder().fit(CAT)
    assert scan(enc, CAT).values_found == 6


@pytest.mark.parametrize("name", [n for n in CASES if n != "Unrecognised estimator"])
def test_every_estimator_family_loads_through_the_allow_list(name: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Zero false alarms: every benign fitted model above, plain pickle and compressed joblib."""
    import pickle

    import joblib

    from provenance.analysis.safe_load import load_model

    model = CASES[name][0]()
    (tmp_path / "m.pkl").write_bytes(pickle.dumps(model))
    joblib.dump(model, tmp_path / "m.joblib", compress=3)
    for path in (tmp_path / "m.pkl", tmp_path / "m.joblib"):
        loaded = load_model(path)
        assert type(loaded) is type(model)
        assert analyse(loaded).risk == CASES[name][1]


@pytest.mark.parametrize(
    "hide",
    [
        lambda m, x: setattr(m, "extra_", x[:10].copy()),
        lambda m, x: setattr(m, "cache", {"rows": [list(r) for r in x[:10]]}),
        lambda m, x: setattr(m, "cache", {"t": x[:10].T.copy()}),
        lambda m, x: setattr(m, "cache", [x[:10].astype("float32")]),
        lambda m, x: setattr(m, "helper", type("Helper", (), {"__init__": lambda s: setattr(s, "kept", x[:10])})()),
    ],
    ids=["attribute", "list-of-rows-in-dict", "transposed", "float32-in-list", "nested-object"],
)
def test_rows_hidden_anywhere_in_a_linear_model_are_found(hide) -> None:  # type: ignore[no-untyped-def]
    """The empirical scan walks the whole object, not only the attributes the static table names."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression

    from provenance.analysis.verbatim import scan

    x, y = load_breast_cancer(return_X_y=True)
    model = LogisticRegression(max_iter=3000).fit(x, y)
    assert scan(model, x).risk == "low"
    hide(model, x)
    result = scan(model, x)
    assert result.risk == "high" and result.rows_found == 10, result
