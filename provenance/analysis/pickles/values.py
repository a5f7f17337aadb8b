"""Plain data and numeric arrays out of a parse graph, built only from forms numpy itself writes.

The judge needs real numbers to check structures (tree node indices, sparse index arrays) and the
builder needs the same arrays; both get them here, once, cached on the node. Nothing in this
module imports or calls anything the file names: arrays are made with ``numpy.frombuffer`` from
bytes and a dtype ``dtypes.realise`` accepted.
"""

from __future__ import annotations

from typing import Any

from . import dtypes
from .nodes import Node, Ref

RECONSTRUCT = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct")}
FROMBUFFER = {("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer")}
SCALAR = {("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar")}
CODECS_ENCODE = ("_codecs", "encode")
NDARRAY = ("numpy", "ndarray")


class NotValid(ValueError):
    """The value is not in the form the rule accepts; the message says what is wrong."""


def key_of(obj: Any) -> tuple[str, str] | None:
    return obj.key if isinstance(obj, Ref) else None


def is_codecs_bytes(obj: Any) -> bool:
    return isinstance(obj, Node) and obj.op == "reduce" and key_of(obj.func) == CODECS_ENCODE


def codecs_bytes(node: Node) -> bytes:
    """``_codecs.encode(text, 'latin1')``: how protocols 0-2 write bytes."""
    args = node.args
    if node.built or node.items or node.pairs:
        raise NotValid("_codecs.encode given state")
    if not (
        isinstance(args, tuple) and len(args) == 2 and isinstance(args[0], str) and args[1] in ("latin1", "latin-1")
    ):
        raise NotValid(f"_codecs.encode called with {_short(args)}")
    try:
        return args[0].encode("latin1")
    except UnicodeEncodeError:
        raise NotValid("_codecs.encode of text that is not latin-1") from None


_MAX_DATA = 1_000_000  # values converted in one call: a shared (DAG-shaped) value is converted once


def data(value: Any, depth: int = 0, memo: dict[int, Any] | None = None) -> Any:
    """``value`` as plain Python data (bytes written through _codecs.encode included), or NotValid.

    Shared sub-values are converted once (a chain of tuples each holding the previous one twice is
    linear work, not exponential), and the total work is capped.
    """
    if memo is None:
        memo = {}
    if depth > 64:
        raise NotValid("data nested too deep")
    if value is None or type(value) in (bool, int, float, complex, str, bytes, bytearray):
        return value
    key = id(value)
    if key in memo:
        return memo[key]
    if len(memo) > _MAX_DATA:
        raise NotValid("more plain data than a model holds")
    out = _data(value, depth, memo)
    memo[key] = out
    return out


def _data(value: Any, depth: int, memo: dict[int, Any]) -> Any:
    if is_codecs_bytes(value):
        return codecs_bytes(value)
    if isinstance(value, Node) and value.op == "reduce" and not (value.built or value.items or value.pairs):
        # bytes(), set([...]) and frozenset([...]): how protocols 0-3 write them
        k = key_of(value.func)
        if k == ("builtins", "bytes") and value.args == ():
            return b""
        if k in (("builtins", "set"), ("builtins", "frozenset")) and type(value.args) is tuple and len(value.args) <= 1:
            items = data(value.args[0], depth + 1, memo) if value.args else []
            if type(items) is list:
                return (set if k[1] == "set" else frozenset)(items)
    if type(value) is tuple:
        return tuple(data(v, depth + 1, memo) for v in value)
    if type(value) is list:
        return [data(v, depth + 1, memo) for v in value]
    if type(value) is dict:
        return {data(k, depth + 1, memo): data(v, depth + 1, memo) for k, v in value.items()}
    if type(value) in (set, frozenset):
        return type(value)(data(v, depth + 1, memo) for v in value)
    raise NotValid(f"expected plain data, found {_describe(value)}")


def shape(value: Any) -> tuple[int, ...]:
    s = data(value)
    if not (isinstance(s, tuple) and len(s) <= 32 and all(type(n) is int and 0 <= n < 1 << 40 for n in s)):
        raise NotValid(f"array shape {_short(s)}")
    n = 1
    for d in s:
        n *= d
    if n >= 1 << 40:
        raise NotValid(f"array of {n:,} elements")
    return s


def is_array_node(obj: Any) -> bool:
    if not isinstance(obj, Node):
        return False
    if obj.op in ("array", "objarray"):
        return True
    return obj.op == "reduce" and (key_of(obj.func) in RECONSTRUCT or key_of(obj.func) in FROMBUFFER)


