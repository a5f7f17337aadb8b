"""``prov lineage``: an artefact's ancestry, each node checked under the repository's trust."""

from __future__ import annotations

from pathlib import Path

from ..card.files import split_target
from ..errors import NotFoundError
from ..gate.context import DecisionContext
from ..model.lineage import Lineage
from ..store.repo import require_repo
from ..store.session import utcnow
from .verify import verify_target


def lineage(artefact: Path) -> Lineage:
    from ..lineage.graph import build

    artefact, _ = split_target(artefact)
    if not artefact.exists():
        raise NotFoundError(f"{artefact}: no such artefact")
    repo = require_repo(artefact)
    return build(artefact, DecisionContext.load(repo, utcnow()), repo, verify_target)
