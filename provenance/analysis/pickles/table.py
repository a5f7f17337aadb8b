"""The construction policy: every global a model file may name, entry by entry, and how it may be used.

No module wildcards: a library class is admitted by name, with the rule that says how it may be made
(``rules``) and, for classes restored from state, the ``__setstate__`` that was reviewed for it. The
loader refuses a class whose live ``__setstate__`` differs from the reviewed one (a library upgrade
that adds one fails closed), and ``tests/test_pickle_table.py`` walks every entry against the
installed libraries so such a change is seen in CI, not in a user's load.

Kinds of entry:
- *value*: may be referred to (a hyper-parameter such as ``dtype=numpy.float64``, ``func=numpy.log1p``,
  a scorer's metric function), never called or instantiated while loading;
- a *call* with a rule that checks its arguments (numpy arrays, dtypes, random states, ...);
- a *class* made by ``__new__`` and given a dict of attributes (scikit-learn estimators and helpers);
- *context-only*: names a genuine file uses only inside a structure another rule vouches for
  (``builtins.getattr`` and ``numpy.vectorize`` inside a scipy distribution, joblib's array wrapper).

PyTorch names are *inspect-only*: listed so that a weights-only checkpoint reads as such; prov never
loads PyTorch files.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from . import rules

BASE_ESTIMATOR_SETSTATE = "sklearn.base.BaseEstimator.__setstate__"


class Entry(NamedTuple):
    """One admitted global. A named tuple: the table makes ~800 of them on every command that reads a
    pickle, and a frozen dataclass costs several times more to make."""

    module: str
    name: str
    rule: rules.Rule
    setstate: str | None = None  # the reviewed __setstate__ (module.qualname); None: the class has none
    why: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.module, self.name)

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"


class ContextOnly(rules.Rule):
    """Admitted only where another rule vouches for the structure around it."""

    name = "context"
    as_value = False

    def check(self, node: Any, j: Any) -> list[str]:
        return [f"{node.qualname} is only accepted inside the structure that uses it"]


class InspectOnly(rules.Rule):
    """PyTorch's tensor rebuild functions: read for the card, never loaded by prov."""

    name = "inspect-only"
    ops = frozenset({"reduce", "newobj"})

    def check(self, node: Any, j: Any) -> list[str]:
        for part in (node.args, node.kwargs, node.state, node.items, node.pairs):
            j.walk(part)
        return []

    def make(self, node: Any, b: Any) -> Any:
        raise rules.NotValid(f"prov does not load PyTorch objects ({node.qualname})")


VALUE = rules.Rule()
CONTEXT = ContextOnly()
INSPECT_ONLY = InspectOnly()

_BUILTIN_DATA = (int, float, bool, str, bytes, bytearray, list, tuple, set, frozenset, dict, complex)
_BUILTIN_CALLS = {
    "set": (list, tuple, set, frozenset),
    "frozenset": (list, tuple, set, frozenset),
    "list": (list, tuple),
    "tuple": (list, tuple),
    "dict": (dict, list, tuple),
    "bytes": (bytes, bytearray, list, tuple, str),
    "bytearray": (bytes, bytearray, list, tuple, str),
    "slice": (int,),
    "complex": (int, float),
    "int": (int, float, str),
    "float": (int, float, str),
    "str": (str,),
    "bool": (int, bool),
}
_BUILTIN_VALUES = ["object", "type", "len", "abs", "min", "max", "sum", "round"]

