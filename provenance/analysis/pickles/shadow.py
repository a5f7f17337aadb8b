"""The parse built with stand-ins for scikit-learn and scipy: what the card's static analysis reads.

A card says which attributes of a model hold training rows, how many, and how small its tree leaves
are. That needs the model's attributes, not its code: a stand-in of the same class name carries the
same attribute dict (restored as the class's reviewed ``__setstate__`` restores it), arrays are real
numpy arrays made by the same rules as a load, and the few compiled types the analysis looks into
(decision trees, neighbours trees) expose the same fields from their pickled state. So ``prov card``
reads a model without importing scikit-learn or scipy (seconds of start-up), and the analysis code is
the one ``memorisation.analyse`` that also runs on loaded models; ``tests/test_shadow.py`` holds the
two readings to the same result for every estimator scikit-learn has.

Only a graph the judge passed is built, under the same guard as a load; nothing the file names is
imported except numpy, whose rules (arrays, dtypes, scalars) make the same objects as a load does.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from . import table
from .build import BuildError, _Builder, resolve_entry, resolve_globals, run
from .estimators import ESTIMATORS
from .judge import Verdict
from .nodes import Node, Ref
from .reader import Parse
from .rules import CythonUnpickle, NumericCall, PlainObject, SklearnNewObj, SklearnTree, numeric_array

_SHADOWED = ("sklearn", "scipy")


def shadowed(module: str) -> bool:
    return module.split(".", 1)[0] in _SHADOWED


class Standin:
    """An instance of a scikit-learn or scipy class restored from a dict, as attributes only."""

    def __repr__(self) -> str:
        return f"<stand-in {type(self).__module__}.{type(self).__name__}>"


class _Estimator(Standin):
    """A stand-in for a class with ``get_params`` and ``fit`` (what the analysis calls an estimator)."""

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        raise TypeError("a stand-in is read, never used")

    def fit(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a stand-in is read, never used")


class _Sparse(Standin):
    """scipy.sparse matrices: their ``shape`` lives in ``_shape``."""

    @property
    def shape(self) -> Any:
        return self.__dict__.get("_shape")


class Opaque:
    """A compiled object with no attribute dict (a loss, a distance metric, a scipy distribution)."""

    __slots__ = ("qualname",)

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname

    def __repr__(self) -> str:
        return f"<stand-in {self.qualname}>"


class TreeStandin(Opaque):
    """``sklearn.tree._tree.Tree``: the node fields the analysis reads (as Tree's properties give them)."""

    __slots__ = ("nodes",)

    def __init__(self, qualname: str, nodes: Any) -> None:
        super().__init__(qualname)
        self.nodes = nodes

    @property
    def children_left(self) -> Any:
        return self.nodes["left_child"]

    @property
    def n_node_samples(self) -> Any:
        return self.nodes["n_node_samples"]


class BinaryTreeStandin(Opaque):
    """KDTree / BallTree: ``get_arrays()`` as they give it (data, idx_array, node_data, node_bounds)."""

    __slots__ = ("arrays",)

    def __init__(self, qualname: str, arrays: tuple[Any, ...]) -> None:
        super().__init__(qualname)
        self.arrays = arrays

    def get_arrays(self) -> tuple[Any, ...]:
        return self.arrays


class _ItemsAsAttributes:
    """``sklearn.utils.Bunch.__getattr__``: its items are its attributes (``hasattr(b, "fit")`` included)."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]  # type: ignore[index]
        except KeyError:
            raise AttributeError(key) from None


class _Delegates:
    """``sklearn.frozen.FrozenEstimator.__getattr__``: the frozen estimator's attributes are its own."""

    def __getattr__(self, name: str) -> Any:
        inner = self.__dict__.get("estimator", _MISSING)
        if name in ("fit_predict", "fit_transform") or inner is _MISSING:
            raise AttributeError(name)
        return getattr(inner, name)


_MISSING = object()
# Table classes whose ``__getattr__`` serves attributes the analysis reads (tests/test_shadow.py lists every
# class with one: MetadataRequest's answers only for fit_transform / fit_predict, which it never reads).
_GETATTR: dict[str, type] = {
    "sklearn.utils._bunch.Bunch": _ItemsAsAttributes,
    "sklearn.frozen._frozen.FrozenEstimator": _Delegates,
}


@cache
def standin_class(module: str, name: str) -> type:
    """One stand-in class per (module, name), named as the real one (the analysis reads the name)."""
    entry = table.lookup(module, name)
    items = entry is not None and isinstance(entry.rule, PlainObject) and entry.rule.items
    mixin: tuple[type, ...] = (_GETATTR[f"{module}.{name}"],) if f"{module}.{name}" in _GETATTR else ()
    if items:
        base: tuple[type, ...] = (*mixin, Standin, dict)
    elif f"{module}.{name}" in ESTIMATORS:
        base = (*mixin, _Estimator)
    elif module.startswith("scipy.sparse."):
        base = (*mixin, _Sparse)
    else:
        base = (*mixin, Standin)
    return type(name, base, {"__module__": module, "__qualname__": name})


# How each reviewed ``__setstate__`` treats the attribute dict it is given (None: a plain dict update).
_POPS_VERSION = {
    table.BASE_ESTIMATOR_SETSTATE,
    "sklearn.isotonic.IsotonicRegression.__setstate__",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor.__setstate__",
}
_IGNORES_STATE = {"sklearn.utils._bunch.Bunch.__setstate__"}


class _ShadowBuilder(_Builder):
    """``build._Builder`` with scikit-learn and scipy replaced by stand-ins; everything else as in a load."""

    def resolve(self, ref: Ref) -> Any:
        if shadowed(ref.module):
            return standin_class(ref.module, ref.name)
        return super().resolve(ref)

    def _make(self, value: Any) -> Any:
        func = value.func if isinstance(value, Node) and value.op not in ("array", "objarray") else None
        if isinstance(func, Ref) and shadowed(func.module):
            entry = table.lookup(*func.key)
            if entry is None:
                raise BuildError(f"{value.qualname} is not in the table")
            return self._standin(value, entry)
        return super()._make(value)

    def _standin(self, node: Node, entry: table.Entry) -> Any:
        rule = entry.rule
        if isinstance(rule, PlainObject):
            cls = standin_class(entry.module, entry.name)
            obj = cls.__new__(cls)
            self.remember(node, obj)
            if node.built and entry.setstate not in _IGNORES_STATE:
                state = self.make(node.state)
                if entry.setstate in _POPS_VERSION and entry.module.startswith("sklearn."):
                    state.pop("_sklearn_version", None)
                obj.__dict__.update(state)
            for k, v in node.pairs:
                obj[self.make(k)] = self.make(v)
            return obj
        if isinstance(rule, SklearnTree):
            tree = TreeStandin(entry.qualname, numeric_array(node.state["nodes"]))
            self.remember(node, tree)
            return tree
        if isinstance(rule, SklearnNewObj):
            target = node.args[0]
            name = f"{target.module}.{target.name}"
            if target.module.startswith("sklearn.neighbors.") and node.built:
                arrays = tuple(numeric_array(node.state[i]) for i in range(4))
                opaque: Opaque = BinaryTreeStandin(name, arrays)
            else:
                opaque = Opaque(name)
            self.remember(node, opaque)
            return opaque
        if isinstance(rule, NumericCall | CythonUnpickle) or rule.name.startswith("scipy"):
            opaque = Opaque(entry.qualname)
            self.remember(node, opaque)
            return opaque
        raise BuildError(f"{entry.qualname} ({rule.name}) has no stand-in")


def _resolve(entry: table.Entry) -> Any:
    if entry.module.split(".", 1)[0] == "joblib":
        return None  # its array wrapper is read by the parser, never built (importing joblib costs ~70 ms)
    return standin_class(entry.module, entry.name) if shadowed(entry.module) else resolve_entry(entry)


def shadow_build(parse: Parse, verdict: Verdict) -> Any:
    """The parsed object with stand-ins for scikit-learn and scipy. Raises BuildError (or
    guard.GuardTripped) where a load would not build it either, or a stand-in cannot be made."""
    resolved = resolve_globals(parse, verdict, _resolve)
    obj, _notes = run(_ShadowBuilder(resolved), parse)
    return obj
