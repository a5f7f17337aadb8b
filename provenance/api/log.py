"""The ledger as the user sees it: list entries, verify the chain. Each command reads and parses the
ledger once (``ledger.Line``); the listing and the verification share that parse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..store import ledger, trust
from ..store.repo import require_repo


@dataclass(frozen=True)
class Verified:
    """The outcome of ``verify``: every problem, in line order, and the lines they were found among."""

    problems: list[ledger.LedgerProblem]
    lines: list[ledger.Line]

    @property
    def ok(self) -> bool:
        return not self.problems


def read(start: Path | None = None) -> list[ledger.Line]:
    return ledger.read(require_repo(start))


def entries(start: Path | None = None) -> list[ledger.Entry]:
    return ledger.entries(read(start))


def verify(
    start: Path | None = None, progress: Callable[[int, int], None] | None = None, *, remembered: bool = True
) -> Verified:
    """Signatures against the repository's trusted keys and revocations, and the hash chain.
    ``progress(done, total)`` hears how many lines are checked. ``remembered``: the signers of the lines
    this machine verified before under the same keys (the repository's sealed cache, as for cards) are
    taken from it, and only later lines' signatures are checked (``ledger.verify``); False checks every
    signature afresh."""
    repo = require_repo(start)
    revoked = {k: r.revoked_at for k, r in trust.revocations(repo).items()}
    lines = ledger.read(repo)
    memo = None
    if remembered:
        from ..store.session import hasher_for

        memo = hasher_for(repo).cache
    return Verified(ledger.verify(lines, trust.trusted_keys(repo), revoked, progress, memo), lines)
