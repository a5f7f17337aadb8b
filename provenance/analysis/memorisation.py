"""Static memorisation analysis: which fitted attributes hold training data verbatim.

The table below names, for each scikit-learn estimator, the attribute that holds training rows or
individual values and what they are (checked against scikit-learn's source by the tests, which fit
every estimator named here and look the attribute up). The walk goes through pipelines, column
transformers, feature unions, meta-estimators and ensembles. An estimator in neither table is
``unknown``: never silently ``low``.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Risk = Literal["high", "low", "unknown"]
_ORDER = {"low": 0, "unknown": 1, "high": 2}

_NEIGHBOURS = "training rows"
# class name -> (attribute path, what it holds)
VERBATIM: dict[str, tuple[str, str]] = {
    **{
        c: ("_fit_X", _NEIGHBOURS)
        for c in (
            "KNeighborsClassifier",
            "KNeighborsRegressor",
            "RadiusNeighborsClassifier",
            "RadiusNeighborsRegressor",
            "NearestNeighbors",
            "KNeighborsTransformer",
            "RadiusNeighborsTransformer",
            "KNNImputer",
            "LocalOutlierFactor",
        )
    },
    "KernelDensity": ("tree_", "training rows (in its KD/ball tree)"),
    **{
        c: ("support_vectors_", "support vectors (training rows)")
        for c in ("SVC", "NuSVC", "SVR", "NuSVR", "OneClassSVM")
    },
    "GaussianProcessRegressor": ("X_train_", _NEIGHBOURS),
    "_BinaryGaussianProcessClassifierLaplace": ("X_train_", _NEIGHBOURS),
    "KernelRidge": ("X_fit_", _NEIGHBOURS),
    "KernelPCA": ("X_fit_", _NEIGHBOURS),
    "LabelPropagation": ("X_", _NEIGHBOURS),
    "LabelSpreading": ("X_", _NEIGHBOURS),
    "DBSCAN": ("components_", "core samples (training rows)"),
    "HDBSCAN": ("_raw_data", _NEIGHBOURS),
    "AffinityPropagation": ("cluster_centers_", "exemplars (real training rows)"),
    "Birch": ("subcluster_centers_", "subcluster centres (a one-sample subcluster is a training row)"),
    "Nystroem": ("components_", "sampled training rows"),
    "Isomap": ("nbrs_", "training rows (in its neighbours model)"),
    "LocallyLinearEmbedding": ("nbrs_", "training rows (in its neighbours model)"),
    "MDS": ("embedding_", "one output row per training record"),
    "TSNE": ("embedding_", "one output row per training record"),
    "SpectralEmbedding": ("embedding_", "one output row per training record"),
    "OneHotEncoder": ("categories_", "every category value seen in training"),
    "OrdinalEncoder": ("categories_", "every category value seen in training"),
    "TargetEncoder": ("categories_", "every category value seen in training"),
    "LabelEncoder": ("classes_", "every label value"),
    "LabelBinarizer": ("classes_", "every label value"),
    "CountVectorizer": ("vocabulary_", "every term seen in the training text"),
    "TfidfVectorizer": ("vocabulary_", "every term seen in the training text"),
    "MinMaxScaler": ("data_min_", "one record's extreme value per feature (data_min_, data_max_)"),
    "MaxAbsScaler": ("max_abs_", "one record's extreme value per feature"),
    "RobustScaler": ("center_", "individual median values per feature"),
    "QuantileTransformer": ("quantiles_", "individual quantile values (whole columns when n_quantiles >= rows)"),
    "KBinsDiscretizer": ("bin_edges_", "individual values as bin edges"),
    "IsotonicRegression": ("X_thresholds_", "training inputs as thresholds"),
}
# Estimators that keep aggregates only (coefficients, means, variances, components, weights).
AGGREGATES = frozenset(
    """LogisticRegression LogisticRegressionCV LinearRegression Ridge RidgeCV RidgeClassifier RidgeClassifierCV Lasso
    LassoCV ElasticNet ElasticNetCV Lars LassoLars OrthogonalMatchingPursuit BayesianRidge ARDRegression
    SGDClassifier SGDRegressor SGDOneClassSVM Perceptron PassiveAggressiveClassifier PassiveAggressiveRegressor
    HuberRegressor QuantileRegressor PoissonRegressor GammaRegressor TweedieRegressor LinearSVC LinearSVR
    StandardScaler Normalizer Binarizer PowerTransformer PolynomialFeatures SplineTransformer KernelCenterer
    FunctionTransformer SimpleImputer MissingIndicator PCA IncrementalPCA TruncatedSVD FactorAnalysis FastICA NMF
    MiniBatchNMF LatentDirichletAllocation SparsePCA MiniBatchSparsePCA DictionaryLearning GaussianRandomProjection
    SparseRandomProjection GaussianNB MultinomialNB BernoulliNB ComplementNB CategoricalNB
    LinearDiscriminantAnalysis QuadraticDiscriminantAnalysis KMeans MiniBatchKMeans BisectingKMeans NearestCentroid
    GaussianMixture BayesianGaussianMixture MLPClassifier MLPRegressor BernoulliRBM TfidfTransformer
    HashingVectorizer FeatureHasher SelectKBest SelectPercentile SelectFpr SelectFdr SelectFwe GenericUnivariateSelect
    VarianceThreshold DummyClassifier DummyRegressor CCA PLSRegression PLSCanonical PLSSVD _BinMapper""".split()
)
TREES = frozenset({"DecisionTreeClassifier", "DecisionTreeRegressor", "ExtraTreeClassifier", "ExtraTreeRegressor"})
# Containers: analysed through what they hold.
CONTAINERS = frozenset(
    """Pipeline FeatureUnion ColumnTransformer GridSearchCV RandomizedSearchCV HalvingGridSearchCV
    HalvingRandomSearchCV GaussianProcessClassifier CalibratedClassifierCV _CalibratedClassifier _SigmoidCalibration
    StackingClassifier
    StackingRegressor VotingClassifier VotingRegressor BaggingClassifier BaggingRegressor RandomForestClassifier
    RandomForestRegressor ExtraTreesClassifier ExtraTreesRegressor RandomTreesEmbedding GradientBoostingClassifier
    GradientBoostingRegressor AdaBoostClassifier AdaBoostRegressor IsolationForest HistGradientBoostingClassifier
    HistGradientBoostingRegressor OneVsRestClassifier OneVsOneClassifier OutputCodeClassifier MultiOutputClassifier
    MultiOutputRegressor ClassifierChain RegressorChain TransformedTargetRegressor SelectFromModel RFE RFECV
    SequentialFeatureSelector TunedThresholdClassifierCV FixedThresholdClassifier FrozenEstimator""".split()
)


@dataclass(frozen=True)
class Finding:
    estimator: str  # where in the model: "steps[0]: KNeighborsClassifier"
    attribute: str
    holds: str
    risk: Risk
    rows: int | None = None


@dataclass
class StaticResult:
    risk: Risk
    findings: list[Finding] = field(default_factory=list)
    min_leaf_size: int | None = None
    unknown: list[str] = field(default_factory=list)


def combine(risks: list[Risk]) -> Risk:
    return max(risks, key=lambda r: _ORDER[r]) if risks else "unknown"


def analyse(model: Any) -> StaticResult:
    """Walk a fitted model and report every verbatim holder, the smallest tree leaf, and what is unknown."""
    findings: list[Finding] = []
    unknown: list[str] = []
    leaves: list[int] = []
    risks: list[Risk] = []
    for where, est in walk(model):
        name = type(est).__name__
        label = f"{where}: {name}" if where else name
        if name in ("LabelEncoder", "LabelBinarizer") and where.rsplit(".", 1)[-1] in _LABEL_BOOKKEEPING:
            risks.append("low")  # a classifier's own class labels, as every classifier's classes_
        elif name in VERBATIM:
            attr, holds = VERBATIM[name]
            value = _get(est, attr)
            rows = _rows(value) if value is not None else None
            if value is not None and rows != 0:
                findings.append(Finding(label, attr, holds, "high", rows))
                risks.append("high")
            else:
                risks.append("low")  # e.g. DBSCAN that found no core sample
        elif name in TREES:
            size = _readable(_min_leaf, est)
            if size is _UNREADABLE:
                unknown.append(f"{label}: its tree_ is not a tree prov can read")
                risks.append("unknown")
            elif size is not None:
                leaves.append(size)
                risk: Risk = "high" if size <= 1 else "low"
                holds = f"leaves; the smallest holds {size} training record{'s' if size != 1 else ''}"
                findings.append(Finding(label, "tree_", holds, risk, None))
                risks.append(risk)
        elif name in ("HistGradientBoostingClassifier", "HistGradientBoostingRegressor"):
            size = _readable(_min_hgb_leaf, est)
            if size is _UNREADABLE:
                unknown.append(f"{label}: its _predictors are not trees prov can read")
                risks.append("unknown")
            elif size is not None:
                leaves.append(size)
                risk = "high" if size <= 1 else "low"
                findings.append(Finding(label, "_predictors", f"leaves; the smallest holds {size} records", risk))
                risks.append(risk)
        elif name in AGGREGATES or name in CONTAINERS:
            risks.append("low")
        elif _is_estimator(est) or est is TOO_DEEP:
            unknown.append(label if est is not TOO_DEEP else f"{where}: nested too deep to analyse")
            risks.append("unknown")
    return StaticResult(combine(risks), _collapse_trees(findings), min(leaves) if leaves else None, unknown)


_UNREADABLE = object()


def _readable(read: Any, est: Any) -> Any:
    """``read(est)``, or ``_UNREADABLE`` when the attribute is not the structure scikit-learn writes (a file
    can put anything there): reported unknown, never taken for "no finding"."""
    try:
        return read(est)
    except (AttributeError, TypeError, ValueError, IndexError, KeyError):
        return _UNREADABLE


_LABEL_BOOKKEEPING = frozenset({"le_", "_le", "label_encoder_", "_label_encoder", "label_binarizer_"})


def _collapse_trees(findings: list[Finding]) -> list[Finding]:
    """One line per ensemble instead of one per tree: keep the tree with the smallest leaf."""
    import re

    out: dict[tuple[str, str], Finding] = {}
    counts: dict[tuple[str, str], int] = {}
    for f in findings:
        key = (re.sub(r"\[\d+\]", "[*]", f.estimator), f.attribute)
        counts[key] = counts.get(key, 0) + 1
        best = out.get(key)
        if best is None or _leaf(f) < _leaf(best):
            out[key] = f
    result = []
    for key, f in out.items():
        n = counts[key]
        result.append(
            Finding(key[0] + (f" ({n} trees)" if n > 1 else ""), f.attribute, f.holds, f.risk, f.rows) if n > 1 else f
        )
    return result


def _leaf(f: Finding) -> int:
    digits = "".join(c if c.isdigit() else " " for c in f.holds).split()
    return int(digits[0]) if digits else 1 << 30


class _TooDeep:
    """Stands for whatever lies below the walk's depth limit: unknown, never assumed empty."""


