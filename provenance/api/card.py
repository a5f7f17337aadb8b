"""Sign, render and verify model cards."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._version import __version__
from ..card import build, render
from ..card.files import (
    CardFormatError,
    SignedCard,
    card_path,
    read_signed_card,
    rendered_path,
    split_target,
    statement_bytes,
)
from ..card.inspection import Inspection, assessed, described_files_unchanged, inspected, settled_stamps
from ..card.request import CardRequest
from ..crypto import dsse
from ..crypto import keys as _keys
from ..digest import Hasher, Pending
from ..errors import CheckFailed, NotFoundError, UsageError
from ..licences import normalise
from ..lineage.code import code_provenance
from ..model.card import PAYLOAD_TYPE, DatasetRef, ModelCard, ParentRef, Signer
from ..readings import Noted, noting_reads
from ..regularfile import read_regular
from ..store import atomic, ledger, userkeys
from ..store import datasets as dataset_store
from ..store.repo import ProvRepo, require_repo
from ..store.session import hasher_for, utcnow
from ..store.trust import TrustRoot
from .datasets import content_digest, verify_files
from .keys import load_signing_key


@dataclass(frozen=True)
class CardResult:
    card: ModelCard
    card_file: Path
    rendered_file: Path
    card_sha256: str
    keyid: str
    companions: list[Path] = field(default_factory=list)  # the signatures for other tools it wrote
    notes: list[str] = field(default_factory=list)  # what it could not write, and why


def sign_card(
    request: CardRequest,
    *,
    passphrase: userkeys.PassphraseProvider = userkeys.env_passphrase,
    now: dt.datetime | None = None,
    tick: Callable[[], None] | None = None,
    inspection: Inspection | None = None,
) -> CardResult:
    """Build, sign, record and render the card a ``CardRequest`` describes.

    ``train`` / ``holdout`` (features and target) add the empirical verbatim scan and the membership
    audit (every attack ``request.audit`` allows; ``tick`` is called as its work advances, see
    ``analysis.privacy.audit_steps``) to the privacy section; the static analysis runs whenever the
    artefact loads safely. ``inspection``: that analysis and the artefact's facts, already under way on
    another core (``card.inspection.Inspection.start``, which the CLI calls before its imports).
    """
    inspection = inspection or Inspection()
    now = now or utcnow()
    artefact = request.artefact
    if not artefact.exists():
        raise NotFoundError(f"{artefact}: no such artefact")
    repo = require_repo(artefact)
    out = card_path(artefact)
    previous = None
    if out.exists():
        if not request.overwrite:
            raise UsageError(f"{out} exists; pass --overwrite to re-sign (the new card records the old card's digest)")
        previous = hashlib.sha256(read_regular(out)).hexdigest()
    licence = _licence(request.licence)
    link = request.licence_link
    if link is not None and "://" not in link and not (artefact.parent / link).is_file():
        raise UsageError(
            f"--licence-link {link}: no such file beside {artefact.name}; put the licence text there, or give its URL"
        )
    key_name, key = load_signing_key(request.key_name, repo, passphrase, now)
    from ..card.companions import names

    _check_not_foreign(artefact.with_name(names(artefact.name)[0]), repo, key)  # before any work is done
    _check_companion_names(artefact)

    hasher = hasher_for(repo)
    # The artefact hashes on other threads while this one does everything else the card needs; the
    # digest is waited for only when the card is built. A refusal on the way calls the hashing off.
    # Hashing and inspection read the files separately: both must have read the very bytes stamped here
    # (``described_files_unchanged``), or the card's digest and what it says the bytes hold could describe
    # two different files.
    before = inspection.before if inspection.before is not None else settled_stamps(artefact)
    pending = hasher.start_tree(artefact, marked=True)
    try:
        card, read, vouched = _card_while_hashing(
            request, repo, hasher, pending, (key_name, key), licence, previous, now, tick, inspection
        )
    except BaseException:
        pending.cancel()
        raise
    if not described_files_unchanged(artefact, before, pending.seen(), pending.marks(), read, vouched):
        raise UsageError(
            f"{artefact}: changed while prov card was reading it (its digest and its inspection would describe "
            "different bytes); nothing was signed: run prov card again once nothing writes it"
        )
    return write_signed(repo, artefact, card, key, now, ssh=request.ssh, ssh_hash=request.ssh_hash)


def _card_while_hashing(
    request: CardRequest,
    repo: ProvRepo,
    hasher: Hasher,
    pending: Pending,
    signer: tuple[str, _keys.PrivateKey],
    licence: str | None,
    previous: str | None,
    now: dt.datetime,
    tick: Callable[[], None] | None,
    inspection: Inspection,
) -> tuple[ModelCard, Noted, bool]:
    """``sign_card``'s card, made while ``pending`` hashes the artefact; with the files the inspection read
    (``readings.noting_reads``) and whether it vouched for the artefact (read it all)."""
    from ..card.companions import names

    artefact = request.artefact
    out = card_path(artefact)
    key_name, key = signer
    public = key.public_key()
    refs: list[DatasetRef] = []
    training_files: list[Path] = []  # the registered training data, which the audit's rows must be
    for name, role in request.dataset_specs:
        manifest, raw = dataset_store.load(repo, name)
        if role == "train":
            training_files += [repo.root / f.path for f in manifest.files]
        if request.verify_data:
            problems = verify_files(repo, manifest, hasher)
            if problems:
                raise CheckFailed(
                    f"dataset {name}: {problems[0].message} (or pass --no-verify-data to sign "
                    "without checking the files)",
                    code=problems[0].code,
                )
        refs.append(
            DatasetRef(
                name=name,
                version=manifest.version,
                role=role,  # type: ignore[arg-type]
                manifest_sha256=hashlib.sha256(raw).hexdigest(),
                content_sha256=content_digest(manifest),
                files=sorted({f.sha256 for f in manifest.files if f.sha256}),
                content_verified=request.verify_data and bool(manifest.files),
                terms=manifest.terms(),
                description=manifest.description,
                origin=manifest.origin.source,
                url=manifest.origin.url,
                hub_id=manifest.origin.hub_id,
                custodian=manifest.custodian,
            )
        )
    parent_refs = [_parent_ref(p, request.relation, repo) for p in request.parents]

    companions = [artefact.with_name(n) for n in names(artefact.name)]  # rewritten with the card
    code = code_provenance(artefact, exclude=[artefact, out, rendered_path(artefact), *companions, repo.ledger_file])
    # What the artefact holds: read here, or ahead on another core (``inspection``), which has had the time
    # of everything above, and of loading the card's template, to finish.
    render.load_card_template()
    ahead = inspection.results()
    if ahead is not None:
        facts, privacy, read = ahead
    else:  # numpy and the audit's code: imported while the artefact hashes
        with noting_reads() as read:
            facts = inspected(request, repo)
            privacy = assessed(request, facts, tick)
    if privacy.membership_inference is not None:
        from ..analysis.membership import uncovered

        checked = privacy.membership_inference.model_copy(
            update={"rows_checked": True, "uncovered": uncovered(request.train, request.holdout, training_files)}
        )
        privacy = privacy.model_copy(update={"membership_inference": checked})
    digest = pending.result()
    card = build.build_card(
        artefact=build.artefact_section(artefact.name, digest, facts),
        signer=Signer(keyid=_keys.keyid(public), name=key_name),
        now=now,
        prov_version=__version__,
        code=code,
        datasets=refs,
        parents=parent_refs,
        privacy=privacy,
        licence=licence,
        licence_link=request.licence_link,
        metrics=dict(request.metrics),
        intended_use=request.intended_use,
        limitations=request.limitations,
        previous_card=previous,
        hub_id=request.hub_id,
    )
    return card, read, facts.inspected


def write_signed(
    repo: ProvRepo,
    artefact: Path,
    card: ModelCard,
    key: _keys.PrivateKey,
    now: dt.datetime,
    *,
    ssh: bool | None = None,
    ssh_hash: str = "sha512",
    **ledger_extra: str,
) -> CardResult:
    """Sign ``card``, ledger it, then write the card, its rendering and its companion signatures beside
    ``artefact`` (each atomically).

    Ledger first (a write-ahead record): if it cannot be appended, no card file is touched. Companions
    (``card.companions``): the OpenSSF model-signing signature whenever the key is ECDSA; the SSH pair
    when ``ssh`` is true, or when it is None and the artefact had one (the earlier choice holds). A
    companion not made now is removed, never left to vouch for the card this one replaces."""
    from ..card import companions

    payload = statement_bytes(build.statement_for(card))
    envelope = dsse.sign_envelope(PAYLOAD_TYPE, payload, key)
    raw = (json.dumps(envelope, indent=2) + "\n").encode()
    signed = read_signed_card(raw)
    rendered = render.render(signed, "md")
    oms_file, json_file, sig_file = (artefact.with_name(n) for n in companions.names(artefact.name))
    _check_not_foreign(oms_file, repo, key)
    for path in (oms_file, json_file, sig_file):  # found before the ledger entry, not half-way through writing
        if (path.exists() or path.is_symlink()) and not (path.is_symlink() or path.is_file()):
            raise UsageError(f"{path}: is a directory or special file where prov card writes a signature; move it")
    notes: list[str] = []
    oms_sig: bytes | None = None
    if artefact.is_symlink():
        notes.append(
            f"{artefact.name} is a symbolic link, which model_signing refuses to verify: no model-signing "
            "signature written (card the file itself to get one)"
        )
    else:
        try:
            oms_sig = companions.oms_signature(card, key)
        except companions.oms.OmsUnsupported as e:
            notes.append(str(e))
    want_ssh = ssh if ssh is not None else sig_file.exists()
    ssh_sig = companions.ssh_signature(payload, key, ssh_hash) if want_ssh else None  # type: ignore[arg-type]
    if oms_sig is not None:
        ledger_extra = {**ledger_extra, "oms_sha256": hashlib.sha256(oms_sig).hexdigest()}
    ledger.append(
        repo,
        "card",
        {
            "artefact": repo.relative(artefact),
            "sha256": card.artefact.sha256,
            "card_sha256": signed.sha256,
            "datasets": [r.name for r in card.datasets],
            "previous_card": card.previous_card,
            **ledger_extra,
        },
        key,
        now,
    )
    out = card_path(artefact)
    atomic.write_bytes(out, raw)
    md = rendered_path(artefact)
    atomic.write_text(md, rendered)
    written: list[Path] = []
    for path, data in ((oms_file, oms_sig), (json_file, payload if ssh_sig else None), (sig_file, ssh_sig)):
        if data is not None:
            atomic.write_bytes(path, data)
            written.append(path)
        elif path.is_file() or path.is_symlink():
            path.unlink()
    return CardResult(card, out, md, signed.sha256, _keys.keyid(key.public_key()), written, notes)


def _check_companion_names(artefact: Path) -> None:
    """Companion names are the artefact's name plus a suffix, so two artefacts can claim one file: ``q``'s
    SSH signature ``q.card.sig`` is ``q.card``'s model-signing signature. Refuse the second rather than let
    one card overwrite (or delete) the other's signature."""
    from ..filenames import CARD_SUFFIX, OMS_SUFFIX, RENDERED_SUFFIX, SSH_CARD_SUFFIX, SSH_SIG_SUFFIX

    suffixes = (CARD_SUFFIX, RENDERED_SUFFIX, OMS_SUFFIX, SSH_CARD_SUFFIX, SSH_SIG_SUFFIX)
    mine = {artefact.name + s for s in suffixes}
    for name in mine:
        for suffix in suffixes:
            other = name[: -len(suffix)] if name.endswith(suffix) else None
            if other and other != artefact.name and _exists(artefact.parent / (other + CARD_SUFFIX)):
                raise UsageError(
                    f"{artefact.name}: its {name} would also be {other}'s (that artefact has a card); "
                    "rename one of them"
                )


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name too long for the file system: nothing is there
        return False


