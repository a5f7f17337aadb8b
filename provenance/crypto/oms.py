"""OpenSSF model signing (OMS) signatures: what ``model_signing sign key`` writes and ``model_signing verify
key`` checks -- a Sigstore bundle v0.3 holding a DSSE envelope over an in-toto Statement whose predicate
lists every file of the model with its sha256.

A recipient who has the signer's public key checks an artefact prov signed without installing prov::

    model_signing verify key MODEL --public_key signer.pub --signature MODEL.sig

and prov reads what model_signing wrote. The format, as model-signing 1.1.1 writes and reads it:

- ``resources``: ``{name, algorithm: sha256, digest}`` per file, ordered as ``pathlib.PurePosixPath``
  sorts the paths; a single-file model has one resource named ``.``;
- the subject digest is sha256 over the concatenated raw digests in the listed order;
- ``sig`` is standard base64 of a DER ECDSA signature over the DSSE PAE;
- ``verificationMaterial.publicKey.hint`` is the sha256 hex of the key's SPKI PEM text (newline included);
  model-signing writes ``keyid: ""`` and never reads it, so the hint (or trying each trusted key) finds
  the signer.

model-signing signs with ECDSA keys only (P-256, P-384, P-521); it refuses Ed25519. prov's keys are P-256
or Ed25519, so an Ed25519 signer gets no OMS signature (``OmsUnsupported``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections import namedtuple

from .. import strictjson
from . import dsse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

    from . import keys as _keys
    from .keyinfo import PublicKeyInfo

BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://model_signing/signature/v1.0"
# What model_signing leaves out of a directory by default, and says so in every signature it writes.
GIT_PATHS = (".git", ".gitattributes", ".github", ".gitignore")
SINGLE_FILE = "."  # the one resource of a single-file model
_HEX64 = re.compile(r"[0-9a-f]{64}")


class OmsUnsupported(ValueError):
    """The key cannot make a signature model_signing accepts."""


class OmsFormatError(ValueError):
    """The file is not an OMS signature prov can read."""


class OmsCertificate(OmsFormatError):
    """A well-formed bundle whose signer is a certificate (Sigstore keyless or PKI), not a public key."""


# What a verified OMS signature says: the model's name, its files (name -> sha256 hex, in signed order),
# the paths the signer declared out of scope, and the signer. (A named tuple: this module is on `prov
# verify`'s start-up path, which imports neither dataclasses nor cryptography when nothing is new.)
OmsManifest = namedtuple("OmsManifest", "name resources ignore_paths signer")


def root_digest(resources: Sequence[tuple[str, str]]) -> str:
    """The subject digest: sha256 over the raw per-file digests, in the order given."""
    h = hashlib.sha256()
    for _, digest in resources:
        h.update(bytes.fromhex(digest))
    return h.hexdigest()


def statement(name: str, resources: Sequence[tuple[str, str]], ignore_paths: Iterable[str] = GIT_PATHS) -> bytes:
    """The in-toto Statement model_signing signs, as the exact payload bytes. ``resources`` must already
    be in ``PurePosixPath`` order (a directory's ``TreeDigest.files`` is), or ``[(".", sha256)]``."""
    body = {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": name, "digest": {"sha256": root_digest(resources)}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "serialization": {
                "method": "files",
                "hash_type": "sha256",
                "allow_symlinks": False,
                "ignore_paths": sorted(ignore_paths),
            },
            "resources": [{"name": n, "algorithm": "sha256", "digest": d} for n, d in resources],
        },
    }
    return (json.dumps(body, indent=2) + "\n").encode()


def key_hint(pem: bytes) -> str:
    """The key's hint: the sha256 hex of its SPKI PEM text as cryptography writes it (``PublicKeyInfo.pem``)."""
    return hashlib.sha256(pem).hexdigest()


