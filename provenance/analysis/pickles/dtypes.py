"""numpy dtypes from a parse graph, accepted only in the exact form numpy itself pickles them.

A dtype is pickled as ``numpy.dtype(spec, align, copy)`` followed by a BUILD whose state tuple carries
byte order, fields, item size, alignment and flags. numpy's ``__setstate__`` believes that state: a
state that says an object dtype holds no references (flags without ``NPY_ITEM_REFCOUNT``), or a
smaller item size than its fields need, makes arrays that hold raw pointers chosen by the file. So we
never pass a pickled state to numpy: we build the dtype from its description (spec, byte order,
field dtypes and offsets, sub-array shape, datetime unit), ask numpy for the state *it* would pickle,
and accept the dtype only when the two are equal. The parser sizes joblib arrays with the same
function, so the card and the load cannot disagree about how many bytes an array takes.
"""

from __future__ import annotations

import re
from typing import Any

from .nodes import Node, Ref

_SPEC = re.compile(r"^[a-zA-Z?][0-9]{0,4}$")
_DTYPE = ("numpy", "dtype")
_NATIVE = "<" if __import__("sys").byteorder == "little" else ">"


class DtypeError(ValueError):
    """The graph's dtype is not one numpy would pickle; the message says what differs."""


def is_dtype_node(obj: Any) -> bool:
    return isinstance(obj, Node) and obj.op == "reduce" and isinstance(obj.func, Ref) and obj.func.key == _DTYPE


def realise(obj: Any, depth: int = 0) -> Any:
    """The numpy dtype a dtype node stands for, or DtypeError. Cached on the node."""
    import numpy as np

    if not is_dtype_node(obj):
        raise DtypeError(f"expected a numpy dtype, found {_describe(obj)}")
    node: Node = obj
    if isinstance(node.value, np.dtype):
        return node.value
    if depth > 8:
        raise DtypeError("dtype nested more than 8 levels")
    if node.items or node.pairs or node.kwargs:
        raise DtypeError("a dtype was given items")
    args = node.args
    if not (
        isinstance(args, tuple)
        and len(args) == 3
        and isinstance(args[0], str)
        and _SPEC.match(args[0])
        and args[1] in (False, 0)
        and args[2] in (True, 1)
    ):
        raise DtypeError(f"numpy.dtype called with {args!r}")
    spec = args[0]
    state = node.state if node.built else None
    dtype = _from_state(np, spec, state, depth) if state is not None else np.dtype(spec)
    if dtype.hasobject and dtype != np.dtype("O"):
        raise DtypeError(f"dtype {dtype} holds Python objects inside a structure")
    _, expected_args, expected_state = dtype.__reduce__()
    if tuple(expected_args) != (spec, False, True):
        raise DtypeError(f"dtype {dtype} pickles as {expected_args!r}, the file says {args!r}")
    if state is not None and not _same(_resolved(state, depth, {}), expected_state, set()):
        raise DtypeError(f"dtype {dtype}: the pickled state {_short(state)} is not the one numpy writes")
    node.value = dtype
    return dtype