_NUMPY_SCALARS = [
    "bool", "bool_", "byte", "bytes_", "cdouble", "clongdouble", "complex128", "complex64", "csingle",
    "datetime64", "double", "float16", "float32", "float64", "half", "int16", "int32", "int64", "int8", "int_",
    "intc", "intp", "long", "longdouble", "longlong", "number", "floating", "integer", "signedinteger",
    "unsignedinteger", "inexact", "complexfloating", "generic", "object_", "short", "single", "str_",
    "timedelta64", "ubyte", "uint", "uint16", "uint32", "uint64", "uint8", "uintc", "uintp", "ulong",
    "ulonglong", "ushort", "void",
]  # fmt: skip
_NUMPY_DTYPE_CLASSES = [
    "BoolDType", "ByteDType", "BytesDType", "CLongDoubleDType", "Complex128DType", "Complex64DType",
    "DateTime64DType", "Float16DType", "Float32DType", "Float64DType", "Int16DType", "Int32DType", "Int64DType",
    "Int8DType", "IntDType", "LongDType", "LongDoubleDType", "LongLongDType", "ObjectDType", "ShortDType",
    "StrDType", "TimeDelta64DType", "UByteDType", "UInt16DType", "UInt32DType", "UInt64DType", "UInt8DType",
    "UIntDType", "ULongDType", "ULongLongDType", "UShortDType", "VoidDType",
]  # fmt: skip
# numpy functions estimators keep as hyper-parameters (FeatureAgglomeration(pooling_func=numpy.mean), ...):
# pure computations over arrays.
_NUMPY_FUNCTIONS = [
    "mean", "median", "average", "sum", "prod", "max", "min", "amax", "amin", "std", "var", "ptp",
    "nanmean", "nanmedian", "nansum", "nanmax", "nanmin", "nanstd", "nanvar",
]  # fmt: skip
_SKLEARN_ESTIMATORS = [
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.cluster._affinity_propagation.AffinityPropagation",
    "sklearn.cluster._agglomerative.AgglomerativeClustering",
    "sklearn.cluster._agglomerative.FeatureAgglomeration",
    "sklearn.cluster._bicluster.SpectralBiclustering",
    "sklearn.cluster._bicluster.SpectralCoclustering",
    "sklearn.cluster._birch.Birch",
    "sklearn.cluster._bisect_k_means.BisectingKMeans",
    "sklearn.cluster._dbscan.DBSCAN",
    "sklearn.cluster._hdbscan.hdbscan.HDBSCAN",
    "sklearn.cluster._kmeans.KMeans",
    "sklearn.cluster._kmeans.MiniBatchKMeans",
    "sklearn.cluster._mean_shift.MeanShift",
    "sklearn.cluster._optics.OPTICS",
    "sklearn.cluster._spectral.SpectralClustering",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.compose._target.TransformedTargetRegressor",
    "sklearn.covariance._elliptic_envelope.EllipticEnvelope",
    "sklearn.covariance._empirical_covariance.EmpiricalCovariance",
    "sklearn.covariance._graph_lasso.GraphicalLasso",
    "sklearn.covariance._graph_lasso.GraphicalLassoCV",
    "sklearn.covariance._robust_covariance.MinCovDet",
    "sklearn.covariance._shrunk_covariance.LedoitWolf",
    "sklearn.covariance._shrunk_covariance.OAS",
    "sklearn.covariance._shrunk_covariance.ShrunkCovariance",
    "sklearn.cross_decomposition._pls.CCA",
    "sklearn.cross_decomposition._pls.PLSCanonical",
    "sklearn.cross_decomposition._pls.PLSRegression",
    "sklearn.cross_decomposition._pls.PLSSVD",
    "sklearn.decomposition._dict_learning.DictionaryLearning",
    "sklearn.decomposition._dict_learning.MiniBatchDictionaryLearning",
    "sklearn.decomposition._dict_learning.SparseCoder",
    "sklearn.decomposition._factor_analysis.FactorAnalysis",
    "sklearn.decomposition._fastica.FastICA",
    "sklearn.decomposition._incremental_pca.IncrementalPCA",
    "sklearn.decomposition._kernel_pca.KernelPCA",
    "sklearn.decomposition._lda.LatentDirichletAllocation",
    "sklearn.decomposition._nmf.MiniBatchNMF",
    "sklearn.decomposition._nmf.NMF",
    "sklearn.decomposition._pca.PCA",
    "sklearn.decomposition._sparse_pca.MiniBatchSparsePCA",
    "sklearn.decomposition._sparse_pca.SparsePCA",
    "sklearn.decomposition._truncated_svd.TruncatedSVD",
    "sklearn.discriminant_analysis.LinearDiscriminantAnalysis",
    "sklearn.discriminant_analysis.QuadraticDiscriminantAnalysis",
    "sklearn.dummy.DummyClassifier",
    "sklearn.dummy.DummyRegressor",
    "sklearn.ensemble._bagging.BaggingClassifier",
    "sklearn.ensemble._bagging.BaggingRegressor",
    "sklearn.ensemble._forest.ExtraTreesClassifier",
    "sklearn.ensemble._forest.ExtraTreesRegressor",
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.ensemble._forest.RandomForestRegressor",
    "sklearn.ensemble._forest.RandomTreesEmbedding",
    "sklearn.ensemble._gb.GradientBoostingClassifier",
    "sklearn.ensemble._gb.GradientBoostingRegressor",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor",
    "sklearn.ensemble._iforest.IsolationForest",
    "sklearn.ensemble._stacking.StackingClassifier",
    "sklearn.ensemble._stacking.StackingRegressor",
    "sklearn.ensemble._voting.VotingClassifier",
    "sklearn.ensemble._voting.VotingRegressor",
    "sklearn.ensemble._weight_boosting.AdaBoostClassifier",
    "sklearn.ensemble._weight_boosting.AdaBoostRegressor",
    "sklearn.feature_extraction._dict_vectorizer.DictVectorizer",
    "sklearn.feature_extraction._hash.FeatureHasher",
    "sklearn.feature_extraction.image.PatchExtractor",
    "sklearn.feature_extraction.text.CountVectorizer",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_selection._from_model.SelectFromModel",
    "sklearn.feature_selection._rfe.RFE",
    "sklearn.feature_selection._rfe.RFECV",
    "sklearn.feature_selection._sequential.SequentialFeatureSelector",
    "sklearn.feature_selection._univariate_selection.GenericUnivariateSelect",
    "sklearn.feature_selection._univariate_selection.SelectFdr",
    "sklearn.feature_selection._univariate_selection.SelectFpr",
    "sklearn.feature_selection._univariate_selection.SelectFwe",
    "sklearn.feature_selection._univariate_selection.SelectKBest",
    "sklearn.feature_selection._univariate_selection.SelectPercentile",
    "sklearn.feature_selection._variance_threshold.VarianceThreshold",
    "sklearn.frozen._frozen.FrozenEstimator",
    "sklearn.gaussian_process._gpc.GaussianProcessClassifier",
    "sklearn.gaussian_process._gpc._BinaryGaussianProcessClassifierLaplace",
    "sklearn.gaussian_process._gpr.GaussianProcessRegressor",
    "sklearn.impute._base.MissingIndicator",
    "sklearn.impute._base.SimpleImputer",
    "sklearn.impute._knn.KNNImputer",
    "sklearn.kernel_approximation.AdditiveChi2Sampler",
    "sklearn.kernel_approximation.Nystroem",
    "sklearn.kernel_approximation.PolynomialCountSketch",
    "sklearn.kernel_approximation.RBFSampler",
    "sklearn.kernel_approximation.SkewedChi2Sampler",
    "sklearn.kernel_ridge.KernelRidge",
    "sklearn.linear_model._base.LinearRegression",
    "sklearn.linear_model._bayes.ARDRegression",
    "sklearn.linear_model._bayes.BayesianRidge",
    "sklearn.linear_model._coordinate_descent.ElasticNet",
    "sklearn.linear_model._coordinate_descent.ElasticNetCV",
    "sklearn.linear_model._coordinate_descent.Lasso",
    "sklearn.linear_model._coordinate_descent.LassoCV",
    "sklearn.linear_model._coordinate_descent.MultiTaskElasticNet",
    "sklearn.linear_model._coordinate_descent.MultiTaskElasticNetCV",
    "sklearn.linear_model._coordinate_descent.MultiTaskLasso",
    "sklearn.linear_model._coordinate_descent.MultiTaskLassoCV",
    "sklearn.linear_model._glm.glm.GammaRegressor",
    "sklearn.linear_model._glm.glm.PoissonRegressor",
    "sklearn.linear_model._glm.glm.TweedieRegressor",
    "sklearn.linear_model._huber.HuberRegressor",
    "sklearn.linear_model._least_angle.Lars",
    "sklearn.linear_model._least_angle.LarsCV",
    "sklearn.linear_model._least_angle.LassoLars",
    "sklearn.linear_model._least_angle.LassoLarsCV",
    "sklearn.linear_model._least_angle.LassoLarsIC",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.linear_model._logistic.LogisticRegressionCV",
    "sklearn.linear_model._omp.OrthogonalMatchingPursuit",
    "sklearn.linear_model._omp.OrthogonalMatchingPursuitCV",
    "sklearn.linear_model._perceptron.Perceptron",
    "sklearn.linear_model._quantile.QuantileRegressor",
    "sklearn.linear_model._ransac.RANSACRegressor",
    "sklearn.linear_model._ridge.Ridge",
    "sklearn.linear_model._ridge.RidgeCV",
    "sklearn.linear_model._ridge.RidgeClassifier",
    "sklearn.linear_model._ridge.RidgeClassifierCV",
    "sklearn.linear_model._stochastic_gradient.SGDClassifier",
    "sklearn.linear_model._stochastic_gradient.SGDOneClassSVM",
    "sklearn.linear_model._stochastic_gradient.SGDRegressor",
    "sklearn.linear_model._theil_sen.TheilSenRegressor",
    "sklearn.manifold._classical_mds.ClassicalMDS",
    "sklearn.manifold._isomap.Isomap",
    "sklearn.manifold._locally_linear.LocallyLinearEmbedding",
    "sklearn.manifold._mds.MDS",
    "sklearn.manifold._spectral_embedding.SpectralEmbedding",
    "sklearn.manifold._t_sne.TSNE",
    "sklearn.mixture._bayesian_mixture.BayesianGaussianMixture",
    "sklearn.mixture._gaussian_mixture.GaussianMixture",
    "sklearn.model_selection._classification_threshold.FixedThresholdClassifier",
    "sklearn.model_selection._classification_threshold.TunedThresholdClassifierCV",
    "sklearn.model_selection._search.GridSearchCV",
    "sklearn.model_selection._search.RandomizedSearchCV",
    "sklearn.multiclass.OneVsOneClassifier",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.multiclass.OutputCodeClassifier",
    "sklearn.multiclass._ConstantPredictor",
    "sklearn.multioutput.ClassifierChain",
    "sklearn.multioutput.MultiOutputClassifier",
    "sklearn.multioutput.MultiOutputRegressor",
    "sklearn.multioutput.RegressorChain",
    "sklearn.naive_bayes.BernoulliNB",
    "sklearn.naive_bayes.CategoricalNB",
    "sklearn.naive_bayes.ComplementNB",
    "sklearn.naive_bayes.GaussianNB",
    "sklearn.naive_bayes.MultinomialNB",
    "sklearn.neighbors._classification.KNeighborsClassifier",
    "sklearn.neighbors._classification.RadiusNeighborsClassifier",
    "sklearn.neighbors._graph.KNeighborsTransformer",
    "sklearn.neighbors._graph.RadiusNeighborsTransformer",
    "sklearn.neighbors._kde.KernelDensity",
    "sklearn.neighbors._lof.LocalOutlierFactor",
    "sklearn.neighbors._nca.NeighborhoodComponentsAnalysis",
    "sklearn.neighbors._nearest_centroid.NearestCentroid",
    "sklearn.neighbors._regression.KNeighborsRegressor",
    "sklearn.neighbors._regression.RadiusNeighborsRegressor",
    "sklearn.neighbors._unsupervised.NearestNeighbors",
    "sklearn.neural_network._multilayer_perceptron.MLPClassifier",
    "sklearn.neural_network._multilayer_perceptron.MLPRegressor",
    "sklearn.neural_network._rbm.BernoulliRBM",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.Binarizer",
    "sklearn.preprocessing._data.KernelCenterer",
    "sklearn.preprocessing._data.MaxAbsScaler",
    "sklearn.preprocessing._data.MinMaxScaler",
    "sklearn.preprocessing._data.Normalizer",
    "sklearn.preprocessing._data.PowerTransformer",
    "sklearn.preprocessing._data.QuantileTransformer",
    "sklearn.preprocessing._data.RobustScaler",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.preprocessing._discretization.KBinsDiscretizer",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.preprocessing._encoders.OrdinalEncoder",
    "sklearn.preprocessing._function_transformer.FunctionTransformer",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.preprocessing._label.LabelEncoder",
    "sklearn.preprocessing._label.MultiLabelBinarizer",
    "sklearn.preprocessing._polynomial.PolynomialFeatures",
    "sklearn.preprocessing._polynomial.SplineTransformer",
    "sklearn.preprocessing._target_encoder.TargetEncoder",
    "sklearn.random_projection.GaussianRandomProjection",
    "sklearn.random_projection.SparseRandomProjection",
    "sklearn.semi_supervised._label_propagation.LabelPropagation",
    "sklearn.semi_supervised._label_propagation.LabelSpreading",
    "sklearn.semi_supervised._self_training.SelfTrainingClassifier",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.svm._classes.LinearSVR",
    "sklearn.svm._classes.NuSVC",
    "sklearn.svm._classes.NuSVR",
    "sklearn.svm._classes.OneClassSVM",
    "sklearn.svm._classes.SVC",
    "sklearn.svm._classes.SVR",
    "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._classes.DecisionTreeRegressor",
    "sklearn.tree._classes.ExtraTreeClassifier",
    "sklearn.tree._classes.ExtraTreeRegressor",
]
_SKLEARN_PLAIN = [
    "sklearn._loss.link.HalfLogitLink",
    "sklearn._loss.link.IdentityLink",
    "sklearn._loss.link.Interval",
    "sklearn._loss.link.LogLink",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.link.MultinomialLogit",
    "sklearn._loss.loss.AbsoluteError",
    "sklearn._loss.loss.ArrayAPILossMixin",
    "sklearn._loss.loss.BaseLoss",
    "sklearn._loss.loss.ExponentialLoss",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss.loss.HalfBinomialLossArrayAPI",
    "sklearn._loss.loss.HalfGammaLoss",
    "sklearn._loss.loss.HalfMultinomialLoss",
    "sklearn._loss.loss.HalfMultinomialLossArrayAPI",
    "sklearn._loss.loss.HalfPoissonLoss",
    "sklearn._loss.loss.HalfPoissonLossArrayAPI",
    "sklearn._loss.loss.HalfSquaredError",
    "sklearn._loss.loss.HalfTweedieLoss",
    "sklearn._loss.loss.HalfTweedieLossIdentity",
    "sklearn._loss.loss.HuberLoss",
    "sklearn._loss.loss.PinballLoss",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.cluster._birch._CFNode",
    "sklearn.cluster._birch._CFSubcluster",
    "sklearn.cluster._bisect_k_means._BisectingTree",
    "sklearn.gaussian_process.kernels.CompoundKernel",
    "sklearn.gaussian_process.kernels.ConstantKernel",
    "sklearn.gaussian_process.kernels.DotProduct",
    "sklearn.gaussian_process.kernels.ExpSineSquared",
    "sklearn.gaussian_process.kernels.Exponentiation",
    "sklearn.gaussian_process.kernels.GenericKernelMixin",
    "sklearn.gaussian_process.kernels.Matern",
    "sklearn.gaussian_process.kernels.NormalizedKernelMixin",
    "sklearn.gaussian_process.kernels.PairwiseKernel",
    "sklearn.gaussian_process.kernels.Product",
    "sklearn.gaussian_process.kernels.RBF",
    "sklearn.gaussian_process.kernels.RationalQuadratic",
    "sklearn.gaussian_process.kernels.StationaryKernelMixin",
    "sklearn.gaussian_process.kernels.Sum",
    "sklearn.gaussian_process.kernels.WhiteKernel",
    "sklearn.metrics._scorer._BaseScorer",
    "sklearn.metrics._scorer._CurveScorer",
    "sklearn.metrics._scorer._MultimetricScorer",
    "sklearn.metrics._scorer._PassthroughScorer",
    "sklearn.metrics._scorer._Scorer",
    "sklearn.model_selection._split.BaseShuffleSplit",
    "sklearn.model_selection._split.GroupKFold",
    "sklearn.model_selection._split.GroupShuffleSplit",
    "sklearn.model_selection._split.GroupsConsumerMixin",
    "sklearn.model_selection._split.KFold",
    "sklearn.model_selection._split.LeaveOneGroupOut",
    "sklearn.model_selection._split.LeaveOneOut",
    "sklearn.model_selection._split.LeavePGroupsOut",
    "sklearn.model_selection._split.LeavePOut",
    "sklearn.model_selection._split.PredefinedSplit",
    "sklearn.model_selection._split.RepeatedKFold",
    "sklearn.model_selection._split.RepeatedStratifiedKFold",
    "sklearn.model_selection._split.ShuffleSplit",
    "sklearn.model_selection._split.StratifiedGroupKFold",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.model_selection._split.StratifiedShuffleSplit",
    "sklearn.model_selection._split.TimeSeriesSplit",
    "sklearn.model_selection._split._CVIterableWrapper",
    "sklearn.model_selection._split._RepeatedSplits",
    "sklearn.model_selection._split._UnsupportedGroupCVMixin",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.neural_network._stochastic_optimizers.BaseOptimizer",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
    "sklearn.utils._metadata_requests.MetadataRequest",
    "sklearn.utils._metadata_requests.MethodMetadataRequest",
]
_SCIPY_DISTRIBUTIONS = [
    "scipy.stats._continuous_distns.alpha_gen",
    "scipy.stats._continuous_distns.anglit_gen",
    "scipy.stats._continuous_distns.arcsine_gen",
    "scipy.stats._continuous_distns.argus_gen",
    "scipy.stats._continuous_distns.beta_gen",
    "scipy.stats._continuous_distns.betaprime_gen",
    "scipy.stats._continuous_distns.bradford_gen",
    "scipy.stats._continuous_distns.burr12_gen",
    "scipy.stats._continuous_distns.burr_gen",
    "scipy.stats._continuous_distns.cauchy_gen",
    "scipy.stats._continuous_distns.chi2_gen",
    "scipy.stats._continuous_distns.chi_gen",
    "scipy.stats._continuous_distns.cosine_gen",
    "scipy.stats._continuous_distns.crystalball_gen",
    "scipy.stats._continuous_distns.dgamma_gen",
    "scipy.stats._continuous_distns.dpareto_lognorm_gen",
    "scipy.stats._continuous_distns.dweibull_gen",
    "scipy.stats._continuous_distns.erlang_gen",
    "scipy.stats._continuous_distns.expon_gen",
    "scipy.stats._continuous_distns.exponnorm_gen",
    "scipy.stats._continuous_distns.exponpow_gen",
    "scipy.stats._continuous_distns.exponweib_gen",
    "scipy.stats._continuous_distns.f_gen",
    "scipy.stats._continuous_distns.fatiguelife_gen",
    "scipy.stats._continuous_distns.fisk_gen",
    "scipy.stats._continuous_distns.foldcauchy_gen",
    "scipy.stats._continuous_distns.foldnorm_gen",
    "scipy.stats._continuous_distns.gamma_gen",
    "scipy.stats._continuous_distns.gausshyper_gen",
    "scipy.stats._continuous_distns.genexpon_gen",
    "scipy.stats._continuous_distns.genextreme_gen",
    "scipy.stats._continuous_distns.gengamma_gen",
    "scipy.stats._continuous_distns.genhalflogistic_gen",
    "scipy.stats._continuous_distns.genhyperbolic_gen",
    "scipy.stats._continuous_distns.geninvgauss_gen",
    "scipy.stats._continuous_distns.genlogistic_gen",
    "scipy.stats._continuous_distns.gennorm_gen",
    "scipy.stats._continuous_distns.genpareto_gen",
    "scipy.stats._continuous_distns.gibrat_gen",
    "scipy.stats._continuous_distns.gompertz_gen",
    "scipy.stats._continuous_distns.gumbel_l_gen",
    "scipy.stats._continuous_distns.gumbel_r_gen",
    "scipy.stats._continuous_distns.halfcauchy_gen",
    "scipy.stats._continuous_distns.halfgennorm_gen",
    "scipy.stats._continuous_distns.halflogistic_gen",
    "scipy.stats._continuous_distns.halfnorm_gen",
    "scipy.stats._continuous_distns.hypsecant_gen",
    "scipy.stats._continuous_distns.invgamma_gen",
    "scipy.stats._continuous_distns.invgauss_gen",
    "scipy.stats._continuous_distns.invweibull_gen",
    "scipy.stats._continuous_distns.irwinhall_gen",
    "scipy.stats._continuous_distns.jf_skew_t_gen",
    "scipy.stats._continuous_distns.johnsonsb_gen",
    "scipy.stats._continuous_distns.johnsonsu_gen",
    "scipy.stats._continuous_distns.kappa3_gen",
    "scipy.stats._continuous_distns.kappa4_gen",
    "scipy.stats._continuous_distns.ksone_gen",
    "scipy.stats._continuous_distns.kstwo_gen",
    "scipy.stats._continuous_distns.kstwobign_gen",
    "scipy.stats._continuous_distns.landau_gen",
    "scipy.stats._continuous_distns.laplace_asymmetric_gen",
    "scipy.stats._continuous_distns.laplace_gen",
    "scipy.stats._continuous_distns.levy_gen",
    "scipy.stats._continuous_distns.levy_l_gen",
    "scipy.stats._continuous_distns.loggamma_gen",
    "scipy.stats._continuous_distns.logistic_gen",
    "scipy.stats._continuous_distns.loglaplace_gen",
    "scipy.stats._continuous_distns.lognorm_gen",
    "scipy.stats._continuous_distns.lomax_gen",
    "scipy.stats._continuous_distns.maxwell_gen",
    "scipy.stats._continuous_distns.mielke_gen",
    "scipy.stats._continuous_distns.moyal_gen",
    "scipy.stats._continuous_distns.nakagami_gen",
    "scipy.stats._continuous_distns.ncf_gen",
    "scipy.stats._continuous_distns.nct_gen",
    "scipy.stats._continuous_distns.ncx2_gen",
    "scipy.stats._continuous_distns.norm_gen",
    "scipy.stats._continuous_distns.norminvgauss_gen",
    "scipy.stats._continuous_distns.pareto_gen",
    "scipy.stats._continuous_distns.pearson3_gen",
    "scipy.stats._continuous_distns.powerlaw_gen",
    "scipy.stats._continuous_distns.powerlognorm_gen",
    "scipy.stats._continuous_distns.powernorm_gen",
    "scipy.stats._continuous_distns.rayleigh_gen",
    "scipy.stats._continuous_distns.rdist_gen",
    "scipy.stats._continuous_distns.recipinvgauss_gen",
    "scipy.stats._continuous_distns.reciprocal_gen",
    "scipy.stats._continuous_distns.rel_breitwigner_gen",
    "scipy.stats._continuous_distns.rice_gen",
    "scipy.stats._continuous_distns.semicircular_gen",
    "scipy.stats._continuous_distns.skewcauchy_gen",
    "scipy.stats._continuous_distns.skewnorm_gen",
    "scipy.stats._continuous_distns.studentized_range_gen",
    "scipy.stats._continuous_distns.t_gen",
    "scipy.stats._continuous_distns.trapezoid_gen",
    "scipy.stats._continuous_distns.triang_gen",
    "scipy.stats._continuous_distns.truncexpon_gen",
    "scipy.stats._continuous_distns.truncnorm_gen",
    "scipy.stats._continuous_distns.truncpareto_gen",
    "scipy.stats._continuous_distns.truncweibull_min_gen",
    "scipy.stats._continuous_distns.tukeylambda_gen",
    "scipy.stats._continuous_distns.uniform_gen",
    "scipy.stats._continuous_distns.vonmises_gen",
    "scipy.stats._continuous_distns.wald_gen",
    "scipy.stats._continuous_distns.weibull_max_gen",
    "scipy.stats._continuous_distns.weibull_min_gen",
    "scipy.stats._continuous_distns.wrapcauchy_gen",
    "scipy.stats._discrete_distns.bernoulli_gen",
    "scipy.stats._discrete_distns.betabinom_gen",
    "scipy.stats._discrete_distns.betanbinom_gen",
    "scipy.stats._discrete_distns.binom_gen",
    "scipy.stats._discrete_distns.boltzmann_gen",
    "scipy.stats._discrete_distns.dlaplace_gen",
    "scipy.stats._discrete_distns.geom_gen",
    "scipy.stats._discrete_distns.hypergeom_gen",
    "scipy.stats._discrete_distns.logser_gen",
    "scipy.stats._discrete_distns.nbinom_gen",
    "scipy.stats._discrete_distns.nchypergeom_fisher_gen",
    "scipy.stats._discrete_distns.nchypergeom_wallenius_gen",
    "scipy.stats._discrete_distns.nhypergeom_gen",
    "scipy.stats._discrete_distns.planck_gen",
    "scipy.stats._discrete_distns.poisson_binom_gen",
    "scipy.stats._discrete_distns.poisson_gen",
    "scipy.stats._discrete_distns.randint_gen",
    "scipy.stats._discrete_distns.skellam_gen",
    "scipy.stats._discrete_distns.yulesimon_gen",
    "scipy.stats._discrete_distns.zipf_gen",
    "scipy.stats._discrete_distns.zipfian_gen",
    "scipy.stats._levy_stable.levy_stable_gen",
]
_NUMPY_UFUNCS = [
    "abs",
    "absolute",
    "acos",
    "acosh",
    "add",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "bitwise_and",
    "bitwise_count",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "cbrt",
    "ceil",
    "conj",
    "conjugate",
    "copysign",
    "cos",
    "cosh",
    "deg2rad",
    "degrees",
    "divide",
    "divmod",
    "equal",
    "exp",
    "exp2",
    "expm1",
    "fabs",
    "float_power",
    "floor",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "frexp",
    "gcd",
    "greater",
    "greater_equal",
    "heaviside",
    "hypot",
    "invert",
    "isfinite",
    "isinf",
    "isnan",
    "isnat",
    "lcm",
    "ldexp",
    "left_shift",
    "less",
    "less_equal",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "matmul",
    "matvec",
    "maximum",
    "minimum",
    "mod",
    "modf",
    "multiply",
    "negative",
    "nextafter",
    "not_equal",
    "positive",
    "pow",
    "power",
    "rad2deg",
    "radians",
    "reciprocal",
    "remainder",
    "right_shift",
    "rint",
    "sign",
    "signbit",
    "sin",
    "sinh",
    "spacing",
    "sqrt",
    "square",
    "subtract",
    "tan",
    "tanh",
    "true_divide",
    "trunc",
    "vecdot",
    "vecmat",
]

