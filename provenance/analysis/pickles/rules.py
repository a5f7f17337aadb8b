"""How each kind of table entry may be made: the check on the graph and the construction, side by side.

Every rule has ``check(node, j)``, which returns the problems with a node made from its entry (and
hands the values it does not itself vouch for to ``j.walk``), and ``make(node, b)``, which builds
the real object from a node that passed. A rule only ever calls the library code it names in its
docstring, with arguments its check accepted; state is restored only through the setstate the
table reviewed for that class (``table.Entry.setstate``), which the builder confirms at run time.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Protocol

from . import dtypes, values
from .nodes import Node, Ref
from .values import NotValid, data, key_of, numeric_array


class Judge(Protocol):
    def walk(self, value: Any) -> None: ...
    def vouch(self, node: Node) -> None: ...
    def entry_of(self, obj: Any) -> Any: ...


class Builder(Protocol):
    def make(self, value: Any) -> Any: ...
    def resolve(self, ref: Ref) -> Any: ...
    def remember(self, node: Node, obj: Any) -> None: ...


class Rule:
    """Refuses everything: a value-only entry (a class or function referred to, never called)."""

    name = "value"
    ops: frozenset[str] = frozenset()  # how a node may be made from this entry: "reduce" (a call), "newobj"
    as_value = True  # may the global itself appear as a value (a hyper-parameter, an argument)?

    def check(self, node: Node, j: Judge) -> list[str]:
        return [f"{node.qualname} may be referred to but not called or instantiated"]

    def check_call(self, node: Node, j: Judge) -> list[str]:
        """Only the call that creates the object, for a reading that stopped before giving it state."""
        return self.check(node, j)

    def make(self, node: Node, b: Builder) -> Any:  # pragma: no cover - check refused it
        raise NotValid(node.qualname)


def _no_extras(node: Node, *, state: bool = False, items: bool = False) -> list[str]:
    problems = []
    if node.built and not state:
        problems.append(f"{node.qualname} is given state")
    if (node.items or node.pairs) and not items:
        problems.append(f"{node.qualname} is given items")
    if node.kwargs:
        problems.append(f"{node.qualname} is given keyword arguments")
    return problems


def _is_finite_number(v: Any) -> bool:
    return type(v) in (int, float, bool) and (type(v) is not float or math.isfinite(v))


# --- plain objects ----------------------------------------------------------------------------------


class PlainObject(Rule):
    """``cls.__new__(cls)`` then the reviewed ``__setstate__`` (or a ``__dict__`` update) with a dict.

    For scikit-learn estimators and helper classes whose state is their attributes. ``items``
    admits SETITEMS on dict subclasses (Bunch).
    """

    name = "object"
    ops = frozenset({"newobj"})

    def __init__(self, *, items: bool = False) -> None:
        self.items = items

    def check(self, node: Node, j: Judge) -> list[str]:
        problems = _no_extras(node, state=True, items=self.items)
        if node.op == "reduce" or (node.args and node.op in ("newobj", "inst")):
            problems.append(f"{node.qualname} is built by a call with arguments; only plain instantiation is allowed")
        if node.built and not (type(node.state) is dict and all(type(k) is str for k in node.state)):
            problems.append(f"{node.qualname} is given state that is not a dict of attribute names")
        if node.pairs and not all(type(k) is str for k, _ in node.pairs):
            problems.append(f"{node.qualname} is given non-text keys")
        if not problems and node.built:
            try:
                _estimator_consistency(node.state)
            except (NotValid, TypeError, ValueError, KeyError, IndexError) as e:
                problems.append(f"{node.qualname}: {e}")
        j.walk(node.state)
        for k, v in node.pairs:
            j.walk(k)
            j.walk(v)
        return problems

    def make(self, node: Node, b: Builder) -> Any:
        cls = b.resolve(node.func)
        obj = cls.__new__(cls)
        b.remember(node, obj)
        if node.built:
            state = b.make(node.state)
            setstate = getattr(type(obj), "__setstate__", None)
            if setstate is not None and setstate is not getattr(object, "__setstate__", None):
                setstate(obj, state)
            else:
                obj.__dict__.update({__import__("sys").intern(k): v for k, v in state.items()})
        for k, v in node.pairs:
            obj[b.make(k)] = b.make(v)
        return obj


def _estimator_consistency(state: dict[str, Any]) -> None:
    """Facts one object's arrays index with that only its estimator knows: predict reads ``X[i, feature]``
    unchecked after validating X against ``n_features_in_``, so every tree's features must fit it."""
    import numpy as np

    tree = state.get("tree_")
    if isinstance(tree, Node) and key_of(tree.func) == ("sklearn.tree._tree", "Tree"):
        n = state.get("n_features_in_")
        if type(n) is not int or not isinstance(tree.args, tuple) or tree.args[:1] != (n,):
            raise NotValid("its tree's number of features differs from n_features_in_")
    predictors = state.get("_predictors")
    if predictors is not None:
        n = state.get("n_features_in_")
        if type(n) is not int or type(predictors) is not list:
            raise NotValid("boosted predictors without n_features_in_")
        for row in predictors:
            for pred in row if type(row) is list else [row]:
                if not (isinstance(pred, Node) and pred.built and type(pred.state) is dict):
                    raise NotValid("a boosted predictor that is not a TreePredictor")
                nodes = numeric_array(pred.state.get("nodes"))
                inner = nodes["is_leaf"] == 0
                if (nodes["feature_idx"][inner].astype(np.int64) >= n).any():
                    raise NotValid("a split on a feature beyond n_features_in_")


class Validated(PlainObject):
    """A plain object whose attributes are also checked by ``validator`` (arrays that index arrays)."""

    def __init__(self, validator: Any, *, items: bool = False) -> None:
        super().__init__(items=items)
        self.validator = validator
        self.name = f"object+{validator.__name__}"

    def check(self, node: Node, j: Judge) -> list[str]:
        problems = super().check(node, j)
        if not problems:
            try:
                self.validator(node.state if node.built else {})
            except (NotValid, TypeError, ValueError, KeyError, IndexError) as e:
                problems.append(f"{node.qualname}: {e}")
        return problems


# --- builtins ---------------------------------------------------------------------------------------


