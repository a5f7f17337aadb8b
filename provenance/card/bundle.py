"""Export bundles: the export record's statement, and verifying a bundle directory. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from pydantic import ValidationError

from .. import strictjson
from ..crypto.keyinfo import PublicKeyInfo
from ..model.card import Subject
from ..model.decision import Decision, Reason
from ..model.export import BundleVerification, Duties, ExportRecord, ExportStatement
from ..model.terms import EffectiveTerms
from ..store.trust import Revoked
from .envelope import CardFormatError, parse_envelope
from .verify import revocation, signed_by, verify_card

EXPORT_PAYLOAD_TYPE = "application/vnd.in-toto+json"


def duties_from(decision: Decision, terms: EffectiveTerms | None) -> Duties:
    def messages(code: str) -> list[str]:
        return [r.message for r in decision.reasons if r.code == code]

    listed = {"LICENCE_ATTRIBUTION", "LICENCE_SHARE_ALIKE", "LICENCE_USE_RESTRICTIONS"}
    return Duties(
        purposes=terms.purposes if terms else None,
        territories=terms.territories if terms else None,
        commercial_use=terms.commercial_use if terms else None,
        attribution=messages("LICENCE_ATTRIBUTION"),
        share_alike=messages("LICENCE_SHARE_ALIKE"),
        use_restrictions=messages("LICENCE_USE_RESTRICTIONS"),
        other=[f"{r.code}: {r.message}" for r in decision.reasons if r.severity == "warn" and r.code not in listed],
    )


def export_statement(record: ExportRecord, files: Mapping[str, str]) -> bytes:
    """The in-toto Statement over every bundle file (name -> sha256), as exact bytes to sign."""
    statement = ExportStatement(
        subject=[Subject(name=name, digest={"sha256": digest}) for name, digest in sorted(files.items())],
        predicate=record,
    )
    return strictjson.dumps(statement.model_dump(mode="json", by_alias=True))


def verify_bundle(
    *,
    bundle: str,
    record_raw: bytes | None,
    card_raw: bytes | None,
    card_name: str,
    file_digests: Mapping[str, str | None],
    directory_files: Mapping[str, Mapping[str, str]] | None = None,
    odd_entries: Sequence[str] = (),
    candidates: list[PublicKeyInfo],
    revoked: Mapping[str, Revoked],
) -> BundleVerification:
    """Check the export record's signature, every file it names, and the card inside the bundle.

    ``file_digests`` maps each file name the record may name to its actual digest (None if absent);
    for a directory artefact the digest is its model-signing root.
    """
    reasons: list[Reason] = []
    record_name = "export.prov.json"
    if record_raw is None:
        return _refused(bundle, "EXPORT_RECORD_MISSING", bundle, f"the bundle has no {record_name}")
    try:
        envelope = parse_envelope(record_raw)
    except CardFormatError as e:
        return _refused(bundle, "EXPORT_RECORD_INVALID", record_name, f"{record_name} is not a DSSE envelope: {e}")
    exporter, problem = signed_by(envelope, candidates, record_name, "export record")
    if exporter is None:
        return BundleVerification(verified=False, bundle=bundle, reasons=[Reason(**problem.as_dict())])  # type: ignore[union-attr]
    try:
        statement = ExportStatement.model_validate(strictjson.loads(envelope.payload))
    except strictjson.StrictJSONError as e:
        return _refused(bundle, "EXPORT_RECORD_INVALID", record_name, f"the export record is not strict JSON: {e}")
    except ValidationError as e:
        return _refused(
            bundle,
            "EXPORT_RECORD_INVALID",
            record_name,
            f"the export record is not a prov export statement: {e.errors()[0]['msg']}",
        )
    record = statement.predicate
    reasons += [
        Reason(**f.as_dict())
        for f in revocation(exporter, hashlib.sha256(record_raw).hexdigest(), revoked, record_name, "export record")
    ]
    for subject in statement.subject:
        actual = file_digests.get(subject.name)
        if actual is None:
            reasons.append(
                Reason(
                    code="BUNDLE_FILE_MISSING",
                    source=subject.name,
                    message=f"{subject.name} is named by the export record but missing",
                )
            )
        elif actual != subject.digest.get("sha256"):
            reasons.append(
                Reason(
                    code="DIGEST_MISMATCH",
                    source=subject.name,
                    message=f"{subject.name} changed after export (sha256 {actual[:16]}…)",
                )
            )
    named = {s.name for s in statement.subject}
    for name in [*(n for n in file_digests if n not in named), *odd_entries]:
        reasons.append(
            Reason(
                code="BUNDLE_EXTRA_FILE",
                source=name,
                message=f"{name} is in the bundle but not in its signed export record (nor a regular file it "
                "names): it was added after export; do not use it",
            )
        )
    if card_raw is None:
        reasons.append(Reason(code="CARD_MISSING", source=card_name, message=f"{card_name} is missing"))
        card_result = None
    else:
        card_result = verify_card(
            card_raw,
            artefact_name=record.artefact,
            card_name=card_name,
            candidates=candidates,
            revoked=revoked,
            actual_sha256=file_digests.get(record.artefact),
            actual_files=(directory_files or {}).get(record.artefact),
            actual_kind=(
                None
                if file_digests.get(record.artefact) is None
                else "directory"
                if record.artefact in (directory_files or {})
                else "file"
            ),
        )
        reasons += [
            r for r in card_result.reasons if not any(r.code == x.code and r.source == x.source for x in reasons)
        ]
        if hashlib.sha256(card_raw).hexdigest() != record.card_sha256:
            reasons.append(
                Reason(
                    code="DIGEST_MISMATCH", source=card_name, message="the card is not the one the export record names"
                )
            )
    verified = not any(r.severity == "block" for r in reasons)
    return BundleVerification(
        verified=verified,
        bundle=bundle,
        reasons=reasons,
        artefact=record.artefact,
        record=record,
        card_signer=card_result.signer if card_result else None,
        exporter=exporter.name,
    )


def _refused(bundle: str, code: str, source: str, message: str) -> BundleVerification:
    return BundleVerification(
        verified=False, bundle=bundle, reasons=[Reason(code=code, source=source, message=message)]
    )
