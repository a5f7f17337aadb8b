"""``prov status``: the state of every artefact and dataset in the repository, for a scheduled job and a
data-protection officer who never opens a terminal.

Each artefact is verified and decided through the decision context (the same rules as `prov export`
and `prov check`; nothing here decides on its own): its card state, the repository's decision with
every warning, and which audiences an export would reach. Datasets are checked for changed or missing
files and dates. A withdrawal in the ledger that is missing from ``.prov/withdrawals.jsonl`` is named.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..model.codes import ATTENTION
from ..model.decision import Reason, Recipient
from ..model.status import ArtefactStatus, DatasetStatus, StatusReport
from ..store.repo import require_repo
from ..store.session import hasher_for, utcnow

_STATE = {
    "CARD_MISSING": "unsigned",
    "KEY_REVOKED": "revoked signer",
    "KEY_UNTRUSTED": "untrusted",
    "SIGNATURE_INVALID": "untrusted",
    "CARD_INVALID": "untrusted",
}


def status(start: Path | None = None, now: dt.datetime | None = None, *, pictures: bool = False) -> StatusReport:
    from ..gate.commit import WorkTreeView
    from ..gate.context import DecisionContext
    from ..lineage.graph import build
    from ..lineage.index import CardIndex
    from .datasets import date_reasons, verify_files
    from .verify import verify_target

    repo = require_repo(start)
    now = now or utcnow()
    ctx = DecisionContext.load(repo, now)
    hasher = hasher_for(repo)
    view = WorkTreeView(repo.root, hasher)
    index = CardIndex.open(repo)
    try:
        carded = sorted({e.artefact for e in index.entries()})
    finally:
        index.close()
    from .lineage import remote_checker

    remote = remote_checker(repo)
    artefacts = []
    for rel in sorted(set(carded) | set(_uncarded(repo, ctx, carded))):
        path = repo.root / rel
        verification, signed = verify_target(path, trust=ctx.trust, repo=repo)
        blocks = [r for r in verification.reasons if r.severity == "block"]
        state = _state(blocks)
        decision = ctx.decide(signed, verification, ctx.repository, view, lambda p=path: p if p.is_file() else None)
        card = signed.card if signed is not None else None
        go, no = _audiences(ctx, signed, verification, view) if signed is not None else ([], [])
        reasons = list(decision.reasons) + [r for r in verification.reasons if r.severity == "warn"]
        # Parents in a registry: checked there now (the decision, offline, applies the terms the card signed).
        for p in card.parents if card is not None else []:
            if p.oci and (found := remote(p.oci, p.card_sha256).reason(rel)) is not None:
                reasons.append(found)
        reasons = list({(r.code, r.source, r.message): r for r in reasons}.values())
        needs = state != "valid" or any(r.severity == "block" or r.code in ATTENTION for r in reasons)
        artefacts.append(
            ArtefactStatus(
                artefact=rel,
                kind=card.artefact.kind if card else ("directory" if path.is_dir() else "file"),
                state=state,  # type: ignore[arg-type]
                detail="; ".join(f"{r.code}: {r.message}" for r in blocks) or None,
                signer=verification.signer,
                signed_at=verification.signed_at,
                confidentiality=card.effective_terms.confidentiality.value if card else None,
                personal_data=card.effective_terms.personal_data if card else False,
                memorisation_risk=card.privacy.memorisation.risk if card else None,
                may_go_to=go,
                may_not_go_to=no,
                reasons=reasons,
                needs_action=needs,
                audit=card.privacy.membership_inference if card else None,
                lineage=build(path, ctx, repo, verify_target, remote) if pictures and path.exists() else None,
            )
        )
    today = now.astimezone(dt.UTC).date()
    datasets = []
    for name, manifest in sorted(ctx.manifests.items()):
        reasons = verify_files(repo, manifest, hasher) + date_reasons(manifest, today)
        w = ctx.withdrawn.get(name)
        datasets.append(
            DatasetStatus(
                name=name,
                version=manifest.version,
                owner=manifest.owner.name,
                confidentiality=manifest.confidentiality.value,
                withdrawn=f"{w.reason} on {w.time.date().isoformat()}" if w else None,
                reasons=reasons,
                needs_action=any(r.severity == "block" or r.code in ATTENTION for r in reasons),
            )
        )
    for name, error in sorted(ctx.manifest_errors.items()):
        reason = Reason(code="MANIFEST_INVALID", source=name, message=str(error))
        datasets.append(
            DatasetStatus(name=name, version="?", owner="?", confidentiality="?", reasons=[reason], needs_action=True)
        )
    problems = _lost_withdrawals(repo, ctx)
    return StatusReport(
        repository=str(repo.root),
        owner=ctx.config.repository.owner,
        generated=now,
        artefacts=artefacts,
        datasets=datasets,
        problems=problems,
        needs_action=bool(problems) or any(a.needs_action for a in artefacts) or any(d.needs_action for d in datasets),
    )


def _state(blocks: list[Reason]) -> str:
    for r in blocks:
        if r.code in _STATE:
            return _STATE[r.code]
    return "stale" if blocks else "valid"


def _audiences(ctx, signed, verification, view) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """Which audiences an export would reach: the repository's owner (internal), each data owner, and
    anyone. Each asked for the purpose and territory its terms name first, as a recipient would state."""
    terms = signed.card.effective_terms
    purpose = terms.purposes[0] if terms.purposes else None
    territory = terms.territories[0] if terms.territories else None
    owner = ctx.config.repository.owner
    audiences = [(f"{owner} (internal)", Recipient(name=owner, org=owner, purpose=purpose, territory=territory))]
    for org in terms.owners:
        if org.strip().casefold() != owner.strip().casefold():
            audiences.append(
                (f"{org} (data owner)", Recipient(name=org, org=org, purpose=purpose, territory=territory))
            )
    audiences.append(("anyone", Recipient(name="anyone", purpose=purpose, territory=territory)))
    go, no = [], []
    for label, recipient in audiences:
        allowed = ctx.decide(signed, verification, recipient, view).allowed
        (go if allowed else no).append(label + (f" for {purpose}" if purpose and allowed else ""))
    return go, no


def _uncarded(repo, ctx, carded: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Artefacts by the repository's patterns that have no card (tracked or untracked, not ignored)."""
    from .. import selection as sel
    from ..store import gitindex

    try:
        names = gitindex.files_matching(repo.root, "")
    except Exception:  # not a git work tree: only the carded artefacts are known
        return []
    inside = [c + "/" for c in carded]
    return [
        n
        for n in names
        if sel.is_artefact_name(n, ctx.config.artefacts.patterns)
        and not n.startswith(".prov/")
        and not any(n.startswith(d) for d in inside)
        and (repo.root / n).is_file()
    ]


def _lost_withdrawals(repo, ctx) -> list[str]:  # type: ignore[no-untyped-def]
    """Withdrawals and revocations the ledger recorded that their files no longer hold: someone removed
    them. They still bind (the decision reads the ledger too); the files should say so again."""
    from ..store import trust
    from ..store import withdrawals as withdrawal_store

    withdrawals, revocations = withdrawal_store.ledgered(repo)
    in_file = set(withdrawal_store.by_dataset(withdrawal_store.load(repo)))
    out = [
        f"the ledger records that {w.dataset} was withdrawn, but .prov/withdrawals.jsonl no longer says so: "
        "restore it from git (`git log -p .prov/withdrawals.jsonl`)"
        for w in withdrawal_store.by_dataset(withdrawals).values()
        if w.dataset not in in_file
    ]
    revoked = set(trust.revocations(repo))
    out += [
        f"the ledger records that key {r.name or r.keyid[:16]} was revoked, but .prov/keys/revocations.yaml no "
        "longer says so: restore it from git (`git log -p .prov/keys/revocations.yaml`)"
        for r in {r.keyid: r for r in revocations}.values()
        if r.keyid not in revoked
    ]
    return out