class BuiltinCall(Rule):
    """A builtin constructor called with plain data: ``set(list)``, ``bytes(...)``, ``slice(a, b, c)``."""

    name = "builtin"
    ops = frozenset({"reduce"})

    def __init__(self, accepts: tuple[type, ...]) -> None:
        self.accepts = accepts

    def check(self, node: Node, j: Judge) -> list[str]:
        problems = _no_extras(node)
        args = node.args
        if node.op not in ("reduce", "inst") or type(args) is not tuple or len(args) > 3:
            return [*problems, f"{node.qualname} is not called with plain arguments"]
        for a in args:
            if not (a is None or type(a) in self.accepts or values.is_codecs_bytes(a)):
                problems.append(f"{node.qualname} called with {type(a).__name__}")
            j.walk(a)
        return problems

    def make(self, node: Node, b: Builder) -> Any:
        return b.resolve(node.func)(*[b.make(a) for a in node.args])


class CodecsEncode(Rule):
    """``_codecs.encode(text, 'latin1')``: bytes in protocols 0-2."""

    name = "codecs"
    ops = frozenset({"reduce"})
    as_value = False

    def check(self, node: Node, j: Judge) -> list[str]:
        try:
            values.codecs_bytes(node)
        except NotValid as e:
            return [str(e)]
        return []

    def make(self, node: Node, b: Builder) -> Any:
        return values.codecs_bytes(node)


class OrderedDictCall(Rule):
    """``collections.OrderedDict()`` then SETITEMS."""

    name = "ordereddict"
    ops = frozenset({"reduce"})

    def check(self, node: Node, j: Judge) -> list[str]:
        problems = _no_extras(node, items=True)
        if node.items or data_or_none(node.args) not in ((), [()]):
            problems.append("OrderedDict called with arguments")
        for k, v in node.pairs:
            j.walk(k)
            j.walk(v)
        return problems

    def make(self, node: Node, b: Builder) -> Any:
        obj = b.resolve(node.func)()
        b.remember(node, obj)
        for k, v in node.pairs:
            obj[b.make(k)] = b.make(v)
        return obj


def data_or_none(value: Any) -> Any:
    try:
        return data(value)
    except NotValid:
        return None


# --- numpy ------------------------------------------------------------------------------------------


class Dtype(Rule):
    """``numpy.dtype(spec, False, True)`` with exactly the state numpy pickles (``dtypes.realise``)."""

    name = "dtype"
    ops = frozenset({"reduce"})

    def check(self, node: Node, j: Judge) -> list[str]:
        try:
            dtypes.realise(node)
        except dtypes.DtypeError as e:
            return [str(e)]
        return []

    def make(self, node: Node, b: Builder) -> Any:
        return dtypes.realise(node)


class Reconstruct(Rule):
    """``numpy _reconstruct(ndarray, (0,), b'b')`` + BUILD: numbers from bytes, objects from a list.

    Made with ``numpy.frombuffer`` (numbers) or ``numpy.empty(object)`` filled element by element
    (objects): numpy's own ``__setstate__`` never sees the pickled state.
    """

    name = "ndarray"
    ops = frozenset({"reduce"})
    as_value = False

    def check(self, node: Node, j: Judge) -> list[str]:
        try:
            dtype, _, _, raw = values.reconstruct_parts(node)
        except NotValid as e:
            return [str(e)]
        if dtype.hasobject:
            for item in raw:
                j.walk(item)
        return []

    def check_call(self, node: Node, j: Judge) -> list[str]:
        args = node.args
        ok = isinstance(args, tuple) and len(args) == 3 and key_of(args[0]) == values.NDARRAY
        if not (ok and data_or_none(args[1]) == (0,) and data_or_none(args[2]) in (b"b", "b")):
            return [f"numpy _reconstruct called with {values._short(args)}"]
        return []

    def make(self, node: Node, b: Builder) -> Any:
        import numpy as np

        dtype, dims, fortran, raw = values.reconstruct_parts(node)
        if not dtype.hasobject:
            return numeric_array(node)
        flat = np.empty(len(raw), dtype=object)
        b.remember(node, flat)
        for i, item in enumerate(raw):
            flat[i] = b.make(item)
        out = flat.reshape(dims[::-1]).T if fortran else flat.reshape(dims)
        return out


class FromBuffer(Rule):
    """``numpy _frombuffer(buffer, dtype, shape, order)``: protocol 5 arrays, numbers only."""

    name = "frombuffer"
    ops = frozenset({"reduce"})
    as_value = False

    def check(self, node: Node, j: Judge) -> list[str]:
        try:
            numeric_array(node)
        except NotValid as e:
            return [str(e)]
        return []

    def make(self, node: Node, b: Builder) -> Any:
        return numeric_array(node)


class Scalar(Rule):
    """``numpy scalar(dtype, bytes)``: a numeric numpy scalar from exactly itemsize bytes."""

    name = "scalar"
    ops = frozenset({"reduce"})
    as_value = False

    def check(self, node: Node, j: Judge) -> list[str]:
        try:
            self._parts(node)
        except (NotValid, dtypes.DtypeError) as e:
            return [f"numpy scalar: {e}"]
        return _no_extras(node)

    def _parts(self, node: Node) -> tuple[Any, bytes]:
        args = node.args
        if not (isinstance(args, tuple) and len(args) == 2):
            raise NotValid(f"called with {len(args) if isinstance(args, tuple) else '?'} arguments")
        dtype = dtypes.realise(args[0])
        raw = data(args[1])
        if isinstance(raw, str):
            raw = raw.encode("latin1")
        if dtype.hasobject or not isinstance(raw, bytes) or len(raw) != dtype.itemsize:
            raise NotValid(f"{dtype} from {type(raw).__name__}")
        return dtype, raw

    def make(self, node: Node, b: Builder) -> Any:
        import numpy as np

        dtype, raw = self._parts(node)
        return np.frombuffer(raw, dtype=dtype)[0]