def _check_not_foreign(oms_file: Path, repo: ProvRepo, key: _keys.PrivateKey) -> None:
    """``ARTEFACT.sig`` is prov's to rewrite only when prov wrote it: signed by this key or one the
    repository trusts. Anyone else's (an upstream publisher's model_signing signature) is not replaced."""
    if not oms_file.exists() and not oms_file.is_symlink():
        return
    from ..crypto import oms
    from ..crypto.keyinfo import PublicKeyInfo

    mine = [PublicKeyInfo.of("signer", key.public_key()), *TrustRoot.of_repo(repo).keys]
    try:
        oms.verify(read_regular(oms_file), mine)
        return
    except oms.OmsInvalid:
        return  # a trusted key made it over other bytes: ours, and stale
    except (oms.OmsUntrusted, oms.OmsFormatError, NotFoundError, UsageError):
        pass
    raise UsageError(
        f"{oms_file} exists and is not a model-signing signature by a key this repository trusts (an upstream "
        "publisher's?): move it aside first -- prov card writes its own OpenSSF model-signing signature there"
    )


def _licence(licence: str | None) -> str | None:
    if licence is None:
        return None
    try:
        return normalise(licence)
    except ValueError as e:
        raise UsageError(f"--licence {licence!r}: {e}") from None


