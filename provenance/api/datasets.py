"""Dataset manifests: register (from YAML or flags), show, list, check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import Hasher, root_digest
from ..errors import CheckFailed, NotFoundError
from ..model.dataset import DataFile, DatasetManifest
from ..store import datasets as store
from ..store import userkeys
from ..store.repo import ProvRepo, require_repo
from ..store.session import hasher_for, utcnow
from ..store.yamlio import load_yaml, parse_model

if TYPE_CHECKING:  # annotations only: `prov card` reads manifests and need not build these models
    from ..model.decision import Reason  # made only when there is one to report
    from ..model.lineage import AffectedReport
    from ..model.withdrawal import Withdrawal


@dataclass(frozen=True)
class AddResult:
    manifest: DatasetManifest
    path: Path
    replaced: bool


def add_from_manifest(manifest_file: Path, start: Path | None = None) -> AddResult:
    repo = require_repo(start)
    data = load_yaml(manifest_file)
    manifest = parse_model(DatasetManifest, data, str(manifest_file))
    return _store(repo, manifest, str(manifest_file))


def add_from_fields(fields: dict[str, Any], start: Path | None = None) -> AddResult:
    """Register from command-line fields; ``--file`` paths are relative to the current directory."""
    repo = require_repo(start)
    files = [{**f, "path": repo.relative(Path(f["path"]))} for f in fields.get("files", [])]
    manifest = parse_model(DatasetManifest, {**fields, "files": files}, "command line")
    return _store(repo, manifest, "command line")


def _store(repo: ProvRepo, manifest: DatasetManifest, source: str) -> AddResult:
    hasher = hasher_for(repo)
    files = []
    for i, f in enumerate(manifest.files):
        full = repo.root / f.path
        if not full.is_file():
            raise NotFoundError(
                f"{source}: files[{i}].path: {f.path} does not exist under {repo.root} "
                "(paths are relative to the repository root)"
            )
        digest, size = hasher.file(full)
        if f.sha256 is not None and f.sha256 != digest:
            raise CheckFailed(
                f"{source}: files[{i}].sha256: {f.path} has sha256 {digest}, the manifest says "
                f"{f.sha256}; remove the sha256 line to record the current content",
                code="DATASET_CHANGED",
            )
        files.append(DataFile(path=f.path, sha256=digest, size=size))
    manifest = manifest.model_copy(update={"files": files})
    replaced = repo.dataset_file(manifest.name).exists()
    path = store.save(repo, manifest)
    return AddResult(manifest, path, replaced)


def show(name: str, start: Path | None = None) -> DatasetManifest:
    return store.load(require_repo(start), name)[0]


def manifest_yaml(manifest: DatasetManifest) -> str:
    return store.manifest_text(manifest)


def list_all(start: Path | None = None) -> list[DatasetManifest]:
    repo = require_repo(start)
    return [store.load(repo, n)[0] for n in store.names(repo)]


@dataclass(frozen=True)
class DatasetCheck:
    name: str
    ok: bool
    reasons: list[Reason] = field(default_factory=list)


def content_digest(manifest: DatasetManifest) -> str | None:
    """Root digest over the dataset's recorded files (same construction as a directory artefact)."""
    if not manifest.files or any(f.sha256 is None for f in manifest.files):
        return None
    return root_digest([(f.path, f.sha256) for f in manifest.files if f.sha256])


def verify_files(repo: ProvRepo, manifest: DatasetManifest, hasher: Hasher) -> list[Reason]:
    reasons = []
    for f in manifest.files:
        full = repo.root / f.path
        if not full.is_file():
            reasons.append(_reason("DATASET_FILE_MISSING", f"{f.path} is missing", manifest.name))
            continue
        digest, _ = hasher.file(full)
        if digest != f.sha256:
            message = f"{f.path} changed since it was registered; review it and run `prov dataset add --manifest` again"
            reasons.append(_reason("DATASET_CHANGED", message, manifest.name))
    return reasons


def _reason(code: str, message: str, source: str) -> Reason:
    """A blocking reason; its model is built only when there is one (`prov card` checks files that match)."""
    from ..model.decision import Reason

    return Reason(code=code, message=message, source=source)


def date_reasons(manifest: DatasetManifest, today: dt.date) -> list[Reason]:
    from ..model.decision import Reason

    reasons = []
    if manifest.retention.delete_by and manifest.retention.delete_by < today:
        reasons.append(
            Reason(
                code="RETENTION_EXPIRED",
                message=f"retention ended on {manifest.retention.delete_by}: delete the data "
                "and the models that hold it",
                source=manifest.name,
            )
        )
    from ..policy.dates import SOON

    for a in manifest.agreements:
        if a.expires and today <= a.expires <= today + SOON:
            reasons.append(
                Reason(
                    code="AGREEMENT_EXPIRING",
                    message=f"agreement {a.id} expires on {a.expires} (in {(a.expires - today).days} days): "
                    "renew it, or nothing made from it may be shared after that date",
                    source=manifest.name,
                )
            )
    if manifest.embargo_until and today < manifest.embargo_until <= today + SOON:
        reasons.append(
            Reason(
                code="EMBARGO_ENDING",
                message=f"the embargo ends on {manifest.embargo_until} "
                f"(in {(manifest.embargo_until - today).days} days)",
                source=manifest.name,
            )
        )
    for a in manifest.agreements:
        if a.expires and a.expires < today:
            reasons.append(
                Reason(
                    code="AGREEMENT_EXPIRED",
                    message=f"agreement {a.id} expired on {a.expires}: an expired agreement grants nothing; "
                    "renew it and update the manifest",
                    source=manifest.name,
                )
            )
    return reasons