class MaReconstruct(Rule):
    """``numpy.ma _mareconstruct(MaskedArray, ndarray, (0,), 'b')`` + BUILD (1, shape, dtype, fortran,
    data, mask, fill_value): rebuilt with ``numpy.ma.MaskedArray(data, mask=..., fill_value=...)``."""

    name = "maskedarray"
    ops = frozenset({"reduce"})
    as_value = False

    def _parts(self, node: Node) -> tuple[Any, tuple[int, ...], bool, Any, Any, Any]:
        args = node.args
        if not (
            isinstance(args, tuple)
            and len(args) == 4
            and key_of(args[0]) in (("numpy.ma", "MaskedArray"), ("numpy.ma.core", "MaskedArray"))
            and key_of(args[1]) == values.NDARRAY
            and data(args[2]) == (0,)
            and data(args[3]) in ("b", b"b")
        ):
            raise NotValid(f"_mareconstruct called with {values._short(args)}")
        state = node.state
        if not (node.built and isinstance(state, tuple) and len(state) == 7 and type(state[3]) is bool):
            raise NotValid("masked array state is not numpy's")
        dims = values.shape(state[1])
        dtype = dtypes.realise(state[2])
        count = math.prod(dims)
        mask = data(state[5])
        if isinstance(mask, str):
            mask = mask.encode("latin1")
        if not (isinstance(mask, bytes) and len(mask) in (count, 1, 0)):
            raise NotValid("masked array mask is not one byte per element")
        raw = state[4]
        if dtype.hasobject:
            if type(raw) is not list or len(raw) != count:
                raise NotValid("masked object array data is not a list of its elements")
        else:
            raw = data(raw)
            if isinstance(raw, str):
                raw = raw.encode("latin1")
            if not isinstance(raw, bytes) or len(raw) != count * dtype.itemsize:
                raise NotValid("masked array data has the wrong size")
        fill = state[6]
        plain_fill = fill is None or _is_finite_number(data_or_none(fill)) or type(data_or_none(fill)) in (str, bytes)
        if not plain_fill and not (isinstance(fill, Node) and key_of(fill.func) in values.SCALAR):
            raise NotValid("masked array fill value is not a plain value")
        return dtype, dims, state[3], raw, mask, fill

    def check(self, node: Node, j: Judge) -> list[str]:
        try:
            dtype, _, _, raw, _, fill = self._parts(node)
        except (NotValid, dtypes.DtypeError) as e:
            return [str(e)]
        if dtype.hasobject:
            for item in raw:
                j.walk(item)
        j.walk(fill)
        return _no_extras(node, state=True)

    def make(self, node: Node, b: Builder) -> Any:
        import numpy as np

        dtype, dims, fortran, raw, mask, fill = self._parts(node)
        count = math.prod(dims)
        if dtype.hasobject:
            flat = np.empty(count, dtype=object)
            for i, item in enumerate(raw):
                flat[i] = b.make(item)
        else:
            flat = np.frombuffer(raw, dtype=dtype).copy()
        m = np.frombuffer(mask, dtype=bool).copy() if len(mask) == count else bool(mask and mask[0])
        arr = np.ma.MaskedArray(flat, mask=m, dtype=dtype)
        arr = arr.reshape(dims[::-1]).T if fortran else arr.reshape(dims)
        fill_value = b.make(fill)
        if fill_value is not None:
            arr.fill_value = fill_value
        return arr


# --- numpy random -----------------------------------------------------------------------------------

_BIT_GENERATORS = {
    "MT19937": ("numpy.random._mt19937", "MT19937"),
    "PCG64": ("numpy.random._pcg64", "PCG64"),
    "PCG64DXSM": ("numpy.random._pcg64", "PCG64DXSM"),
    "Philox": ("numpy.random._philox", "Philox"),
    "SFC64": ("numpy.random._sfc64", "SFC64"),
}


def _bit_generator_name(value: Any) -> str:
    if isinstance(value, str) and value in _BIT_GENERATORS:
        return value
    if isinstance(value, Ref):
        for name, key in _BIT_GENERATORS.items():
            if value.key == key:
                return name
    raise NotValid(f"not a numpy bit generator: {values._describe(value)}")


class BitGeneratorCtor(Rule):
    """``numpy.random._pickle.__bit_generator_ctor(MT19937 | 'MT19937' | ...)``, then the generator's own
    ``__setstate__`` (numpy checks the state's keys, types and sizes). Only the five numpy bit generators."""

    name = "bit_generator"
    ops = frozenset({"reduce"})
    as_value = False

    def check(self, node: Node, j: Judge) -> list[str]:
        problems = _no_extras(node, state=True)
        try:
            if not (isinstance(node.args, tuple) and len(node.args) == 1):
                raise NotValid("called with other than one argument")
            _bit_generator_name(node.args[0])
            if node.built:
                _bit_generator_state(node.state)
        except NotValid as e:
            problems.append(f"numpy bit generator: {e}")
        if node.built and isinstance(node.state, tuple):
            j.walk(node.state[1])  # the SeedSequence
        return problems

    def make(self, node: Node, b: Builder) -> Any:
        import numpy as np

        cls = getattr(np.random, _bit_generator_name(node.args[0]))
        gen = cls()
        b.remember(node, gen)
        if node.built:
            state = b.make(node.state)
            type(gen).__setstate__(gen, state)
        return gen


def _bit_generator_state(state: Any) -> None:
    inner = state[0] if isinstance(state, tuple) and len(state) == 2 else state
    if type(inner) is not dict or not isinstance(inner.get("bit_generator"), str):
        raise NotValid("bit generator state is not numpy's")
    _bit_generator_name(inner["bit_generator"])
    _random_payload(inner)


def _random_payload(state: dict[Any, Any]) -> None:
    """The numbers inside a random state: ints, floats and uint arrays, nothing else."""
    for k, v in state.items():
        if k == "bit_generator":
            continue
        if type(v) is dict:
            _random_payload(v)
        elif values.is_array_node(v):
            arr = numeric_array(v)
            if arr.dtype.kind not in "ui" or arr.ndim != 1 or arr.size > 1 << 16:
                raise NotValid(f"random state {k!r} is not an unsigned integer vector")
        elif not _is_finite_number(v):
            raise NotValid(f"random state {k!r} is a {type(v).__name__}")


