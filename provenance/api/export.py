"""``prov export``: decide (``gate.context``), record, and when allowed write the bundle (``card.bundle_writer``).

A refused or dry-run export writes nothing to the target. An allowed one is staged in a hidden directory
beside the target and moved into place at the end (the whole directory at once when it is new; file by
file, export record last, when it exists), so an interrupted export leaves no half bundle: without its
export record, a bundle does not verify.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..card.bundle_writer import BundleJob, check_no_clobber, copy_file, write_bundle
from ..card.files import split_target
from ..errors import UsageError
from ..gate.commit import WorkTreeView
from ..gate.context import DecisionContext
from ..model.decision import Decision, Recipient
from ..store import ledger, userkeys
from ..store.repo import require_repo
from ..store.session import hasher_for, utcnow
from .keys import load_signing_key
from .verify import verify_target


@dataclass(frozen=True)
class ExportResult:
    decision: Decision
    dry_run: bool
    bundle: Path | None = None
    files: list[str] = field(default_factory=list)


def export(
    artefact: Path,
    to: Path,
    recipient: Recipient,
    *,
    dry_run: bool = False,
    key_name: str | None = None,
    passphrase: userkeys.PassphraseProvider = userkeys.env_passphrase,
    now: dt.datetime | None = None,
    copy: Callable[[Path, Path], None] | None = None,
) -> ExportResult:
    now = now or utcnow()
    artefact, _ = split_target(artefact)
    repo = require_repo(artefact if artefact.exists() else artefact.parent)

    ctx = DecisionContext.load(repo, now)
    verification, signed = verify_target(artefact, trust=ctx.trust, repo=repo)
    view = WorkTreeView(repo.root, hasher_for(repo))
    decision = ctx.decide(signed, verification, recipient, view, lambda: artefact if artefact.is_file() else None)
    if dry_run:
        return ExportResult(decision, True)
    if to.exists() and not to.is_dir():
        raise UsageError(f"--to {to}: exists and is not a directory")

    signer_name, key = load_signing_key(key_name, repo, passphrase, now)
    if decision.allowed and signed is not None:
        check_no_clobber(to, artefact, signed)
    ledger.append(
        repo,
        "export",
        {
            "artefact": repo.relative(artefact) if artefact.exists() else artefact.name,
            "allowed": decision.allowed,
            "recipient": recipient.model_dump(mode="json"),
            "to": str(to),
            "reasons": list(dict.fromkeys(r.code for r in decision.reasons if r.severity == "block")),
        },
        key,
        now,
    )
    if not decision.allowed or signed is None:
        return ExportResult(decision, False)
    job = BundleJob(repo, artefact, signed, decision, key, signer_name, now, copy or copy_file)
    files = write_bundle(job, to)
    return ExportResult(decision, False, to, files)
