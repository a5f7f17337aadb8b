"""Issue 14, OpenSSF model signing: what `prov card` signs, the real `model_signing verify key` checks (and
refuses after tampering); what `model_signing sign key` signs, `prov verify` reads. prov and
model_signing must agree on every case: prov never says OK where model_signing says no."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from provenance.crypto import keys

ALLOWED = ["--recipient", "Research team", "--org", "Acme Hospital", "--purpose", "research", "--territory", "DE"]
MODEL_SIGNING = Path(sys.executable).with_name("model_signing")


def _ms(*args: object) -> subprocess.CompletedProcess[str]:
    assert MODEL_SIGNING.exists(), "model-signing is in the test extra"
    return subprocess.run([str(MODEL_SIGNING), *map(str, args)], capture_output=True, text=True, check=False)


def ms_verify(model: Path, pub: Path, sig: Path) -> bool:
    r = _ms("verify", "key", model, "--public_key", pub, "--signature", sig)
    return r.returncode == 0 and "Verification succeeded" in r.stdout + r.stderr


def _pub(repo: Path) -> Path:
    (pub,) = sorted((repo / ".prov" / "keys").glob("*.pub"))
    return pub


def _codes(out: str) -> list[tuple[str, str]]:
    return [(x["code"], x["source"]) for x in json.loads(out)["reasons"]]


def _directory_model(root: Path) -> Path:
    model = root / "model"
    (model / "a").mkdir(parents=True)
    (model / "a" / "b.txt").write_bytes(b"one")
    (model / "a-b.txt").write_bytes(b"two")  # PurePosixPath order puts a/b.txt first
    (model / "weights.bin").write_bytes(bytes(range(256)) * 400)
    (model / ".gitattributes").write_text("*.bin filter=lfs\n")  # left out by both
    return model


def test_a_file_card_comes_with_a_signature_model_signing_verifies(project: Path, prov) -> None:
    r = prov("card", "model.joblib", "--dataset", "patients-2024")
    assert r.code == 0, r.err
    sig = project / "model.joblib.sig"
    assert "wrote model.joblib.sig" in r.err
    bundle = json.loads(sig.read_text())
    assert bundle["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json"
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    assert statement["predicateType"] == "https://model_signing/signature/v1.0"
    assert [x["name"] for x in statement["predicate"]["resources"]] == ["."]
    assert ms_verify(project / "model.joblib", _pub(project), sig)
    assert prov("verify", "model.joblib").code == 0

    data = bytearray((project / "model.joblib").read_bytes())
    data[len(data) // 2] ^= 0x01
    (project / "model.joblib").write_bytes(bytes(data))
    assert not ms_verify(project / "model.joblib", _pub(project), sig)
    assert prov("verify", "model.joblib").code == 1


@pytest.mark.parametrize("tamper", ["one-byte", "added", "removed", "renamed", "none"])
def test_directory_prov_and_model_signing_agree(project: Path, prov, tamper: str) -> None:
    model = _directory_model(project)
    assert prov("card", "model", "--dataset", "patients-2024").code == 0
    sig = project / "model.sig"
    assert ms_verify(model, _pub(project), sig)
    if tamper == "one-byte":
        raw = bytearray((model / "weights.bin").read_bytes())
        raw[1000] ^= 0x80
        (model / "weights.bin").write_bytes(bytes(raw))
    elif tamper == "added":
        (model / "a" / "extra.py").write_text("import os\n")
    elif tamper == "removed":
        (model / "a-b.txt").unlink()
    elif tamper == "renamed":
        (model / "a-b.txt").rename(model / "a-c.txt")
    theirs = ms_verify(model, _pub(project), sig)
    r = prov("verify", "model", "--json")
    assert theirs == (tamper == "none")
    assert (r.code == 0) == theirs, r.out


def test_a_stale_signature_beside_a_valid_card_blocks(project: Path, prov) -> None:
    """Re-signed after the model changed, but an old ARTEFACT.sig put back: model_signing would refuse the
    model, so prov verify must too, though the card itself holds."""
    model = _directory_model(project)
    assert prov("card", "model", "--dataset", "patients-2024").code == 0
    old = (project / "model.sig").read_bytes()
    (model / "weights.bin").write_bytes(b"retrained")
    assert prov("card", "model", "--dataset", "patients-2024", "--overwrite").code == 0
    (project / "model.sig").write_bytes(old)
    assert not ms_verify(model, _pub(project), project / "model.sig")
    r = prov("verify", "model", "--json")
    assert r.code == 1
    assert ("DIGEST_MISMATCH", "model.sig") in _codes(r.out)
    assert "weights.bin changed" in r.out


def test_garbage_and_forged_signatures_beside_a_card(project: Path, prov, tmp_path: Path) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    sig = project / "model.joblib.sig"
    good = sig.read_bytes()
    sig.write_text("not json")
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 1 and ("OMS_SIGNATURE_UNREADABLE", "model.joblib.sig") in _codes(r.out)

    # The statement edited (another digest for "."), the signature kept: SIGNATURE_INVALID.
    bundle = json.loads(good)
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    statement["predicate"]["resources"][0]["digest"] = "0" * 64
    bundle["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    sig.write_text(json.dumps(bundle))
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 1 and ("SIGNATURE_INVALID", "model.joblib.sig") in _codes(r.out)

    # Signed by someone else (an upstream publisher, say): reported, but the verified card decides.
    other = tmp_path / "other.pem"
    other.write_bytes(keys.private_pem(keys.generate("ecdsa-p256")))
    sig.unlink()
    assert _ms("sign", "key", project / "model.joblib", "--private_key", other, "--signature", sig).returncode == 0
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 0 and ("OMS_SIGNER_UNTRUSTED", "model.joblib.sig") in _codes(r.out)


def test_prov_card_does_not_overwrite_someone_elses_signature(project: Path, prov, tmp_path: Path) -> None:
    other = tmp_path / "upstream.pem"
    other.write_bytes(keys.private_pem(keys.generate("ecdsa-p256")))
    sig = project / "model.joblib.sig"
    assert _ms("sign", "key", project / "model.joblib", "--private_key", other, "--signature", sig).returncode == 0
    before = sig.read_bytes()
    r = prov("card", "model.joblib", "--dataset", "patients-2024")
    assert r.code == 2
    assert "model.joblib.sig exists and is not a model-signing signature by a key this repository trusts" in r.err
    assert sig.read_bytes() == before and not (project / "model.joblib.prov.json").exists()


@pytest.mark.parametrize("kind", ["file", "directory"])
def test_prov_verify_reads_what_model_signing_signs(tmp_path: Path, prov, kind: str) -> None:
    """No prov repository, no card: a recipient checks a model_signing signature with the signer's key
    (model_signing writes an empty keyid; the hint names the key)."""
    key = keys.generate("ecdsa-p256")
    (tmp_path / "key.pem").write_bytes(keys.private_pem(key))
    (tmp_path / "key.pub").write_bytes(keys.public_pem(key.public_key()))
    model = _directory_model(tmp_path) if kind == "directory" else tmp_path / "model.safetensors"
    if kind == "file":
        model.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    sig = tmp_path / f"{model.name}.sig"
    assert _ms("sign", "key", model, "--private_key", tmp_path / "key.pem", "--signature", sig).returncode == 0
    assert json.loads(sig.read_text())["dsseEnvelope"]["signatures"][0]["keyid"] == ""

    r = prov("verify", model, "--key", tmp_path / "key.pub", "--json")
    assert r.code == 0, r.out
    data = json.loads(r.out)
    assert data["keyid"] == keys.keyid(key.public_key())
    assert [x["code"] for x in data["reasons"] if x["severity"] == "block"] == []
    assert "OMS_ONLY" in [x["code"] for x in data["reasons"]]
    r = prov("verify", model, "--key", tmp_path / "key.pub")
    assert r.code == 0 and "OK model" in r.out and "OpenSSF model-signing signature" in r.out

    # Another key: untrusted. Then a one-byte change: refused by both.
    stranger = tmp_path / "stranger.pub"
    stranger.write_bytes(keys.public_pem(keys.generate("ecdsa-p256").public_key()))
    r = prov("verify", model, "--key", stranger, "--json")
    assert r.code == 1 and "KEY_UNTRUSTED" in [c for c, _ in _codes(r.out)]
    target = model / "weights.bin" if kind == "directory" else model
    raw = bytearray(target.read_bytes())
    raw[-1] ^= 0x01
    target.write_bytes(bytes(raw))
    assert not ms_verify(model, tmp_path / "key.pub", sig)
    r = prov("verify", model, "--key", tmp_path / "key.pub", "--json")
    assert r.code == 1 and ("DIGEST_MISMATCH", sig.name) in _codes(r.out)


def test_a_model_signing_signature_alone_never_passes_the_gate(project: Path, prov, tmp_path: Path) -> None:
    """OMS_ONLY is for `prov verify`; export and the commit check still need a card."""
    from provenance.store import userkeys

    sig = project / "model.joblib.sig"
    key = userkeys.load_private(userkeys.default_name(), userkeys.env_passphrase)  # type: ignore[arg-type]
    (tmp_path / "key.pem").write_bytes(keys.private_pem(key))  # the repository's own, trusted key signs it
    signing = _ms("sign", "key", project / "model.joblib", "--private_key", tmp_path / "key.pem", "--signature", sig)
    assert signing.returncode == 0
    assert prov("verify", "model.joblib").code == 0
    r = prov("export", "model.joblib", "--to", tmp_path / "out", *ALLOWED, "--json")
    assert r.code == 1 and "CARD_MISSING" in r.out
    assert not (tmp_path / "out").exists()


def test_ed25519_signers_get_no_oms_signature_and_are_told_why(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    assert (project / "model.joblib.sig").exists()
    assert prov("key", "generate", "--name", "ed", "--type", "ed25519", "--default").code == 0
    assert prov("key", "trust").code == 0
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite")
    assert r.code == 0, r.err
    assert "model_signing accepts ECDSA keys only and this key is Ed25519" in r.err
    assert not (project / "model.joblib.sig").exists()  # the old one would vouch for the replaced card
    assert prov("verify", "model.joblib").code == 0


def test_export_bundles_carry_a_signature_model_signing_verifies(project: Path, prov, tmp_path: Path) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    (project / "model.joblib.sig").unlink()  # a card made before prov wrote them: the exporter signs one
    r = prov("export", "model.joblib", "--to", tmp_path / "out", *ALLOWED, "--json")
    assert r.code == 0, r.out
    bundle = tmp_path / "out"
    assert ms_verify(bundle / "model.joblib", bundle / "signer.pub", bundle / "model.joblib.sig")
    assert prov("verify", bundle, "--key", bundle / "signer.pub").code == 0
    (bundle / "model.joblib.sig").write_text("{}")
    assert prov("verify", bundle, "--key", bundle / "signer.pub").code == 1  # the record names its digest


def test_render_output_never_replaces_a_cards_signatures(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--ssh").code == 0
    for name in ("model.joblib.sig", "model.joblib.card.json", "model.joblib.card.sig"):
        before = (project / name).read_bytes()
        r = prov("card", "model.joblib", "--render", "--format", "cyclonedx", "-o", name)
        assert r.code == 2 and "a signature prov card writes" in r.err
        assert (project / name).read_bytes() == before
    assert prov("verify", "model.joblib").code == 0


def test_signing_twice_does_not_make_the_tree_dirty(project: Path, prov) -> None:
    """The card's companions are prov's own output, like the card: committing them and re-signing does
    not flag the code as having uncommitted changes."""
    import subprocess

    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--ssh").code == 0
    subprocess.run(["git", "add", "-A"], cwd=project, check=True, capture_output=True)
    subprocess.run(["git", "commit", "-qm", "m", "--no-verify"], cwd=project, check=True, capture_output=True)
    (project / "model.joblib.card.json").write_text("{}")  # changed since the commit; prov card rewrites it
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite", "--metric", "f1=0.5").code == 0
    statement = json.loads((project / "model.joblib.card.json").read_text())
    assert statement["predicate"]["code"]["dirty"] is False


def test_two_artefacts_cannot_share_a_companion_file(project: Path, prov) -> None:
    """Found by the attacker: `q.card.sig` is `q`'s SSH signature and `q.card`'s model-signing signature."""
    import shutil

    shutil.copy(project / "model.joblib", project / "q")
    (project / "q.card").mkdir()
    (project / "q.card" / "w.bin").write_bytes(b"weights")
    assert prov("card", "q.card", "--dataset", "patients-2024").code == 0
    before = (project / "q.card.sig").read_bytes()
    r = prov("card", "q", "--dataset", "patients-2024", "--ssh")
    assert r.code == 2 and "would also be q.card's" in r.err
    assert (project / "q.card.sig").read_bytes() == before and not (project / "q.prov.json").exists()


def test_a_directory_where_a_signature_goes_is_found_before_anything_is_written(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    card = (project / "model.joblib.prov.json").read_bytes()
    ledger = (project / ".prov" / "ledger.jsonl").read_bytes()
    (project / "model.joblib.card.sig").mkdir()
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite", "--ssh")
    assert r.code == 2 and "is a directory or special file" in r.err
    assert (project / "model.joblib.prov.json").read_bytes() == card
    assert (project / ".prov" / "ledger.jsonl").read_bytes() == ledger


def test_export_replaces_a_signature_by_someone_else(project: Path, prov, tmp_path: Path) -> None:
    """Found by the attacker: an upstream's model_signing signature beside a valid card was copied into the
    bundle, where `model_signing verify key` with the bundle's signer.pub fails. The exporter signs anew."""
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    other = tmp_path / "upstream.pem"
    other.write_bytes(keys.private_pem(keys.generate("ecdsa-p256")))
    sig = project / "model.joblib.sig"
    sig.unlink()
    assert _ms("sign", "key", project / "model.joblib", "--private_key", other, "--signature", sig).returncode == 0
    assert prov("export", "model.joblib", "--to", tmp_path / "out", *ALLOWED).code == 0
    bundle = tmp_path / "out"
    assert (bundle / "model.joblib.sig").read_bytes() != sig.read_bytes()
    assert ms_verify(bundle / "model.joblib", bundle / "signer.pub", bundle / "model.joblib.sig")