class RandomCtor(Rule):
    """``__randomstate_ctor`` / ``__generator_ctor``: a RandomState or Generator over a checked bit
    generator, then (RandomState) numpy's ``set_state``, which validates the key length."""

    name = "random"
    ops = frozenset({"reduce"})
    as_value = False

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def check(self, node: Node, j: Judge) -> list[str]:
        problems = _no_extras(node, state=self.kind == "RandomState")
        args = node.args
        if not (isinstance(args, tuple) and 1 <= len(args) <= 2):
            return [*problems, f"numpy {self.kind} constructor called with {values._short(args)}"]
        first = args[0]
        if isinstance(first, Node):
            if key_of(first.func) != ("numpy.random._pickle", "__bit_generator_ctor"):
                problems.append(f"numpy {self.kind} over {first.qualname}")
            j.walk(first)
        else:
            try:
                _bit_generator_name(first)
            except NotValid as e:
                problems.append(str(e))
        if len(args) == 2 and key_of(args[1]) != ("numpy.random._pickle", "__bit_generator_ctor"):
            problems.append(f"numpy {self.kind} with bit generator constructor {values._describe(args[1])}")
        if node.built:
            try:
                if type(node.state) is not dict:
                    raise NotValid("state is not a dict")
                _random_payload(node.state)
            except NotValid as e:
                problems.append(f"numpy {self.kind}: {e}")
        return problems

    def make(self, node: Node, b: Builder) -> Any:
        import numpy as np

        first = node.args[0]
        gen = b.make(first) if isinstance(first, Node) else getattr(np.random, _bit_generator_name(first))()
        if self.kind == "RandomState":
            obj = np.random.RandomState(gen)
            b.remember(node, obj)
            if node.built:
                obj.set_state(b.make(node.state))
            return obj
        return np.random.Generator(gen)


class SeedSequenceUnpickle(Rule):
    """Cython's ``__pyx_unpickle_SeedSequence(SeedSequence, checksum, None)`` + BUILD with the five
    fields; the pool must be a uint32 vector of ``pool_size`` elements (it is indexed without checks)."""

    name = "seedsequence"
    ops = frozenset({"reduce"})
    as_value = False

    def check(self, node: Node, j: Judge) -> list[str]:
        args = node.args
        problems = _no_extras(node, state=True)
        if not (
            isinstance(args, tuple)
            and len(args) == 3
            and key_of(args[0]) == ("numpy.random.bit_generator", "SeedSequence")
            and type(args[1]) is int
            and args[2] is None
        ):
            return [*problems, f"SeedSequence unpickled with {values._short(args)}"]
        try:
            self._fields(node)
        except NotValid as e:
            problems.append(f"SeedSequence: {e}")
        return problems

    def _fields(self, node: Node) -> tuple[Any, ...]:
        state = node.state
        if not (node.built and isinstance(state, tuple) and len(state) == 5):
            raise NotValid("state is not its five fields")
        entropy, n_spawned, pool, pool_size, spawn_key = state
        entropy = _entropy(entropy)
        arr = numeric_array(pool)
        if not (type(n_spawned) is int and n_spawned >= 0 and type(pool_size) is int and 0 < pool_size <= 1 << 12):
            raise NotValid("counters out of range")
        if arr.dtype != __import__("numpy").uint32 or arr.shape != (pool_size,):
            raise NotValid(f"pool is {arr.dtype} {arr.shape}, expected uint32 ({pool_size},)")
        spawn_key = data(spawn_key)
        if not (isinstance(spawn_key, tuple) and all(type(k) is int and k >= 0 for k in spawn_key)):
            raise NotValid("spawn key is not a tuple of non-negative integers")
        return (entropy, n_spawned, arr, pool_size, spawn_key)

    def make(self, node: Node, b: Builder) -> Any:
        func = b.resolve(node.func)
        obj = func(b.resolve(node.args[0]), node.args[1], None)
        b.remember(node, obj)
        _, n_spawned, pool, pool_size, spawn_key = self._fields(node)
        obj.__setstate_cython__((b.make(node.state[0]), n_spawned, pool, pool_size, spawn_key))
        return obj


def _entropy(value: Any) -> Any:
    """SeedSequence entropy: None, a non-negative int (or numpy integer scalar), or a sequence of them."""
    if isinstance(value, Node) and key_of(value.func) in values.SCALAR:
        if Scalar()._parts(value)[0].kind not in "iu":
            raise NotValid("entropy is not an integer")
        return value
    if values.is_array_node(value):
        arr = numeric_array(value)
        if arr.dtype.kind not in "iu" or arr.ndim != 1:
            raise NotValid("entropy is not an integer vector")
        return value
    plain = data(value)
    if plain is None or (type(plain) is int and plain >= 0):
        return plain
    if isinstance(plain, tuple | list) and all(type(e) is int and e >= 0 for e in plain):
        return plain
    raise NotValid("entropy is not a non-negative integer")


# --- scikit-learn's Cython types ------------------------------------------------------------------


class NumericCall(Rule):
    """A Cython class called with at most ``arity`` finite numbers (SGD losses, ``Cy*Loss(power)``)."""

    name = "numeric_call"
    ops = frozenset({"reduce"})

    def __init__(self, arity: int) -> None:
        self.arity = arity

    def check(self, node: Node, j: Judge) -> list[str]:
        problems = _no_extras(node)
        args = node.args
        if node.op == "newobj" and not args:
            return problems
        if not (isinstance(args, tuple) and len(args) <= self.arity and all(_is_finite_number(a) for a in args)):
            problems.append(f"{node.qualname} called with {values._short(args)}")
        return problems

    def make(self, node: Node, b: Builder) -> Any:
        cls = b.resolve(node.func)
        return cls(*node.args) if node.op != "newobj" else cls()


class CythonUnpickle(Rule):
    """Cython's ``__pyx_unpickle_X(X, checksum, state)`` for a stateless X (``CyHalfMultinomialLoss``)."""

    name = "cython_unpickle"
    ops = frozenset({"reduce"})
    as_value = False

    def __init__(self, cls: tuple[str, str]) -> None:
        self.cls = cls

    def check(self, node: Node, j: Judge) -> list[str]:
        args = node.args
        problems = _no_extras(node)
        if not (
            isinstance(args, tuple)
            and len(args) == 3
            and key_of(args[0]) == self.cls
            and type(args[1]) is int
            and data_or_none(args[2]) in ((), None)
        ):
            problems.append(f"{node.qualname} called with {values._short(args)}")
        return problems

    def make(self, node: Node, b: Builder) -> Any:
        return b.resolve(node.func)(b.resolve(node.args[0]), node.args[1], data(node.args[2]))


