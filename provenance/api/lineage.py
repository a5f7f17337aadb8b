"""``prov lineage``: an artefact's ancestry, each node checked under the repository's trust; and the other
way, every artefact that derives from a dataset."""

from __future__ import annotations

from pathlib import Path

from ..card.files import split_target
from ..errors import NotFoundError
from ..gate.context import DecisionContext
from ..model.lineage import AffectedReport, Lineage
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


def affected_by(dataset: str, start: Path | None = None) -> AffectedReport:
    """Every carded artefact in the repository that derives from ``dataset``, with what to do about it.

    Reads the card index (``lineage/index.py``), so a second query over thousands of cards reads only
    the cards that changed."""
    from ..lineage.affected import affected
    from ..lineage.index import CardIndex
    from ..store import config as config_store
    from ..store import datasets as dataset_store
    from ..store import withdrawals as withdrawal_store

    repo = require_repo(start)
    config = config_store.load(repo)
    index = CardIndex.open(repo)
    try:
        entries = index.entries()
    finally:
        index.close()
    withdrawn = withdrawal_store.by_dataset(withdrawal_store.load(repo)).get(dataset)
    return AffectedReport(
        dataset=dataset,
        registered=dataset in dataset_store.names(repo),
        withdrawn=f"{withdrawn.reason} on {withdrawn.time.date().isoformat()}" if withdrawn else None,
        artefacts=affected(entries, dataset, config.policy.membership_advantage_max),
        cards=len(entries),
    )
