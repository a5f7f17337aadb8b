"""`prov export` and downstream verification of its bundles, through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REFUSED = ["--recipient", "Data Science", "--org", "Globex Pharma", "--purpose", "commercial", "--territory", "US"]
ALLOWED = ["--recipient", "Research team", "--org", "Acme Hospital", "--purpose", "research", "--territory", "DE"]


@pytest.fixture
def signed(project: Path, prov) -> Path:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    return project


def _listing(d: Path) -> list[tuple[str, bytes]]:
    return sorted((str(p.relative_to(d)), p.read_bytes() if p.is_file() else b"") for p in d.rglob("*"))


def test_refused_export_writes_nothing(signed: Path, prov) -> None:
    r = prov("export", "model.joblib", "--to", "out", *REFUSED)
    assert r.code == 1
    assert "CONFIDENTIALITY_AUDIENCE" in r.out and "AGREEMENT_FORBIDS_SHARING" in r.out
    assert "REFUSED" in r.err and "nothing was written" in r.err
    assert not (signed / "out").exists()


def test_refused_export_leaves_existing_dir_untouched(signed: Path, prov) -> None:
    out = signed / "out"
    out.mkdir()
    (out / "keep.txt").write_text("the recipient's own file\n")
    before = _listing(out)
    assert prov("export", "model.joblib", "--to", out, *REFUSED).code == 1
    assert _listing(out) == before


def test_json_is_alone_on_stdout(signed: Path, prov) -> None:
    r = prov("export", "model.joblib", "--to", "out", *REFUSED, "--json")
    assert r.code == 1
    data = json.loads(r.out)
    assert data["allowed"] is False and data["bundle"] is None
    codes = {x["code"] for x in data["decision"]["reasons"]}
    assert {"CONFIDENTIALITY_AUDIENCE", "TRANSFER_OUTSIDE_EEA", "PRIVACY_AUDIT_MISSING"} <= codes
    r = prov("export", "model.joblib", "--to", "out", *ALLOWED, "--json")
    assert r.code == 0
    data = json.loads(r.out)
    assert data["allowed"] is True and len(data["files"]) == 7  # with the OpenSSF model-signing signature
    assert "model.joblib.sig" in data["files"]


def test_allowed_export_writes_the_bundle_and_both_outcomes_are_in_the_ledger(signed: Path, prov) -> None:
    assert prov("export", "model.joblib", "--to", "refused", *REFUSED).code == 1
    r = prov("export", "model.joblib", "--to", "out", *ALLOWED)
    assert r.code == 0, r.err
    names = sorted(p.name for p in (signed / "out").iterdir())
    assert names == sorted(
        [
            "model.joblib",
            "model.joblib.prov.json",
            "model.joblib.card.md",
            "model.joblib.sig",
            "signer.pub",
            "LICENCE-NOTICES.md",
            "export.prov.json",
        ]
    )
    assert (signed / "out" / "model.joblib").read_bytes() == (signed / "model.joblib").read_bytes()
    entries = json.loads(prov("log", "--json").out)
    exports = [e for e in entries if e["event"] == "export"]
    assert [e["data"]["allowed"] for e in exports] == [False, True]
    assert prov("log", "--verify").code == 0


def test_dry_run_writes_nothing_not_even_the_ledger(signed: Path, prov) -> None:
    ledger = (signed / ".prov" / "ledger.jsonl").read_bytes()
    r = prov("export", "model.joblib", "--to", "out", *ALLOWED, "--dry-run")
    assert r.code == 0 and "dry run" in r.err
    assert not (signed / "out").exists()
    assert (signed / ".prov" / "ledger.jsonl").read_bytes() == ledger
    assert prov("export", "model.joblib", "--to", "out", *REFUSED, "--dry-run").code == 1


def test_existing_dir_with_other_files_receives_the_bundle(signed: Path, prov) -> None:
    out = signed / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    assert prov("export", "model.joblib", "--to", out, *ALLOWED).code == 0
    assert (out / "keep.txt").read_text() == "x" and (out / "export.prov.json").is_file()
    # a second export into the same directory would overwrite: refused with exit 2, nothing changed
    before = _listing(out)
    r = prov("export", "model.joblib", "--to", out, *ALLOWED)
    assert r.code == 2 and "already holds" in r.err
    assert _listing(out) == before


@pytest.mark.parametrize("existing", [False, True])
def test_failure_mid_copy_leaves_no_partial_bundle(signed: Path, monkeypatch, existing: bool) -> None:
    import provenance.api.export as export_api
    from provenance.model.decision import Recipient

    out = signed / "out"
    if existing:
        out.mkdir()
        (out / "keep.txt").write_text("x")
    before = _listing(out) if existing else None

    def broken_copy(src: Path, dst: Path) -> None:
        with open(src, "rb") as f, open(dst, "wb") as g:
            g.write(f.read(100))  # half a file, then the disk "fails"
        raise OSError(28, "No space left on device")

    recipient = Recipient(name="Research team", org="Acme Hospital", purpose="research", territory="DE")
    with pytest.raises(OSError, match="No space left"):
        export_api.export(signed / "model.joblib", out, recipient, copy=broken_copy)
    if existing:
        assert _listing(out) == before
    else:
        assert not out.exists()
    assert not [p for p in signed.rglob("*prov-export-*")]


@pytest.mark.parametrize("existing", [False, True])
def test_killed_export_process_leaves_no_bundle(signed: Path, existing: bool) -> None:
    """A process killed mid-copy (SIGKILL, no cleanup) leaves --to as it was."""
    out = signed / "out"
    if existing:
        out.mkdir()
        (out / "keep.txt").write_text("x")
    big = signed / "model.joblib"
    code = (
        "import os, sys, signal\n"
        "from pathlib import Path\n"
        "import provenance.api.export as e\n"
        "from provenance.model.decision import Recipient\n"
        "def die(src, dst):\n"
        "    Path(dst).write_bytes(Path(src).read_bytes()[:10])\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "e.export(Path(sys.argv[1]), Path(sys.argv[2]), Recipient(name='t', org='Acme Hospital',"
        " purpose='research', territory='DE'), copy=die)\n"
    )
    env = {**os.environ}
    r = subprocess.run(
        [sys.executable, "-c", code, str(big), str(signed / "out")],
        cwd=signed,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == -9, r.stderr
    if existing:
        assert [p.name for p in out.iterdir()] == ["keep.txt"]
    else:
        assert not out.exists()


def test_downstream_verification_in_a_clean_home(signed: Path, prov, tmp_path: Path) -> None:
    assert prov("export", "model.joblib", "--to", "out", *ALLOWED).code == 0
    pub = prov("key", "export").out
    clean = tmp_path / "recipient"
    clean.mkdir()
    (clean / "acme.pub").write_text(pub)
    shutil.copytree(signed / "out", clean / "bundle")

    def verify(bundle: Path) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROV_")}
        env.update(HOME=str(clean), XDG_CONFIG_HOME=str(clean / ".config"))
        return subprocess.run(
            [sys.executable, "-m", "provenance", "verify", str(bundle), "--key", "acme.pub", "--json"],
            cwd=clean,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    r = verify(clean / "bundle")
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads(r.stdout)
    assert result["verified"] is True
    assert result["record"]["recipient"]["org"] == "Acme Hospital"
    assert result["record"]["duties"]["purposes"] == ["research"]
    assert not (clean / ".config").exists()

    for name in ("model.joblib", "model.joblib.prov.json", "export.prov.json"):
        tampered = clean / f"tampered-{name}"
        shutil.copytree(clean / "bundle", tampered)
        data = bytearray((tampered / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (tampered / name).write_bytes(bytes(data))
        r = verify(tampered)
        assert r.returncode == 1, name
        assert json.loads(r.stdout)["verified"] is False


def test_bundle_needs_a_key_outside_a_repo(signed: Path, prov, tmp_path: Path, monkeypatch) -> None:
    assert prov("export", "model.joblib", "--to", tmp_path / "bundle", *ALLOWED).code == 0
    monkeypatch.chdir(tmp_path)
    r = prov("verify", tmp_path / "bundle")
    assert r.code == 2 and "--key" in r.err
    r = prov("verify", tmp_path / "bundle", "--key", tmp_path / "bundle" / "signer.pub")
    assert r.code == 0 and "You may use it" in r.out


def test_recipient_file_and_flag_override(signed: Path, prov) -> None:
    (signed / "globex.yaml").write_text("name: Data Science\norg: Globex Pharma\npurpose: commercial\nterritory: US\n")
    r = prov("export", "model.joblib", "--to", "out", "--recipient-file", "globex.yaml", "--json")
    assert r.code == 1
    assert json.loads(r.out)["decision"]["recipient"]["org"] == "Globex Pharma"
    r = prov(
        "export",
        "model.joblib",
        "--to",
        "out",
        "--recipient-file",
        "globex.yaml",
        "--org",
        "Acme Hospital",
        "--purpose",
        "research",
        "--territory",
        "DE",
        "--json",
    )
    assert r.code == 0, r.out


def test_bad_recipient_input_is_exit_2(signed: Path, prov) -> None:
    r = prov("export", "model.joblib", "--to", "out", "--recipient", "x", "--territory", "Germany")
    assert r.code == 2 and "territory" in r.err and "ISO 3166" in r.err
    r = prov("export", "model.joblib", "--to", "out")
    assert r.code == 2 and "--recipient" in r.err


def test_tampered_artefact_is_refused_at_export(signed: Path, prov) -> None:
    (signed / "model.joblib").write_bytes(b"not the model")
    r = prov("export", "model.joblib", "--to", "out", *ALLOWED, "--json")
    assert r.code == 1
    # The card does not vouch for these bytes, so they are read too: they are not a model one may load.
    assert [x["code"] for x in json.loads(r.out)["decision"]["reasons"]] == ["DIGEST_MISMATCH", "UNSAFE_PICKLE"]
    assert not (signed / "out").exists()


def test_changed_parent_blocks_child_export(signed: Path, prov, trained) -> None:
    shutil.copy(trained["knn"], signed / "child.joblib")
    assert prov("card", "child.joblib", "--parent", "model.joblib").code == 0
    assert prov("export", "child.joblib", "--to", "out", *ALLOWED, "--dry-run").code == 0
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    r = prov("export", "child.joblib", "--to", "out", *ALLOWED, "--dry-run", "--json")
    assert r.code == 1
    reasons = json.loads(r.out)["decision"]["reasons"]
    assert [x["code"] for x in reasons] == ["PARENT_UNVERIFIED"] and "PARENT_CHANGED" in reasons[0]["message"]


def test_export_record_verifies_with_securesystemslib(signed: Path, prov) -> None:
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey

    from provenance.crypto.keys import load_public_pem

    assert prov("export", "model.joblib", "--to", "out", *ALLOWED).code == 0
    public = load_public_pem(prov("key", "export").out.encode())
    envelope = Envelope.from_dict(json.loads((signed / "out" / "export.prov.json").read_text()))
    assert envelope.verify([SSlibKey.from_crypto(public)], 1)
    statement = json.loads(envelope.payload)
    assert statement["predicateType"] == "https://prov-cards.dev/export/v1"
    assert {s["name"] for s in statement["subject"]} >= {"model.joblib", "model.joblib.prov.json"}
