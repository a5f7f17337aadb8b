"""Real objects from a parse graph the judge passed, each made by its table entry's rule.

Every global is imported before the guard goes on, and only from the table's own (module, name),
checked against what the table reviewed: a class restored from state must still have the reviewed
``__setstate__`` and an ordinary ``__new__``. Then objects are built depth-first under the guard;
shared objects stay shared, cycles through lists, dicts and objects are restored as pickle restores
them, and nesting is capped so a crafted graph cannot exhaust the stack.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from typing import Any

from . import guard, table
from .judge import Verdict
from .nodes import Node, Ref
from .reader import Parse
from .rules import NotValid, ObjectArray, PlainObject

_MAX_DEPTH = 200  # nested objects; a scikit-learn model is a few dozen deep
_PLAIN = (type(None), bool, int, float, complex, str, bytes, bytearray)
_REVIEWED_NEW = {
    "object.__new__",
    "dict.__new__",
    "sklearn.utils.deprecation.deprecated._decorate_class.<locals>.wrapped",
}
_OBJECT_ARRAY = ObjectArray()


class BuildError(ValueError):
    """The graph could not be built as the table allows (the message says where)."""


def _qualname(f: Any) -> str:
    owner = getattr(f, "__objclass__", None)
    module = getattr(f, "__module__", None) or getattr(owner, "__module__", None) or ""
    qual = getattr(f, "__qualname__", None) or getattr(f, "__name__", repr(f))
    return f"{module}.{qual}" if module and module != "builtins" else qual


def resolve_entry(entry: table.Entry) -> Any:
    """Import the entry's object and check it is still what the table reviewed."""
    try:
        obj = getattr(importlib.import_module(entry.module), entry.name)
    except (ImportError, AttributeError) as e:
        raise BuildError(f"{entry.qualname} is not available in this environment ({e})") from None
    if isinstance(entry.rule, PlainObject):
        if not isinstance(obj, type):
            raise BuildError(f"{entry.qualname} is no longer a class")
        setstate = getattr(obj, "__setstate__", None)
        live = (
            _qualname(setstate)
            if setstate is not None and setstate is not getattr(object, "__setstate__", None)
            else None
        )
        if live != entry.setstate:
            raise BuildError(
                f"{entry.qualname} now restores state with {live or 'no __setstate__'}, not the reviewed "
                f"{entry.setstate or 'none'}: refusing until the table is reviewed"
            )
        new = _qualname(obj.__new__)
        if new not in _REVIEWED_NEW:
            raise BuildError(f"{entry.qualname} has its own __new__ ({new}): refusing until the table is reviewed")
    _same_record(entry)
    return obj


# Classes whose node records the judge checks against ``rules``' spelled-out copy of scikit-learn's.
_RECORDS = {
    ("sklearn.tree._tree", "Tree"): ("sklearn.tree._tree", "NODE_DTYPE", "tree_node_dtype"),
    ("sklearn.ensemble._hist_gradient_boosting.predictor", "TreePredictor"): (
        "sklearn.ensemble._hist_gradient_boosting.common",
        "PREDICTOR_RECORD_DTYPE",
        "predictor_record_dtype",
    ),
}


def _same_record(entry: table.Entry) -> None:
    """The judge passed the arrays against prov's copy of the record; build only with a scikit-learn whose
    record is that copy (these classes read a different record field by field, by position)."""
    spec = _RECORDS.get(entry.key)
    if spec is None:
        return
    from . import rules

    module, name, ours = spec
    live = getattr(importlib.import_module(module), name, None)
    expected = getattr(rules, ours)()
    if live is None or live != expected or live.names != expected.names:
        raise BuildError(f"{module}.{name} is not the record prov checks trees against: refusing until reviewed")


class _Builder:
    def __init__(self, resolved: dict[tuple[str, str], Any]) -> None:
        self._resolved = resolved
        self._memo: dict[int, Any] = {}
        self._building: set[int] = set()
        self._depth = 0

    def resolve(self, ref: Ref) -> Any:
        try:
            return self._resolved[ref.key]
        except KeyError:
            raise BuildError(f"{ref.qualname} was not resolved before the load") from None

    def remember(self, node: Node, obj: Any) -> None:
        self._memo[id(node)] = obj

    def make(self, value: Any) -> Any:
        if isinstance(value, _PLAIN):
            return value
        key = id(value)
        if key in self._memo:
            return self._memo[key]
        if key in self._building:
            raise BuildError(f"a cycle through an immutable value ({type(value).__name__})")
        self._depth += 1
        if self._depth > _MAX_DEPTH:
            raise BuildError(f"objects nested more than {_MAX_DEPTH} deep")
        self._building.add(key)
        try:
            out = self._make(value)
        finally:
            self._building.discard(key)
            self._depth -= 1
        self._memo[key] = out
        return out

    def _make(self, value: Any) -> Any:
        t = type(value)
        if t is list:
            out: Any = []
            self._memo[id(value)] = out
            out.extend(self.make(v) for v in value)
            return out
        if t is dict:
            out = {}
            self._memo[id(value)] = out
            for k, v in value.items():
                out[self.make(k)] = self.make(v)
            return out
        if t is tuple:
            return tuple(self.make(v) for v in value)
        if t is set or t is frozenset:
            return t(self.make(v) for v in value)
        if isinstance(value, Ref):
            return self.resolve(value)
        if isinstance(value, Node):
            if value.op == "array":
                return value.value
            if value.op == "objarray":
                return _OBJECT_ARRAY.make(value, self)
            entry = table.lookup(*value.func.key) if isinstance(value.func, Ref) else None
            if entry is None:
                raise BuildError(f"{value.qualname} is not in the table")
            return entry.rule.make(value, self)
        raise BuildError(f"cannot build a {t.__name__}")


def build(parse: Parse, verdict: Verdict) -> tuple[Any, list[str]]:
    """The loaded object and the warnings the libraries raised while building it.

    Raises BuildError (or guard.GuardTripped) when the graph cannot be built as the table allows.
    """
    return run(_Builder(resolve_globals(parse, verdict, resolve_entry)), parse)


def resolve_globals(parse: Parse, verdict: Verdict, resolve: Any) -> dict[tuple[str, str], Any]:
    """Every global the parse names, each through ``resolve(entry)`` (None: not needed, left out), before
    anything is built; only for a graph the judge passed, and only names the table admits."""
    if not verdict.safe:
        raise BuildError("refusing to build a graph the judge did not pass")
    resolved = {}
    for key in parse.globals:
        entry = table.lookup(*key)
        if entry is None:
            raise BuildError(f"{key[0]}.{key[1]} is not in the table")
        obj = resolve(entry)
        if obj is not None:
            resolved[key] = obj
    return resolved


def run(builder: _Builder, parse: Parse) -> tuple[Any, list[str]]:
    """Build ``parse.root`` with ``builder`` under the guard: (object, warnings raised while building)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20 * _MAX_DEPTH))  # a level is a few Python frames
    try:
        return _build(builder, parse)
    finally:
        sys.setrecursionlimit(limit)


def _build(builder: _Builder, parse: Parse) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with guard.guarded() as tripped:
            try:
                obj = builder.make(parse.root)
            except guard.GuardTripped:
                raise
            except (NotValid, TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError) as e:
                if tripped:
                    raise guard.GuardTripped(f"refused while loading: {tripped[0]}") from None
                raise BuildError(f"{type(e).__name__}: {e}") from None
        if tripped:
            raise guard.GuardTripped(f"refused while loading: {tripped[0]}")
    notes = sorted({f"{w.category.__name__}: {str(w.message).splitlines()[0]}" for w in caught})
    return obj, notes