class SklearnTree(Rule):
    """``sklearn.tree._tree.Tree(n_features, n_classes, n_outputs)`` + ``Tree.__setstate__``.

    Tree.__setstate__ checks the arrays' dtypes and shapes but not the child indices that
    ``predict`` follows without bounds checks; here every internal node's children must come after
    it and inside the array, every leaf has both children -1, every split feature exists.
    """

    name = "tree"
    ops = frozenset({"reduce"})
    as_value = False

    def check(self, node: Node, j: Judge) -> list[str]:
        try:
            self._validate(node)
        except (NotValid, KeyError, TypeError, ValueError) as e:
            return [f"sklearn Tree: {e}"]
        return _no_extras(node, state=True)

    def _validate(self, node: Node) -> None:
        args = node.args
        if not (isinstance(args, tuple) and len(args) == 3 and type(args[0]) is int and type(args[2]) is int):
            raise NotValid(f"called with {values._short(args)}")
        if not node.built:
            raise NotValid("a tree without its nodes")
        tree_arrays(args[0], numeric_array(args[1]), args[2], node.state)

    def make(self, node: Node, b: Builder) -> Any:
        cls = b.resolve(node.func)
        tree = cls(node.args[0], numeric_array(node.args[1]), node.args[2])
        b.remember(node, tree)
        tree.__setstate__(b.make(node.state))
        return tree


# scikit-learn's node records, spelled out so that judging a file imports no scikit-learn. Both structs
# are read by position (Tree and TreePredictor cast any other dtype field by field), so a file is judged
# against exactly these; ``build.resolve_entry`` refuses to build with a scikit-learn whose own record
# differs, and ``tests/test_shadow.py`` compares them with the installed one.
_TREE_NODE = (
    ("left_child", "<i8", 0),
    ("right_child", "<i8", 8),
    ("feature", "<i8", 16),
    ("threshold", "<f8", 24),
    ("impurity", "<f8", 32),
    ("n_node_samples", "<i8", 40),
    ("weighted_n_node_samples", "<f8", 48),
    ("missing_go_to_left", "|u1", 56),
)
_PREDICTOR_RECORD = (
    ("value", "<f8", 0),
    ("count", "<u4", 8),
    ("feature_idx", "<i8", 12),
    ("num_threshold", "<f8", 20),
    ("missing_go_to_left", "|u1", 28),
    ("left", "<u4", 29),
    ("right", "<u4", 33),
    ("gain", "<f8", 37),
    ("depth", "<u4", 45),
    ("is_leaf", "|u1", 49),
    ("bin_threshold", "|u1", 50),
    ("is_categorical", "|u1", 51),
    ("bitset_idx", "<u4", 52),
)


def _record(fields: tuple[tuple[str, str, int], ...], itemsize: int) -> Any:
    import numpy as np

    names, formats, offsets = zip(*fields, strict=True)
    return np.dtype({"names": list(names), "formats": list(formats), "offsets": list(offsets), "itemsize": itemsize})


def tree_node_dtype() -> Any:
    """``sklearn.tree._tree.NODE_DTYPE`` (64-bit platforms)."""
    return _record(_TREE_NODE, 64)


def predictor_record_dtype() -> Any:
    """``sklearn.ensemble._hist_gradient_boosting.common.PREDICTOR_RECORD_DTYPE`` (64-bit platforms)."""
    return _record(_PREDICTOR_RECORD, 56)


def tree_arrays(n_features: int, n_classes: Any, n_outputs: int, state: Any) -> None:
    """The checks on a decision tree's arrays (shared by the pickle rule and the check after a skops load)."""
    import numpy as np

    if not (0 < n_features < 1 << 31 and 0 < n_outputs < 1 << 20 and n_classes.shape == (n_outputs,)):
        raise NotValid("n_features / n_outputs / n_classes out of range")
    if n_classes.dtype.kind not in "iu" or (n_classes < 1).any() or n_classes.max() >= 1 << 31:
        raise NotValid("n_classes are not positive integers")
    if not (type(state) is dict and set(state) == {"max_depth", "node_count", "nodes", "values"}):
        raise NotValid("state is not {max_depth, node_count, nodes, values}")
    nodes = numeric_array(state["nodes"])
    vals = numeric_array(state["values"])
    count = state["node_count"]
    if not (type(count) is int and nodes.ndim == 1 and count == nodes.shape[0] and count >= 1):
        raise NotValid("node_count does not match the node array")
    if type(state["max_depth"]) is not int or not 0 <= state["max_depth"] < count + 1:
        raise NotValid("max_depth out of range")
    record = tree_node_dtype()
    if nodes.dtype != record or nodes.dtype.names != record.names:  # Tree casts others by position
        raise NotValid("node array is not scikit-learn's tree node record")
    if vals.shape != (count, n_outputs, int(n_classes.max())) or vals.dtype != np.float64:
        raise NotValid(f"values shape {vals.shape} does not fit the tree")
    left, right, feat = (nodes[f].astype(np.int64) for f in ("left_child", "right_child", "feature"))
    idx = np.arange(count)
    leaf = left == -1
    if not np.array_equal(leaf, right == -1):
        raise NotValid("a node with one child")
    inner = ~leaf
    bad_child = (left <= idx) | (left >= count) | (right <= idx) | (right >= count)
    if (bad_child & inner).any():
        raise NotValid("a child index outside the tree or before its parent")
    if ((feat < 0) | (feat >= n_features))[inner].any():
        raise NotValid("a split on a feature the tree does not have")