# scikit-learn functions that estimators keep as references (score_func=f_classif, a scorer's metric,
# BisectingKMeans' inner k-means, SplineTransformer's array conversion): computations, never I/O.
_SKLEARN_FUNCTIONS = [
    "sklearn.feature_selection._univariate_selection.f_classif",
    "sklearn.feature_selection._univariate_selection.f_regression",
    "sklearn.feature_selection._univariate_selection.chi2",
    "sklearn.feature_selection._univariate_selection.r_regression",
    "sklearn.feature_selection._mutual_info.mutual_info_classif",
    "sklearn.feature_selection._mutual_info.mutual_info_regression",
    "sklearn.cluster._kmeans._kmeans_single_lloyd",
    "sklearn.cluster._kmeans._kmeans_single_elkan",
]
_SKLEARN_METRICS = [
    "sklearn.metrics._classification.accuracy_score",
    "sklearn.metrics._classification.balanced_accuracy_score",
    "sklearn.metrics._classification.brier_score_loss",
    "sklearn.metrics._classification.class_likelihood_ratios",
    "sklearn.metrics._classification.d2_brier_score",
    "sklearn.metrics._classification.d2_log_loss_score",
    "sklearn.metrics._classification.f1_score",
    "sklearn.metrics._classification.fbeta_score",
    "sklearn.metrics._classification.hamming_loss",
    "sklearn.metrics._classification.jaccard_score",
    "sklearn.metrics._classification.log_loss",
    "sklearn.metrics._classification.matthews_corrcoef",
    "sklearn.metrics._classification.precision_score",
    "sklearn.metrics._classification.recall_score",
    "sklearn.metrics._classification.zero_one_loss",
    "sklearn.metrics._ranking.average_precision_score",
    "sklearn.metrics._ranking.coverage_error",
    "sklearn.metrics._ranking.dcg_score",
    "sklearn.metrics._ranking.det_curve",
    "sklearn.metrics._ranking.label_ranking_average_precision_score",
    "sklearn.metrics._ranking.ndcg_score",
    "sklearn.metrics._ranking.precision_recall_curve",
    "sklearn.metrics._ranking.roc_auc_score",
    "sklearn.metrics._ranking.roc_curve",
    "sklearn.metrics._ranking.top_k_accuracy_score",
    "sklearn.metrics._regression.d2_absolute_error_score",
    "sklearn.metrics._regression.d2_pinball_score",
    "sklearn.metrics._regression.d2_tweedie_score",
    "sklearn.metrics._regression.explained_variance_score",
    "sklearn.metrics._regression.max_error",
    "sklearn.metrics._regression.mean_absolute_error",
    "sklearn.metrics._regression.mean_absolute_percentage_error",
    "sklearn.metrics._regression.mean_gamma_deviance",
    "sklearn.metrics._regression.mean_pinball_loss",
    "sklearn.metrics._regression.mean_poisson_deviance",
    "sklearn.metrics._regression.mean_squared_error",
    "sklearn.metrics._regression.mean_squared_log_error",
    "sklearn.metrics._regression.mean_tweedie_deviance",
    "sklearn.metrics._regression.median_absolute_error",
    "sklearn.metrics._regression.r2_score",
    "sklearn.metrics._regression.root_mean_squared_error",
    "sklearn.metrics._regression.root_mean_squared_log_error",
    "sklearn.metrics.cluster._supervised.adjusted_mutual_info_score",
    "sklearn.metrics.cluster._supervised.adjusted_rand_score",
    "sklearn.metrics.cluster._supervised.completeness_score",
    "sklearn.metrics.cluster._supervised.fowlkes_mallows_score",
    "sklearn.metrics.cluster._supervised.homogeneity_score",
    "sklearn.metrics.cluster._supervised.mutual_info_score",
    "sklearn.metrics.cluster._supervised.normalized_mutual_info_score",
    "sklearn.metrics.cluster._supervised.rand_score",
    "sklearn.metrics.cluster._supervised.v_measure_score",
    "sklearn.metrics.cluster._unsupervised.calinski_harabasz_score",
    "sklearn.metrics.cluster._unsupervised.davies_bouldin_score",
    "sklearn.metrics.cluster._unsupervised.silhouette_score",
]
_SKLEARN_CY_LOSSES = [
    "CyHalfSquaredError", "CyAbsoluteError", "CyPinballLoss", "CyHuberLoss", "CyHalfPoissonLoss", "CyHalfGammaLoss",
    "CyHalfTweedieLoss", "CyHalfTweedieLossIdentity", "CyHalfBinomialLoss", "CyExponentialLoss",
]  # fmt: skip
_SKLEARN_SGD_LOSSES = ["Hinge", "SquaredHinge", "ModifiedHuber", "EpsilonInsensitive", "SquaredEpsilonInsensitive"]
_DIST_METRICS = [
    "EuclideanDistance64", "ManhattanDistance64", "ChebyshevDistance64", "MinkowskiDistance64",
    "HaversineDistance64", "HammingDistance64", "CanberraDistance64", "BrayCurtisDistance64",
    "JaccardDistance64", "MatchingDistance64", "DiceDistance64", "KulsinskiDistance64", "RogersTanimotoDistance64",
    "RussellRaoDistance64", "SokalMichenerDistance64", "SokalSneathDistance64", "SEuclideanDistance64",
    "MahalanobisDistance64",
]  # fmt: skip
_TORCH_STORAGES = [
    "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage",
    "CharStorage", "ByteStorage", "BoolStorage", "ComplexFloatStorage", "ComplexDoubleStorage",
]  # fmt: skip
_TORCH_DTYPES = [
    "float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool", "complex64",
    "complex128",
]  # fmt: skip


