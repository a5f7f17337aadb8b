"""init -> dataset add -> card -> verify in a real git repo, with real keys and a real model."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import yaml

from provenance.crypto import keys as _keys


def test_card_and_verify(project: Path, prov) -> None:
    r = prov(
        "card",
        "model.joblib",
        "--dataset",
        "patients-2024",
        "--metric",
        "accuracy=0.96",
        "--intended-use",
        "research triage",
    )
    assert r.code == 0, r.err
    assert (project / "model.joblib.prov.json").is_file()
    assert (project / "model.joblib.card.md").is_file()

    r = prov("verify", "model.joblib", "--json")
    assert r.code == 0, r.err
    result = json.loads(r.out)
    assert result["verified"] is True
    assert result["reasons"] == []
    assert result["subject_sha256"] == result["actual_sha256"]

    # verifying by the envelope path works too
    assert prov("verify", "model.joblib.prov.json").code == 0


def test_card_records_what_the_model_is(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    card = _predicate(project / "model.joblib.prov.json")
    art = card["artefact"]
    assert art["format"] == "joblib"
    assert art["framework"] == "scikit-learn"
    assert art["estimator"] == "sklearn.pipeline.Pipeline"
    steps = art["hyperparameters"]["steps"]
    assert steps[1][1]["class"].endswith("LogisticRegression")
    assert steps[1][1]["params"]["C"] == 0.5
    assert art["inspection"]["untrusted_globals"] == []
    ds = card["datasets"][0]
    assert ds["name"] == "patients-2024" and ds["role"] == "train" and ds["content_verified"] is True
    assert ds["terms"]["personal_data"]["legal_basis"] == "consent"
    terms = card["effective_terms"]
    assert terms["confidentiality"] == "confidential"
    assert terms["derivatives"] == "internal"
    assert terms["commercial_use"] is False
    assert terms["territories"] == ["EU"]
    assert terms["personal_data"] is True and terms["special_categories"] == ["health"]
    code = card["code"]
    assert len(code["commit"]) == 40 and code["branch"] == "main"


def test_knn_card_flags_memorisation(project: Path, prov, trained) -> None:
    import shutil

    shutil.copy(trained["knn"], project / "knn.joblib")
    assert prov("card", "knn.joblib", "--dataset", "patients-2024").code == 0
    card = _predicate(project / "knn.joblib.prov.json")
    assert card["artefact"]["estimator"].endswith("KNeighborsClassifier")
    assert card["artefact"]["hyperparameters"]["n_neighbors"] == 1
    assert card["privacy"]["memorisation"]["risk"] == "high"


def test_missing_card(project: Path, prov) -> None:
    r = prov("verify", "model.joblib")
    assert r.code == 1
    assert "CARD_MISSING" in r.err


def test_tamper_one_byte_of_artefact(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    data = bytearray((project / "model.joblib").read_bytes())
    data[len(data) // 2] ^= 0x01
    (project / "model.joblib").write_bytes(bytes(data))
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 1
    assert [x["code"] for x in json.loads(r.out)["reasons"]] == ["DIGEST_MISMATCH"]


def test_tamper_edited_predicate(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    path = project / "model.joblib.prov.json"
    env = json.loads(path.read_text())
    statement = json.loads(base64.b64decode(env["payload"]))
    statement["predicate"]["effective_terms"]["confidentiality"] = "public"  # the edit a leaker would make
    env["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    path.write_text(json.dumps(env))
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 1
    assert [x["code"] for x in json.loads(r.out)["reasons"]] == ["SIGNATURE_INVALID"]


def test_tamper_signature_from_another_card(project: Path, prov, trained) -> None:
    import shutil

    shutil.copy(trained["knn"], project / "other.joblib")
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    assert prov("card", "other.joblib", "--dataset", "patients-2024").code == 0
    mine = json.loads((project / "model.joblib.prov.json").read_text())
    other = json.loads((project / "other.joblib.prov.json").read_text())
    mine["signatures"] = other["signatures"]
    (project / "model.joblib.prov.json").write_text(json.dumps(mine))
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 1
    assert [x["code"] for x in json.loads(r.out)["reasons"]] == ["SIGNATURE_INVALID"]


def test_untrusted_key(project: Path, prov, tmp_path: Path) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    stranger = tmp_path / "stranger.pub"
    stranger.write_bytes(_keys.public_pem(_keys.generate().public_key()))
    r = prov("verify", "model.joblib", "--key", stranger, "--json")
    assert r.code == 1
    assert [x["code"] for x in json.loads(r.out)["reasons"]] == ["KEY_UNTRUSTED"]


def test_card_signed_by_key_the_repo_does_not_trust(project: Path, prov) -> None:
    """A card signed elsewhere with a key absent from .prov/keys is refused."""
    assert prov("key", "generate", "--name", "mallory").code == 0
    # mallory is not trusted in the repo, so prov refuses to sign with it ...
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--key-name", "mallory")
    assert r.code == 2 and "not trusted" in r.err
    # ... and a card mallory signed in another repo does not verify here.
    assert prov("key", "trust", _pub("mallory"), "--name", "mallory").code == 0
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--key-name", "mallory").code == 0
    (project / ".prov" / "keys" / "mallory.pub").unlink()
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 1
    assert [x["code"] for x in json.loads(r.out)["reasons"]] == ["KEY_UNTRUSTED"]


def test_revoked_key(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    card = _predicate(project / "model.joblib.prov.json")
    keyid = card["created"]["signer"]["keyid"]

    # Revoked after signing: the old card is in the ledger, so the revocation keeps it valid.
    assert prov("key", "revoke", keyid, "--reason", "laptop lost").code == 0
    assert prov("verify", "model.joblib").code == 0
    import hashlib

    revs = project / ".prov" / "keys" / "revocations.yaml"
    entries = yaml.safe_load(revs.read_text())
    digest = hashlib.sha256((project / "model.joblib.prov.json").read_bytes()).hexdigest()
    oms = hashlib.sha256((project / "model.joblib.sig").read_bytes()).hexdigest()  # its model-signing signature
    assert sorted(entries[0]["still_valid"]) == sorted([digest, oms])

    # A card the revocation does not keep valid fails, whatever the dates say.
    entries[0]["still_valid"] = []
    revs.write_text(yaml.safe_dump(entries))
    r = prov("verify", "model.joblib", "--json")
    assert r.code == 1
    assert [x["code"] for x in json.loads(r.out)["reasons"]] == ["KEY_REVOKED"]

    # A revocation written before prov listed what stays valid keeps nothing valid (fail closed) until
    # `prov key revoke` is run again, which fills the list in from the ledger and never moves the time.
    del entries[0]["still_valid"]
    revs.write_text(yaml.safe_dump(entries))
    r = prov("verify", "model.joblib")
    assert r.code == 1 and "re-run `prov key revoke`" in r.err
    assert prov("key", "revoke", keyid).code == 0
    assert sorted(yaml.safe_load(revs.read_text())[0]["still_valid"]) == sorted([digest, oms])
    assert yaml.safe_load(revs.read_text())[0]["revoked_at"] == entries[0]["revoked_at"]
    assert prov("verify", "model.joblib").code == 0

    # And a revoked key cannot sign new cards.
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite")
    assert r.code == 2 and "revoked" in r.err


def test_no_overwrite_without_flag_and_previous_card_chained(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    first = (project / "model.joblib.prov.json").read_bytes()
    r = prov("card", "model.joblib", "--dataset", "patients-2024")
    assert r.code == 2 and "--overwrite" in r.err
    assert (project / "model.joblib.prov.json").read_bytes() == first
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    import hashlib

    assert _predicate(project / "model.joblib.prov.json")["previous_card"] == hashlib.sha256(first).hexdigest()


def test_changed_dataset_refuses_to_sign(project: Path, prov) -> None:
    (project / "data" / "patients.csv").write_text("age,diagnosis\n54,1\n61,1\n")
    r = prov("card", "model.joblib", "--dataset", "patients-2024")
    assert r.code == 1 and "changed" in r.err
    assert not (project / "model.joblib.prov.json").exists()
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--no-verify-data")
    assert r.code == 0
    assert _predicate(project / "model.joblib.prov.json")["datasets"][0]["content_verified"] is False


def test_parent_terms_join(project: Path, prov, trained) -> None:
    import shutil

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    (project / "public.csv").write_text("a\n1\n")
    assert (
        prov(
            "dataset",
            "add",
            "public-extra",
            "--file",
            "public.csv",
            "--source",
            "web",
            "--owner",
            "Acme",
            "--licence",
            "CC-BY-4.0",
            "--confidentiality",
            "public",
            "--no-personal-data",
        ).code
        == 0
    )
    shutil.copy(trained["knn"], project / "child.joblib")
    r = prov("card", "child.joblib", "--dataset", "public-extra", "--parent", "model.joblib")
    assert r.code == 0, r.err
    card = _predicate(project / "child.joblib.prov.json")
    assert card["parents"][0]["name"] == "model.joblib"
    terms = card["effective_terms"]
    assert terms["confidentiality"] == "confidential"  # the parent's, the stricter
    assert terms["licence"] == "CC-BY-4.0 AND LicenseRef-Acme-DUA"
    assert terms["personal_data"] is True


def test_git_remote_credentials_are_stripped(project: Path, prov) -> None:
    from conftest import git

    git(project, "remote", "add", "origin", "https://alice:s3cret-token@git.example.com/acme/models.git")
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    text = (project / "model.joblib.prov.json").read_text()
    card = _predicate(project / "model.joblib.prov.json")
    assert card["code"]["remote"] == "https://git.example.com/acme/models.git"
    assert "s3cret" not in base64.b64decode(json.loads(text)["payload"]).decode()


def test_dirty_tree_is_recorded(project: Path, prov) -> None:
    from conftest import git

    (project / "train.py").write_text("print(1)\n")
    git(project, "add", "train.py")
    git(project, "commit", "-q", "--no-verify", "-m", "train")
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    assert _predicate(project / "model.joblib.prov.json")["code"]["dirty"] is False
    (project / "train.py").write_text("print(2)\n")
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    code = _predicate(project / "model.joblib.prov.json")["code"]
    assert code["dirty"] is True and len(code["diff_sha256"]) == 64


def test_private_keys_never_in_repo_and_mode_0600(project: Path, prov, prov_home: Path) -> None:
    assert prov("key", "generate", "--name", "second", "--type", "ed25519").code == 0
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert b"PRIVATE KEY" not in path.read_bytes(), path
    keyfiles = list((prov_home / "keys").glob("*.key"))
    assert len(keyfiles) == 2
    for k in keyfiles:
        assert stat.S_IMODE(k.stat().st_mode) == 0o600
    assert stat.S_IMODE((prov_home / "keys").stat().st_mode) == 0o700


def test_too_open_private_key_is_refused(project: Path, prov, prov_home: Path) -> None:
    key = prov_home / "keys" / "default.key"
    key.chmod(0o644)
    r = prov("card", "model.joblib", "--dataset", "patients-2024")
    assert r.code == 2 and "chmod 600" in r.err


def test_encrypted_key(project: Path, prov, monkeypatch) -> None:
    monkeypatch.setenv("PROV_KEY_PASSPHRASE", "correct horse")
    assert prov("key", "generate", "--name", "enc", "--encrypt", "--default").code == 0
    assert prov("key", "trust").code == 0
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    monkeypatch.setenv("PROV_KEY_PASSPHRASE", "wrong")
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite")
    assert r.code == 2 and "passphrase" in r.err
    monkeypatch.delenv("PROV_KEY_PASSPHRASE")
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite")
    assert r.code == 2 and "PROV_KEY_PASSPHRASE" in r.err


def test_key_export_and_downstream_verify_outside_repo(project: Path, prov, tmp_path: Path, monkeypatch) -> None:
    """What a recipient does: artefact + card + public key, no .prov/ in sight."""
    import shutil

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    r = prov("key", "export")
    assert r.code == 0 and r.out.startswith("-----BEGIN PUBLIC KEY-----")
    outside = tmp_path / "recipient"
    outside.mkdir()
    (outside / "signer.pub").write_text(r.out)
    shutil.copy(project / "model.joblib", outside)
    shutil.copy(project / "model.joblib.prov.json", outside)
    monkeypatch.chdir(outside)
    assert prov("verify", outside / "model.joblib", "--key", outside / "signer.pub").code == 0
    r = prov("verify", outside / "model.joblib")
    assert r.code == 2 and "--key" in r.err


def _pub(name: str) -> Path:
    from provenance.store.userkeys import public_path

    return public_path(name)


def _predicate(path: Path) -> dict:
    env = json.loads(path.read_text())
    return json.loads(base64.b64decode(env["payload"]))["predicate"]
