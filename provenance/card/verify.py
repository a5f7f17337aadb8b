"""Verification of a signed card: one pure function from bytes, keys and the artefact digest to a verdict.

Checks, in order: envelope readable; a signature by a candidate key (KEY_UNTRUSTED if no signature's
keyid is a candidate, SIGNATURE_INVALID if one is but the signature fails); statement and predicate
schema (CARD_INVALID); signer not revoked at signing time (KEY_REVOKED); subject digest equals the
artefact's current digest (DIGEST_MISMATCH). A card whose inspection found the artefact unsafe to load
verifies (the signature is good) with an UNSAFE_PICKLE warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping

from ..crypto.keys import PublicKeyInfo
from ..model.decision import Reason, Verification
from .files import CardFormatError, SignedCard, parse_envelope, parse_statement


def verify_card(
    raw: bytes,
    *,
    artefact_name: str,
    card_name: str,
    candidates: list[PublicKeyInfo],
    revoked_at: dict[str, dt.datetime],
    actual_sha256: str | None,
    actual_files: Mapping[str, str] | None = None,
) -> Verification:
    return verify_and_read(
        raw,
        artefact_name=artefact_name,
        card_name=card_name,
        candidates=candidates,
        revoked_at=revoked_at,
        actual_sha256=actual_sha256,
        actual_files=actual_files,
    )[0]


def verify_and_read(
    raw: bytes,
    *,
    artefact_name: str,
    card_name: str,
    candidates: list[PublicKeyInfo],
    revoked_at: Mapping[str, dt.datetime],
    actual_sha256: str | None,
    actual_files: Mapping[str, str] | None = None,
) -> tuple[Verification, SignedCard | None]:
    """The verdict, and the card it verified (parsed once) when it verified; None otherwise.

    For a directory artefact ``actual_files`` (relative path -> sha256) is compared with the file list
    the card signed: the model-signing root digest hashes file digests in path order but not the paths,
    so a rename that keeps the order keeps the root; the signed list catches it.
    """
    reasons: list[Reason] = []
    facts: dict[str, str | None] = {"card_sha256": hashlib.sha256(raw).hexdigest(), "actual_sha256": actual_sha256}
    parsed: list[SignedCard] = []

    def result() -> tuple[Verification, SignedCard | None]:
        blocked = any(r.severity == "block" for r in reasons)
        verdict = Verification(verified=not blocked, artefact=artefact_name, card=card_name, reasons=reasons, **facts)
        return verdict, (parsed[0] if parsed and not blocked else None)

    try:
        envelope = parse_envelope(raw)
    except CardFormatError as e:
        reasons.append(Reason(code="CARD_INVALID", message=f"the card is not a DSSE envelope: {e}", source=card_name))
        return result()

    signer = envelope.verified_by(candidates)
    if signer is None:
        known = {c.keyid for c in candidates}
        by_candidate = [kid for kid, _ in envelope.signatures if kid in known]
        if by_candidate:
            reasons.append(
                Reason(
                    code="SIGNATURE_INVALID",
                    message="the signature does not match the card's contents (the card was altered after signing)",
                    source=card_name,
                )
            )
        else:
            ids = ", ".join(kid[:16] for kid, _ in envelope.signatures) or "none"
            reasons.append(
                Reason(
                    code="KEY_UNTRUSTED",
                    message=f"signed by key {ids}, which is not a trusted signer; trust it with "
                    "`prov key trust PUBFILE` or pass --key",
                    source=card_name,
                )
            )
        return result()
    facts["keyid"] = signer.keyid
    facts["signer"] = signer.name

    try:
        statement = parse_statement(envelope)
    except CardFormatError as e:
        reasons.append(
            Reason(code="CARD_INVALID", message=f"the signed statement is not a valid prov card: {e}", source=card_name)
        )
        return result()
    parsed.append(SignedCard(raw, envelope, statement))
    card = statement.predicate
    signed_at = card.created.time
    facts["signed_at"] = signed_at.isoformat()
    subject = statement.subject[0]
    facts["subject_sha256"] = subject.digest.get("sha256")

    if signer.keyid in revoked_at and _aware(signed_at) >= revoked_at[signer.keyid]:
        reasons.append(
            Reason(
                code="KEY_REVOKED",
                message=f"signed at {signed_at.isoformat()} by key {signer.name}, revoked at "
                f"{revoked_at[signer.keyid].isoformat()}; re-sign the card with a valid key",
                source=card_name,
            )
        )
    if actual_sha256 is None:
        reasons.append(
            Reason(
                code="ARTEFACT_MISSING",
                message=f"{artefact_name} is not there to check its digest",
                source=artefact_name,
            )
        )
    elif subject.digest.get("sha256") != actual_sha256:
        reasons.append(
            Reason(
                code="DIGEST_MISMATCH",
                message=f"{artefact_name} has sha256 {actual_sha256[:16]}…, the card signed "
                f"{str(subject.digest.get('sha256'))[:16]}…: the artefact changed after signing; "
                "re-run `prov card`",
                source=artefact_name,
            )
        )
    elif card.artefact.kind == "directory" and actual_files is not None and card.artefact.files:
        signed_files = {f.path: f.sha256 for f in card.artefact.files}
        if signed_files != dict(actual_files):
            moved = sorted(set(signed_files).symmetric_difference(actual_files))
            reasons.append(
                Reason(
                    code="DIGEST_MISMATCH",
                    message=f"the files inside {artefact_name} are not the ones the card signed "
                    f"({', '.join(moved[:4]) or 'contents moved'}): renamed, added or removed after signing; "
                    "re-run `prov card`",
                    source=artefact_name,
                )
            )
    unsafe = card.artefact.inspection.unsafe_reasons if card.artefact.inspection else ["no inspection recorded"]
    if unsafe:
        reasons.append(
            Reason(
                code="INSPECTION_UNSAFE",
                message=f"the signer's own inspection says loading {artefact_name} may run code "
                f"({'; '.join(unsafe[:3])}): do not load it with joblib.load or pickle.load",
                source=artefact_name,
            )
        )
    if subject.name != artefact_name:
        reasons.append(
            Reason(
                code="SUBJECT_NAME_MISMATCH",
                severity="warn",
                message=f"the card was signed for {subject.name!r}",
                source=card_name,
            )
        )
    return result()


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


__all__ = ["verify_card"]
