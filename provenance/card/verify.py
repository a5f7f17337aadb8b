"""Verification of a signed card: one function from bytes, keys and the artefact's digest to a verdict.

Checks, in order: envelope readable; a signature by a candidate key (KEY_UNTRUSTED if no signature's
keyid is a candidate, SIGNATURE_INVALID if one is but the signature fails); the statement reads
(CARD_INVALID); the signer not revoked, or this very card among those its revocation keeps valid
(KEY_REVOKED); subject digest, and for a directory its signed file list, equal the artefact's
(DIGEST_MISMATCH). A card whose inspection found the artefact unsafe to load verifies (the signature
is good) with an INSPECTION_UNSAFE warning.

``check_card`` needs the standard library and cryptography only, so `prov verify` starts fast;
``verify_and_read`` is the same check plus the full pydantic card (for decisions), which must agree
with the facts the check read.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping

from ..crypto import dsse
from ..crypto.keyinfo import PublicKeyInfo
from ..model.codes import ReasonCode
from ..quickhash import sha256
from .envelope import CardFormatError, parse_envelope
from .facts import CardFacts, FactsError, read_facts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..model.decision import Verification
    from ..store.trust import Revoked
    from .files import SignedCard


class Finding(namedtuple("Finding", "code message source", defaults=(None,))):
    """A reason without pydantic: code, message, source; its severity is the code's. (Named tuples and
    plain classes here, not dataclasses: this module is on `prov verify`'s start-up path.)"""

    __slots__ = ()

    @property
    def severity(self) -> str:
        return ReasonCode(self.code).severity

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.message, "source": self.source}


