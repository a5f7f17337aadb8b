"""`prov check`: staged content judged against the repository's audience (without pre-commit)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import git
from hypothesis import given
from hypothesis import strategies as st


def _audience(repo: Path, audience: str) -> None:
    cfg = repo / ".prov" / "config.yaml"
    data = yaml.safe_load(cfg.read_text())
    data["repository"]["audience"] = audience
    cfg.write_text(yaml.safe_dump(data))


@pytest.fixture
def signed(project: Path, prov) -> Path:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    git(project, "add", ".prov", "patients-2024.yaml")
    git(project, "commit", "-q", "--no-verify", "-m", "prov setup")
    return project


def _check(prov, *args: str):  # type: ignore[no-untyped-def]
    r = prov("check", *args, "--json")
    return r.code, json.loads(r.out) if r.out.strip() else None, r


def _codes(data: dict) -> set[str]:  # type: ignore[type-arg]
    return {x["code"] for c in data["checked"] for x in c["reasons"] if x["severity"] == "block"}


def test_unsigned_artefact_is_blocked(project: Path, prov) -> None:
    git(project, "add", "model.joblib")
    code, data, r = _check(prov)
    assert code == 1 and _codes(data) == {"CARD_MISSING"}
    r = prov("check")
    assert r.code == 1 and "run `prov card model.joblib --dataset NAME`" in r.out


def test_signed_artefact_passes_and_card_must_be_staged(signed: Path, prov) -> None:
    git(signed, "add", "model.joblib")
    code, data, _ = _check(prov)
    assert code == 1 and _codes(data) == {"CARD_NOT_STAGED"}
    git(signed, "add", "model.joblib.prov.json")
    code, data, _ = _check(prov)
    assert code == 0 and data["ok"] is True


def test_changed_after_signing_is_blocked(signed: Path, prov) -> None:
    (signed / "model.joblib").write_bytes((signed / "model.joblib").read_bytes() + b"\0")
    git(signed, "add", "model.joblib", "model.joblib.prov.json")
    code, data, _ = _check(prov)
    # A byte after the pickle's end is also something a second reader could take for more pickle.
    assert code == 1 and _codes(data) == {"DIGEST_MISMATCH", "UNSAFE_PICKLE"}


def test_unstaged_edits_do_not_fool_the_check(signed: Path, prov) -> None:
    good = (signed / "model.joblib").read_bytes()
    # staged: a tampered model; working tree: the signed one
    (signed / "model.joblib").write_bytes(good + b"tampered")
    git(signed, "add", "model.joblib", "model.joblib.prov.json")
    (signed / "model.joblib").write_bytes(good)
    code, data, _ = _check(prov, "model.joblib")
    assert code == 1 and _codes(data) == {"DIGEST_MISMATCH", "UNSAFE_PICKLE"}  # the staged bytes are judged
    # staged: the signed one; working tree: tampered
    git(signed, "add", "model.joblib")
    (signed / "model.joblib").write_bytes(good + b"tampered")
    code, _, _ = _check(prov, "model.joblib")
    assert code == 0


def test_untrusted_key_is_blocked(signed: Path, prov) -> None:
    for pub in (signed / ".prov" / "keys").glob("*.pub"):
        pub.unlink()
    assert prov("key", "generate", "--name", "other").code == 0
    git(signed, "add", "model.joblib", "model.joblib.prov.json")
    code, data, _ = _check(prov)
    assert code == 1 and _codes(data) == {"KEY_UNTRUSTED"}


def test_confidential_artefact_and_dataset_file_by_audience(signed: Path, prov) -> None:
    git(signed, "add", "model.joblib", "model.joblib.prov.json", "data/patients.csv")
    code, data, _ = _check(prov)
    assert code == 0, data
    _audience(signed, "public")
    code, data, _ = _check(prov)
    assert code == 1
    by_path = {c["path"]: {x["code"] for x in c["reasons"] if x["severity"] == "block"} for c in data["checked"]}
    assert "CONFIDENTIALITY_AUDIENCE" in by_path["model.joblib"]
    assert "CONFIDENTIALITY_AUDIENCE" in by_path["data/patients.csv"]
    assert "PERSONAL_DATA_PUBLIC" in by_path["data/patients.csv"]


def test_malicious_pickle_is_blocked_and_never_executed(project: Path, prov, tmp_path: Path) -> None:
    from pickle_corpus import build

    canary = tmp_path / "CANARY"
    files = build(tmp_path / "evil", canary)
    shutil.copy(files["os_system_gzip.joblib"], project / "evil.joblib")
    git(project, "add", "evil.joblib")
    code, data, _ = _check(prov)
    assert code == 1 and {"CARD_MISSING", "UNSAFE_PICKLE"} <= _codes(data)
    # signing it does not help: the card records the untrusted code and the policy refuses it
    assert prov("card", "evil.joblib", "--dataset", "patients-2024").code == 0
    git(project, "add", "evil.joblib.prov.json")
    code, data, _ = _check(prov)
    assert code == 1 and "UNSAFE_PICKLE" in _codes(data)
    assert not canary.exists()


def test_manifest_validation_and_loosening(signed: Path, prov) -> None:
    path = signed / ".prov" / "datasets" / "patients-2024.yaml"
    data = yaml.safe_load(path.read_text())
    data["agreements"][0]["permits"]["derivatives"] = "any"
    data["confidentiality"] = "internal"
    path.write_text(yaml.safe_dump(data))
    git(signed, "add", str(path))
    code, result, _ = _check(prov)
    assert code == 0
    warns = [x for c in result["checked"] for x in c["reasons"] if x["code"] == "TERMS_LOOSENED"]
    assert warns and "confidentiality" in warns[0]["message"] and "model.joblib.prov.json" in warns[0]["message"]
    data["personal_data"]["legal_basis"] = None
    path.write_text(yaml.safe_dump(data))
    git(signed, "add", str(path))
    code, result, _ = _check(prov)
    assert code == 1 and _codes(result) == {"MANIFEST_INVALID"}


def test_nothing_relevant_is_fast_and_quiet(signed: Path, prov) -> None:
    (signed / "README.md").write_text("hello\n")
    git(signed, "add", "README.md")
    r = prov("check", "README.md")
    assert r.code == 0 and r.out == "" and r.err == ""


def test_check_all_matches(signed: Path, prov) -> None:
    git(signed, "add", "model.joblib", "model.joblib.prov.json", "data/patients.csv")
    git(signed, "commit", "-q", "--no-verify", "-m", "model")
    code, data, _ = _check(prov, "--all")
    assert code == 0 and {c["path"] for c in data["checked"]} >= {"model.joblib", "data/patients.csv"}
    _audience(signed, "public")
    code, data, _ = _check(prov, "--all")
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in _codes(data)


def test_outside_a_prov_repository(tmp_path: Path, monkeypatch, prov) -> None:
    monkeypatch.chdir(tmp_path)
    r = prov("check", "x.joblib")
    assert r.code == 2 and "prov init" in r.err
    r = prov("check", "--bogus")
    assert r.code == 2


def test_remembered_pass_is_invalidated_by_any_input(signed: Path, prov) -> None:
    git(signed, "add", "model.joblib", "model.joblib.prov.json")
    assert prov("check", "model.joblib", "model.joblib.prov.json").code == 0
    r = prov("check", "model.joblib", "model.joblib.prov.json")  # served by the remembered pass
    assert r.code == 0 and "1 file OK" in r.out
    # trust changes: the remembered pass no longer applies
    for pub in (signed / ".prov" / "keys").glob("*.pub"):
        pub.unlink()
    r = prov("check", "model.joblib", "model.joblib.prov.json")
    assert r.code == 1 and "KEY_UNTRUSTED" in r.out


_names = st.text(alphabet="abc.-_/", min_size=1, max_size=12)
_patterns = st.one_of(
    st.sampled_from(["*.joblib", "*.pkl", "*.tar.gz", "*", "*.a?c", "model*.pt", "[ab]*.pkl"]),
    st.text(alphabet="abc.", min_size=1, max_size=5).map(lambda s: "*" + s),
)


@given(name=_names, pattern=_patterns)
def test_hook_glob_agrees_with_fnmatch(name: str, pattern: str) -> None:
    """The hook's shortcut for `*.ext` equals fnmatch, case-insensitively (joblib loads MODEL.JOBLIB too)."""
    import fnmatch

    from provenance.selection import matches

    assert matches(name, pattern) == fnmatch.fnmatchcase(name.lower(), pattern.lower())


def test_a_replace_ref_cannot_show_the_gate_other_bytes_than_the_commit_records(signed: Path, prov) -> None:
    """Attacker's case: `git replace STAGED CARDED` made `git cat-file` serve the carded bytes for the staged
    blob, so the gate passed a commit whose tree holds other bytes. Every git read of the gate goes by the
    objects themselves (--no-replace-objects), through the fast hook path and the full check alike."""
    import subprocess
    import sys

    good = git(signed, "hash-object", "-w", "model.joblib").strip()
    (signed / "model.joblib").write_bytes((signed / "model.joblib").read_bytes()[:-1] + b"\x01.")
    git(signed, "add", "model.joblib", "model.joblib.prov.json")
    evil = git(signed, "ls-files", "-s", "model.joblib").split()[1]
    assert evil != good
    git(signed, "replace", "-f", evil, good)
    code, data, _ = _check(prov)
    assert code == 1 and "DIGEST_MISMATCH" in _codes(data)
    hook = subprocess.run(
        [sys.executable, "-m", "provenance", "check", "model.joblib"], cwd=signed, capture_output=True
    )
    assert hook.returncode == 1, hook.stdout
