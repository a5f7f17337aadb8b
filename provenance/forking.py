"""When prov may fork a copy of itself to work on another core (the ledger's signature checks, the card's
inspection made ahead): one rule, for every caller."""

from __future__ import annotations

import os
import sys


def fork_is_safe() -> bool:
    """Linux with ``os.fork``, and no other thread in this process: a fork copies only the calling thread,
    and with it any lock another thread held at that moment, held for ever in the copy (macOS's system
    libraries are not fork-safe at all, and elsewhere there is no fork)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")  # not imported: no thread was ever started from Python
    return threading is None or threading.active_count() == 1
