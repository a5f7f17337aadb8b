"""The one gate: every value in a parse graph checked against the construction table.

What it returns is what the card records (``untrusted`` names, ``violations`` of entries used in
ways their rule refuses) and what the loader requires to be empty before it builds anything. The
walk is iterative (a graph can be deep) and visits each object once (a graph can share and cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import table
from .nodes import Node, Ref
from .reader import Parse
from .rules import ObjectArray

_MAX_VIOLATIONS = 50
_PLAIN = (type(None), bool, int, float, complex, str, bytes, bytearray)
_OBJECT_ARRAY = ObjectArray()


@dataclass
class Verdict:
    untrusted: list[str] = field(default_factory=list)  # globals outside the table, in file order
    violations: list[str] = field(default_factory=list)  # table entries used in ways their rule refuses

    @property
    def safe(self) -> bool:
        return not self.untrusted and not self.violations

    def reasons(self) -> list[str]:
        return self.untrusted + self.violations


class _Walker:
    def __init__(self, *, torch: bool) -> None:
        self._torch = torch
        self._seen: set[int] = set()
        self._partial: set[int] = set()
        self._todo: list[Any] = []
        self.untrusted: dict[str, None] = {}
        self.violations: dict[str, None] = {}

    # the Judge protocol the rules call back into
    def walk(self, value: Any) -> None:
        if not isinstance(value, _PLAIN):
            self._todo.append(value)

    def vouch(self, node: Node) -> None:
        """A rule checked this node as part of the structure around it: do not judge it on its own."""
        self._seen.add(id(node))

    def entry_of(self, obj: Any) -> table.Entry | None:
        ref = obj if isinstance(obj, Ref) else obj.func if isinstance(obj, Node) else None
        return table.lookup(*ref.key) if isinstance(ref, Ref) else None

    def run(self, roots: list[Any], made: list[Any]) -> Verdict:
        """Everything reachable from the roots, in full; then every other object the reading made
        (popped at once, or made by a reading that stopped part-way): for those never given state or
        items, only the call that made them is judged, since that is all a plain load ran."""
        for root in roots:
            self.walk(root)
        self._drain()
        for node in made:
            if id(node) not in self._seen and not (node.built or node.items or node.pairs):
                self._partial.add(id(node))
            self.walk(node)
            self._drain()
        return Verdict(list(self.untrusted), list(self.violations)[:_MAX_VIOLATIONS])

    def _drain(self) -> None:
        while self._todo:
            value = self._todo.pop()
            if id(value) in self._seen:
                continue
            self._seen.add(id(value))
            self._visit(value)

    def _violation(self, text: str) -> None:
        self.violations.setdefault(text, None)

    def _visit(self, value: Any) -> None:
        if type(value) in (list, tuple, set, frozenset):
            self._todo.extend(v for v in value if not isinstance(v, _PLAIN))
        elif type(value) is dict:
            for k, v in value.items():
                self.walk(k)
                self.walk(v)
        elif isinstance(value, Ref):
            entry = table.lookup(*value.key)
            if entry is None:
                self.untrusted.setdefault(value.qualname, None)
            elif not entry.rule.as_value:
                self._violation(
                    f"{value.qualname} appears as a value (it may only be used by the structure that needs it)"
                )
        elif isinstance(value, Node):
            self._node(value)
        else:
            self._violation(f"an unexpected {type(value).__name__} in the parse")

    def _node(self, node: Node) -> None:
        if node.op == "array":
            return
        if node.op == "objarray":
            for problem in _OBJECT_ARRAY.check(node, self):
                self._violation(problem)
            return
        if node.op == "persid":
            if not self._torch:
                self._violation("a persistent id outside a PyTorch file")
            self.walk(node.args)
            return
        func = node.func
        if not isinstance(func, Ref):
            what = getattr(func, "qualname", type(func).__name__)
            self._violation(f"a call on a computed {what} (only named globals may be called)")
            self.walk(func)
            for part in (node.args, node.kwargs, node.state, node.items, node.pairs):
                self.walk(part)
            return
        entry = table.lookup(*func.key)
        if entry is None:
            self.untrusted.setdefault(func.qualname, None)
            for part in (node.args, node.kwargs, node.state, node.items, node.pairs):
                self.walk(part)  # keep looking, so the card names every offender at once
            return
        if entry.rule is table.INSPECT_ONLY and not self._torch:
            self._violation(f"{func.qualname} (a PyTorch name) outside a PyTorch file")
        if node.op not in entry.rule.ops:
            how = "called" if node.op == "reduce" else "instantiated"
            self._violation(f"{func.qualname} may not be {how} here")
            for part in (node.args, node.kwargs, node.state, node.items, node.pairs):
                self.walk(part)
            return
        check = entry.rule.check_call if id(node) in self._partial else entry.rule.check
        try:
            problems = check(node, self)
        except Exception as e:  # a check that cannot even look at the value refuses it (fail closed)
            problems = [f"{func.qualname}: {type(e).__name__}: {str(e)[:120]}"]
        for problem in problems:
            self._violation(problem)


def judge(parse: Parse) -> Verdict:
    """Check every value of every pickle in ``parse``; never imports anything but numpy (for dtypes)."""
    walker = _Walker(torch=parse.container.startswith("pytorch"))
    # Every global the file names is imported by a plain load, reachable or not (an import alone can
    # run code): all of them must be in the table.
    for module, name in [*parse.globals, *parse.plain_globals]:
        if table.lookup(module, name) is None:
            walker.untrusted.setdefault(f"{module}.{name}", None)
    return walker.run(parse.roots or [parse.root], [*parse.made, *parse.plain_made])