def _from_state(np: Any, spec: str, state: Any, depth: int) -> Any:
    if not isinstance(state, tuple) or len(state) not in (8, 9) or state[0] not in (3, 4):
        raise DtypeError(f"dtype state {_short(state)} is not numpy's")
    _, order, subarray, names, fields, elsize, _alignment, flags = state[:8]
    if order not in ("<", ">", "|", "="):
        raise DtypeError(f"dtype byte order {order!r}")
    if subarray is not None:
        if not (isinstance(subarray, tuple) and len(subarray) == 2 and _is_shape(subarray[1])):
            raise DtypeError("dtype sub-array is not (dtype, shape)")
        return np.dtype((realise(subarray[0], depth + 1), subarray[1]))
    if names is not None:
        if not (
            isinstance(names, tuple)
            and isinstance(fields, dict)
            and all(isinstance(n, str) for n in names)
            and len(set(names)) == len(names)
            and set(names) <= set(fields)
            and isinstance(elsize, int)
            and 0 < elsize <= 1 << 20
        ):
            raise DtypeError("structured dtype state is not numpy's")
        formats, offsets, titles = [], [], []
        for n in names:
            f = fields[n]
            if not (isinstance(f, tuple) and len(f) in (2, 3) and isinstance(f[1], int) and f[1] >= 0):
                raise DtypeError(f"field {n!r} is not (dtype, offset)")
            formats.append(realise(f[0], depth + 1))
            offsets.append(f[1])
            titles.append(f[2] if len(f) == 3 else None)
        desc: dict[str, Any] = {"names": list(names), "formats": formats, "offsets": offsets, "itemsize": elsize}
        if any(t is not None for t in titles):
            desc["titles"] = titles
        return np.dtype(desc, align=bool(isinstance(flags, int) and flags & 0x80))
    dtype = np.dtype(spec)
    if len(state) == 9 and dtype.kind in "mM":
        meta = state[8]
        if not (isinstance(meta, tuple) and len(meta) == 2 and isinstance(meta[1], tuple) and len(meta[1]) == 4):
            raise DtypeError("datetime dtype metadata is not numpy's")
        from .values import NotValid, data

        try:
            unit, num = data(meta[1][0]), meta[1][1]
        except NotValid as e:
            raise DtypeError(f"datetime unit: {e}") from None
        if not (isinstance(unit, bytes) and unit.isalpha() and len(unit) <= 3 and isinstance(num, int) and num > 0):
            raise DtypeError("datetime unit is not numpy's")
        dtype = np.dtype(f"{spec}[{num}{unit.decode()}]" if num != 1 else f"{spec}[{unit.decode()}]")
    if order in "<>" and dtype.byteorder != "|" and order != (dtype.byteorder if dtype.byteorder != "=" else _NATIVE):
        dtype = dtype.newbyteorder(order)
    return dtype


def _resolved(value: Any, depth: int, memo: dict[int, Any]) -> Any:
    """The state with its dtype nodes replaced by the dtypes they stand for (and protocol 0-2 bytes by
    bytes), for comparison."""
    if id(value) in memo:
        return memo[id(value)]
    if len(memo) > 10_000:
        raise DtypeError("a dtype state larger than any numpy writes")
    memo[id(value)] = out = _resolve(value, depth, memo)
    return out


def _resolve(value: Any, depth: int, memo: dict[int, Any]) -> Any:
    from .values import NotValid, codecs_bytes, is_codecs_bytes

    if is_dtype_node(value):
        return realise(value, depth + 1)
    if is_codecs_bytes(value):
        try:
            return codecs_bytes(value)
        except NotValid as e:
            raise DtypeError(str(e)) from None
    if isinstance(value, tuple):
        return tuple(_resolved(v, depth, memo) for v in value)
    if isinstance(value, dict):
        return {k: _resolved(v, depth, memo) for k, v in value.items()}
    return value


def _same(a: Any, b: Any, seen: set[tuple[int, int]]) -> bool:
    """Equality that also compares types (so True != 1 and a dtype equals only an equal dtype)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple | dict):
        if (id(a), id(b)) in seen:
            return True
        seen.add((id(a), id(b)))
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same(x, y, seen) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], seen) for k in a)
    if type(a).__module__ == "numpy" or type(a).__name__.endswith("DType"):
        return bool(a == b) and a.__reduce__()[2] == b.__reduce__()[2]
    return bool(a == b)


def _is_shape(value: Any) -> bool:
    return isinstance(value, tuple) and all(type(n) is int and 0 <= n < 1 << 31 for n in value)


def _describe(obj: Any) -> str:
    if isinstance(obj, Node):
        return f"{obj.qualname} ({obj.op})"
    if isinstance(obj, Ref):
        return obj.qualname
    return type(obj).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