def _parent_ref(parent: Path, relation: str, repo: ProvRepo) -> ParentRef:
    """A parent, verified under this repository's trust: a path here, or a registry reference (its card
    fetched and checked against the layer digests, no weights downloaded, pinned by manifest digest)."""
    from .remote import fetch_parent, looks_like_reference
    from .verify import verify_target

    if looks_like_reference(str(parent)):
        remote = fetch_parent(str(parent), repo)
        signed, reasons, where = remote.signed, [f.as_dict() for f in remote.verdict.findings], remote.pinned
    else:
        result, signed = verify_target(parent, trust=TrustRoot.of_repo(repo), repo=repo)  # the signer's repository
        reasons, where = [r.model_dump() for r in result.reasons if not result.verified], None
    first = next((r for r in reasons if r["severity"] == "block"), None)
    if signed is None or first is not None:
        why = f"{first['code']}: {first['message']}" if first else "not verified"
        raise CheckFailed(f"--parent {parent}: its card does not verify ({why})", code="PARENT_UNVERIFIED")
    return ParentRef(
        name=signed.card.artefact.name,
        sha256=signed.card.artefact.sha256,
        card_sha256=signed.sha256,
        relation=relation,  # type: ignore[arg-type]
        terms=signed.card.effective_terms,
        path=None if where else _relative_or_none(repo, parent),
        hub_id=signed.card.hub_id,
        oci=where,
    )


