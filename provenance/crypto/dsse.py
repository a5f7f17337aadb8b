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
        if isinstance(data, bytes) and (compact := _compact(data)) is not None:
            return compact
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


_COMPACT: Any = None


def _compact(data: bytes) -> Envelope | None:
    """The envelope of a line in the exact compact form the ledger writes — these keys in this order, no
    spaces, one signature, every string printable ASCII without ``"`` or ``\\`` — read by pattern; None
    for anything else, which the strict JSON reader takes. In such a line each string's text is its JSON
    value and no key can repeat, so the pattern reads exactly what strict JSON reads (a differential test
    holds the two together); it costs a fifth of the time, which is most of reading a long ledger."""
    global _COMPACT
    if _COMPACT is None:
        import re

        text = rb"[\x20\x21\x23-\x5b\x5d-\x7e]*"
        b64 = rb"[A-Za-z0-9+/]*={0,2}"
        _COMPACT = re.compile(
            rb'\{"payload":"(%b)","payloadType":"(%b)","signatures":\[\{"keyid":"(%b)","sig":"(%b)"\}\]\}'
            % (b64, text, text, b64)
        )
    m = _COMPACT.fullmatch(data)
    if m is None:
        return None
    payload, payload_type, keyid, sig = m.groups()
    try:
        decoded = base64.b64decode(payload, validate=True), base64.b64decode(sig, validate=True)
    except binascii.Error:
        return None  # bad padding: the strict reader says so in its own words
    return Envelope(payload_type.decode(), decoded[0], ((keyid.decode(), decoded[1]),))


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