def sign(payload: bytes, key: _keys.PrivateKey) -> bytes:
    """A Sigstore bundle v0.3 signing ``payload`` (a ``statement``), as ``model_signing sign key`` writes it."""
    from . import keys as _keys

    if _keys.key_type_of(key) != "ecdsa-p256":
        raise OmsUnsupported(
            "OpenSSF model_signing accepts ECDSA keys only and this key is Ed25519: no model-signing "
            "signature written (generate an ECDSA key with `prov key generate --type ecdsa-p256` to get one)"
        )
    sig = _keys.sign(key, dsse.pae(PAYLOAD_TYPE, payload))
    bundle = {
        "mediaType": BUNDLE_MEDIA_TYPE,
        "verificationMaterial": {
            "publicKey": {"hint": key_hint(_keys.public_pem(key.public_key()))},
            "tlogEntries": [],
        },
        "dsseEnvelope": {
            "payload": base64.b64encode(payload).decode(),
            "payloadType": PAYLOAD_TYPE,
            "signatures": [{"sig": base64.b64encode(sig).decode(), "keyid": ""}],
        },
    }
    return (json.dumps(bundle, indent=2) + "\n").encode()


def _field(obj: Any, key: str, kind: type, where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise OmsFormatError(f"{where}: missing {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise OmsFormatError(f"{where}.{key}: expected {kind.__name__}")
    return value


def _only(obj: dict[str, Any], allowed: set[str], where: str) -> None:
    """model_signing's bundle reader refuses fields it does not know ("Extra inputs are not permitted");
    so does prov, or it would accept a signature model_signing rejects."""
    extra = sorted(set(obj) - allowed)
    if extra:
        raise OmsFormatError(f"{where}: unexpected field {extra[0]!r} (model_signing refuses it)")


def _b64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise OmsFormatError(f"{where}: not standard base64") from None


def verify(raw: bytes, candidates: Iterable[PublicKeyInfo], memo: dsse.Memo | None = None) -> OmsManifest:
    """Check an OMS signature file against trusted keys and read what it signed.

    Raises ``OmsFormatError`` when the file does not read, ``OmsUntrusted`` when no trusted key signed it
    (``OmsInvalid`` when the key its hint names is trusted but the signature does not match)."""
    try:
        bundle = strictjson.loads(raw)
    except strictjson.StrictJSONError as e:
        raise OmsFormatError(f"not JSON ({e})") from None
    media = _field(bundle, "mediaType", str, "bundle")
    if media != BUNDLE_MEDIA_TYPE:
        raise OmsFormatError(f"mediaType is {media!r}, expected {BUNDLE_MEDIA_TYPE!r}")
    _only(bundle, {"mediaType", "verificationMaterial", "dsseEnvelope"}, "bundle")
    material = _field(bundle, "verificationMaterial", dict, "bundle")
    if "publicKey" not in material and ("certificate" in material or "x509CertificateChain" in material):
        raise OmsCertificate(
            "signed with a certificate (Sigstore keyless or PKI), not a public key; verify it with "
            "`model_signing verify sigstore|certificate`"
        )
    _only(material, {"publicKey", "tlogEntries"}, "verificationMaterial")
    public = _field(material, "publicKey", dict, "verificationMaterial")
    _only(public, {"hint"}, "verificationMaterial.publicKey")
    hint = public.get("hint", "")
    if not isinstance(hint, str):
        raise OmsFormatError("verificationMaterial.publicKey.hint: expected a string")
    entries = material.get("tlogEntries", [])
    if not isinstance(entries, list) or entries:
        raise OmsFormatError("verificationMaterial.tlogEntries: a key signature has none")
    env = _field(bundle, "dsseEnvelope", dict, "bundle")
    _only(env, {"payload", "payloadType", "signatures"}, "dsseEnvelope")
    payload_type = _field(env, "payloadType", str, "dsseEnvelope")
    payload = _b64(_field(env, "payload", str, "dsseEnvelope"), "dsseEnvelope.payload")
    sigs = _field(env, "signatures", list, "dsseEnvelope")
    if len(sigs) != 1:
        raise OmsFormatError(f"dsseEnvelope.signatures: expected exactly one, found {len(sigs)}")
    _only(sigs[0], {"sig", "keyid"}, "dsseEnvelope.signatures[0]")
    sig = _b64(_field(sigs[0], "sig", str, "dsseEnvelope.signatures[0]"), "dsseEnvelope.signatures[0].sig")
    if payload_type != PAYLOAD_TYPE:
        raise OmsFormatError(f"payloadType is {payload_type!r}, expected {PAYLOAD_TYPE!r}")

    message = dsse.pae(payload_type, payload)
    named = None
    for info in candidates:
        if info.key_type != "ecdsa-p256":
            continue
        try:
            matches = not hint or key_hint(info.pem) == hint
        except ValueError:
            continue
        if not matches:
            continue
        named = named or (info if hint else None)
        if dsse.signature_valid(info, sig, message, memo):
            return _manifest(payload, info)
    if named is not None:
        raise OmsInvalid(f"the signature does not match what it signs, though key {named.name} made it")
    who = f"key {hint[:16]}…" if hint else "a key it does not name"
    raise OmsUntrusted(f"signed by {who}, which is not a trusted ECDSA key; trust it or pass --key")


class OmsUntrusted(ValueError):
    """No trusted key made the signature."""


class OmsInvalid(ValueError):
    """The key the signature names is trusted, but the signature does not verify."""


def _manifest(payload: bytes, signer: PublicKeyInfo) -> OmsManifest:
    """The signed statement, checked as model_signing checks it (and stricter: no duplicate names, only
    sha256, no symlinks)."""
    try:
        body = strictjson.loads(payload)
    except strictjson.StrictJSONError as e:
        raise OmsFormatError(f"the signed statement is not JSON ({e})") from None
    if _field(body, "_type", str, "statement") != STATEMENT_TYPE:
        raise OmsFormatError(f"statement _type is not {STATEMENT_TYPE}")
    kind = _field(body, "predicateType", str, "statement")
    if kind != PREDICATE_TYPE:
        raise OmsFormatError(f"predicateType is {kind!r}; prov reads {PREDICATE_TYPE} (model-signing 1.0 and later)")
    subjects = _field(body, "subject", list, "statement")
    if len(subjects) != 1:
        raise OmsFormatError(f"statement: expected one subject, found {len(subjects)}")
    name = _field(subjects[0], "name", str, "subject")
    subject_digest = _field(_field(subjects[0], "digest", dict, "subject"), "sha256", str, "subject.digest")
    predicate = _field(body, "predicate", dict, "statement")
    ser = _field(predicate, "serialization", dict, "predicate")
    if _field(ser, "method", str, "serialization") != "files":
        raise OmsFormatError("serialization.method: prov reads per-file signatures ('files'), not shards")
    if _field(ser, "hash_type", str, "serialization") != "sha256":
        raise OmsFormatError("serialization.hash_type: prov reads sha256 signatures")
    if ser.get("allow_symlinks") is not False:  # model_signing needs the field; prov never follows links
        raise OmsFormatError("serialization.allow_symlinks: must be false (prov does not follow symbolic links)")
    ignore = ser.get("ignore_paths", [])
    if not isinstance(ignore, list) or not all(isinstance(p, str) for p in ignore):
        raise OmsFormatError("serialization.ignore_paths: expected a list of paths")
    resources: dict[str, str] = {}
    ordered: list[tuple[str, str]] = []
    for i, r in enumerate(_field(predicate, "resources", list, "predicate")):
        where = f"resources[{i}]"
        rname = _field(r, "name", str, where)
        if _field(r, "algorithm", str, where) != "sha256":
            raise OmsFormatError(f"{where}.algorithm: prov reads sha256")
        digest = _field(r, "digest", str, where)
        if not _HEX64.fullmatch(digest):
            raise OmsFormatError(f"{where}.digest: expected 64 lower-case hex digits")
        if rname in resources:
            raise OmsFormatError(f"{where}: {rname!r} is listed twice")
        resources[rname] = digest
        ordered.append((rname, digest))
    if root_digest(ordered) != subject_digest:
        raise OmsFormatError("the subject digest is not the digest of the listed files: the statement is inconsistent")
    return OmsManifest(name, resources, tuple(ignore), signer)