def _split(dotted: str) -> tuple[str, str]:
    module, _, name = dotted.rpartition(".")
    return module, name


@cache
def entries() -> dict[tuple[str, str], Entry]:
    """The table, keyed by (module, name) exactly as a pickle names them."""
    out: dict[tuple[str, str], Entry] = {}

    def add(module: str, name: str, rule: rules.Rule, setstate: str | None = None, why: str = "") -> None:
        out[(module, name)] = Entry(module, name, rule, setstate, why)

    for name, accepts in _BUILTIN_CALLS.items():
        add("builtins", name, rules.BuiltinCall(accepts), why="builtin constructor over plain data")
    for name in _BUILTIN_VALUES:
        add("builtins", name, VALUE)
    add("builtins", "getattr", CONTEXT, why="a bound method of a scipy distribution, inside that distribution")
    add("copyreg", "_reconstructor", CONTEXT, why="object.__new__(cls) in protocols 0/1; the parser maps it")
    add("_codecs", "encode", rules.CodecsEncode(), why="bytes in protocols 0-2")
    add("collections", "OrderedDict", rules.OrderedDictCall())

    # numpy
    add("numpy", "dtype", rules.Dtype())
    add("numpy", "ndarray", VALUE)
    for core in ("numpy.core", "numpy._core"):
        add(f"{core}.multiarray", "_reconstruct", rules.Reconstruct())
        add(f"{core}.multiarray", "scalar", rules.Scalar())
        add(f"{core}.numeric", "_frombuffer", rules.FromBuffer())
    add("numpy.ma.core", "_mareconstruct", rules.MaReconstruct())
    for module in ("numpy.ma", "numpy.ma.core"):
        add(module, "MaskedArray", VALUE)
    for name in _NUMPY_SCALARS + _NUMPY_UFUNCS + _NUMPY_FUNCTIONS:
        add("numpy", name, VALUE)
    for name in _NUMPY_DTYPE_CLASSES:
        add("numpy.dtypes", name, VALUE)
    add("numpy", "vectorize", CONTEXT, why="scipy distributions' vectorised methods")
    add("numpy.random._pickle", "__bit_generator_ctor", rules.BitGeneratorCtor())
    add("numpy.random._pickle", "__randomstate_ctor", rules.RandomCtor("RandomState"))
    add("numpy.random._pickle", "__generator_ctor", rules.RandomCtor("Generator"))
    for module, name in rules._BIT_GENERATORS.values():
        add(module, name, VALUE)
    add("numpy.random.bit_generator", "SeedSequence", VALUE)
    add("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence", rules.SeedSequenceUnpickle())
    add("numpy.random.mtrand", "RandomState", VALUE)
    add("numpy.random._generator", "Generator", VALUE)

    # joblib: the array wrapper is read by the parser itself, at the position joblib reads it
    add("joblib.numpy_pickle", "NumpyArrayWrapper", rules.JoblibWrapper(), why="joblib's raw array marker")

    # scipy
    for kind in ("csr", "csc", "coo"):
        for suffix in ("matrix", "array"):
            reviewed = (
                "scipy.sparse._coo.coo_matrix.__setstate__" if (kind == "coo" and suffix == "matrix") else None
            )  # coo_matrix maps the old row/col attributes
            add(f"scipy.sparse._{kind}", f"{kind}_{suffix}", rules.Validated(rules.sparse_state(kind)), reviewed)
    add("scipy.interpolate._bsplines", "BSpline", rules.Validated(rules.bspline_state))
    add("scipy._lib.array_api_compat.numpy._aliases", "asarray", VALUE)
    for dotted in _SCIPY_DISTRIBUTIONS:
        add(*_split(dotted), rules.ScipyDistribution(), why="rebuilt from the public instance, never from its state")
    for name in ("rv_continuous_frozen", "rv_discrete_frozen"):
        add("scipy.stats._distn_infrastructure", name, rules.ScipyFrozen())

    # scikit-learn
    for dotted in _SKLEARN_ESTIMATORS:
        add(*_split(dotted), rules.PlainObject(), setstate=BASE_ESTIMATOR_SETSTATE)
    for name in ("PassiveAggressiveClassifier", "PassiveAggressiveRegressor"):  # deprecated: __new__ warns
        add("sklearn.linear_model._passive_aggressive", name, rules.PlainObject(), setstate=BASE_ESTIMATOR_SETSTATE)
    for dotted in _SKLEARN_PLAIN:
        add(*_split(dotted), rules.PlainObject())
    add("sklearn.isotonic", "IsotonicRegression", rules.PlainObject(),
        setstate="sklearn.isotonic.IsotonicRegression.__setstate__", why="rebuilds its interpolator")  # fmt: skip
    add("sklearn.ensemble._hist_gradient_boosting.predictor", "TreePredictor",
        rules.Validated(rules.tree_predictor_state),
        setstate="sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor.__setstate__",
        why="casts its node array to the platform's record dtype")  # fmt: skip
    add("sklearn.utils._bunch", "Bunch", rules.PlainObject(items=True),
        setstate="sklearn.utils._bunch.Bunch.__setstate__", why="a no-op: a Bunch's content is its items")  # fmt: skip
    for dotted in _SKLEARN_FUNCTIONS:
        add(*_split(dotted), VALUE)
    for dotted in _SKLEARN_METRICS:
        add(*_split(dotted), VALUE)
    add("sklearn.tree._tree", "Tree", rules.SklearnTree(), setstate="sklearn.tree._tree.Tree.__setstate__")
    for name in _SKLEARN_CY_LOSSES:
        add("sklearn._loss._loss", name, rules.NumericCall(1))
    add("sklearn._loss._loss", "CyHalfMultinomialLoss", VALUE)
    add("sklearn._loss._loss", "__pyx_unpickle_CyHalfMultinomialLoss",
        rules.CythonUnpickle(("sklearn._loss._loss", "CyHalfMultinomialLoss")))  # fmt: skip
    for name in _SKLEARN_SGD_LOSSES:
        add("sklearn.linear_model._sgd_fast", name, rules.NumericCall(1))
    metrics = {("sklearn.metrics._dist_metrics", n): rules.DIST_METRIC(n) for n in _DIST_METRICS}
    for key in metrics:
        add(*key, VALUE)
    add("sklearn.metrics._dist_metrics", "newObj", rules.SklearnNewObj(metrics))
    for module, name in (("sklearn.neighbors._kd_tree", "KDTree"), ("sklearn.neighbors._ball_tree", "BallTree")):
        add(module, name, VALUE)
        add(module, f"{name}64", VALUE)
        trees = {(module, name): rules.BINARY_TREE, (module, f"{name}64"): rules.BINARY_TREE}
        add(module, "newObj", rules.SklearnNewObj(trees))

    # PyTorch, inspect-only: what torch.load(weights_only=True) accepts for tensors and state dicts
    for name in ("_rebuild_tensor_v2", "_rebuild_parameter", "_rebuild_parameter_with_state"):
        add("torch._utils", name, INSPECT_ONLY)
    for name in _TORCH_STORAGES + _TORCH_DTYPES + ["Size", "device"]:
        add("torch", name, INSPECT_ONLY)
    add("torch.storage", "UntypedStorage", INSPECT_ONLY)
    return out


def lookup(module: str, name: str) -> Entry | None:
    return entries().get((module, name))