def test_bundle_fields_model_signing_refuses_prov_refuses(project: Path, prov) -> None:
    """Found by the attacker: unsigned extra fields, or a statement without allow_symlinks, passed prov's
    reader and failed model_signing's. Each variant: both refuse."""
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    sig = project / "model.joblib.sig"
    good = json.loads(sig.read_text())
    variants = []
    for where in ([], ["verificationMaterial"], ["verificationMaterial", "publicKey"], ["dsseEnvelope"]):
        bundle = json.loads(json.dumps(good))
        node = bundle
        for k in where:
            node = node[k]
        node["x509CertificateChain" if where == ["verificationMaterial"] else "extra"] = {}
        variants.append(bundle)
    pub = _pub(project)
    for bundle in variants:
        sig.write_text(json.dumps(bundle))
        assert not ms_verify(project / "model.joblib", pub, sig)
        assert prov("verify", "model.joblib").code == 1, bundle


def test_a_statement_without_allow_symlinks_is_refused() -> None:
    """model_signing needs the field; a statement without it passed prov's reader (the attacker's case)."""
    from provenance.crypto import oms
    from provenance.crypto.keyinfo import PublicKeyInfo

    key = keys.generate("ecdsa-p256")
    body = json.loads(oms.statement("m", [(".", "ab" * 32)]))
    del body["predicate"]["serialization"]["allow_symlinks"]
    raw = oms.sign(json.dumps(body).encode(), key)
    with pytest.raises(oms.OmsFormatError, match="allow_symlinks"):
        oms.verify(raw, [PublicKeyInfo.of("k", key.public_key())])
    fine = oms.sign(oms.statement("m", [(".", "ab" * 32)]), key)
    assert oms.verify(fine, [PublicKeyInfo.of("k", key.public_key())]).resources == {".": "ab" * 32}


