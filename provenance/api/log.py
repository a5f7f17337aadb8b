"""The ledger as the user sees it: list entries, verify the chain."""

from __future__ import annotations

from pathlib import Path

from ..store import ledger, trust
from ..store.repo import require_repo


def entries(start: Path | None = None) -> list[ledger.Entry]:
    return ledger.entries(ledger.read(require_repo(start)))


def verify(start: Path | None = None) -> list[ledger.LedgerProblem]:
    repo = require_repo(start)
    revoked = {k: r.revoked_at for k, r in trust.revocations(repo).items()}
    return ledger.verify(ledger.read(repo), trust.trusted_keys(repo), revoked)
