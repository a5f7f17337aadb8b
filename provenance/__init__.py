"""prov: signed provenance and licensing cards for trained ML artefacts.

The public API is deliberately small; everything else is internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .api.cards import sign_card, verify

__all__ = ["__version__", "sign_card", "verify"]


def __getattr__(name: str) -> Any:
    # Lazy, so `import provenance` (and `prov --help`) stays fast.
    if name in ("sign_card", "verify"):
        from .api import cards

        return getattr(cards, name)
    raise AttributeError(name)
