"""DSSE envelopes (secure-systems-lab/dsse v1): pre-authentication encoding, sign, open.

We sign and verify the exact payload bytes; the parsed statement is derived from them, never the
other way round.
"""

from __future__ import annotations

import base64
import binascii

from .. import strictjson
from ..quickhash import sha256

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Protocol

    from . import keys as _keys
    from .keyinfo import PublicKeyInfo

    class Memo(Protocol):
        def sig_verified(self, token: str) -> bool: ...
        def record_sig(self, token: str) -> None: ...


def pae(payload_type: str, payload: bytes) -> bytes:
    """``DSSEv1 SP len(type) SP type SP len(body) SP body`` with lengths in ASCII decimal bytes."""
    t = payload_type.encode()
    return b"DSSEv1 %d %b %d %b" % (len(t), t, len(payload), payload)


def sign_envelope(payload_type: str, payload: bytes, key: _keys.PrivateKey) -> dict[str, Any]:
    from . import keys as _keys

    signature = _keys.sign(key, pae(payload_type, payload))
    return {
        "payload": base64.b64encode(payload).decode(),
        "payloadType": payload_type,
        "signatures": [{"keyid": _keys.keyid(key.public_key()), "sig": base64.b64encode(signature).decode()}],
    }


class EnvelopeFormatError(ValueError):
    """The envelope is not a DSSE envelope we can read."""


class Envelope:
    """A parsed DSSE envelope: payload type, payload bytes and (keyid, signature) pairs."""

    __slots__ = ("payload", "payload_type", "signatures")

    def __init__(self, payload_type: str, payload: bytes, signatures: tuple[tuple[str, bytes], ...]) -> None:
        self.payload_type, self.payload, self.signatures = payload_type, payload, signatures

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Envelope) and (self.payload_type, self.payload, self.signatures) == (
            other.payload_type,
            other.payload,
            other.signatures,
        )

    def __hash__(self) -> int:
        return hash((self.payload_type, self.payload, self.signatures))

    @classmethod
    def from_json(cls, data: bytes | str) -> Envelope:
        try:
            obj = strictjson.loads(data)
        except strictjson.StrictJSONError as e:
            raise EnvelopeFormatError(str(e) if str(e).startswith("not JSON") else f"not JSON ({e})") from None
        return cls.from_dict(obj)

    @classmethod
    def from_dict(cls, obj: Any) -> Envelope:
        if not isinstance(obj, dict):
            raise EnvelopeFormatError("not a DSSE envelope (expected a JSON object)")
        try:
            payload_type = obj["payloadType"]
            payload = base64.b64decode(obj["payload"], validate=True)
            sigs = tuple((str(s["keyid"]), base64.b64decode(s["sig"], validate=True)) for s in obj["signatures"])
        except KeyError as e:
            raise EnvelopeFormatError(f"not a DSSE envelope: missing {e.args[0]!r}") from e
        except (TypeError, binascii.Error) as e:
            raise EnvelopeFormatError(f"not a DSSE envelope: bad base64 or field type ({e})") from e
        if not isinstance(payload_type, str):
            raise EnvelopeFormatError("not a DSSE envelope: payloadType must be a string")
        return cls(payload_type=payload_type, payload=payload, signatures=sigs)

    def verified_by(self, candidates: Iterable[PublicKeyInfo], memo: Memo | None = None) -> PublicKeyInfo | None:
        """The first candidate key (matched by keyid) whose signature over the PAE is valid."""
        message = pae(self.payload_type, self.payload)
        by_id = {c.keyid: c for c in candidates}
        for sig_keyid, sig in self.signatures:
            info = by_id.get(sig_keyid)
            if info is not None and signature_valid(info, sig, message, memo):
                return info
        return None


def signature_valid(info: PublicKeyInfo, sig: bytes, message: bytes, memo: Memo | None = None) -> bool:
    """Whether ``sig`` is ``info``'s signature of ``message``: the one signature check of cards, export
    records, ledger lines and OpenSSF model-signing bundles.

    ``memo`` remembers checks that passed, keyed by the key's exact PEM, the signature and the signed
    message (all three hashed together): the same bytes under the same key verify again without
    loading cryptography. A memo is as trustworthy as the digest cache it lives in (``.prov/cache``).
    """
    token = None
    if memo is not None:
        h = sha256(b"prov-dsse-v1\0")
        for part in (info.pem, sig, message):
            h.update(len(part).to_bytes(8, "big") + part)
        token = h.hexdigest()
        if memo.sig_verified(token):
            return True
    from . import keys as _keys

    try:
        ok = _keys.verify(info.key, sig, message)
    except ValueError:  # a key file that is not a usable key (e.g. a point off the curve)
        ok = False
    if ok and memo is not None and token is not None:
        memo.record_sig(token)
    return ok