TOO_DEEP = _TooDeep()
_MAX_DEPTH = 12


def walk(model: Any, where: str = "", depth: int = 0, seen: set[int] | None = None) -> Iterator[tuple[str, Any]]:
    """Every estimator inside a model once, with a path saying where it sits; below the depth limit,
    ``TOO_DEEP`` (which the analysis reports as unknown)."""
    seen = set() if seen is None else seen
    if id(model) in seen:
        return
    if depth > _MAX_DEPTH:
        yield where, TOO_DEEP
        return
    seen.add(id(model))
    yield where, model
    for attr, value in _children(model):
        path = f"{where}.{attr}" if where else attr
        yield from walk(value, path, depth + 1, seen)


def _children(est: Any) -> Iterator[tuple[str, Any]]:
    """Every estimator an estimator's attributes reach, fitted or not, named by scikit-learn's
    conventions or not: a fitted Pipeline has no attribute ending in "_", FrozenEstimator keeps its
    model in ``estimator``, and a model can sit in any attribute. An unfitted template holds nothing,
    so the analysis finds nothing in it (the table reads the attribute that holds the data)."""
    if not _is_estimator(est):
        return
    for attr, value in sorted(vars(est).items()):
        yield from _estimators_in(attr, value)


_MAX_NODES = 200_000  # containers and helper objects looked through per estimator