class Verdict:
    """What verifying one card established (``Verification``'s fields, without pydantic)."""

    def __init__(
        self,
        artefact: str,
        card: str,
        findings: list[Finding] | None = None,
        *,
        card_sha256: str | None = None,
        actual_sha256: str | None = None,
    ) -> None:
        self.artefact, self.card = artefact, card
        self.findings: list[Finding] = findings if findings is not None else []
        self.keyid: str | None = None
        self.signer: str | None = None
        self.signed_at: str | None = None
        self.subject_sha256: str | None = None
        self.actual_sha256 = actual_sha256
        self.card_sha256 = card_sha256
        self.envelope: dsse.Envelope | None = None
        self.facts: CardFacts | None = None
        self.signed: SignedCard | None = None  # the whole card, when checked with full=True and it verified

    @property
    def verified(self) -> bool:
        return not any(f.severity == "block" for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``model.decision.Verification`` (a test keeps the two equal)."""
        return {
            "verified": self.verified,
            "artefact": self.artefact,
            "card": self.card,
            "reasons": [f.as_dict() for f in self.findings],
            "keyid": self.keyid,
            "signer": self.signer,
            "signed_at": self.signed_at,
            "subject_sha256": self.subject_sha256,
            "actual_sha256": self.actual_sha256,
            "card_sha256": self.card_sha256,
        }


def check_card(
    raw: bytes,
    *,
    artefact_name: str,
    card_name: str,
    candidates: list[PublicKeyInfo],
    revoked: Mapping[str, Revoked],
    actual_sha256: str | None,
    actual_files: Mapping[str, str] | None = None,
    actual_kind: str | None = None,
    full: bool = False,
    memo: object | None = None,
) -> Verdict:
    """The verdict. For a directory artefact ``actual_files`` (relative path -> sha256) is compared with
    the file list the card signed: the model-signing root hashes file digests in path order but not
    the paths, so a rename that keeps the order keeps the root; the signed list catches it.
    ``full``: also validate the whole card (pydantic), which must read the same facts, and keep it."""
    v = Verdict(artefact_name, card_name, card_sha256=sha256(raw).hexdigest(), actual_sha256=actual_sha256)
    out = v.findings
    try:
        envelope = parse_envelope(raw)
    except CardFormatError as e:
        out.append(Finding("CARD_INVALID", f"the card is not a DSSE envelope: {e}", card_name))
        return v
    signer, problem = signed_by(envelope, candidates, card_name, "card", memo)
    if signer is None:
        out.append(problem)  # type: ignore[arg-type]
        return v
    v.keyid, v.signer = signer.keyid, signer.name
    try:
        from ..mediatypes import PAYLOAD_TYPE

        if envelope.payload_type != PAYLOAD_TYPE:
            raise FactsError(f"payloadType is {envelope.payload_type!r}, expected {PAYLOAD_TYPE!r}")
        facts = read_facts(envelope.payload)
        if full:
            v.signed = whole_card(raw, envelope, facts)
    except FactsError as e:
        out.append(Finding("CARD_INVALID", f"the signed statement is not a valid prov card: {e}", card_name))
        return v
    v.envelope, v.facts = envelope, facts
    v.signed_at = facts.signed_at.isoformat()
    v.subject_sha256 = facts.subject_sha256
    out += revocation(signer, v.card_sha256, revoked, card_name, "card")
    if actual_kind is not None and actual_kind != facts.kind:
        out.append(
            Finding(
                "DIGEST_MISMATCH",
                f"the card signs a {facts.kind} and {artefact_name} is a {actual_kind}: the same digest over "
                "other bytes proves nothing; re-run `prov card`",
                artefact_name,
            )
        )
    elif actual_sha256 is None:
        out.append(Finding("ARTEFACT_MISSING", f"{artefact_name} is not there to check its digest", artefact_name))
    elif facts.subject_sha256 != actual_sha256:
        out.append(
            Finding(
                "DIGEST_MISMATCH",
                f"{artefact_name} has sha256 {actual_sha256[:16]}…, the card signed "
                f"{str(facts.subject_sha256)[:16]}…: the artefact changed after signing; re-run `prov card`",
                artefact_name,
            )
        )
    elif facts.kind == "directory" and actual_files is not None and facts.files != dict(actual_files):
        moved = sorted(set(facts.files).symmetric_difference(actual_files))
        out.append(
            Finding(
                "DIGEST_MISMATCH",
                f"the files inside {artefact_name} are not the ones the card signed "
                f"({', '.join(moved[:4]) or 'contents moved'}): renamed, added or removed after signing; "
                "re-run `prov card`",
                artefact_name,
            )
        )
    if facts.unsafe_reasons:
        out.append(
            Finding(
                "INSPECTION_UNSAFE",
                f"the signer's own inspection says loading {artefact_name} may run code "
                f"({'; '.join(facts.unsafe_reasons[:3])}): do not load it with joblib.load or pickle.load",
                artefact_name,
            )
        )
    if facts.subject_name != artefact_name:
        out.append(Finding("SUBJECT_NAME_MISMATCH", f"the card was signed for {facts.subject_name!r}", card_name))
    if not v.verified:
        v.signed = None
    return v


def whole_card(raw: bytes, envelope: dsse.Envelope, facts: CardFacts) -> SignedCard:
    """The card read whole (pydantic); FactsError when the schema refuses it or reads other facts."""
    from .files import SignedCard, parse_statement

    try:
        statement = parse_statement(envelope)
    except CardFormatError as e:
        raise FactsError(str(e)) from None
    if facts_of(statement) != facts:
        raise FactsError("it reads differently to a strict JSON reader and to the card schema")
    return SignedCard(raw, envelope, statement)


def verify_and_read(raw: bytes, **inputs: Any) -> tuple[Verification, SignedCard | None]:
    """``check_card`` (same keyword inputs) with the whole card validated; the verdict, and the card when
    it verified."""
    verdict = check_card(raw, full=True, **inputs)
    return to_verification(verdict), verdict.signed


def verify_card(raw: bytes, **kwargs: Any) -> Verification:
    return verify_and_read(raw, **kwargs)[0]


def to_verification(verdict: Verdict) -> Verification:
    from ..model.decision import Verification

    return Verification.model_validate(verdict.as_dict())


def facts_of(statement: Any) -> CardFacts:
    """The facts as the pydantic statement reads them (to compare with the strict reader's)."""
    card = statement.predicate
    inspection = card.artefact.inspection
    files = {f.path: f.sha256 for f in card.artefact.files} if card.artefact.kind == "directory" else None
    return CardFacts(
        subject_name=statement.subject[0].name,
        subject_sha256=statement.subject[0].digest.get("sha256"),
        signed_at=card.created.time,
        kind=card.artefact.kind,
        files=files or None,
        unsafe_reasons=inspection.unsafe_reasons if inspection else ["no inspection recorded"],
    )


def signed_by(
    envelope: dsse.Envelope, candidates: list[PublicKeyInfo], source: str, what: str, memo: object | None = None
) -> tuple[PublicKeyInfo | None, Finding | None]:
    """The trusted key whose signature verifies, or why none does: the one signature check for cards
    and export records alike (SIGNATURE_INVALID when a trusted key signed other bytes, else KEY_UNTRUSTED)."""
    signer = envelope.verified_by(candidates, memo)  # type: ignore[arg-type]
    if signer is not None:
        return signer, None
    known = {c.keyid for c in candidates}
    if any(kid in known for kid, _ in envelope.signatures):
        return None, Finding(
            "SIGNATURE_INVALID",
            f"the signature does not match the {what}'s contents (the {what} was altered after signing)",
            source,
        )
    ids = ", ".join(kid[:16] for kid, _ in envelope.signatures) or "none"
    return None, Finding(
        "KEY_UNTRUSTED",
        f"the {what} is signed by key {ids}, which is not a trusted signer; trust it with "
        "`prov key trust PUBFILE` or pass --key",
        source,
    )


def revocation(
    signer: PublicKeyInfo, digest: str, revoked: Mapping[str, Revoked], source: str, what: str
) -> list[Finding]:
    """KEY_REVOKED when the signer's key is revoked and this exact envelope (by the sha256 of its bytes)
    is not one the revocation keeps valid. The time the envelope claims is not consulted."""
    r = revoked.get(signer.keyid)
    if r is None or digest in r.valid:
        return []
    how = (
        f"not one of the {len(r.valid)} it signed before then (the revocation lists them)"
        if r.valid
        else "and the revocation keeps nothing it signed valid (re-run `prov key revoke` to list, from the "
        "ledger, what it signed before)"
    )
    return [
        Finding(
            "KEY_REVOKED",
            f"the {what} is signed by key {signer.name}, revoked at {r.at.isoformat()}, {how}: whatever date "
            "it claims, re-sign it with a valid key",
            source,
        )
    ]


__all__ = ["Finding", "Verdict", "check_card", "verify_and_read", "verify_card"]
