"""A safety net while objects are built: an audit hook that refuses what a model load never needs.

The boundary is the construction table (``table``) and the parse that feeds it; this guard is only
there so that a case the table misses fails closed instead of running. It is not a sandbox: Python's
audit events do not cover everything (starting a thread raises none on 3.11, and native code can do
anything without raising one), which is why the table, not this hook, decides what may be built.

While a load builds objects (a context variable says so, for this thread only), every audit event
outside a short list of harmless ones raises ``GuardTripped``: network, processes, file opens and deletes, ``exec``
and ``compile``, ``ctypes``, imports, ``pickle.find_class``. The trip is also recorded, so a library
that swallows the exception still fails the load. Audit hooks cannot be removed once added, so the
hook is installed once and is a no-op (one context-variable lookup) outside a guarded load.
"""

from __future__ import annotations

import contextvars
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Events that building numpy / scipy / scikit-learn objects raises in normal operation.
_HARMLESS = frozenset({"object.__setattr__", "object.__delattr__", "object.__getattr__", "sys._getframe",
                       "sys._getframemodulename", "array.__new__", "builtins.id"})  # fmt: skip


class GuardTripped(RuntimeError):
    """An audit event a model load never needs happened while building objects."""


class _State:
    __slots__ = ("events", "readable")

    def __init__(self, readable: str | None) -> None:
        self.events: list[str] = []
        self.readable = readable  # the one file a loader may open, read-only (skops reads its archive)


_ACTIVE: contextvars.ContextVar[_State | None] = contextvars.ContextVar("prov_load_guard", default=None)
_installed = False
_lock = threading.Lock()


def _hook(event: str, args: tuple[object, ...]) -> None:
    state = _ACTIVE.get()
    if state is None or event in _HARMLESS:
        return
    if event == "open" and state.readable is not None and _reads(args, state.readable):
        return
    if event == "compile" and len(args) > 1 and args[1] == "<unknown>":
        return  # ast.literal_eval (numpy reads .npy headers with it): a parse, nothing runs without "exec"
    detail = _describe(event, args)
    state.events.append(detail)
    raise GuardTripped(f"refused while loading: {detail}")


def _reads(args: tuple[object, ...], readable: str) -> bool:
    import os

    path, mode = ((*args, None, None))[:2]
    flags = args[2] if len(args) > 2 else 0
    if not isinstance(path, str | bytes | os.PathLike):
        return False
    read_only = mode in (None, "r", "rb") and isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR) == 0
    return read_only and os.path.realpath(os.fsdecode(path)) == readable


def _describe(event: str, args: tuple[object, ...]) -> str:
    shown = []
    for a in args[:2]:
        text = repr(a)
        shown.append(text if len(text) <= 60 else text[:57] + "...")
    return f"{event}({', '.join(shown)})"


def _install() -> None:
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


@contextmanager
def suspended() -> Iterator[None]:
    """Library code called with arguments a rule checked, that legitimately compiles or opens files."""
    token = _ACTIVE.set(None)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


@contextmanager
def guarded(readable: str | None = None) -> Iterator[list[str]]:
    """Run the body with the guard on; yields the list of refused events (empty when nothing tripped).

    ``readable``: the one file the load may open for reading (the artefact itself, for skops).
    """
    import os

    _install()
    state = _State(os.path.realpath(readable) if readable else None)
    token = _ACTIVE.set(state)
    try:
        yield state.events
    finally:
        _ACTIVE.reset(token)
