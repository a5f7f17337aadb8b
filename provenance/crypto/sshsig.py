"""SSH signatures (OpenSSH's PROTOCOL.sshsig): what ``ssh-keygen -Y sign`` writes and ``ssh-keygen -Y
verify`` checks, made here with ``cryptography`` (no maintained Python library signs the format).

A recipient who trusts a signer's SSH key -- most engineers already have an ``allowed_signers`` file for
git -- can check a card with the tool they have, without prov::

    ssh-keygen -Y verify -f allowed_signers -I SIGNER -n prov-card@prov-cards.dev -s card.sig < card.json

The signature covers a namespace, so a card signature cannot be replayed as a git commit signature or a
file signature, and the other way round.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from typing import Literal

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from .keys import PrivateKey, PublicKey, UnsupportedKey

CARD_NAMESPACE = "prov-card@prov-cards.dev"
MAGIC = b"SSHSIG"
VERSION = 1
BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"
HashName = Literal["sha256", "sha512"]


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _mpint(value: int) -> bytes:
    """RFC 4251 mpint: big-endian two's complement, no needless leading zero, a zero byte before a high bit."""
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    if raw and raw[0] & 0x80:
        raw = b"\0" + raw
    return _string(raw)


def public_blob(key: PublicKey) -> bytes:
    """The key in SSH wire format (RFC 4253 / RFC 5656), as ``ssh-keygen`` puts it in a signature."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return _string(b"ssh-ed25519") + _string(raw)
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return _string(b"ecdsa-sha2-nistp256") + _string(b"nistp256") + _string(point)
    raise UnsupportedKey("SSH signatures need an Ed25519 or ECDSA P-256 key")


def signed_data(message: bytes, namespace: str, hash_name: HashName) -> bytes:
    """What the key signs: the preamble, the namespace, and the message's digest (never the message)."""
    digest = hashlib.new(hash_name, message).digest()
    return MAGIC + _string(namespace.encode()) + _string(b"") + _string(hash_name.encode()) + _string(digest)


def sign(message: bytes, key: PrivateKey, namespace: str = CARD_NAMESPACE, hash_name: HashName = "sha512") -> str:
    """An armoured SSH signature of ``message`` (``-----BEGIN SSH SIGNATURE-----``), as ``ssh-keygen -Y
    sign -n NAMESPACE`` makes one."""
    if hash_name not in ("sha256", "sha512"):
        raise ValueError(f"hash {hash_name!r}: SSH signatures use sha256 or sha512")
    if not namespace:
        raise ValueError("an SSH signature needs a namespace")
    data = signed_data(message, namespace, hash_name)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        inner = _string(b"ssh-ed25519") + _string(key.sign(data))
    elif isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        inner = _string(b"ecdsa-sha2-nistp256") + _string(_mpint(r) + _mpint(s))
    else:
        raise UnsupportedKey("SSH signatures need an Ed25519 or ECDSA P-256 key")
    blob = (
        MAGIC
        + struct.pack(">I", VERSION)
        + _string(public_blob(key.public_key()))
        + _string(namespace.encode())
        + _string(b"")
        + _string(hash_name.encode())
        + _string(inner)
    )
    text = base64.b64encode(blob).decode()
    lines = [text[i : i + 70] for i in range(0, len(text), 70)]
    return "\n".join([BEGIN, *lines, END]) + "\n"


def allowed_signers_line(principal: str, key: PublicKey, namespace: str = CARD_NAMESPACE) -> str:
    """One ``allowed_signers`` line (ssh-keygen(1), ALLOWED SIGNERS) trusting ``key`` as ``principal`` for
    ``namespace`` only."""
    # Principals are patterns to ssh-keygen: `*` and `?` match anything, `!` negates, `#` starts a comment.
    if not principal or any(c.isspace() or c in '",*?!#' or not c.isprintable() for c in principal):
        raise ValueError(
            f"principal {principal!r}: one word without spaces, commas, quotes or the pattern characters * ? ! # "
            "(e.g. an email)"
        )
    openssh = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return f'{principal} namespaces="{namespace}" {openssh}\n'


class SshSigError(ValueError):
    """Not an SSH signature, or not one over this message by this key in this namespace."""


