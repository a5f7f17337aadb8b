"""Sign, render and verify model cards."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .._version import __version__
from ..analysis.artefact import inspect_artefact
from ..analysis.privacy import assess_file
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
from ..card.request import CardRequest
from ..crypto import dsse
from ..crypto import keys as _keys
from ..errors import CheckFailed, NotFoundError, UsageError
from ..licences import normalise
from ..lineage.code import code_provenance
from ..model.card import PAYLOAD_TYPE, DatasetRef, ModelCard, ParentRef, Signer
from ..regularfile import read_regular
from ..store import atomic, ledger, userkeys
from ..store import datasets as dataset_store
from ..store.limits import limits_for
from ..store.repo import ProvRepo, require_repo
from ..store.session import hasher_for, utcnow
from ..store.trust import TrustRoot
from .datasets import content_digest, verify_files
from .keys import load_signing_key
from .verify import verify_target


@dataclass(frozen=True)
class CardResult:
    card: ModelCard
    card_file: Path
    rendered_file: Path
    card_sha256: str
    keyid: str


def sign_card(
    request: CardRequest,
    *,
    passphrase: userkeys.PassphraseProvider = userkeys.env_passphrase,
    now: dt.datetime | None = None,
    tick: Callable[[], None] | None = None,
) -> CardResult:
    """Build, sign, record and render the card a ``CardRequest`` describes.

    ``train`` / ``holdout`` (features and target) add the empirical verbatim scan and the membership
    audit (every attack ``request.audit`` allows; ``tick`` is called as its work advances, see
    ``analysis.privacy.audit_steps``) to the privacy section; the static analysis runs whenever the
    artefact loads safely.
    """
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
    key_name, key = load_signing_key(request.key_name, repo, passphrase, now)
    public = key.public_key()

    hasher = hasher_for(repo)
    digest = hasher.tree(artefact)
    facts = inspect_artefact(artefact, limits_for(repo))

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
            )
        )
    parent_refs = [_parent_ref(p, request.relation, repo) for p in request.parents]

    code = code_provenance(artefact, exclude=[artefact, out, rendered_path(artefact), repo.ledger_file])
    privacy = assess_file(
        artefact,
        facts,
        trust_pickle=request.trust_pickle,
        train=request.train,
        holdout=request.holdout,
        dp=request.dp,
        budget=request.audit,
        population=request.population,
        tick=tick,
    )
    if privacy.membership_inference is not None:
        from ..analysis.membership import uncovered

        checked = privacy.membership_inference.model_copy(
            update={"rows_checked": True, "uncovered": uncovered(request.train, request.holdout, training_files)}
        )
        privacy = privacy.model_copy(update={"membership_inference": checked})
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
    )
    return write_signed(repo, artefact, card, key, now)


def write_signed(
    repo: ProvRepo, artefact: Path, card: ModelCard, key: _keys.PrivateKey, now: dt.datetime, **ledger_extra: str
) -> CardResult:
    """Sign ``card``, ledger it, then write the card and its rendering beside ``artefact`` (each atomically).

    Ledger first (a write-ahead record): if it cannot be appended, no card file is touched."""
    payload = statement_bytes(build.statement_for(card))
    envelope = dsse.sign_envelope(PAYLOAD_TYPE, payload, key)
    raw = (json.dumps(envelope, indent=2) + "\n").encode()
    signed = read_signed_card(raw)
    rendered = render.render(signed, "md")
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
    return CardResult(card, out, md, signed.sha256, _keys.keyid(key.public_key()))


def _licence(licence: str | None) -> str | None:
    if licence is None:
        return None
    try:
        return normalise(licence)
    except ValueError as e:
        raise UsageError(f"--licence {licence!r}: {e}") from None


def _parent_ref(parent: Path, relation: str, repo: ProvRepo) -> ParentRef:
    result, signed = verify_target(parent, trust=TrustRoot.of_repo(repo), repo=repo)  # the signer's own repository
    if not result.verified or signed is None:
        first = result.reasons[0] if result.reasons else None
        why = f"{first.code}: {first.message}" if first else "not verified"
        raise CheckFailed(f"--parent {parent}: its card does not verify ({why})", code="PARENT_UNVERIFIED")
    return ParentRef(
        name=signed.card.artefact.name,
        sha256=signed.card.artefact.sha256,
        card_sha256=signed.sha256,
        relation=relation,  # type: ignore[arg-type]
        terms=signed.card.effective_terms,
        path=_relative_or_none(repo, parent),
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


def render_card(target: Path, fmt: str = "md") -> str:
    if fmt not in render.FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(render.FORMATS)}")
    return render.render(load_card(target), fmt)