class SklearnNewObj(Rule):
    """scikit-learn's Cython ``newObj(cls)`` helper (``cls.__new__(cls)``), for the classes listed,
    whose state then goes through ``validator`` and the class's reviewed ``__setstate__``."""

    name = "newobj_helper"
    ops = frozenset({"reduce"})
    as_value = False

    def __init__(self, classes: dict[tuple[str, str], Any]) -> None:
        self.classes = classes

    def check(self, node: Node, j: Judge) -> list[str]:
        args = node.args
        if not (isinstance(args, tuple) and len(args) == 1 and key_of(args[0]) in self.classes):
            return [f"{node.qualname} called with {values._short(args)}"]
        problems = _no_extras(node, state=True)
        try:
            self.classes[key_of(args[0])](node.state if node.built else None, j)
        except (NotValid, TypeError, ValueError, IndexError, KeyError) as e:
            problems.append(f"{args[0].qualname}: {e}")
        return problems

    def make(self, node: Node, b: Builder) -> Any:
        helper = b.resolve(node.func)
        obj = helper(b.resolve(node.args[0]))
        b.remember(node, obj)
        if node.built:
            obj.__setstate__(b.make(node.state))
        return obj


def binary_tree_state(state: Any, j: Judge) -> None:
    """KDTree / BallTree: queries index ``data`` through ``idx_array`` and ``node_data`` unchecked."""
    import numpy as np

    if not (isinstance(state, tuple) and len(state) == 13):
        raise NotValid("state is not the 13 fields of a neighbours tree")
    data_, idx, node_data, bounds = (numeric_array(state[i]) for i in range(4))
    leaf_size, n_levels, n_nodes = state[4:7]
    if not all(type(v) is int for v in state[4:11]):
        raise NotValid("counters are not integers")
    if data_.ndim != 2 or data_.dtype != np.float64:
        raise NotValid("data is not a 2-d float64 array")
    n = data_.shape[0]
    if idx.shape != (n,) or idx.dtype.kind not in "iu" or not np.array_equal(np.sort(idx), np.arange(n)):
        raise NotValid("idx_array is not a permutation of the samples")
    if not (0 < n_levels <= 64 and n_nodes == 2**n_levels - 1 and node_data.shape == (n_nodes,) and leaf_size > 0):
        raise NotValid("node count does not match the tree's levels")
    names = node_data.dtype.names or ()
    if not {"idx_start", "idx_end", "is_leaf"} <= set(names):
        raise NotValid("node_data lacks its fields")
    start, end = node_data["idx_start"].astype(np.int64), node_data["idx_end"].astype(np.int64)
    if ((start < 0) | (end > n) | (start > end)).any():
        raise NotValid("a node's sample range lies outside the data")
    if bounds.ndim != 3 or bounds.shape[1:] != (n_nodes, data_.shape[1]) or bounds.shape[0] not in (1, 2):
        raise NotValid("node_bounds do not fit the tree")
    weights = state[12]
    if weights is not None:
        w = numeric_array(weights)
        if w.shape != (n,):
            raise NotValid("sample_weight does not fit the data")
    metric = state[11]
    if isinstance(metric, Node) and key_of(metric.func) == ("sklearn.metrics._dist_metrics", "newObj"):
        j.walk(metric)
    elif type(metric).__module__ != "sklearn.metrics._dist_metrics" or type(metric).__name__ in _METRIC_WEIGHTED:
        raise NotValid("distance metric is not one of scikit-learn's unweighted metrics")


_METRIC_WEIGHTED = {"SEuclideanDistance64", "MahalanobisDistance64", "MinkowskiDistance64", "WMinkowskiDistance64"}


def dist_metric_state(state: Any, j: Judge) -> None:
    """DistanceMetric: (p, vec, mat, func, kwargs); only the built-in metrics, never a Python callable.

    Metrics with weights (SEuclidean, Mahalanobis, weighted Minkowski) are refused: their vectors are
    indexed by feature without checks, and no scikit-learn model pickles them by default.
    """
    if not (isinstance(state, tuple) and len(state) in (3, 5)):
        raise NotValid("state is not (p, vec, mat[, func, kwargs])")
    p, vec, mat = state[:3]
    func, kwargs = state[3:] if len(state) == 5 else (None, None)
    if not _is_finite_number(p) and p != float("inf"):
        raise NotValid("p is not a number")
    if func is not None:
        raise NotValid("a Python callable as distance")
    v, m = numeric_array(vec), numeric_array(mat)
    if v.size > 1 or m.size > 1:
        raise NotValid("a weighted metric")
    if kwargs not in (None, {}) and data_or_none(kwargs) is None:
        raise NotValid("metric keyword arguments are not plain data")


def _dist_metric_validator(name: str) -> Any:
    def check(state: Any, j: Judge) -> None:
        if name in _METRIC_WEIGHTED:
            raise NotValid("weighted metrics are not loaded")
        if state is not None:
            dist_metric_state(state, j)

    return check


# --- scipy ------------------------------------------------------------------------------------------


def sparse_state(kind: str) -> Any:
    """scipy.sparse: index arrays that point inside the matrix (sparsetools does not check them)."""

    def check(state: dict[str, Any]) -> None:
        import numpy as np

        allowed = {"_shape", "maxprint", "indices", "indptr", "data", "has_sorted_indices", "_has_sorted_indices",
                   "_has_canonical_format", "has_canonical_format", "row", "col", "coords", "_maxprint"}  # fmt: skip
        if not set(state) <= allowed:
            raise NotValid(f"unexpected attributes {sorted(set(state) - allowed)}")
        raw_dims = state.get("_shape")
        dims = tuple(_integer(d) for d in raw_dims) if type(raw_dims) is tuple else None
        if not (dims and len(dims) == 2 and all(0 <= d < 1 << 40 for d in dims)):
            raise NotValid("shape is not two sizes")
        values_ = numeric_array(state["data"])
        if kind in ("csr", "csc"):
            indptr, indices = numeric_array(state["indptr"]), numeric_array(state["indices"])
            major, minor = dims if kind == "csr" else dims[::-1]
            if indptr.ndim != 1 or indptr.shape[0] != major + 1 or indptr.dtype.kind not in "iu":
                raise NotValid("indptr does not fit the shape")
            if indptr[0] != 0 or (np.diff(indptr.astype(np.int64)) < 0).any() or indptr[-1] != indices.shape[0]:
                raise NotValid("indptr is not a running count of the entries")
            if indices.ndim != 1 or indices.dtype.kind not in "iu" or values_.shape != indices.shape:
                raise NotValid("indices and data differ in length")
            if indices.size and (indices.min() < 0 or indices.max() >= minor):
                raise NotValid("an index outside the matrix")
        else:
            coords = [numeric_array(c) for c in data_or_none(state.get("coords")) or ()] if "coords" in state else [
                numeric_array(state["row"]), numeric_array(state["col"])]  # fmt: skip
            if len(coords) != 2 or any(c.shape != values_.shape or c.dtype.kind not in "iu" for c in coords):
                raise NotValid("coordinates do not fit the data")
            for c, d in zip(coords, dims, strict=True):
                if c.size and (c.min() < 0 or c.max() >= d):
                    raise NotValid("a coordinate outside the matrix")

    check.__name__ = f"scipy_{kind}"
    return check