def _clean_model(root: Path) -> Path:
    """A directory model the gate passes as it is (no pickles, nothing unsigned inside)."""
    model = root / "model"
    (model / "a").mkdir(parents=True)
    (model / "a" / "b.json").write_text('{"layers": 2}')
    (model / "a-b.txt").write_text("tokens\n")
    (model / "weights.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    return model


def _git(repo: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_the_commit_gate_checks_the_cards_signatures(project: Path, prov) -> None:
    """Found by the attacker: `prov check` passed a stale SSH pair and a model-signing signature over other
    files, which ssh-keygen and model_signing accept; prov verify refused both. One check, both places."""
    model = _directory_model(project)
    assert prov("card", "model", "--dataset", "patients-2024", "--ssh").code == 0
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "model", "--no-verify")
    old_json, old_sig = (project / "model.card.json").read_bytes(), (project / "model.card.sig").read_bytes()
    assert prov("card", "model", "--dataset", "patients-2024", "--overwrite", "--metric", "f1=0.5").code == 0
    (project / "model.card.json").write_bytes(old_json)
    (project / "model.card.sig").write_bytes(old_sig)
    _git(project, "add", "-A")
    r = prov("check", "--json")
    assert r.code == 1 and "model.card.json is not the statement the card signs" in r.out
    assert prov("check", "model.card.json").code == 1  # named alone, as pre-commit would pass it
    assert prov("card", "model", "--dataset", "patients-2024", "--overwrite").code == 0
    _git(project, "add", "-A")
    r = prov("check")  # (the model itself has other findings: .gitattributes inside it, a .bin pickle)
    assert "model.card" not in r.out and "model.sig" not in r.out, r.out
    (model / "a-b.txt").write_bytes(b"changed")  # re-signed; then a signature over the old files put back
    old_oms = (project / "model.sig").read_bytes()
    assert prov("card", "model", "--dataset", "patients-2024", "--overwrite").code == 0
    (project / "model.sig").write_bytes(old_oms)
    _git(project, "add", "-A")
    r = prov("check", "model.sig")
    assert r.code == 1 and "a-b.txt changed" in r.out + r.err


def test_prov_check_of_a_directory_checks_what_is_under_it(project: Path, prov) -> None:
    """Found by the attacker: `prov check DIR` (and `prov check .`) passed whatever DIR held."""
    model = _clean_model(project)
    assert prov("card", "model", "--dataset", "patients-2024").code == 0
    _git(project, "add", "-A")
    assert prov("check", "model").code == 0
    _git(project, "commit", "-qm", "model", "--no-verify")
    (model / "a-b.txt").write_bytes(b"tampered")
    (project / "sub").mkdir()
    import shutil

    shutil.copy(project / "model.joblib", project / "sub" / "evil.joblib")
    _git(project, "add", "-A")
    for target in ("model", "sub", ".", str(project)):
        r = prov("check", target)
        assert r.code == 1, target


def test_commits_that_delete_are_checked(project: Path, prov) -> None:
    """Found by the attacker: pre-commit passes no deleted paths, so deleting a card or a file of a carded
    directory went unchecked. The gate reads deletions from the index; the hook runs on every commit."""
    _clean_model(project)
    assert prov("card", "model", "--dataset", "patients-2024").code == 0
    _git(project, "add", "-A")
    assert prov("check", "model").code == 0, prov("check", "model").out  # the baseline passes
    _git(project, "commit", "-qm", "model", "--no-verify")
    _git(project, "rm", "-q", "model/a-b.txt")
    assert prov("check").code == 1
    assert prov("check", "README.md").code == 1  # whatever pre-commit passes, the deletion is seen
    _git(project, "reset", "-q", "--hard")
    _git(project, "rm", "-q", "model.prov.json")
    r = prov("check")
    assert r.code == 1 and "CARD_MISSING" in r.out + r.err
    hooks = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    assert "always_run: true" in hooks


def test_the_fast_path_never_passes_companions_the_full_check_blocks(project: Path, prov) -> None:
    """Found by the attacker (round 2): a remembered pass did not cover the companions, so old signatures
    put back in the index passed `prov check ARTEFACT` (what the hook runs) after one full check."""
    st = project / "w.safetensors"
    st.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    assert prov("card", "w.safetensors", "--dataset", "patients-2024", "--ssh").code == 0
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "v1", "--no-verify")
    header = b'{"__metadata__":{"v":"2"}}      '  # another valid safetensors file (32-byte header)
    st.write_bytes(len(header).to_bytes(8, "little") + header)
    assert prov("card", "w.safetensors", "--dataset", "patients-2024", "--overwrite").code == 0
    _git(project, "add", "-A")
    assert prov("check", "w.safetensors").code == 0  # the full check passes, and remembers it
    _git(project, "restore", "--staged", "w.safetensors.sig", "w.safetensors.card.json", "w.safetensors.card.sig")
    r = prov("check", "w.safetensors")
    assert r.code == 1, r.out
    _git(project, "add", "-A")
    assert prov("check", "w.safetensors").code == 0
    (project / "w.safetensors.sig").write_text("{}")
    _git(project, "add", "w.safetensors.sig")
    assert prov("check", "w.safetensors").code == 1


