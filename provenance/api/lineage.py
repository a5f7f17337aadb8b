"""``prov lineage``: an artefact's ancestry, each node checked under the repository's trust; and the other
way, every artefact that derives from a dataset."""

from __future__ import annotations

from pathlib import Path

from ..errors import NotFoundError
from ..model.lineage import AffectedReport, Lineage
from ..store.repo import require_repo


def lineage(artefact: Path) -> Lineage:
    from ..card.files import split_target
    from ..gate.context import DecisionContext
    from ..lineage.graph import build
    from ..store.session import utcnow
    from .verify import verify_target

    artefact, _ = split_target(artefact)
    if not artefact.exists():
        raise NotFoundError(f"{artefact}: no such artefact")
    repo = require_repo(artefact)
    return build(artefact, DecisionContext.load(repo, utcnow()), repo, verify_target, remote_checker(repo))


def remote_checker(repo):  # type: ignore[no-untyped-def]
    """Registry parents, each checked once per command (``api.remote.check_parent``)."""
    from functools import cache

    @cache
    def check(oci: str, card_sha256: str):  # type: ignore[no-untyped-def]
        from .remote import check_parent

        return check_parent(oci, card_sha256, repo)

    return check


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
    withdrawn = withdrawal_store.everywhere(repo).withdrawn.get(dataset)
    registered = dataset_store.names(repo)
    files = {n: {f.sha256 for f in dataset_store.load(repo, n)[0].files if f.sha256} for n in registered}
    own = files.get(dataset, set()) | set(withdrawn.files if withdrawn else ())
    aliases = sorted(n for n, digests in files.items() if n != dataset and digests & own)
    return AffectedReport(
        dataset=dataset,
        registered=dataset in registered,
        withdrawn=f"{withdrawn.reason} on {withdrawn.time.date().isoformat()}" if withdrawn else None,
        artefacts=affected(
            entries,
            dataset,
            config.policy.membership_advantage_max,
            aliases=aliases,
            artefacts=withdrawn.artefacts if withdrawn else (),
            contents=_contents(repo, dataset, withdrawn),
            trusted=_trusted(repo, [e for e in entries if e.readable and e.risk == "low"]),
        ),
        cards=len(entries),
    )


def _trusted(repo, entries) -> set[str]:  # type: ignore[no-untyped-def]
    """The card digests, of those given, whose signature verifies under the repository's trusted keys and
    whose signer is not revoked for them. The card index reads cards unverified (a summary is a lookup,
    not a verdict); the ones that would earn "review" -- a claim that the model holds no rows -- are
    checked here, as ``prov verify`` checks them, or they count for nothing."""
    from hashlib import sha256

    from ..card.envelope import CardFormatError, parse_envelope
    from ..card.verify import revocation, signed_by
    from ..store.trust import trust_root

    if not entries:
        return set()
    root = trust_root([], start=repo.root)
    out: set[str] = set()
    for e in entries:
        try:
            raw = (repo.root / e.card).read_bytes()
            envelope = parse_envelope(raw)
        except (OSError, CardFormatError):
            continue
        digest = sha256(raw).hexdigest()
        if digest != e.card_sha256:
            continue  # changed since it was indexed: the next query reads it afresh
        signer, _ = signed_by(envelope, list(root.keys), e.card, "card")
        if signer is not None and not revocation(signer, digest, root.revoked, e.card, "card"):
            out.add(digest)
    return out


def _contents(repo, dataset: str, withdrawn) -> list[str]:  # type: ignore[no-untyped-def]
    """The content digests a card may have signed for this dataset's data: the withdrawal's, and the
    registered manifest's whole root."""
    from ..store import datasets as dataset_store
    from .datasets import content_digest

    out = set(withdrawn.content) | set(withdrawn.files) if withdrawn is not None else set()
    if dataset in dataset_store.names(repo):
        manifest = dataset_store.load(repo, dataset)[0]
        whole = content_digest(manifest)
        out |= {f.sha256 for f in manifest.files if f.sha256} | ({whole} if whole else set())
    return sorted(out)
