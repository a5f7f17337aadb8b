"""DSSE envelopes (secure-systems-lab/dsse v1): pre-authentication encoding, sign, open.

We sign and verify the exact payload bytes; the parsed statement is derived from them, never the
other way round.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import keys as _keys


def pae(payload_type: str, payload: bytes) -> bytes:
    """``DSSEv1 SP len(type) SP type SP len(body) SP body`` with lengths in ASCII decimal bytes."""
    t = payload_type.encode()
    return b"DSSEv1 %d %b %d %b" % (len(t), t, len(payload), payload)


def sign_envelope(payload_type: str, payload: bytes, key: _keys.PrivateKey) -> dict[str, Any]:
    signature = _keys.sign(key, pae(payload_type, payload))
    return {
        "payload": base64.b64encode(payload).decode(),
        "payloadType": payload_type,
        "signatures": [{"keyid": _keys.keyid(key.public_key()), "sig": base64.b64encode(signature).decode()}],
    }


class EnvelopeFormatError(ValueError):
    """The envelope is not a DSSE envelope we can read."""


@dataclass(frozen=True)
class Envelope:
    payload_type: str
    payload: bytes
    signatures: tuple[tuple[str, bytes], ...]

    @classmethod
    def from_json(cls, data: bytes | str) -> Envelope:
        try:
            obj = json.loads(data)
        except (ValueError, UnicodeDecodeError) as e:
            raise EnvelopeFormatError(f"not JSON ({e})") from e
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

    def verified_by(self, candidates: Iterable[_keys.PublicKeyInfo]) -> _keys.PublicKeyInfo | None:
        """The first candidate key (matched by keyid) whose signature over the PAE is valid."""
        message = pae(self.payload_type, self.payload)
        by_id = {c.keyid: c for c in candidates}
        for sig_keyid, sig in self.signatures:
            info = by_id.get(sig_keyid)
            if info is not None and _keys.verify(info.key, sig, message):
                return info
        return None
