"""Every reason code prov emits: one list, each code with its one severity, its meaning and its fix.

A ``Reason`` takes its severity from here (``model.decision``), so a code cannot block in one command
and warn in another; where the same situation deserves both, it has two codes (``UNSIGNED_FILE``
warns where a directory is verified, ``UNSIGNED_FILE_STAGED`` blocks its commit). The README's table
is generated from this list (``python -m provenance.model.codes``) and a test keeps the two equal.
"""

from __future__ import annotations

from collections import namedtuple
from enum import StrEnum

# severity ("block" | "warn"), family, meaning, fix.
CodeInfo = namedtuple("CodeInfo", "severity family meaning fix")


class ReasonCode(StrEnum):
    # verification
    CARD_MISSING = "CARD_MISSING"
    CARD_NOT_STAGED = "CARD_NOT_STAGED"
    CARD_INVALID = "CARD_INVALID"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    KEY_UNTRUSTED = "KEY_UNTRUSTED"
    KEY_REVOKED = "KEY_REVOKED"
    DIGEST_MISMATCH = "DIGEST_MISMATCH"
    ARTEFACT_MISSING = "ARTEFACT_MISSING"
    ARTEFACT_NOT_A_FILE = "ARTEFACT_NOT_A_FILE"
    SUBJECT_NAME_MISMATCH = "SUBJECT_NAME_MISMATCH"
    UNSIGNED_FILE = "UNSIGNED_FILE"
    UNSIGNED_FILE_STAGED = "UNSIGNED_FILE_STAGED"
    INSPECTION_UNSAFE = "INSPECTION_UNSAFE"
    PARENT_UNVERIFIED = "PARENT_UNVERIFIED"
    PARENT_CHANGED = "PARENT_CHANGED"
    OMS_ONLY = "OMS_ONLY"
    OMS_SIGNER_UNTRUSTED = "OMS_SIGNER_UNTRUSTED"
    OMS_SIGNATURE_UNREADABLE = "OMS_SIGNATURE_UNREADABLE"
    OCI_LAYOUT_INVALID = "OCI_LAYOUT_INVALID"
    PARENT_UNREACHABLE = "PARENT_UNREACHABLE"
    # bundles
    EXPORT_RECORD_MISSING = "EXPORT_RECORD_MISSING"
    EXPORT_RECORD_INVALID = "EXPORT_RECORD_INVALID"
    BUNDLE_FILE_MISSING = "BUNDLE_FILE_MISSING"
    BUNDLE_EXTRA_FILE = "BUNDLE_EXTRA_FILE"
    REVOCATIONS_UNTRUSTED = "REVOCATIONS_UNTRUSTED"
    # audience and agreements
    CONFIDENTIALITY_AUDIENCE = "CONFIDENTIALITY_AUDIENCE"
    AGREEMENT_FORBIDS_SHARING = "AGREEMENT_FORBIDS_SHARING"
    RECIPIENT_NOT_PERMITTED = "RECIPIENT_NOT_PERMITTED"
    PURPOSE_NOT_PERMITTED = "PURPOSE_NOT_PERMITTED"
    TERRITORY_NOT_PERMITTED = "TERRITORY_NOT_PERMITTED"
    AGREEMENT_EXPIRED = "AGREEMENT_EXPIRED"
    # dates
    EMBARGO_ACTIVE = "EMBARGO_ACTIVE"
    EMBARGO_ENDING = "EMBARGO_ENDING"
    AGREEMENT_EXPIRING = "AGREEMENT_EXPIRING"
    RETENTION_EXPIRED = "RETENTION_EXPIRED"
    RETENTION_ENDED = "RETENTION_ENDED"
    # licences
    LICENCE_NONCOMMERCIAL = "LICENCE_NONCOMMERCIAL"
    LICENCE_NO_DERIVATIVES = "LICENCE_NO_DERIVATIVES"
    LICENCE_UNKNOWN = "LICENCE_UNKNOWN"
    LICENCE_SHARE_ALIKE = "LICENCE_SHARE_ALIKE"
    LICENCE_ATTRIBUTION = "LICENCE_ATTRIBUTION"
    LICENCE_USE_RESTRICTIONS = "LICENCE_USE_RESTRICTIONS"
    # GDPR and the model's privacy assessment
    PERSONAL_DATA_NO_BASIS = "PERSONAL_DATA_NO_BASIS"
    SPECIAL_CATEGORY_DATA = "SPECIAL_CATEGORY_DATA"
    TRANSFER_OUTSIDE_EEA = "TRANSFER_OUTSIDE_EEA"
    ANONYMOUS_MODEL = "ANONYMOUS_MODEL"
    PERSONAL_DATA_MEMORISED = "PERSONAL_DATA_MEMORISED"
    PRIVACY_AUDIT_MISSING = "PRIVACY_AUDIT_MISSING"
    MEMBERSHIP_LEAKAGE = "MEMBERSHIP_LEAKAGE"
    # the artefact itself
    UNSAFE_PICKLE = "UNSAFE_PICKLE"
    # raw data and repository files
    PERSONAL_DATA_PUBLIC = "PERSONAL_DATA_PUBLIC"
    DATASET_CHANGED = "DATASET_CHANGED"
    DATASET_FILE_MISSING = "DATASET_FILE_MISSING"
    DATASET_UNREGISTERED = "DATASET_UNREGISTERED"
    DATASET_WITHDRAWN = "DATASET_WITHDRAWN"
    DATASET_WITHDRAWN_ANONYMOUS = "DATASET_WITHDRAWN_ANONYMOUS"
    MANIFEST_INVALID = "MANIFEST_INVALID"
    TERMS_LOOSENED = "TERMS_LOOSENED"
    PROV_FILE_UNKNOWN = "PROV_FILE_UNKNOWN"
    PROV_FILE_INVALID = "PROV_FILE_INVALID"
    # the ledger
    LEDGER_BROKEN = "LEDGER_BROKEN"

    @property
    def info(self) -> CodeInfo:
        return CODES[self]

    @property
    def severity(self) -> str:
        return CODES[self].severity


