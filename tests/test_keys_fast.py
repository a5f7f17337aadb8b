"""Key files in prov's own form are read without cryptography's serialization module; the result must
be exactly what the full PEM reader gives (differential), and anything else must go to that reader."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.crypto import keys as _keys

KEYS = [_keys.generate("ecdsa-p256") for _ in range(4)] + [_keys.generate("ed25519") for _ in range(4)]


def _full(data: bytes):  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization

    try:
        return serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        return None


def _same(a, b) -> bool:  # type: ignore[no-untyped-def]
    return _keys.public_pem(a) == _keys.public_pem(b)


def test_prov_written_keys_read_alike_and_keep_their_keyids() -> None:
    import securesystemslib.signer as sslib

    for k in KEYS:
        pem = _keys.public_pem(k.public_key())
        fast = _keys._canonical_public(pem)
        assert fast is not None and _same(fast, _full(pem))
        assert _keys.keyid(fast) == _keys.keyid(_full(pem))  # type: ignore[arg-type]
        assert _keys.keyid(fast) == sslib.SSlibKey.from_crypto(_full(pem)).keyid  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(which=st.integers(0, len(KEYS) - 1), pos=st.integers(0, 200), byte=st.integers(0, 255))
def test_any_altered_key_file_reads_the_same_or_goes_to_the_full_reader(which: int, pos: int, byte: int) -> None:
    pem = bytearray(_keys.public_pem(KEYS[which].public_key()))
    pem[pos % len(pem)] = byte
    data = bytes(pem)
    fast = _keys._canonical_public(data)
    if fast is not None:
        full = _full(data)
        assert full is not None and _same(fast, full)


def test_other_layouts_go_to_the_full_reader() -> None:
    pem = _keys.public_pem(KEYS[0].public_key())
    for variant in (pem.replace(b"\n", b"\r\n"), pem.rstrip(b"\n"), b" " + pem, pem + b"\n"):
        assert _keys._canonical_public(variant) is None
        assert _same(_keys.load_public_pem(variant), KEYS[0].public_key())
    der = base64.b64decode(b"".join(pem.splitlines()[1:-1]))
    off_curve = der[:-1] + bytes([der[-1] ^ 1])
    assert _keys._canonical_public(_keys.canonical_pem(off_curve)) is None