def _estimators_in(path: str, value: Any) -> Iterator[tuple[str, Any]]:
    """Every estimator an attribute's value reaches through lists, tuples, sets, dicts (keys too), object
    arrays and helper objects, depth first in attribute order, each container once (a Birch's leaves link
    to each other). Past ``_MAX_NODES`` the rest is ``TOO_DEEP``: unknown, never assumed empty."""
    import numpy as np

    seen: set[int] = set()
    budget = _MAX_NODES
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        path, value = stack.pop()
        if _is_estimator(value):
            yield path, value
            continue
        if isinstance(value, _LEAVES) or value is None:
            continue
        if isinstance(value, np.ndarray) and value.dtype != object:
            continue  # numbers: no estimator inside
        if id(value) in seen:
            continue
        seen.add(id(value))
        budget -= 1
        if budget < 0:
            yield path, TOO_DEEP
            return
        children: list[tuple[str, Any]] = []
        if isinstance(value, set | frozenset):
            children = [(f"{path}{{}}", item) for item in sorted(value, key=lambda v: type(v).__name__)]
        elif isinstance(value, list | tuple | np.ndarray):
            items = value.ravel().tolist() if isinstance(value, np.ndarray) else list(value)
            for i, item in enumerate(items):
                if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[0], str):
                    # (name, estimator[, columns]) as in Pipeline.steps and ColumnTransformer.transformers_
                    children.append((f"{path}[{item[0]!r}]", item[1]))
                else:
                    children.append((f"{path}[{i}]", item))
        elif isinstance(value, dict):
            for k, item in value.items():
                children.append((f"{path}[{k!r}]", item))
                if not isinstance(k, str | bytes | int | float | bool) and k is not None:
                    children.append((f"{path}.keys()[{type(k).__name__}]", k))  # an object as a key
        elif hasattr(value, "__dict__"):
            # A helper object that is not an estimator itself but holds some, e.g. the _CalibratedClassifier
            # items of CalibratedClassifierCV.calibrated_classifiers_.
            children = [(f"{path}.{k}", item) for k, item in sorted(vars(value).items())]
        stack.extend(reversed(children))


