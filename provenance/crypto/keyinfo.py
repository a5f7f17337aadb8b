"""A trusted public key as verification sees it: name, key id and type, the key object made on demand.

Standard library only. A key file in the exact form prov writes (`crypto.keys.canonical_pem`) yields
its key id without cryptography (securesystemslib's id is a hash of that very PEM text for ECDSA, of
the raw key for Ed25519), so a verification whose signature check is remembered (``dsse``) never loads
cryptography at all. Anything else goes through cryptography's full PEM reader.
"""

from __future__ import annotations

import base64
import binascii

from ..quickhash import sha256
from .canonical import encode_canonical

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .keys import PublicKey

_HEAD, _FOOT = b"-----BEGIN PUBLIC KEY-----\n", b"-----END PUBLIC KEY-----\n"
P256_SPKI = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
ED25519_SPKI = bytes.fromhex("302a300506032b6570032100")


def canonical_pem(der: bytes) -> bytes:
    """PEM exactly as cryptography (and so prov) writes a public key: 64-column base64, LF endings."""
    b64 = base64.b64encode(der).decode()
    body = "\n".join(b64[i : i + 64] for i in range(0, len(b64), 64))
    return _HEAD + body.encode() + b"\n" + _FOOT


def canonical_der(data: bytes) -> tuple[str, bytes] | None:
    """(key type, raw key bytes) of a key file in prov's exact form; None for anything else."""
    if not (data.startswith(_HEAD) and data.endswith(_FOOT)):
        return None
    try:
        der = base64.b64decode(data[len(_HEAD) : -len(_FOOT)].replace(b"\n", b""), validate=True)
    except (binascii.Error, ValueError):
        return None
    if canonical_pem(der) != data:
        return None
    if len(der) == 91 and der.startswith(P256_SPKI) and der[26] == 4:
        return "ecdsa-p256", der[26:]
    if len(der) == 44 and der.startswith(ED25519_SPKI):
        return "ed25519", der[12:]
    return None


def sslib_keyid(key_type: str, public: str) -> str:
    """securesystemslib's default key id: sha256 of the canonical JSON of keytype, scheme, keyval."""
    keytype, scheme = ("ecdsa", "ecdsa-sha2-nistp256") if key_type == "ecdsa-p256" else ("ed25519", "ed25519")
    text = encode_canonical({"keytype": keytype, "scheme": scheme, "keyval": {"public": public}})
    return sha256(text.encode()).hexdigest()


class PublicKeyInfo:
    """A public key with the facts we show about it; ``key`` (cryptography) is made when first used."""

    __slots__ = ("_key", "_pem", "key_type", "keyid", "name")

    def __init__(self, name: str, key: PublicKey | None, keyid: str, key_type: str, pem: bytes | None = None) -> None:
        self.name, self._key, self.keyid, self.key_type, self._pem = name, key, keyid, key_type, pem

    @property
    def key(self) -> PublicKey:
        if self._key is None:
            from .keys import load_public_pem

            self._key = load_public_pem(self._pem)  # type: ignore[arg-type]
        return self._key

    @property
    def pem(self) -> bytes:
        """The key's SubjectPublicKeyInfo PEM (binds a remembered signature check to this exact key)."""
        if self._pem is None:
            from .keys import public_pem

            self._pem = public_pem(self.key)
        return self._pem

    @classmethod
    def of(cls, name: str, key: PublicKey) -> PublicKeyInfo:
        from .keys import key_type_of, keyid

        return cls(name, key, keyid(key), key_type_of(key))

    @classmethod
    def from_pem(cls, name: str, data: bytes) -> PublicKeyInfo:
        """From a key file; ValueError (or UnsupportedKey) when it is not a key prov can use."""
        fast = canonical_der(data)
        if fast is None:
            from .keys import load_public_pem

            return cls.of(name, load_public_pem(data))
        key_type, raw = fast
        public = data.decode() if key_type == "ecdsa-p256" else raw.hex()
        return cls(name, None, sslib_keyid(key_type, public), key_type, data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKeyInfo) and (self.name, self.keyid) == (other.name, other.keyid)

    def __hash__(self) -> int:
        return hash((self.name, self.keyid))

    def __repr__(self) -> str:
        return f"PublicKeyInfo(name={self.name!r}, keyid={self.keyid[:16]}…, key_type={self.key_type!r})"
