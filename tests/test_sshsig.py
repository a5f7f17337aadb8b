"""Issue 14, SSH signatures: what prov signs, the real ssh-keygen verifies (and refuses when it should)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import need

from provenance.crypto import keys
from provenance.crypto.sshsig import CARD_NAMESPACE, allowed_signers_line, sign


def _verify(tmp: Path, message: bytes, signature: str, signers: str, principal: str = "alice@example.com",
            namespace: str = CARD_NAMESPACE) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    keygen = need("ssh-keygen", "openssh-client")
    (tmp / "card.sig").write_text(signature)
    (tmp / "allowed_signers").write_text(signers)
    return subprocess.run(
        [keygen, "-Y", "verify", "-f", str(tmp / "allowed_signers"), "-I", principal, "-n", namespace,
         "-s", str(tmp / "card.sig")],
        input=message, capture_output=True, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("key_type", keys.KEY_TYPES)
@pytest.mark.parametrize("hash_name", ["sha512", "sha256"])
def test_ssh_keygen_verifies_what_prov_signs(tmp_path: Path, key_type: keys.KeyType, hash_name: str) -> None:
    key = keys.generate(key_type)
    message = b'{"_type":"https://in-toto.io/Statement/v1","predicate":{}}'
    signature = sign(message, key, hash_name=hash_name)  # type: ignore[arg-type]
    assert signature.startswith("-----BEGIN SSH SIGNATURE-----\n")
    signers = allowed_signers_line("alice@example.com", key.public_key())
    ok = _verify(tmp_path, message, signature, signers)
    assert ok.returncode == 0, ok.stderr
    assert b"Good" in ok.stdout + ok.stderr
    # A one-byte change, another namespace, another key, another principal: all refused.
    assert _verify(tmp_path, message[:-1] + b"]", signature, signers).returncode != 0
    assert _verify(tmp_path, message, signature, signers, namespace="git").returncode != 0
    other = allowed_signers_line("alice@example.com", keys.generate(key_type).public_key())
    assert _verify(tmp_path, message, signature, other).returncode != 0
    assert _verify(tmp_path, message, signature, signers, principal="mallory@example.com").returncode != 0
    # A line trusting the key for other namespaces only does not vouch for a card.
    git_only = signers.replace(f'namespaces="{CARD_NAMESPACE}"', 'namespaces="git"')
    assert _verify(tmp_path, message, signature, git_only).returncode != 0


@settings(max_examples=15, deadline=None)
@given(message=st.binary(max_size=2000))
def test_any_message_verifies(tmp_path_factory: pytest.TempPathFactory, message: bytes) -> None:
    key = keys.generate("ecdsa-p256")  # ECDSA's r and s take every mpint shape, high bit set or not
    tmp = tmp_path_factory.mktemp("sshsig")
    signers = allowed_signers_line("alice@example.com", key.public_key())
    result = _verify(tmp, message, sign(message, key), signers)
    assert result.returncode == 0, result.stderr


def test_bad_requests_are_refused() -> None:
    key = keys.generate("ed25519")
    with pytest.raises(ValueError, match="namespace"):
        sign(b"x", key, namespace="")
    with pytest.raises(ValueError, match="sha256 or sha512"):
        sign(b"x", key, hash_name="md5")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="principal"):
        allowed_signers_line("two words", key.public_key())