def _read_string(data: bytes, at: int) -> tuple[bytes, int]:
    if at + 4 > len(data):
        raise SshSigError("truncated")
    (n,) = struct.unpack(">I", data[at : at + 4])
    end = at + 4 + n
    if end > len(data):
        raise SshSigError("truncated")
    return data[at + 4 : end], end


def _unarmour(armoured: str) -> bytes:
    """The signature blob, from armour exactly as ``ssh-keygen`` writes it: LF line ends, no indentation,
    no blank lines (ssh-keygen refuses the others, so prov does too)."""
    lines = armoured.removesuffix("\n").split("\n")
    if len(lines) < 3 or lines[0] != BEGIN or lines[-1] != END:
        raise SshSigError(f"not an armoured SSH signature ({BEGIN} ... {END}, LF line ends)")
    body = lines[1:-1]
    if any(not line or line != line.strip() for line in body):
        raise SshSigError("the armour has blank, indented or CR-ended lines")
    try:
        return base64.b64decode("".join(body), validate=True)
    except ValueError:
        raise SshSigError("the armoured body is not base64") from None


def _read_mpint(data: bytes, at: int) -> tuple[int, int]:
    """An RFC 4251 mpint as a non-negative number, in its one canonical encoding: no needless leading zero,
    a zero byte before a high bit (without it the number is negative, and ssh-keygen refuses it)."""
    raw, at = _read_string(data, at)
    if raw and raw[0] & 0x80:
        raise SshSigError("a negative number in the ECDSA signature")
    if len(raw) > 1 and raw[0] == 0 and not raw[1] & 0x80:
        raise SshSigError("a number with a needless leading zero in the ECDSA signature")
    return int.from_bytes(raw, "big"), at


def verify(armoured: str, message: bytes, key: PublicKey, namespace: str = CARD_NAMESPACE) -> None:
    """Check an armoured SSH signature of ``message`` by ``key`` in ``namespace``, as ``ssh-keygen -Y
    verify`` does; raises ``SshSigError`` saying what does not hold."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    blob = _unarmour(armoured)
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 4:
        raise SshSigError("not an SSH signature (no SSHSIG preamble)")
    (version,) = struct.unpack(">I", blob[len(MAGIC) : len(MAGIC) + 4])
    if version != VERSION:  # ssh-keygen also takes 0 (it refuses only newer ones); no tool writes it, and
        # the signature does not cover this field: prov reads the one version there is
        raise SshSigError(f"SSH signature version {version}; prov reads version {VERSION}")
    at = len(MAGIC) + 4
    public, at = _read_string(blob, at)
    ns, at = _read_string(blob, at)
    _reserved, at = _read_string(blob, at)
    hash_name, at = _read_string(blob, at)
    inner, at = _read_string(blob, at)
    if at != len(blob):
        raise SshSigError("trailing bytes after the signature")
    if public != public_blob(key):
        raise SshSigError("made by another key")
    if ns != namespace.encode():
        raise SshSigError(f"namespace {ns.decode(errors='replace')!r}, expected {namespace!r}")
    if hash_name not in (b"sha256", b"sha512"):
        raise SshSigError(f"hash {hash_name.decode(errors='replace')!r}; SSH signatures use sha256 or sha512")
    data = signed_data(message, namespace, hash_name.decode())  # type: ignore[arg-type]
    kind, at = _read_string(inner, 0)
    raw, at = _read_string(inner, at)
    if at != len(inner):
        raise SshSigError("trailing bytes in the signature blob")
    try:
        if isinstance(key, ed25519.Ed25519PublicKey) and kind == b"ssh-ed25519":
            key.verify(raw, data)
        elif isinstance(key, ec.EllipticCurvePublicKey) and kind == b"ecdsa-sha2-nistp256":
            r, at = _read_mpint(raw, 0)
            s, at = _read_mpint(raw, at)
            if at != len(raw):
                raise SshSigError("trailing bytes in the ECDSA signature")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        else:
            raise SshSigError(f"signature type {kind.decode(errors='replace')!r} does not match the key")
    except InvalidSignature:
        raise SshSigError("the signature does not match the message") from None