def _b(family: str, meaning: str, fix: str) -> CodeInfo:
    return CodeInfo("block", family, meaning, fix)


def _w(family: str, meaning: str, fix: str) -> CodeInfo:
    return CodeInfo("warn", family, meaning, fix)


C = ReasonCode
V, B, A, D, L, G, X, R, K = (
    "verification",
    "bundle",
    "audience and agreements",
    "dates",
    "licences",
    "GDPR and privacy",
    "artefact",
    "data and repository files",
    "ledger",
)
CODES: dict[ReasonCode, CodeInfo] = {
    C.CARD_MISSING: _b(V, "the artefact has no signed card", "`prov card ARTEFACT --dataset NAME`"),
    C.CARD_NOT_STAGED: _b(V, "the card exists but is not in the commit", "`git add ARTEFACT.prov.json`"),
    C.CARD_INVALID: _b(V, "the card is not a readable DSSE envelope or prov statement", "re-sign the card"),
    C.SIGNATURE_INVALID: _b(V, "the card was altered after signing", "re-sign the card"),
    C.KEY_UNTRUSTED: _b(V, "the signer's key is not trusted here", "`prov key trust PUBFILE` or `--key`"),
    C.KEY_REVOKED: _b(
        V, "the signer's key is revoked and its revocation does not keep this card valid", "re-sign with a valid key"
    ),
    C.DIGEST_MISMATCH: _b(V, "the artefact is not the bytes the card signed", "re-run `prov card --overwrite`"),
    C.ARTEFACT_MISSING: _b(V, "the artefact is not there to check", "restore the artefact"),
    C.ARTEFACT_NOT_A_FILE: _b(V, "a symbolic link or submodule where an artefact should be", "commit the file itself"),
    C.SUBJECT_NAME_MISMATCH: _w(V, "the card was signed for another file name", "rename, or re-sign"),
    C.UNSIGNED_FILE: _w(
        V, "a file in a directory artefact that its digest leaves out (top-level .git*, .github)", "remove it"
    ),
    C.UNSIGNED_FILE_STAGED: _b(
        V, "a commit adds such an unsigned file inside a carded directory", "remove it from the directory"
    ),
    C.INSPECTION_UNSAFE: _w(
        V, "the signer's own inspection found the artefact unsafe to load", "do not load it with joblib/pickle"
    ),
    C.PARENT_UNVERIFIED: _b(V, "a parent model's card no longer verifies", "re-sign the parent, then the child"),
    C.PARENT_CHANGED: _b(V, "a parent's card was re-signed after the child's", "re-sign the child --overwrite"),
    C.OMS_ONLY: _w(
        V,
        "no prov card, but an OpenSSF model-signing signature by a trusted key: integrity and signer only, no "
        "terms (check and export still refuse it)",
        "`prov card ARTEFACT --dataset NAME`",
    ),
    C.OMS_SIGNER_UNTRUSTED: _w(
        V, "the model-signing signature beside a verified card is by a key (or certificate) not trusted here", "none"
    ),
    C.OMS_SIGNATURE_UNREADABLE: _b(
        V, "ARTEFACT.sig is not an OpenSSF model-signing signature prov reads", "re-sign, or remove the file"
    ),
    C.OCI_LAYOUT_INVALID: _b(
        V,
        "what the registry holds under the reference is not the layout `prov push` writes (or names an unsafe path)",
        "push it again with `prov push`",
    ),
    C.PARENT_UNREACHABLE: _w(
        V,
        "a parent that lives in an OCI registry could not be fetched to check it now (the terms signed into the "
        "child's card still apply)",
        "check the network or credentials, then run again",
    ),
    C.EXPORT_RECORD_MISSING: _b(B, "the bundle has no export record", "ask the sender to export again"),
    C.EXPORT_RECORD_INVALID: _b(B, "the export record is not a prov export statement", "ask for a new export"),
    C.BUNDLE_FILE_MISSING: _b(B, "a file the export record names is missing", "ask for a new export"),
    C.BUNDLE_EXTRA_FILE: _b(
        B, "a file, symlink or special file the export record does not name", "delete it; do not use it"
    ),
    C.REVOCATIONS_UNTRUSTED: _w(
        B, "the bundle's revocation list is not signed by a key you trust: not applied", "--key the exporter's key"
    ),
    C.CONFIDENTIALITY_AUDIENCE: _b(
        A, "the data's confidentiality does not reach this recipient", "an agreement that permits them"
    ),
    C.AGREEMENT_FORBIDS_SHARING: _b(A, "an agreement forbids sharing derivatives", "amend the agreement"),
    C.RECIPIENT_NOT_PERMITTED: _b(A, "the recipient is not listed by the agreement", "amend the agreement"),
    C.PURPOSE_NOT_PERMITTED: _b(A, "the purpose is not permitted (or not stated)", "state a permitted --purpose"),
    C.TERRITORY_NOT_PERMITTED: _b(A, "the territory is not permitted (or not stated)", "state a permitted --territory"),
    C.AGREEMENT_EXPIRED: _b(
        A,
        "an agreement expired: it grants nothing (blocks export, commit and `prov dataset check`)",
        "renew it and update the manifest",
    ),
    C.EMBARGO_ACTIVE: _b(D, "the data is under embargo", "export on or after the embargo date"),
    C.EMBARGO_ENDING: _w(D, "an embargo ends within 30 days", "none: shareable from then, as the terms allow"),
    C.AGREEMENT_EXPIRING: _w(D, "an agreement expires within 30 days", "renew it before it expires"),
    C.RETENTION_EXPIRED: _b(
        D, "the data had to be deleted, and the model may hold its personal data", "delete or retrain"
    ),
    C.RETENTION_ENDED: _w(D, "the data had to be deleted; the model holds none of its personal data", "review"),
    C.LICENCE_NONCOMMERCIAL: _b(L, "a licence forbids commercial use", "a non-commercial purpose"),
    C.LICENCE_NO_DERIVATIVES: _b(L, "a licence forbids sharing adapted material", "keep the model inside"),
    C.LICENCE_UNKNOWN: _b(L, "a licence prov does not know, with no agreement stating its terms", "add the agreement"),
    C.LICENCE_SHARE_ALIKE: _w(L, "the recipient must share under the same licence", "travels in the bundle"),
    C.LICENCE_ATTRIBUTION: _w(L, "credit the source and keep the notice", "travels in the bundle"),
    C.LICENCE_USE_RESTRICTIONS: _w(L, "use restrictions bind the recipient", "travels in the bundle"),
    C.PERSONAL_DATA_NO_BASIS: _b(G, "personal data without a GDPR Art. 6 legal basis", "record legal_basis"),
    C.SPECIAL_CATEGORY_DATA: _b(G, "special-category data (Art. 9) not anonymised", "keep it inside"),
    C.TRANSFER_OUTSIDE_EEA: _b(G, "personal data may not leave the EEA (or no territory stated)", "an EEA --territory"),
    C.ANONYMOUS_MODEL: _w(
        G,
        "personal data behind the model, but its signed audit shows it anonymous (EDPB 28/2024)",
        "keep the audit with the model",
    ),
    C.PERSONAL_DATA_MEMORISED: _b(G, "the model holds training records verbatim", "do not share the model"),
    C.PRIVACY_AUDIT_MISSING: _b(
        G, "no audit shows low memorisation risk and a measured advantage", "re-sign with --train/--holdout"
    ),
    C.MEMBERSHIP_LEAKAGE: _b(G, "membership advantage above policy.membership_advantage_max", "regularise or use DP"),
    C.UNSAFE_PICKLE: _b(
        X, "loading the artefact may run code (or it was never inspected)", "save as skops/safetensors/ONNX"
    ),
    C.PERSONAL_DATA_PUBLIC: _b(R, "raw personal data would be published", "keep the files out of git"),
    C.DATASET_CHANGED: _b(R, "a data file is not the content its manifest registered", "review, re-register"),
    C.DATASET_FILE_MISSING: _b(R, "a registered data file is missing", "restore it or update the manifest"),
    C.DATASET_UNREGISTERED: _w(
        R, "a dataset a card names is no longer registered; the signed terms apply", "register it again"
    ),
    C.DATASET_WITHDRAWN: _b(
        R, "the model may hold data that was withdrawn (consent, agreement, retention, erasure)", "retrain or delete"
    ),
    C.DATASET_WITHDRAWN_ANONYMOUS: _w(
        R, "made from withdrawn data, but its signed audit shows it anonymous", "review; keep the audit"
    ),
    C.MANIFEST_INVALID: _b(R, "a dataset manifest does not validate", "fix the field named"),
    C.TERMS_LOOSENED: _w(R, "a manifest loosens terms; signed cards keep the stricter ones", "re-sign if meant"),
    C.PROV_FILE_UNKNOWN: _b(R, "a file under .prov/ that prov does not know", "move it out of .prov/"),
    C.PROV_FILE_INVALID: _b(R, "a config, key or revocation file under .prov/ does not read", "fix or remove it"),
    C.LEDGER_BROKEN: _b(K, "the ledger's hash chain or a signature does not verify", "investigate; restore"),
}
assert set(CODES) == set(ReasonCode)


# Warnings that ask someone to act before a date passes or after an event (`prov status` exits 1 on them);
# the other warnings travel with the model as notices.
ATTENTION = frozenset(
    {
        ReasonCode.AGREEMENT_EXPIRING,
        ReasonCode.RETENTION_ENDED,
        ReasonCode.DATASET_UNREGISTERED,
        ReasonCode.DATASET_WITHDRAWN_ANONYMOUS,
        ReasonCode.TERMS_LOOSENED,
        ReasonCode.UNSIGNED_FILE,
        ReasonCode.INSPECTION_UNSAFE,
        ReasonCode.PARENT_UNREACHABLE,
    }
)


def markdown_table() -> str:
    lines = ["| Code | Severity | Family | Meaning | Fix |", "|---|---|---|---|---|"]
    for code in ReasonCode:
        i = code.info
        lines.append(f"| `{code.value}` | {i.severity} | {i.family} | {i.meaning} | {i.fix} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