def test_a_name_two_readings_could_give_is_judged_by_both(project: Path, prov) -> None:
    """`m.card.sig` is `m.card`'s model-signing signature when `m.card` is the carded artefact."""
    (project / "m.card").mkdir()
    (project / "m.card" / "config.json").write_text("{}")
    assert prov("card", "m.card", "--dataset", "patients-2024").code == 0
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "m", "--no-verify")
    (project / "m.card.sig").write_text("{}")
    _git(project, "add", "m.card.sig")
    assert prov("check", "m.card.sig").code == 1
    assert prov("check").code == 1


def test_symbolic_links_get_no_model_signing_signature(project: Path, prov, tmp_path: Path) -> None:
    """model_signing refuses a symlinked model; prov must not say OK for one on its signature's strength."""
    (project / "l.joblib").symlink_to("model.joblib")
    r = prov("card", "l.joblib", "--dataset", "patients-2024")
    assert r.code == 0 and "symbolic link" in r.err and not (project / "l.joblib.sig").exists()
    key = keys.generate("ecdsa-p256")
    (tmp_path / "k.pem").write_bytes(keys.private_pem(key))
    (tmp_path / "k.pub").write_bytes(keys.public_pem(key.public_key()))
    real = tmp_path / "real.safetensors"
    real.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    assert _ms(
        "sign", "key", real, "--private_key", tmp_path / "k.pem", "--signature", tmp_path / "link.safetensors.sig"
    )
    (tmp_path / "link.safetensors").symlink_to(real)
    assert not ms_verify(tmp_path / "link.safetensors", tmp_path / "k.pub", tmp_path / "link.safetensors.sig")
    r = prov("verify", tmp_path / "link.safetensors", "--key", tmp_path / "k.pub", "--json")
    assert r.code == 1 and "ARTEFACT_NOT_A_FILE" in r.out


