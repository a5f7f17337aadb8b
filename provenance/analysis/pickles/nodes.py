"""The parse graph: what a pickle asks for, with nothing imported and nothing called.

A ``Ref`` is a global the pickle names (``module``, ``name``, exactly as the unpickler would import
them). A ``Node`` is an object the pickle asks to be made: by calling something (``reduce``),
by ``cls.__new__`` (``newobj``), by the old ``INST``/``OBJ`` opcodes (``inst``), or an array that
joblib stored as raw bytes (``array``, whose ``value`` is the real numpy array, read with a dtype
the parser validated). BUILD, APPEND(S), SETITEM(S) and ADDITEMS on a node are recorded on it.
Plain data (numbers, strings, bytes, lists, tuples, dicts, sets) stays as Python values.
"""

from __future__ import annotations

from typing import Any


class Ref:
    """A global named by the pickle. Compared by (module, name), never by a joined string."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    @property
    def key(self) -> tuple[str, str]:
        return (self.module, self.name)

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"

    def __repr__(self) -> str:
        return f"<global {self.qualname}>"


class Node:
    """An object the pickle asks to be made. Hashable by identity (it can be a dict key or set member)."""

    __slots__ = ("args", "built", "fetched", "func", "items", "kwargs", "op", "pairs", "state", "value")

    def __init__(self, op: str, func: Any, args: Any = (), kwargs: Any = None) -> None:
        self.op = op
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.state: Any = None
        self.built = False  # a BUILD opcode gave it state
        self.fetched = False  # a second reference exists (memo GET or DUP)
        self.items: list[Any] = []  # APPEND(S) / ADDITEMS
        self.pairs: list[tuple[Any, Any]] = []  # SETITEM(S)
        self.value: Any = None  # for ``array`` nodes: the numpy array

    @property
    def ref(self) -> Ref | None:
        """The global this node is made from (the callable or the class), if it is one."""
        return self.func if isinstance(self.func, Ref) else None

    @property
    def qualname(self) -> str:
        if self.op == "array":
            return "numpy.ndarray"
        f = self.func
        return f.qualname if isinstance(f, Ref) else f"<{type(f).__name__}>"

    def __repr__(self) -> str:
        return f"<{self.op} {self.qualname}>"