# Values with no estimator inside: plain data, classes, and functions (whose attributes are code metadata).
_LEAVES = (str, bytes, int, float, bool, complex, type)
_LEAVES += (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.BuiltinMethodType)


def _is_estimator(obj: Any) -> bool:
    return hasattr(obj, "get_params") and hasattr(obj, "fit") and not isinstance(obj, type)


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _rows(value: Any) -> int | None:
    shape = getattr(value, "shape", None)
    if shape:
        return int(shape[0])
    if hasattr(value, "get_arrays"):  # KDTree / BallTree
        return int(value.get_arrays()[0].shape[0])
    if hasattr(value, "_fit_X"):  # a NearestNeighbors inside Isomap / LLE
        return int(value._fit_X.shape[0])
    if isinstance(value, dict | list):
        return len(value)
    return None


def _min_leaf(tree_est: Any) -> int | None:
    t = getattr(tree_est, "tree_", None)
    if t is None:
        return None
    leaves = t.children_left == -1
    return int(t.n_node_samples[leaves].min()) if leaves.any() else None


def _min_hgb_leaf(est: Any) -> int | None:
    sizes = [int(p.nodes["count"][p.nodes["is_leaf"] == 1].min()) for it in getattr(est, "_predictors", []) for p in it]
    return min(sizes) if sizes else None


def static_findings(components: list[str]) -> list[str]:
    """From class names alone (a model that was not loaded): the known verbatim holders."""
    out = []
    for qualname in components:
        short = qualname.rsplit(".", 1)[-1]
        if short in VERBATIM and qualname.startswith("sklearn."):
            out.append(f"{short} stores {VERBATIM[short][1]} in {VERBATIM[short][0]}")
    return out


def sentence(result: StaticResult, rows_found: int | None = None) -> str:
    """The plain sentence for the rendered card."""
    high = [f for f in result.findings if f.risk == "high"]
    rows_high = [f for f in high if f.attribute not in ("tree_", "_predictors")]
    if high and not rows_high:
        f = high[0]
        return (
            f"A tree leaf in this model holds a single training record ({f.estimator}): it singles out one "
            "person, so treat the model as personal data wherever the training data is."
        )
    if high:
        f = rows_high[0]
        count = rows_found if rows_found is not None else f.rows
        amount = f"{count} " if count is not None and "row" in f.holds else ""
        return (
            f"This model stores {amount}{f.holds} verbatim in `{f.attribute}` ({f.estimator}); it is personal "
            "data wherever the training data is."
        )
    if result.risk == "unknown":
        names = ", ".join(result.unknown) or "some components"
        return f"prov does not know what {names} keep from the training data; treat the model as holding it."
    leaf = f" The smallest tree leaf holds {result.min_leaf_size} records." if result.min_leaf_size else ""
    return "This model keeps aggregates only (no training rows or individual values)." + leaf
