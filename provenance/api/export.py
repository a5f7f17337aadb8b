"""``prov export``: decide (``gate.context``), record, and when allowed write the bundle (``card.bundle_writer``).

A refused or dry-run export writes nothing to the target. An allowed one is staged in a hidden directory
beside the target and moved into place at the end (the whole directory at once when it is new; file by
file, export record last, when it exists), so an interrupted export leaves no half bundle: without its
export record, a bundle does not verify.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..card.bundle_writer import (
    BundleJob,
    Target,
    check_no_clobber,
    copy_file,
    pin_target,
    withdraw_bundle,
    write_bundle,
)
from ..card.files import split_target
from ..errors import UsageError
from ..filenames import RECORD_NAME
from ..gate.commit import WorkTreeView
from ..gate.context import DecisionContext
from ..model.decision import Decision, Recipient
from ..regularfile import file_in_the_way, read_regular
from ..store import ledger, userkeys
from ..store.repo import ProvRepo, require_repo
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
    target = _check_target_dir(to, artefact, repo)

    signer_name, key = load_signing_key(key_name, repo, passphrase, now)
    if decision.allowed and signed is not None:
        check_no_clobber(to, artefact, signed)

    def record(allowed: bool, record_sha256: str | None = None) -> None:
        extra = {"record_sha256": record_sha256} if record_sha256 is not None else {}
        ledger.append(repo, "export", ledger_entry(repo, artefact, allowed, decision, str(to), **extra), key, now)

    if not decision.allowed or signed is None:
        record(False)  # a refusal is its outcome
        return ExportResult(decision, False)
    # The ledger records an export once it happened: the bundle is in place first. Should the ledger
    # entry then fail, the bundle is taken back, so no bundle exists that the ledger does not know.
    job = BundleJob(repo, artefact, signed, decision, key, signer_name, now, copy or copy_file)
    existed = target.self_id is not None
    files = write_bundle(job, target)
    try:
        record(True, hashlib.sha256(read_regular(target.path / RECORD_NAME)).hexdigest())
    except BaseException:
        withdraw_bundle(to, files, existed)
        raise
    return ExportResult(decision, False, to, files)


def ledger_entry(
    repo: ProvRepo, artefact: Path, allowed: bool, decision: Decision, to: str, **extra: str
) -> dict[str, object]:
    """What the ledger keeps of an export or a push, either outcome: what went (or not) to whom and why.
    ``record_sha256`` in ``extra`` is what a later revocation of the signing key keeps valid."""
    return {
        "artefact": repo.relative(artefact) if artefact.exists() else artefact.name,
        "allowed": allowed,
        "recipient": decision.recipient.model_dump(mode="json") if decision.recipient else None,
        "to": to,
        "reasons": list(dict.fromkeys(r.code for r in decision.reasons if r.severity == "block")),
        **extra,
    }


def _check_target_dir(to: Path, artefact: Path, repo: ProvRepo) -> Target:
    """Where a bundle may go: a directory (new or existing), not a symlink, not inside what is exported,
    not inside `.prov/`; pinned as checked (``write_bundle`` refuses it if it is swapped afterwards)."""
    if to.is_symlink():
        raise UsageError(f"--to {to}: is a symbolic link; give the directory itself")
    if to.exists() and not to.is_dir():
        raise UsageError(f"--to {to}: exists and is not a directory")
    if (nearest := file_in_the_way(to)) is not None:
        raise UsageError(f"--to {to}: {nearest} is a file, so no directory can be made there")
    pinned = pin_target(to)
    target = pinned.path
    # By identity as well as by path: a bind mount of .prov/ elsewhere is .prov/ under another name.
    existing = [p for p in (target, *target.parents) if os.path.exists(p)]
    ids = {(st.st_dev, st.st_ino) for st in map(os.stat, existing)}
    for inside, what in ((artefact.resolve(), f"the artefact {artefact}"), (repo.prov_dir.resolve(), ".prov/")):
        st = os.stat(inside) if inside.exists() else None
        if target == inside or inside in target.parents or (st is not None and (st.st_dev, st.st_ino) in ids):
            raise UsageError(f"--to {to}: is inside {what}; export to a directory outside it")
    if pin_target(to) != pinned:
        raise UsageError(f"--to {to}: changed while it was checked; nothing was exported")
    return pinned