def _integer(value: Any) -> int:
    """A plain int, or a numpy integer (a pickled scalar node, or a loaded numpy scalar)."""
    if type(value) is int:
        return value
    if isinstance(value, Node) and key_of(value.func) in values.SCALAR:
        dtype, raw = Scalar()._parts(value)
        if dtype.kind in "iu":
            return int.from_bytes(raw, "little" if dtype.byteorder in "<=|" else "big", signed=dtype.kind == "i")
    import numpy as np

    if isinstance(value, np.integer):
        return int(value)
    raise NotValid(f"expected an integer, found {values._describe(value)}")


def bspline_state(state: dict[str, Any]) -> None:
    """scipy BSpline: evaluation indexes ``c`` through knots ``t`` and degree ``k`` without checks."""
    if not set(state) <= {"t", "c", "_t", "_c", "k", "extrapolate", "axis", "_asarray"}:
        raise NotValid("unexpected attributes")
    if "_asarray" in state and key_of(state["_asarray"]) != ("scipy._lib.array_api_compat.numpy._aliases", "asarray"):
        raise NotValid("its array conversion is not scipy's")
    t = numeric_array(state["_t"] if "_t" in state else state["t"])
    c = numeric_array(state["_c"] if "_c" in state else state["c"])
    k = state["k"]
    if type(k) is not int or not 0 <= k <= 32 or t.ndim != 1 or t.dtype.kind != "f":
        raise NotValid("knots or degree malformed")
    n = t.shape[0] - k - 1
    if n < k + 1 or c.ndim < 1 or c.shape[0] < n or c.dtype.kind not in "fc":
        raise NotValid("fewer coefficients than knots need")
    if state.get("axis", 0) != 0 or data_or_none(state.get("extrapolate")) not in (True, False, "periodic"):
        raise NotValid("axis or extrapolate malformed")


bspline_state.__name__ = "scipy_bspline"


class ScipyDistribution(Rule):
    """A scipy.stats distribution object (``uniform_gen``, ``randint_gen``, ...): never restored from its
    pickled state, whose ``__setstate__`` runs ``exec`` on a template string from the file. The state
    must match the public instance of that name (same template, same constructor parameters), and the
    object is rebuilt the way scipy itself copies one: ``cls(**public._updated_ctor_param())``."""

    name = "scipy_distribution"
    ops = frozenset({"newobj"})
    as_value = False
    _VECTORISED: ClassVar[dict[str, str]] = {
        "vecentropy": "_entropy",
        "generic_moment": "_mom0_sc",
        "_ppfvec": "_ppf_single",
        "_cdfvec": "_cdf_single",
    }

    def public(self, node: Node) -> Any:
        import scipy.stats

        state = node.state if node.built and type(node.state) is dict else {}
        name = state.get("name")
        inst = getattr(scipy.stats, name, None) if isinstance(name, str) and name.isidentifier() else None
        if inst is None or f"{type(inst).__module__}.{type(inst).__name__}" != node.qualname:
            raise NotValid(f"no public scipy.stats distribution {name!r} of class {node.qualname}")
        return inst

    def reference(self, node: Node) -> Any:
        """What scipy itself makes when it copies the public instance (``rv_frozen`` does this)."""
        inst = self.public(node)
        return type(inst)(**inst._updated_ctor_param())

    def check(self, node: Node, j: Judge) -> list[str]:
        if node.op != "newobj" or node.args or node.items or node.pairs or not node.built:
            return [f"{node.qualname} is not pickled as scipy pickles it"]
        try:
            inst = self.reference(node)
            state = node.state
            if state.get("_parse_arg_template") != inst._parse_arg_template:
                raise NotValid("its argument-parser template (code scipy executes) is not scipy's own")
            if not _same_data(data(state.get("_ctor_param")), inst._ctor_param):
                raise NotValid(f"constructor parameters differ from scipy.stats.{inst.name}'s")
            for key, value in state.items():
                if key in self._VECTORISED:
                    self._vectorised(value, node, self._VECTORISED[key], j)
                elif key == "__doc__":
                    if value is not None and not isinstance(value, str):
                        raise NotValid("its docstring is not text")
                elif key == "_random_state":
                    j.walk(value)
                elif key not in ("__doc__", "_ctor_param") and not _same_data(data(value), getattr(inst, key, None)):
                    raise NotValid(f"attribute {key} differs from scipy.stats.{inst.name}")
        except NotValid as e:
            return [f"{node.qualname}: {e}"]
        return []

    def _vectorised(self, value: Any, owner: Node, method: str, j: Judge) -> None:
        """``numpy.vectorize(getattr(self, method))``: a bound method of this very distribution."""
        if not (isinstance(value, Node) and key_of(value.func) == ("numpy", "vectorize") and value.built):
            raise NotValid("a vectorised method that is not numpy.vectorize")
        state = value.state
        pyfunc = state.get("pyfunc") if type(state) is dict else None
        if not (
            isinstance(pyfunc, Node)
            and key_of(pyfunc.func) == ("builtins", "getattr")
            and pyfunc.args == (owner, method)
            and not (pyfunc.built or pyfunc.items or pyfunc.pairs or pyfunc.kwargs)
            and not (value.args or value.items or value.pairs or value.kwargs)
        ):
            raise NotValid("a vectorised method bound to something else")
        for k, v in state.items():
            if k != "pyfunc" and data_or_none(v) is None and v is not None:
                raise NotValid(f"vectorised method attribute {k} is not plain data")
        j.vouch(value)
        j.vouch(pyfunc)

    def make(self, node: Node, b: Builder) -> Any:
        from .guard import suspended

        inst = self.public(node)
        with suspended():  # scipy compiles its own argument parser from the checked, public parameters
            obj = type(inst)(**inst._updated_ctor_param())
        b.remember(node, obj)
        rs = node.state.get("_random_state")
        if rs is not None:
            obj.random_state = b.make(rs)
        return obj


