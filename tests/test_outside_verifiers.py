"""Our envelopes and key ids as outside tools read them (securesystemslib, the DSSE spec vector)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

from provenance.crypto import dsse
from provenance.crypto import keys as _keys
from provenance.store import userkeys


def _card_in_new_project(prov, repo: Path, model: Path, *init_args: str, personal: bool = False) -> Path:
    """init, one small dataset, one signed card; returns the card path."""
    import shutil

    assert prov("init", "--owner", "Acme", *init_args).code == 0
    (repo / "d.csv").write_text("x\n1\n")
    flags = ["--personal-data", "--legal-basis", "contract"] if personal else ["--no-personal-data"]
    args = ["d", "--file", "d.csv", "--source", "s", "--owner", "o", "--licence", "MIT"]
    assert prov("dataset", "add", *args, "--confidentiality", "internal", *flags).code == 0
    shutil.copy(model, repo / "m.joblib")
    assert prov("card", "m.joblib", "--dataset", "d").code == 0
    return repo / "m.joblib.prov.json"


def test_pae_matches_spec_vector() -> None:
    assert dsse.pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


@pytest.mark.parametrize("key_type", ["ecdsa-p256", "ed25519"])
def test_keyid_is_securesystemslib_default(key_type: str) -> None:
    key = _keys.generate(key_type).public_key()  # type: ignore[arg-type]
    assert _keys.keyid(key) == SSlibKey.from_crypto(key).keyid


@pytest.mark.parametrize("key_type", ["ecdsa-p256", "ed25519"])
def test_securesystemslib_verifies_card_envelope_unmodified(
    key_type: str, git_repo: Path, prov, trained, tmp_path: Path
) -> None:
    _card_in_new_project(prov, git_repo, trained["logreg"], "--key-type", key_type)
    envelope = Envelope.from_dict(json.loads((git_repo / "m.joblib.prov.json").read_text()))
    public = userkeys.load_public(userkeys.default_name() or "default").key
    verified = envelope.verify([SSlibKey.from_crypto(public)], 1)
    assert list(verified) == [_keys.keyid(public)]
    statement = json.loads(envelope.pae().split(b" ", 4)[4])
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://prov-cards.dev/model-card/v1"

    # and securesystemslib rejects the same envelope once the payload is edited
    from securesystemslib.exceptions import VerificationError

    tampered = json.loads((git_repo / "m.joblib.prov.json").read_text())
    tampered["payload"] = tampered["payload"][:-8] + ("A" * 8 if not tampered["payload"].endswith("A" * 8) else "B" * 8)
    with pytest.raises((VerificationError, ValueError)):
        Envelope.from_dict(tampered).verify([SSlibKey.from_crypto(public)], 1)


def test_card_predicate_validates_against_published_schema(git_repo: Path, prov, trained) -> None:
    import base64

    import jsonschema

    root = Path(__file__).resolve().parent.parent / "schemas"
    _card_in_new_project(prov, git_repo, trained["logreg"], personal=True)
    env = json.loads((git_repo / "m.joblib.prov.json").read_text())
    predicate = json.loads(base64.b64decode(env["payload"]))["predicate"]
    jsonschema.validate(predicate, json.loads((root / "model-card.schema.json").read_text()))
    r = prov("dataset", "show", "d", "--json")
    jsonschema.validate(json.loads(r.out), json.loads((root / "dataset-manifest.schema.json").read_text()))


def test_directory_root_equals_openssf_model_signing_subject(tmp_path: Path) -> None:
    """model_signing signs a directory; its subject digest must equal our card's subject digest."""
    import base64

    from model_signing import signing

    from provenance.digest import Hasher

    model = tmp_path / "model"
    (model / "a").mkdir(parents=True)
    (model / "a" / "b.txt").write_bytes(b"one")
    (model / "a-b.txt").write_bytes(b"two")  # plain string order would put this first
    (model / "weights.bin").write_bytes(bytes(range(256)) * 1000)
    (model / ".gitattributes").write_text("*.bin filter=lfs\n")  # left out by both, as model_signing does
    (model / ".git").mkdir()
    (model / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    key = _keys.generate("ecdsa-p256")
    (tmp_path / "key.pem").write_bytes(_keys.private_pem(key))

    signing.Config().use_elliptic_key_signer(private_key=tmp_path / "key.pem").sign(model, tmp_path / "model.sig")
    bundle = json.loads((tmp_path / "model.sig").read_text())
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    theirs = statement["subject"][0]["digest"]["sha256"]
    ours = Hasher(show_progress=False).tree(model)
    assert ours.sha256 == theirs
    assert [f.path for f in ours.files] == [r["name"] for r in statement["predicate"]["resources"]]
