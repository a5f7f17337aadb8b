"""Issue 14, SSH signatures: what prov signs, the real ssh-keygen verifies (and refuses when it should)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import need

from provenance.crypto import keys
from provenance.crypto.sshsig import BEGIN, CARD_NAMESPACE, END, MAGIC, SshSigError, allowed_signers_line, sign, verify


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


def _keygen_sign(tmp: Path, key: keys.PrivateKey, message: bytes, namespace: str = CARD_NAMESPACE) -> str:
    """A signature made by the real ``ssh-keygen -Y sign``, for the reader's side of the differential."""
    from cryptography.hazmat.primitives import serialization

    keygen = need("ssh-keygen", "openssh-client")
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    )
    (tmp / "id").write_bytes(pem)
    (tmp / "id").chmod(0o600)
    (tmp / "msg").write_bytes(message)
    (tmp / "msg.sig").unlink(missing_ok=True)  # ssh-keygen does not replace an existing signature
    subprocess.run([keygen, "-Y", "sign", "-f", str(tmp / "id"), "-n", namespace, str(tmp / "msg")],
                   check=True, capture_output=True)  # fmt: skip
    return (tmp / "msg.sig").read_text()


@pytest.mark.parametrize("key_type", keys.KEY_TYPES)
def test_prov_reads_what_ssh_keygen_signs(tmp_path: Path, key_type: keys.KeyType) -> None:
    key = keys.generate(key_type)
    message = b'{"a":1}'
    signature = _keygen_sign(tmp_path, key, message)
    verify(signature, message, key.public_key())
    for wrong in (
        lambda: verify(signature, message + b" ", key.public_key()),
        lambda: verify(signature, message, keys.generate(key_type).public_key()),
        lambda: verify(signature, message, key.public_key(), namespace="git"),
        lambda: verify(_keygen_sign(tmp_path, key, message, "git"), message, key.public_key()),
    ):
        with pytest.raises(SshSigError):
            wrong()


@settings(max_examples=25, deadline=None)
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_prov_and_ssh_keygen_agree_on_altered_signatures(
    tmp_path_factory: pytest.TempPathFactory, position: int, bit: int
) -> None:
    """One bit flipped anywhere in the signature blob: prov's reader and ssh-keygen accept or refuse alike."""
    import base64

    key = keys.generate("ecdsa-p256")
    message = b'{"_type":"https://in-toto.io/Statement/v1"}'
    armoured = sign(message, key)
    body = base64.b64decode("".join(armoured.strip().splitlines()[1:-1]))
    raw = bytearray(body)
    index = position % len(raw)
    raw[index] ^= 1 << bit
    text = base64.b64encode(bytes(raw)).decode()
    altered = "\n".join([BEGIN, *(text[i : i + 70] for i in range(0, len(text), 70)), END]) + "\n"
    tmp = tmp_path_factory.mktemp("sshsig")
    theirs = _verify(tmp, message, altered, allowed_signers_line("alice@example.com", key.public_key())).returncode == 0
    try:
        verify(altered, message, key.public_key())
        ours = True
    except SshSigError:
        ours = False
    if len(MAGIC) <= index < len(MAGIC) + 4:  # the version field: the one deliberate difference (below)
        assert ours is False
        return
    assert ours == theirs