def numeric_array(obj: Any) -> Any:
    """The numeric (no Python objects) numpy array a node stands for; NotValid for anything else."""
    import numpy as np

    if isinstance(obj, np.ndarray):  # an object already loaded (skops), checked after the fact
        if obj.dtype.hasobject:
            raise NotValid("an object array where numbers are expected")
        return obj
    if not isinstance(obj, Node):
        raise NotValid(f"expected an array, found {_describe(obj)}")
    if isinstance(obj.value, np.ndarray):
        return obj.value
    if obj.op == "reduce" and key_of(obj.func) in RECONSTRUCT:
        dtype, dims, fortran, raw = reconstruct_parts(obj)
        if dtype.hasobject:
            raise NotValid("an object array where numbers are expected")
        array = _from_bytes(np, raw, dtype, dims, fortran)
    elif obj.op == "reduce" and key_of(obj.func) in FROMBUFFER:
        array = _frombuffer_node(np, obj)
    else:
        raise NotValid(f"expected an array, found {_describe(obj)}")
    obj.value = array
    return array


def reconstruct_parts(node: Node) -> tuple[Any, tuple[int, ...], bool, Any]:
    """Check ``_reconstruct(ndarray, (0,), b'b')`` + BUILD (1, shape, dtype, fortran, data); return the parts.

    ``data`` is bytes for numeric dtypes and a list (still graph values) for the object dtype.
    """
    args = node.args
    if node.items or node.pairs or node.kwargs:
        raise NotValid("an array given items")
    if not (isinstance(args, tuple) and len(args) == 3 and key_of(args[0]) == NDARRAY):
        raise NotValid(f"numpy _reconstruct called with {_short(args)}")
    if data(args[1]) != (0,) or data(args[2]) not in (b"b", "b"):
        raise NotValid(f"numpy _reconstruct called with {_short(args)}")
    if not node.built:
        raise NotValid("an array without its data")
    state = node.state
    if not (isinstance(state, tuple) and len(state) == 5 and state[0] == 1 and type(state[3]) is bool):
        raise NotValid(f"array state {_short(state)}")
    dims = shape(state[1])
    try:
        dtype = dtypes.realise(state[2])
    except dtypes.DtypeError as e:
        raise NotValid(str(e)) from None
    count = 1
    for d in dims:
        count *= d
    raw = state[4]
    if dtype.hasobject:
        if type(raw) is not list or len(raw) != count:
            raise NotValid(f"object array of {count} elements stored as {_describe(raw)}")
        return dtype, dims, state[3], raw
    raw = data(raw)
    if isinstance(raw, str):
        raw = raw.encode("latin1")  # protocol 0-2 strings, as numpy's setstate reads them
    if not isinstance(raw, bytes | bytearray) or len(raw) != count * dtype.itemsize:
        raise NotValid(
            f"array data of {len(raw) if isinstance(raw, bytes | bytearray) else '?'} bytes for {count} x {dtype}"
        )
    return dtype, dims, state[3], raw


def _from_bytes(np: Any, raw: bytes | bytearray, dtype: Any, dims: tuple[int, ...], fortran: bool) -> Any:
    flat = np.frombuffer(raw, dtype=dtype).copy()
    return flat.reshape(dims[::-1]).T if fortran else flat.reshape(dims)


def _frombuffer_node(np: Any, node: Node) -> Any:
    """``_frombuffer(buffer, dtype, shape, order)``: how protocol 5 writes arrays."""
    if node.built or node.items or node.pairs or node.kwargs:
        raise NotValid("an array given state")
    args = node.args
    if not (isinstance(args, tuple) and len(args) == 4):
        raise NotValid(f"numpy _frombuffer called with {_short(args)}")
    buf = data(args[0])
    try:
        dtype = dtypes.realise(args[1])
    except dtypes.DtypeError as e:
        raise NotValid(str(e)) from None
    dims = shape(args[2])
    order = data(args[3])
    if dtype.hasobject or order not in ("C", "F") or not isinstance(buf, bytes | bytearray):
        raise NotValid(f"numpy _frombuffer called with {_short(args)}")
    count = 1
    for d in dims:
        count *= d
    if len(buf) != count * dtype.itemsize:
        raise NotValid(f"array data of {len(buf)} bytes for {count} x {dtype}")
    return _from_bytes(np, buf, dtype, dims, order == "F")


def _describe(obj: Any) -> str:
    if isinstance(obj, Node):
        return f"{obj.qualname} ({obj.op})"
    if isinstance(obj, Ref):
        return f"global {obj.qualname}"
    return type(obj).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
