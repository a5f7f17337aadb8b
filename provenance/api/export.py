"""``prov export``: decide, record, and (when allowed) write a verifiable bundle atomically.

A refused or dry-run export writes nothing to the target. An allowed one is staged in a hidden directory
beside the target and moved into place at the end (the whole directory at once when it is new; file by
file, export record last, when it exists), so an interrupted export leaves no half bundle: without its
export record, a bundle does not verify.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .._version import __version__
from ..card import render
from ..card.bundle import EXPORT_PAYLOAD_TYPE, duties_from, export_statement
from ..card.files import SignedCard, card_path, rendered_path, split_target
from ..crypto import dsse
from ..crypto import keys as _keys
from ..digest import Hasher
from ..errors import CheckFailed, UsageError
from ..filenames import IGNORED_TOP_LEVEL, NOTICES_NAME, RECORD_NAME, SIGNER_NAME, bundle_names
from ..gate.commit import WorkTreeView
from ..gate.context import DecisionContext
from ..model.card import Signer
from ..model.decision import Decision, Recipient
from ..model.export import ExportRecord
from ..store import atomic, ledger, trust, userkeys
from ..store.repo import ProvRepo, require_repo
from ..store.session import hasher_for, utcnow
from ..store.yamlio import load_yaml, parse_model
from .keys import load_signing_key
from .verify import verify_target


@dataclass(frozen=True)
class ExportResult:
    decision: Decision
    dry_run: bool
    bundle: Path | None = None
    files: list[str] = field(default_factory=list)


def load_recipient(recipient_file: Path | None, **flags: str | None) -> Recipient:
    """A recipient from a YAML profile, with command-line flags taking precedence."""
    data: dict[str, object] = {}
    source = "command line"
    if recipient_file is not None:
        loaded = load_yaml(recipient_file)
        if not isinstance(loaded, dict):
            raise UsageError(f"{recipient_file}: expected a mapping with name, org, purpose, territory")
        data.update(loaded)
        source = str(recipient_file)
    data.update({k: v for k, v in flags.items() if v is not None})
    if not data.get("name"):
        raise UsageError("name the recipient: --recipient NAME (or name: in --recipient-file)")
    return parse_model(Recipient, data, source)


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
    verification, signed = verify_target(artefact, trust=ctx.trust)
    view = WorkTreeView(repo.root, hasher_for(repo))
    decision = ctx.decide(signed, verification, recipient, view, lambda: artefact if artefact.is_file() else None)
    if dry_run:
        return ExportResult(decision, True)
    if to.exists() and not to.is_dir():
        raise UsageError(f"--to {to}: exists and is not a directory")

    signer_name, key = load_signing_key(key_name, repo, passphrase, now)
    if decision.allowed and signed is not None:
        _check_no_clobber(to, artefact, signed)
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
    job = _BundleJob(repo, artefact, signed, decision, key, signer_name, now, copy or _copy_file)
    files = _write_bundle(job, to)
    return ExportResult(decision, False, to, files)


def _check_no_clobber(to: Path, artefact: Path, signed: SignedCard) -> None:
    if not to.exists():
        return
    clash = [n for n in bundle_names(artefact.name) if (to / n).exists() or (to / n).is_symlink()]
    if clash:
        raise UsageError(f"--to {to}: already holds {', '.join(clash)}; export into an empty or new directory")


def _copy_file(src: Path, dst: Path) -> None:
    shutil.copy2(src, dst)


@dataclass(frozen=True)
class _BundleJob:
    """Everything one bundle is made from."""

    repo: ProvRepo
    artefact: Path
    signed: SignedCard
    decision: Decision
    key: _keys.PrivateKey
    signer_name: str
    now: dt.datetime
    copy: Callable[[Path, Path], None]


def _write_bundle(job: _BundleJob, to: Path) -> list[str]:
    to_parent = to.resolve().parent
    to_parent.mkdir(parents=True, exist_ok=True)
    # Staged beside DIR, never inside it: a process killed mid-copy leaves DIR exactly as it was.
    staging = Path(tempfile.mkdtemp(prefix=f".{to.name}.prov-export-", dir=to_parent))
    try:
        files = _stage(job, staging)
        _publish(staging, to, files)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return files


def _stage(job: _BundleJob, staging: Path) -> list[str]:
    artefact, signed, decision, key, copy = job.artefact, job.signed, job.decision, job.key, job.copy
    hasher = Hasher(show_progress=None)
    target = staging / artefact.name
    if artefact.is_dir():
        # What the digest leaves out (top-level .git*, .github) is not signed, so it does not travel.
        shutil.copytree(
            artefact,
            target,
            copy_function=lambda s, d: copy(Path(s), Path(d)),
            ignore=lambda d, names: [n for n in names if Path(d) == artefact and n in IGNORED_TOP_LEVEL],
        )
    else:
        copy(artefact, target)
    copied = hasher.tree(target).sha256
    if copied != signed.card.artefact.sha256:
        raise CheckFailed(f"{artefact} changed while it was copied; nothing was exported", code="DIGEST_MISMATCH")
    card_name = card_path(artefact).name
    rendered_name = rendered_path(artefact).name
    atomic.write_bytes(staging / card_name, signed.raw)
    atomic.write_text(staging / rendered_name, render.render(signed, "md"))
    atomic.write_text(staging / SIGNER_NAME, _signer_pems(job.repo, signed, key))
    record = ExportRecord(
        artefact=artefact.name,
        artefact_sha256=copied,
        card_sha256=signed.sha256,
        exported_at=job.now,
        exporter=Signer(keyid=_keys.keyid(key.public_key()), name=job.signer_name),
        recipient=decision.recipient,  # type: ignore[arg-type]
        terms=decision.effective_terms,
        duties=duties_from(decision, decision.effective_terms),
        prov_version=__version__,
    )
    atomic.write_text(staging / NOTICES_NAME, render.render_notices(record))
    digests = {artefact.name: copied}
    for name in (card_name, rendered_name, SIGNER_NAME, NOTICES_NAME):
        digests[name] = hashlib.sha256((staging / name).read_bytes()).hexdigest()
    payload = export_statement(record, digests)
    envelope = dsse.sign_envelope(EXPORT_PAYLOAD_TYPE, payload, key)
    atomic.write_text(staging / RECORD_NAME, json.dumps(envelope, indent=2) + "\n")
    return bundle_names(artefact.name)


def _signer_pems(repo: ProvRepo, signed: SignedCard, key: _keys.PrivateKey) -> str:
    """The card signer's public key (and the exporter's, when another key), for the recipient's records."""
    wanted = [kid for kid, _ in signed.envelope.signatures] + [_keys.keyid(key.public_key())]
    pems: list[str] = []
    for info in trust.trusted_keys(repo):
        if info.keyid in wanted:
            pem = _keys.public_pem(info.key).decode()
            if pem not in pems:
                pems.append(pem)
    return "".join(pems)


def _publish(staging: Path, to: Path, files: list[str]) -> None:
    """Move the staged bundle into place; the export record goes last."""
    if not to.exists():
        os.rename(staging, to)  # staged beside it: the whole directory appears at once
        return
    moved: list[Path] = []
    try:
        for name in files:  # RECORD_NAME is last in the list
            try:
                os.rename(staging / name, to / name)
            except OSError as e:
                if e.errno == errno.EXDEV:
                    raise UsageError(
                        f"--to {to}: is a mount point on another filesystem than its parent; "
                        "export into a new directory below it"
                    ) from None
                raise
            moved.append(to / name)
    except BaseException:
        for path in moved:
            with contextlib.suppress(OSError):
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
        raise
