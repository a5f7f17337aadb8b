"""Which pickle globals are trusted: the one list used to report and to gate loading.

Trusted means "calling or instantiating it with attacker-chosen arguments cannot run code, touch files
or reach the network": numpy's array and scalar reconstructors, dtypes, scalar types and ufuncs;
numpy's random-state constructors; scipy.sparse matrix classes; scikit-learn *classes* (estimators,
trees, losses, kernels) and a few score functions; a handful of safe builtins. Everything else, including
functions inside those packages such as ``numpy.load`` or ``sklearn.datasets.fetch_openml``, is refused.

Deciding "is this a class / a ufunc" imports the named module, which is only ever done for numpy,
scipy.sparse and sklearn modules (trusted code), never for anything a pickle names elsewhere.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

_BUILTIN_NAMES = [
    "set", "frozenset", "slice", "complex", "bytearray", "range", "dict", "list", "tuple", "int", "float", "str",
    "bytes", "bool", "object",
]  # fmt: skip
SAFE_BUILTINS = frozenset(f"builtins.{n}" for n in _BUILTIN_NAMES)
_NUMPY_EXACT = {
    f"numpy.{core}.{rest}"
    for core in ("core", "_core")
    for rest in ("multiarray._reconstruct", "multiarray.scalar", "numeric._frombuffer")
} | {
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.ma.core._mareconstruct",
    "numpy.ma.core.MaskedArray",
    "numpy.ma.MaskedArray",
    "numpy.random._pickle.__bit_generator_ctor",
    "numpy.random._pickle.__generator_ctor",
    "numpy.random._pickle.__randomstate_ctor",
    "numpy.random._mt19937.MT19937",
    "numpy.random._pcg64.PCG64",
    "numpy.random._pcg64.PCG64DXSM",
    "numpy.random._philox.Philox",
    "numpy.random._sfc64.SFC64",
    "numpy.random.bit_generator.SeedSequence",
    "numpy.random.bit_generator.__pyx_unpickle_SeedSequence",
    "numpy.random.mtrand.RandomState",
    "numpy.random._generator.Generator",
}
SAFE_EXACT = (
    SAFE_BUILTINS
    | _NUMPY_EXACT
    | {
        "copyreg._reconstructor",
        "collections.OrderedDict",
        "collections.defaultdict",
        "_codecs.encode",
        "joblib.numpy_pickle.NumpyArrayWrapper",
    }
)
# scikit-learn functions that estimators keep as hyper-parameters (score_func=...), harmless to call.
SKLEARN_FUNCTIONS = frozenset(
    f"sklearn.feature_selection.{m}.{f}"
    for m, fs in {
        "_univariate_selection": ("f_classif", "f_regression", "chi2", "r_regression"),
        "_mutual_info": ("mutual_info_classif", "mutual_info_regression"),
    }.items()
    for f in fs
)


def is_trusted(qualname: str) -> bool:
    module, _, name = qualname.rpartition(".")
    return resolve(module, name) is not None


@cache
def resolve(module: str, name: str) -> Any | None:
    """The object a trusted global names, or None when it is not trusted (never imports anything else)."""
    qual = f"{module}.{name}"
    if qual in SAFE_EXACT or qual in SKLEARN_FUNCTIONS:
        return _import(module, name)
    root = module.split(".", 1)[0]
    if root == "numpy":
        return _numpy_value(module, name)
    if root == "sklearn":
        return _sklearn_value(module, name)
    if module.startswith("scipy.sparse"):
        obj = _import(module, name)
        return obj if isinstance(obj, type) and obj.__module__.startswith("scipy.sparse") else None
    return None


def _import(module: str, name: str) -> Any | None:
    try:
        obj = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        return None
    return obj


def _numpy_value(module: str, name: str) -> Any | None:
    """numpy scalar types (numpy.float64), dtype classes (numpy.dtypes.Float64DType) and ufuncs."""
    import numpy as np

    if module not in ("numpy", "numpy.dtypes"):
        return None
    obj = _import(module, name)
    if isinstance(obj, np.ufunc):
        return obj
    if isinstance(obj, type) and (issubclass(obj, np.generic) or issubclass(obj, np.dtype)):
        return obj
    return None


def _sklearn_value(module: str, name: str) -> Any | None:
    """scikit-learn classes, and Cython `newObj` helpers (they only call ``cls.__new__`` on a gated class)."""
    if ".externals" in module or module.startswith("sklearn.datasets"):
        return None
    obj = _import(module, name)
    if obj is None:
        return None
    if isinstance(obj, type):
        return obj if getattr(obj, "__module__", "").startswith("sklearn.") else None
    if name == "newObj" and callable(obj):
        return obj
    return None