def check(names: list[str], start: Path | None = None, now: dt.datetime | None = None) -> list[DatasetCheck]:
    repo = require_repo(start)
    today = (now or utcnow()).date()
    hasher = hasher_for(repo)
    results = []
    for name in names or store.names(repo):
        manifest = store.load(repo, name)[0]
        reasons = verify_files(repo, manifest, hasher) + date_reasons(manifest, today)
        results.append(DatasetCheck(name, not any(r.severity == "block" for r in reasons), reasons))
    return results


@dataclass(frozen=True)
class WithdrawResult:
    withdrawal: Withdrawal
    new: bool  # False: the dataset was already withdrawn (the first withdrawal stands)
    affected: AffectedReport


def withdraw(
    name: str,
    reason: str,
    note: str | None = None,
    start: Path | None = None,
    *,
    key_name: str | None = None,
    passphrase: userkeys.PassphraseProvider = userkeys.env_passphrase,
    now: dt.datetime | None = None,
) -> WithdrawResult:
    """Record that ``name`` may no longer be used: a signed line in ``.prov/withdrawals.jsonl`` and a
    ledger entry. From then on the decision blocks every descendant that may hold the data.

    The dataset need not be registered any more (a manifest deleted before anyone withdrew it is the
    case this exists for); its name must be one a manifest or a card has used, so a typo is caught."""
    import hashlib

    from ..errors import UsageError
    from ..model.withdrawal import REASONS, Withdrawal
    from ..policy.exposure import RETRAIN
    from ..store import ledger
    from ..store import withdrawals as withdrawal_store
    from .keys import load_signing_key
    from .lineage import affected_by

    if reason not in REASONS:
        raise UsageError(f"--reason {reason!r}: use one of {', '.join(REASONS)}")
    repo = require_repo(start)
    now = now or utcnow()
    registered = name in store.names(repo)
    report = affected_by(name, repo.root)
    if not registered and not report.artefacts:
        known = ", ".join(store.names(repo)) or "none"
        raise NotFoundError(
            f"no dataset named {name!r} is registered (known: {known}) and no card names it; check the name"
        )
    existing = withdrawal_store.everywhere(repo).withdrawn.get(name)
    if existing is not None:
        return WithdrawResult(existing, False, report)
    manifest, raw = store.load(repo, name) if registered else (None, b"")
    withdrawal = Withdrawal(
        dataset=name,
        reason=reason,  # type: ignore[arg-type]
        time=now,
        note=note,
        manifest_sha256=hashlib.sha256(raw).hexdigest() if manifest is not None else None,
        files=sorted({f.sha256 for f in manifest.files if f.sha256}) if manifest is not None else [],
        content=_content_digests(manifest) if manifest is not None else [],
        # The bytes that may hold the data (an anonymous model's bytes carry no rows to withdraw).
        artefacts=sorted({a.artefact_sha256 for a in report.artefacts if a.artefact_sha256 and a.action == RETRAIN}),
        sizes=_sizes(repo, [a.artefact for a in report.artefacts if a.action == RETRAIN]),
    )
    _, key = load_signing_key(key_name, repo, passphrase, now)
    # Ledger first (write-ahead): if it cannot be appended, the withdrawals file is not touched.
    signed_payload = withdrawal.model_dump(mode="json", exclude_none=True)
    ledger.append(repo, "dataset-withdraw", {"withdrawal": signed_payload}, key, now)
    withdrawal_store.append(repo, withdrawal, key)
    return WithdrawResult(withdrawal, True, report)


def _content_digests(manifest: DatasetManifest) -> list[str]:
    """What a card signs as this data's content (``DatasetRef.content_sha256``): the root over all its
    files, and the root of each file alone (a dataset registered from one of them)."""
    out = {root_digest([(f.path, f.sha256)]) for f in manifest.files if f.sha256}
    whole = content_digest(manifest)
    if whole is not None:
        out.add(whole)
    return sorted(out)


def _sizes(repo: ProvRepo, artefacts: list[str]) -> list[int]:
    """The sizes of these artefacts' files (every file of a directory)."""
    import os

    out: set[int] = set()
    for rel in artefacts:
        path = repo.root / rel
        if path.is_file():
            out.add(path.stat().st_size)
        elif path.is_dir():
            for dirpath, _, names in os.walk(path):
                out |= {os.stat(os.path.join(dirpath, n)).st_size for n in names}
    return sorted(out)
