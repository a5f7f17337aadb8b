"""Property: any change to a signed card's payload or signature fails verification, never passes."""

from __future__ import annotations

import base64
import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.card.build import statement_for
from provenance.card.files import statement_bytes
from provenance.card.verify import verify_card
from provenance.crypto import dsse
from provenance.crypto import keys as _keys
from provenance.model.card import PAYLOAD_TYPE, Artefact, Created, ModelCard, Signer
from provenance.model.dataset import Confidentiality
from provenance.model.terms import EffectiveTerms

KEY = _keys.generate("ecdsa-p256")
INFO = _keys.PublicKeyInfo.of("signer", KEY.public_key())
DIGEST = "ab" * 32
CARD = ModelCard(
    artefact=Artefact(name="m.joblib", sha256=DIGEST, size=10, kind="file", format="joblib"),
    created=Created(
        time=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), signer=Signer(keyid=INFO.keyid, name="signer"), prov_version="test"
    ),
    effective_terms=EffectiveTerms(sources=["d"], confidentiality=Confidentiality.confidential),
)
PAYLOAD = statement_bytes(statement_for(CARD))
ENVELOPE = dsse.sign_envelope(PAYLOAD_TYPE, PAYLOAD, KEY)


def _verify(envelope: dict) -> bool:
    raw = json.dumps(envelope).encode()
    return verify_card(
        raw,
        artefact_name="m.joblib",
        card_name="m.joblib.prov.json",
        candidates=[INFO],
        revoked={},
        actual_sha256=DIGEST,
    ).verified


def test_untouched_envelope_verifies() -> None:
    assert _verify(ENVELOPE)


@settings(max_examples=200, deadline=None)
@given(
    position=st.integers(min_value=0),
    flip=st.integers(min_value=1, max_value=255),
    field=st.sampled_from(["payload", "sig"]),
)
def test_any_flipped_byte_fails(position: int, flip: int, field: str) -> None:
    env = json.loads(json.dumps(ENVELOPE))
    if field == "payload":
        data = bytearray(PAYLOAD)
        data[position % len(data)] ^= flip
        env["payload"] = base64.b64encode(bytes(data)).decode()
    else:
        sig = bytearray(base64.b64decode(env["signatures"][0]["sig"]))
        sig[position % len(sig)] ^= flip
        env["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
    assert not _verify(env)


@settings(max_examples=100, deadline=None)
@given(text=st.binary(max_size=300))
def test_garbage_card_never_verifies_nor_crashes(text: bytes) -> None:
    result = verify_card(
        text, artefact_name="m", card_name="m.prov.json", candidates=[INFO], revoked={}, actual_sha256=DIGEST
    )
    assert not result.verified and result.reasons
