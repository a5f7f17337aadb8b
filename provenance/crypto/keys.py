"""Signing keys: generation, (de)serialisation, key ids, raw sign/verify.

ECDSA P-256 is the default because it is the one key type that securesystemslib, OpenSSF
``model_signing verify key`` and ``ssh-keygen -Y verify`` all accept. Ed25519 is supported too.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from .canonical import encode_canonical
from .keyinfo import P256_SPKI as _P256_SPKI
from .keyinfo import PublicKeyInfo, canonical_der, canonical_pem

__all__ = ["PublicKeyInfo", "canonical_pem"]

KeyType = Literal["ecdsa-p256", "ed25519"]
KEY_TYPES: tuple[KeyType, ...] = ("ecdsa-p256", "ed25519")

PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
PublicKey = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey


class UnsupportedKey(ValueError):
    pass


def generate(key_type: KeyType = "ecdsa-p256") -> PrivateKey:
    if key_type == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise UnsupportedKey(f"unsupported key type {key_type!r}; use one of {', '.join(KEY_TYPES)}")


def key_type_of(key: PrivateKey | PublicKey) -> KeyType:
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if isinstance(key.curve, ec.SECP256R1):
            return "ecdsa-p256"
        raise UnsupportedKey(f"unsupported curve {key.curve.name}; prov uses P-256")
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "ed25519"
    raise UnsupportedKey(f"unsupported key {type(key).__name__}; prov uses ECDSA P-256 or Ed25519")


def private_pem(key: PrivateKey, passphrase: bytes | None = None) -> bytes:
    from cryptography.hazmat.primitives import serialization

    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def public_pem(key: PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_openssh(key: PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)


def load_private_pem(data: bytes, passphrase: bytes | None) -> PrivateKey:
    """Raises TypeError when a passphrase is needed or given needlessly, ValueError when wrong."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(data, password=passphrase)
    key_type_of(key)  # type: ignore[arg-type]
    return key  # type: ignore[return-value]


def load_public_pem(data: bytes) -> PublicKey:
    fast = _canonical_public(data)
    if fast is not None:
        return fast
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key(data)
    key_type_of(key)  # type: ignore[arg-type]
    return key  # type: ignore[return-value]


def _canonical_public(data: bytes) -> PublicKey | None:
    """A key file in the exact form prov writes, read without cryptography's serialization module (whose
    import costs `prov verify` more than the rest of its start-up). Anything else returns None and goes
    to the full PEM reader; the key bytes are always checked by cryptography (a point off the curve is
    refused)."""
    fast = canonical_der(data)
    if fast is None:
        return None
    key_type, raw = fast
    try:
        if key_type == "ecdsa-p256":
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        return None  # not a valid point: the full reader says why


def sslib_key(key: PublicKey) -> tuple[str, str, dict[str, str]]:
    """(keytype, scheme, keyval) exactly as securesystemslib's ``SSlibKey.from_crypto`` builds them."""
    if key_type_of(key) == "ecdsa-p256":
        return "ecdsa", "ecdsa-sha2-nistp256", {"public": _p256_pem(key).decode()}  # type: ignore[arg-type]
    return "ed25519", "ed25519", {"public": key.public_bytes_raw().hex()}  # type: ignore[union-attr]


def _p256_pem(key: ec.EllipticCurvePublicKey) -> bytes:
    """The SubjectPublicKeyInfo PEM of a P-256 key, built from its point (no serialization import)."""
    n = key.public_numbers()
    point = b"\x04" + n.x.to_bytes(32, "big") + n.y.to_bytes(32, "big")
    return canonical_pem(_P256_SPKI + point)


def keyid(key: PublicKey) -> str:
    """securesystemslib's default key id: sha256 of the canonical JSON of keytype, scheme, keyval."""
    keytype, scheme, keyval = sslib_key(key)
    text = encode_canonical({"keytype": keytype, "scheme": scheme, "keyval": keyval})
    return hashlib.sha256(text.encode()).hexdigest()


def sign(key: PrivateKey, data: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))  # DER, as securesystemslib expects
    return key.sign(data)


_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())  # immutable: made once, not per signature


def verify(key: PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, _ECDSA_SHA256)
        else:
            key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