def _relative_or_none(repo: ProvRepo, path: Path) -> str | None:
    try:
        return path.resolve().relative_to(repo.root.resolve()).as_posix()
    except ValueError:
        return None


def load_card(target: Path) -> SignedCard:
    _, card_file = split_target(target)
    try:
        raw = read_regular(card_file)
    except NotFoundError:
        raise NotFoundError(
            f"{card_file}: no signed card; create one with `prov card {target} --dataset NAME`"
        ) from None
    try:
        return read_signed_card(raw)
    except CardFormatError as e:
        raise UsageError(f"{card_file}: {e}") from None


def render_card(target: Path, fmt: str = "md", spec: str | None = None, key_files: Sequence[Path] = ()) -> str:
    """The card in ``fmt``, once it verifies exactly as ``prov verify`` would (trusted signer, not revoked,
    the artefact's bytes, its companions): a BOM or README made from a card that does not verify would
    state terms no one signed. ``key_files``: trust these keys (``--key``) instead of the repository's."""
    if fmt not in render.FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(render.FORMATS)}")
    if spec is not None and fmt != "cyclonedx":
        raise UsageError(f"--spec {spec} goes with --format cyclonedx")
    from .verify import verify_target

    load_card(target)  # a missing or unreadable card is the user's mistake (exit 2), said as such
    result, signed = verify_target(target, key_files)
    if not result.verified or signed is None:
        first = next((r for r in result.reasons if r.severity == "block"), None)
        why = f"{first.code}: {first.message}" if first else "not verified"
        raise CheckFailed(
            f"{target}: the card does not verify ({why}); prov renders only a card `prov verify` accepts "
            "(pass the signer's key with --key)",
            code=first.code if first else "SIGNATURE_INVALID",
        )
    return render.render(signed, fmt, spec)