def test_the_version_ssh_keygen_forgives_prov_refuses(tmp_path: Path) -> None:
    """The signature does not cover the blob's version field, and ssh-keygen refuses only versions above
    the one it writes (1): a blob saying version 0 verifies there. prov reads version 1 only -- no tool
    writes another -- so that altered blob is refused here (found by the differential test above, when a
    flipped bit landed on the version)."""
    import base64

    key = keys.generate("ecdsa-p256")
    message = b'{"a":1}'
    body = bytearray(base64.b64decode("".join(sign(message, key).strip().splitlines()[1:-1])))
    assert body[: len(MAGIC) + 4] == MAGIC + b"\x00\x00\x00\x01"
    for version, keygen_accepts in ((0, True), (2, False)):
        body[len(MAGIC) + 3] = version
        text = base64.b64encode(bytes(body)).decode()
        altered = "\n".join([BEGIN, *(text[i : i + 70] for i in range(0, len(text), 70)), END]) + "\n"
        signers = allowed_signers_line("alice@example.com", key.public_key())
        assert (_verify(tmp_path, message, altered, signers).returncode == 0) is keygen_accepts
        with pytest.raises(SshSigError, match=f"version {version}"):
            verify(altered, message, key.public_key())


@pytest.mark.parametrize("key_type", keys.KEY_TYPES)
@pytest.mark.parametrize("hash_name", ["sha512", "sha256"])
def test_prov_card_ssh_verifies_with_ssh_keygen(project: Path, prov, key_type: str, hash_name: str) -> None:
    if key_type != "ecdsa-p256":
        assert prov("key", "generate", "--name", "ed", "--type", key_type, "--default").code == 0
        assert prov("key", "trust").code == 0
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--ssh", "--ssh-hash", hash_name)
    assert r.code == 0, r.err
    card_json, card_sig = project / "model.joblib.card.json", project / "model.joblib.card.sig"
    envelope = json.loads((project / "model.joblib.prov.json").read_text())
    import base64

    assert card_json.read_bytes() == base64.b64decode(envelope["payload"])  # the exact signed statement
    r = prov("key", "export", "--allowed-signers", "--principal", "alice@example.com")
    assert r.code == 0 and r.out.startswith(f'alice@example.com namespaces="{CARD_NAMESPACE}" ')
    signers = r.out
    message = card_json.read_bytes()
    ok = _verify(project, message, card_sig.read_text(), signers)
    assert ok.returncode == 0, ok.stderr
    assert _verify(project, message, card_sig.read_text(), signers, namespace="file").returncode != 0
    assert _verify(project, message[:-1] + b" ", card_sig.read_text(), signers).returncode != 0
    other = allowed_signers_line("alice@example.com", keys.generate("ecdsa-p256").public_key())
    assert _verify(project, message, card_sig.read_text(), other).returncode != 0
    assert prov("verify", "model.joblib").code == 0

    # Re-signed without --ssh: the pair is rewritten (never left stale); --no-ssh removes it.
    before = card_json.read_bytes()
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite", "--metric", "f1=0.9").code == 0
    assert card_json.read_bytes() != before
    assert _verify(project, card_json.read_bytes(), card_sig.read_text(), signers).returncode == 0
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite", "--no-ssh").code == 0
    assert not card_json.exists() and not card_sig.exists()


def test_prov_verify_catches_a_stale_or_foreign_ssh_pair(project: Path, prov, tmp_path: Path) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--ssh").code == 0
    card_json, card_sig = project / "model.joblib.card.json", project / "model.joblib.card.sig"
    old_json, old_sig = card_json.read_bytes(), card_sig.read_bytes()
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite", "--metric", "f1=0.9").code == 0
    card_json.write_bytes(old_json)  # an earlier card, validly signed: ssh-keygen would accept it
    card_sig.write_bytes(old_sig)
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 1
    assert ("DIGEST_MISMATCH", "model.joblib.card.json") in [
        (x["code"], x["source"]) for x in json.loads(r.out)["reasons"]
    ]
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    stranger = keys.generate("ecdsa-p256")
    card_sig.write_text(sign(card_json.read_bytes(), stranger))
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 1 and "made by another key" in r.out
    card_json.unlink()
    assert prov("verify", "model.joblib").code == 1


