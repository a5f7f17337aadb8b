"""The signed revocation list that travels: ``prov key export --revocations``, and in every bundle.

A DSSE envelope over the repository's revocations (revoked keyids, times, and the digests of what each
key signed before that stays valid). A recipient honours it only when a key they already trust signed
it; honoured revocations merge with theirs (``card.verify.Revoked.merge``), so a list can only narrow
what verifies, never widen it: a leaked key signing a list that "keeps valid" its forgeries changes
nothing for a recipient who also holds the genuine list, and a recipient without it had no revocation.
"""

from __future__ import annotations

import datetime as dt
import json

from .. import strictjson
from ..crypto import dsse
from ..crypto.keyinfo import PublicKeyInfo
from ..errors import UsageError
from ..filenames import REVOCATIONS_NAME

PAYLOAD_TYPE = "application/vnd.prov.revocations.v1+json"

__all__ = ["PAYLOAD_TYPE", "REVOCATIONS_NAME", "make", "read"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..crypto import keys as _keys
    from ..store.trust import Revocation


def make(revocations: list[Revocation], key: _keys.PrivateKey, now: dt.datetime) -> bytes:
    from ..store.trust import revocation_entry

    payload = strictjson.dumps({"issued": now.isoformat(), "revocations": [revocation_entry(r) for r in revocations]})
    return (json.dumps(dsse.sign_envelope(PAYLOAD_TYPE, payload, key), indent=2) + "\n").encode()


def read(raw: bytes, candidates: list[PublicKeyInfo], source: str) -> tuple[list[Revocation], PublicKeyInfo]:
    """The revocations in a list signed by a trusted key; UsageError naming ``source`` otherwise."""
    from ..store.trust import revocation_of

    try:
        envelope = dsse.Envelope.from_json(raw)
    except ValueError as e:
        raise UsageError(f"{source}: not a signed revocation list ({e})") from None
    if envelope.payload_type != PAYLOAD_TYPE:
        raise UsageError(f"{source}: payloadType is {envelope.payload_type!r}, expected {PAYLOAD_TYPE!r}")
    signer = envelope.verified_by(candidates)
    if signer is None and any(kid in {c.keyid for c in candidates} for kid, _ in envelope.signatures):
        raise UsageError(f"{source}: its signature does not match its contents (altered after signing)")
    if signer is None:
        ids = ", ".join(kid[:16] for kid, _ in envelope.signatures) or "none"
        raise UsageError(
            f"{source}: signed by key {ids}, which you do not trust, so it counts for nothing; pass the "
            "signer's key with --key, or trust it"
        )
    try:
        body = strictjson.loads(envelope.payload)
        items = body["revocations"]
        if not isinstance(items, list):
            raise TypeError("revocations must be a list")
        return [revocation_of(item) for item in items], signer
    except (ValueError, KeyError, TypeError) as e:
        raise UsageError(f"{source}: the signed list does not read as revocations ({e})") from None