def test_a_symlinked_companion_does_not_verify(project: Path, prov, tmp_path: Path) -> None:
    """What a link points at can change under the card; and a bundle would ship the pair half (round 2)."""
    import shutil

    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--ssh").code == 0
    shutil.move(project / "model.joblib.card.json", project / "copy.json")
    (project / "model.joblib.card.json").symlink_to("copy.json")
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 1
    assert prov("export", "model.joblib", "--to", tmp_path / "out", *ALLOWED).code == 1
    assert not (tmp_path / "out").exists()


def test_render_output_never_lands_inside_a_carded_directory(project: Path, prov) -> None:
    _clean_model(project)
    assert prov("card", "model", "--dataset", "patients-2024").code == 0
    r = prov("card", "model", "--render", "-o", "model/a/notes.md")
    assert r.code == 2 and "inside a directory artefact" in r.err
    assert prov("verify", "model").code == 0


def test_manifest_paths_must_be_written_as_git_lists_them(project: Path, prov) -> None:
    import yaml

    (project / "x.csv").write_text("a\n1\n")
    for bad in ("./x.csv", "data//patients.csv", "data/./patients.csv"):
        manifest = yaml.safe_load((project / "patients-2024.yaml").read_text())
        manifest["name"], manifest["files"] = "odd", [{"path": bad}]
        (project / "odd.yaml").write_text(yaml.safe_dump(manifest))
        r = prov("dataset", "add", "--manifest", "odd.yaml")
        assert r.code == 2 and "as git lists it" in r.err, bad


def test_render_output_never_replaces_a_model_or_a_signature_without_a_card(project: Path, prov) -> None:
    """Round 3: `-o` replaced an uncarded model and a model_signing signature with no prov card (the only
    evidence `prov verify` reads for it)."""
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    (project / "other.joblib").write_bytes(b"weights")
    (project / "other.joblib.sig").write_text("{}")
    for name in ("other.joblib", "other.joblib.sig"):
        r = prov("card", "model.joblib", "--render", "-o", name)
        assert r.code == 2 and "named like a model or a signature" in r.err
    assert (project / "other.joblib").read_bytes() == b"weights"