def test_key_export_allowed_signers_refuses_bad_requests(project: Path, prov) -> None:
    r = prov("key", "export", "--allowed-signers", "--principal", "two words")
    assert r.code == 2 and "--principal" in r.err
    assert prov("key", "export", "--principal", "x").code == 2
    assert prov("key", "export", "--allowed-signers", "--revocations").code == 2
    r = prov("key", "export", "--allowed-signers")
    assert r.code == 0 and r.out.startswith(f'default namespaces="{CARD_NAMESPACE}" ecdsa-sha2-nistp256 ')


def _with_armour(armoured: str, edit) -> str:  # type: ignore[no-untyped-def]
    lines = armoured.strip().split("\n")
    return edit(lines)


@pytest.mark.parametrize(
    "variant",
    ["crlf", "indented", "blank-line", "unpadded-mpint", "padded-mpint"],
)
def test_what_prov_reads_ssh_keygen_reads(tmp_path: Path, variant: str) -> None:
    """Found by the attacker: prov's reader accepted CRLF, indented or blank-lined armour, and an ECDSA
    number missing its sign byte; ssh-keygen refuses each. One reader's yes must be the other's."""
    import base64
    import struct

    key = keys.generate("ecdsa-p256")
    message = b'{"a":1}'
    good = sign(message, key)
    for _ in range(64):  # an r or s with its high bit set, so it carries a sign byte
        body = base64.b64decode("".join(good.strip().split("\n")[1:-1]))
        if b"\x00\x00\x00\x21\x00" in body:
            break
        good = sign(message, key)
    else:
        pytest.skip("no high-bit r or s in 64 signatures")
    if variant == "crlf":
        bad = good.replace("\n", "\r\n")
    elif variant == "indented":
        bad = "\n".join(
            ln if i in (0,) or ln.startswith("-----END") else " " + ln for i, ln in enumerate(good.split("\n"))
        )
    elif variant == "blank-line":
        lines = good.strip().split("\n")
        bad = "\n".join([*lines[:2], "", *lines[2:]]) + "\n"
    else:
        i = body.index(b"\x00\x00\x00\x21\x00")
        if variant == "unpadded-mpint":  # 33 bytes with a sign byte -> 32 without: negative to ssh
            edited = body[:i] + b"\x00\x00\x00\x20" + body[i + 5 :]
        else:  # a needless second zero byte
            edited = body[:i] + b"\x00\x00\x00\x22\x00" + body[i + 4 :]
        # fix the lengths of the enclosing strings (the signature blob and the (r, s) pair)
        delta = len(edited) - len(body)
        sig_at = edited.rindex(b"ecdsa-sha2-nistp256") - 4 - 4
        (outer,) = struct.unpack(">I", edited[sig_at : sig_at + 4])
        edited = edited[:sig_at] + struct.pack(">I", outer + delta) + edited[sig_at + 4 :]
        pair_at = sig_at + 4 + 4 + len(b"ecdsa-sha2-nistp256")
        (inner,) = struct.unpack(">I", edited[pair_at : pair_at + 4])
        edited = edited[:pair_at] + struct.pack(">I", inner + delta) + edited[pair_at + 4 :]
        text = base64.b64encode(edited).decode()
        bad = "\n".join([BEGIN, *(text[j : j + 70] for j in range(0, len(text), 70)), END]) + "\n"
    theirs = _verify(tmp_path, message, bad, allowed_signers_line("alice@example.com", key.public_key()))
    try:
        verify(bad, message, key.public_key())
        ours = True
    except SshSigError:
        ours = False
    assert not ours or theirs.returncode == 0, variant  # prov accepts only what ssh-keygen accepts
    if variant in ("crlf", "unpadded-mpint"):  # what the attacker found prov accepting and ssh-keygen not
        assert not ours and theirs.returncode != 0


@pytest.mark.parametrize("principal", ["*", "al*ce", "!bob", "#x", "a?b"])
def test_principals_that_are_patterns_are_refused(principal: str) -> None:
    with pytest.raises(ValueError, match="pattern characters"):
        allowed_signers_line(principal, keys.generate("ed25519").public_key())