class ScipyFrozen(Rule):
    """A frozen scipy.stats distribution (``uniform(0.3, 0.6)``): rebuilt as ``dist(*args, **kwds)`` from
    a checked distribution and numeric parameters."""

    name = "scipy_frozen"
    ops = frozenset({"newobj"})
    as_value = False

    def check(self, node: Node, j: Judge) -> list[str]:
        state = node.state
        if node.op != "newobj" or node.args or not node.built or type(state) is not dict:
            return [f"{node.qualname} is not pickled as scipy pickles it"]
        if not set(state) <= {"args", "kwds", "dist", "a", "b"}:
            return [f"{node.qualname}: unexpected attributes"]
        bounds = [state.get(k, 0) for k in ("a", "b")]
        if not all(type(v) in (int, float) for v in bounds):  # inf is a valid bound (randint's b)
            return [f"{node.qualname}: its support bounds are not numbers"]
        args, kwds = data_or_none(state.get("args")), data_or_none(state.get("kwds"))
        if not (isinstance(args, tuple) and all(_is_finite_number(a) for a in args)):
            return [f"{node.qualname}: parameters are not numbers"]
        if not (type(kwds) is dict and all(type(k) is str and _is_finite_number(v) for k, v in kwds.items())):
            return [f"{node.qualname}: keyword parameters are not numbers"]
        dist = state.get("dist")
        entry = j.entry_of(dist)
        if not (isinstance(dist, Node) and entry is not None and isinstance(entry.rule, ScipyDistribution)):
            return [f"{node.qualname}: its distribution is not a scipy.stats one"]
        j.walk(dist)
        return []

    def make(self, node: Node, b: Builder) -> Any:
        from .guard import suspended

        dist = b.make(node.state["dist"])
        with suspended():  # freezing copies the distribution, which compiles scipy's own argument parser
            return dist(*data(node.state["args"]), **data(node.state["kwds"]))


def _same_data(a: Any, b: Any, seen: set[tuple[int, int]] | None = None) -> bool:
    seen = set() if seen is None else seen
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict | tuple | list):
        if (id(a), id(b)) in seen:
            return True
        seen.add((id(a), id(b)))
    if type(a) is dict and type(b) is dict:
        return a.keys() == b.keys() and all(_same_data(a[k], b[k], seen) for k in a)
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(_same_data(x, y, seen) for x, y in zip(a, b, strict=True))
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


# --- joblib -----------------------------------------------------------------------------------------


class ObjectArray(Rule):
    """An object array joblib stored as a nested pickle: the nested root must itself be an object array."""

    name = "object_array"
    ops = frozenset({"objarray"})
    as_value = False

    def check(self, node: Node, j: Judge) -> list[str]:
        (root,) = node.args
        entry = j.entry_of(root)
        if not (isinstance(root, Node) and entry is not None and isinstance(entry.rule, Reconstruct | MaReconstruct)):
            return [f"a joblib object array holds {values._describe(root)}"]
        j.walk(root)
        return []

    def make(self, node: Node, b: Builder) -> Any:
        return b.make(node.args[0])


BINARY_TREE = binary_tree_state
DIST_METRIC = _dist_metric_validator


def tree_predictor_state(state: dict[str, Any]) -> None:
    """HistGradientBoosting's TreePredictor: prediction follows ``left``/``right`` and ``bitset_idx``
    without bounds checks, so children must lie inside the array and after their parent."""
    import numpy as np

    if not set(state) <= {"nodes", "binned_left_cat_bitsets", "raw_left_cat_bitsets"}:
        raise NotValid("unexpected attributes")
    record = predictor_record_dtype()
    nodes = numeric_array(state["nodes"])
    # Exactly sklearn's record: TreePredictor.__setstate__ casts any other dtype *by position*.
    if nodes.ndim != 1 or nodes.dtype != record or nodes.dtype.names != record.names:
        raise NotValid("node array is not scikit-learn's predictor record")
    n = nodes.shape[0]
    inner = nodes["is_leaf"] == 0
    idx = np.arange(n)
    left, right = nodes["left"].astype(np.int64), nodes["right"].astype(np.int64)
    if ((left[inner] <= idx[inner]) | (left[inner] >= n) | (right[inner] <= idx[inner]) | (right[inner] >= n)).any():
        raise NotValid("a child index outside the tree or before its parent")
    if (nodes["feature_idx"][inner].astype(np.int64) < 0).any():
        raise NotValid("a negative feature index")
    for key in ("binned_left_cat_bitsets", "raw_left_cat_bitsets"):
        bitsets = numeric_array(state[key]) if key in state else None
        cat = inner & (nodes["is_categorical"] != 0)
        if cat.any() and (bitsets is None or (nodes["bitset_idx"][cat].astype(np.int64) >= bitsets.shape[0]).any()):
            raise NotValid("a categorical split outside its bitsets")


tree_predictor_state.__name__ = "hgb_tree_predictor"


class JoblibWrapper(Rule):
    """joblib's ``NumpyArrayWrapper``: a marker the parser reads raw array data after (at exactly the
    place joblib does), and a plain object with a dict of array facts to ``pickle.load``."""

    name = "joblib_wrapper"
    ops = frozenset({"newobj"})
    as_value = False
    KEYS = frozenset({"subclass", "shape", "order", "dtype", "allow_mmap", "numpy_array_alignment_bytes"})

    def check(self, node: Node, j: Judge) -> list[str]:
        state = node.state if node.built else {}
        if (
            node.args
            or node.kwargs
            or node.items
            or node.pairs
            or type(state) is not dict
            or not set(state) <= self.KEYS
        ):
            return ["a joblib array wrapper that joblib does not write"]
        j.walk(state)
        return []
