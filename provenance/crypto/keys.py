"""Signing keys: generation, (de)serialisation, key ids, raw sign/verify.

ECDSA P-256 is the default because it is the one key type that securesystemslib, OpenSSF
``model_signing verify key`` and ``ssh-keygen -Y verify`` all accept. Ed25519 is supported too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from .canonical import encode_canonical

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
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def public_pem(key: PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_openssh(key: PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)


def load_private_pem(data: bytes, passphrase: bytes | None) -> PrivateKey:
    """Raises TypeError when a passphrase is needed or given needlessly, ValueError when wrong."""
    key = serialization.load_pem_private_key(data, password=passphrase)
    key_type_of(key)  # type: ignore[arg-type]
    return key  # type: ignore[return-value]


def load_public_pem(data: bytes) -> PublicKey:
    key = serialization.load_pem_public_key(data)
    key_type_of(key)  # type: ignore[arg-type]
    return key  # type: ignore[return-value]


def sslib_key(key: PublicKey) -> tuple[str, str, dict[str, str]]:
    """(keytype, scheme, keyval) exactly as securesystemslib's ``SSlibKey.from_crypto`` builds them."""
    if key_type_of(key) == "ecdsa-p256":
        return "ecdsa", "ecdsa-sha2-nistp256", {"public": public_pem(key).decode()}
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519", "ed25519", {"public": raw.hex()}


def keyid(key: PublicKey) -> str:
    """securesystemslib's default key id: sha256 of the canonical JSON of keytype, scheme, keyval."""
    keytype, scheme, keyval = sslib_key(key)
    text = encode_canonical({"keytype": keytype, "scheme": scheme, "keyval": keyval})
    return hashlib.sha256(text.encode()).hexdigest()


def sign(key: PrivateKey, data: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))  # DER, as securesystemslib expects
    return key.sign(data)


def verify(key: PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class PublicKeyInfo:
    """A public key with the facts we show about it."""

    name: str
    key: PublicKey
    keyid: str
    key_type: KeyType

    @classmethod
    def of(cls, name: str, key: PublicKey) -> PublicKeyInfo:
        return cls(name=name, key=key, keyid=keyid(key), key_type=key_type_of(key))
