"""prov: signed provenance and licensing cards for trained ML artefacts.

The public API is deliberately small: ``record`` (save, analyse, sign), ``verify``, ``load`` (verify,
then load through the construction policy), ``decide_export``,
and the value types they return. Everything else is internal.
"""

from __future__ import annotations

from ._version import __version__

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs the pre-commit hook ~10 ms
if TYPE_CHECKING:
    from typing import Any

    from .api.python import decide_export, load, record, verify
    from .model.decision import Decision, Recipient, Verification

__all__ = ["Decision", "Recipient", "Verification", "__version__", "decide_export", "load", "record", "verify"]

_LAZY = {
    "record": "provenance.api.python",
    "verify": "provenance.api.python",
    "load": "provenance.api.python",
    "decide_export": "provenance.api.python",
    "Decision": "provenance.model.decision",
    "Recipient": "provenance.model.decision",
    "Verification": "provenance.model.decision",
}


def __getattr__(name: str) -> Any:
    # Lazy, so `import provenance` (and `prov --help`) stays fast.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
