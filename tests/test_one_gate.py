"""One gate: what the commit check, export and verify decide, for the cases where they used to part.

Each test is a reproduction from issue 10, written before the fix: a state of a temporary git
repository in which the check passed bytes it never judged, or disagreed with `prov export`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import git

ALLOWED = ["--recipient", "Research team", "--org", "Acme Hospital", "--purpose", "research", "--territory", "DE"]


def _audience(repo: Path, audience: str) -> None:
    cfg = repo / ".prov" / "config.yaml"
    data = yaml.safe_load(cfg.read_text())
    data["repository"]["audience"] = audience
    cfg.write_text(yaml.safe_dump(data))


def _check(prov, *args: str) -> tuple[int, set[str], dict]:  # type: ignore[no-untyped-def, type-arg]
    r = prov("check", *args, "--json")
    assert r.out.strip(), r.err
    data = json.loads(r.out)
    codes = {x["code"] for c in data["checked"] for x in c["reasons"] if x["severity"] == "block"}
    return r.code, codes, data


@pytest.fixture
def base(project: Path) -> Path:
    git(project, "add", ".prov", "patients-2024.yaml")
    git(project, "commit", "-q", "--no-verify", "-m", "setup")
    return project


# --- the check and export disagreed -------------------------------------------------------------------


def test_resigned_parent_blocks_the_child_in_check_as_in_export(base: Path, prov, trained) -> None:
    shutil.copy(trained["logreg"], base / "child.joblib")
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    assert prov("card", "child.joblib", "--parent", "model.joblib").code == 0
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    git(base, "add", "-A")
    r = prov("export", "child.joblib", "--to", "out", "--dry-run", "--json", *ALLOWED)
    assert r.code == 1 and "PARENT_UNVERIFIED" in r.out
    code, codes, _ = _check(prov, "child.joblib")
    assert code == 1 and "PARENT_UNVERIFIED" in codes
    code, codes, _ = _check(prov, "--all")
    assert code == 1 and "PARENT_UNVERIFIED" in codes


def test_yml_manifest_is_a_manifest_everywhere(base: Path, prov) -> None:
    _audience(base, "public")
    manifest = yaml.safe_load((base / "patients-2024.yaml").read_text())
    manifest["name"] = "health"
    manifest["files"] = [{"path": "data/health.csv"}]
    (base / "data" / "health.csv").write_text("age,diagnosis\n70,1\n")
    (base / ".prov" / "datasets" / "health.yml").write_text(yaml.safe_dump(manifest))
    r = prov("dataset", "list", "--json")
    assert r.code == 0 and "health" in r.out
    git(base, "add", ".prov/datasets/health.yml", "data/health.csv")
    code, codes, _ = _check(prov)
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes


def test_yaml_and_yml_for_one_dataset_is_refused(base: Path, prov) -> None:
    shutil.copy(base / ".prov" / "datasets" / "patients-2024.yaml", base / ".prov" / "datasets" / "patients-2024.yml")
    r = prov("dataset", "list")
    assert r.code == 2 and "patients-2024.yml" in r.err and "Traceback" not in r.err


def test_unknown_file_under_prov_blocks(base: Path, prov) -> None:
    (base / ".prov" / "datasets" / "notes.txt").write_text("not a manifest\n")
    (base / ".prov" / "keys" / "extra.pem").write_text("junk\n")
    git(base, "add", "-f", ".prov/datasets/notes.txt", ".prov/keys/extra.pem")
    code, codes, data = _check(prov)
    assert code == 1 and "PROV_FILE_UNKNOWN" in codes
    assert {c["path"] for c in data["checked"] if not c["ok"]} == {".prov/datasets/notes.txt", ".prov/keys/extra.pem"}


# --- directory artefacts ----------------------------------------------------------------------------


@pytest.fixture
def mdir(base: Path, prov, trained) -> Path:
    d = base / "mdir"
    d.mkdir()
    shutil.copy(trained["logreg"], d / "model.joblib")
    (d / "config.json").write_text('{"layers": 2}\n')
    assert prov("card", "mdir", "--dataset", "patients-2024").code == 0
    return d


def test_carded_directory_commits_and_changes_inside_are_judged(base: Path, mdir: Path, prov) -> None:
    git(base, "add", "mdir", "mdir.prov.json", "mdir.card.md")
    code, codes, data = _check(prov)
    assert code == 0, data
    git(base, "commit", "-q", "--no-verify", "-m", "model")
    (mdir / "config.json").write_text('{"layers": 3}\n')
    git(base, "add", "mdir/config.json")
    assert prov("verify", "mdir").code == 1
    code, codes, _ = _check(prov, "--all")
    assert code == 1 and "DIGEST_MISMATCH" in codes
    code, codes, _ = _check(prov, "mdir/config.json")
    assert code == 1 and "DIGEST_MISMATCH" in codes
    code, codes, _ = _check(prov)
    assert code == 1 and "DIGEST_MISMATCH" in codes


def test_directory_card_must_be_staged(base: Path, mdir: Path, prov) -> None:
    git(base, "add", "mdir")
    code, codes, _ = _check(prov)
    assert code == 1 and codes == {"CARD_NOT_STAGED"}


def test_unsigned_top_level_git_files_in_a_directory_are_named(base: Path, mdir: Path, prov) -> None:
    (mdir / ".github").mkdir()
    (mdir / ".github" / "evil.yml").write_text("on: push\n")
    (mdir / ".gitattributes").write_text("*.joblib filter=x\n")
    r = prov("verify", "mdir")
    assert "UNSIGNED_FILE" in r.out + r.err and ".github/evil.yml" in r.out + r.err
    git(base, "add", "mdir", "mdir.prov.json")
    code, codes, _ = _check(prov)
    assert code == 1 and "UNSIGNED_FILE_STAGED" in codes
    r = prov("export", "mdir", "--to", "out", *ALLOWED)
    assert r.code == 0, r.err
    assert not (base / "out" / "mdir" / ".github").exists() and not (base / "out" / "mdir" / ".gitattributes").exists()


# --- bytes the check never judged ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["MODEL.JOBLIB", "model.Pkl", "m.SafeTensors"])
def test_patterns_match_whatever_the_case(base: Path, prov, trained, name: str) -> None:
    shutil.copy(trained["logreg"], base / name)
    git(base, "add", name)
    code, codes, _ = _check(prov, name)
    assert code == 1 and "CARD_MISSING" in codes
    code, codes, _ = _check(prov)
    assert code == 1 and "CARD_MISSING" in codes


@pytest.fixture
def committed(base: Path, prov) -> Path:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    git(base, "add", "model.joblib", "model.joblib.prov.json")
    git(base, "commit", "-q", "--no-verify", "-m", "model")
    return base


def _evil(base: Path) -> Path:
    evil = base.parent / "evil.joblib"
    evil.write_bytes((base / "model.joblib").read_bytes() + b"#tampered")
    return evil


def test_clean_filter_cannot_swap_the_staged_bytes(committed: Path, prov) -> None:
    evil = _evil(committed)
    (committed / ".gitattributes").write_text("model.joblib filter=swap\n")
    git(committed, "config", "filter.swap.clean", f"cat {evil}")
    git(committed, "config", "filter.swap.smudge", "cat")
    (committed / "model.joblib").touch()
    os.utime(committed / "model.joblib", (1, 1))
    git(committed, "add", "--renormalize", "model.joblib")
    staged = subprocess.run(["git", "cat-file", "-p", ":model.joblib"], cwd=committed, capture_output=True).stdout
    assert staged.endswith(b"#tampered")
    code, codes, _ = _check(prov, "model.joblib")
    assert code == 1 and "DIGEST_MISMATCH" in codes
    code, codes, _ = _check(prov)
    assert code == 1 and "DIGEST_MISMATCH" in codes


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_index_flags_cannot_hide_the_staged_bytes(committed: Path, prov, flag: str) -> None:
    blob = git(committed, "hash-object", "-w", str(_evil(committed))).strip()
    git(committed, "update-index", "--cacheinfo", f"100644,{blob},model.joblib")
    git(committed, "update-index", flag, "model.joblib")
    assert git(committed, "diff", "--name-only") == ""
    code, codes, _ = _check(prov, "model.joblib")
    assert code == 1 and "DIGEST_MISMATCH" in codes
    code, codes, _ = _check(prov)
    assert code == 1 and "DIGEST_MISMATCH" in codes


def test_symlink_replaced_by_a_file_is_judged(base: Path, prov, trained) -> None:
    (base / "real.txt").write_text("x\n")
    os.symlink("real.txt", base / "weights.joblib")
    git(base, "add", "real.txt", "weights.joblib")
    git(base, "commit", "-q", "--no-verify", "-m", "link")
    (base / "weights.joblib").unlink()
    shutil.copy(trained["logreg"], base / "weights.joblib")
    git(base, "add", "weights.joblib")
    assert git(base, "status", "--short", "weights.joblib").startswith("T")
    code, codes, _ = _check(prov)
    assert code == 1 and "CARD_MISSING" in codes


def test_staged_symlink_artefact_is_refused(base: Path, prov) -> None:
    os.symlink("/etc/hostname", base / "model2.joblib")
    git(base, "add", "model2.joblib")
    code, codes, _ = _check(prov)
    assert code == 1 and codes & {"CARD_MISSING", "ARTEFACT_NOT_A_FILE"}


def test_copy_of_a_confidential_data_file_is_recognised_by_content(base: Path, prov) -> None:
    _audience(base, "public")
    (base / "notes").mkdir()
    shutil.copy(base / "data" / "patients.csv", base / "notes" / "export-final.txt")
    git(base, "add", "notes/export-final.txt")
    code, codes, _ = _check(prov, "notes/export-final.txt")
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes
    code, codes, _ = _check(prov)
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes
    # the data file absent from this clone: the manifest's digest is enough
    (base / "data" / "patients.csv").unlink()
    code, codes, _ = _check(prov, "notes/export-final.txt")
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes


# --- bundles and trust roots --------------------------------------------------------------------------


@pytest.fixture
def bundle(committed: Path, prov, tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "bundle"
    assert prov("export", "model.joblib", "--to", out, *ALLOWED).code == 0
    pub = tmp_path / "signer.pub"
    assert prov("key", "export", "--output", pub).code == 0 or shutil.copy(out / "signer.pub", pub)
    return out, pub


def test_a_key_shipped_inside_the_bundle_is_never_trusted(bundle, prov, tmp_path: Path, monkeypatch) -> None:
    out, _ = bundle
    # The attacker's bundle carries its own .prov/ whose keys/ trust the attacker.
    (out / ".prov" / "keys").mkdir(parents=True)
    shutil.copy(out / "signer.pub", out / ".prov" / "keys" / "attacker.pub")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    r = prov("verify", out)
    assert r.code != 0 and "OK bundle" not in r.out
    monkeypatch.chdir(out)
    r = prov("verify", ".")
    assert r.code != 0 and "OK bundle" not in r.out


def test_extra_files_and_symlinks_in_a_bundle_fail_it(bundle, prov, tmp_path: Path, monkeypatch) -> None:
    out, pub = bundle
    monkeypatch.chdir(tmp_path)
    assert prov("verify", out, "--key", pub).code == 0
    (out / "run_me.py").write_text("import os\n")
    (out / ".hidden").write_text("x\n")
    os.symlink("/etc/passwd", out / "link")
    r = prov("verify", out, "--key", pub, "--json")
    assert r.code == 1
    data = json.loads(r.out)
    named = {x["source"] for x in data["reasons"] if x["code"] == "BUNDLE_EXTRA_FILE"}
    assert named == {"run_me.py", ".hidden", "link"}


def test_verify_takes_several_targets(committed: Path, prov, trained, tmp_path: Path) -> None:
    shutil.copy(trained["logreg"], committed / "other.joblib")
    r = prov("verify", "model.joblib", "other.joblib")
    assert r.code == 1
    assert "OK model.joblib" in r.out and "CARD_MISSING" in r.out + r.err
    r = prov("verify", "model.joblib", "other.joblib", "--json")
    data = json.loads(r.out)
    assert [d["verified"] for d in data] == [True, False]


# --- found by the attacker brief (issue 10): policy files edited without staging, renames, .prov copies -----


def test_unstaged_config_cannot_widen_what_the_commit_may_hold(base: Path, prov) -> None:
    _audience(base, "public")
    git(base, "add", ".prov/config.yaml")
    git(base, "commit", "-q", "--no-verify", "-m", "public")
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    git(base, "add", "model.joblib", "model.joblib.prov.json")
    assert _check(prov)[0] == 1
    _audience(base, "internal")  # working tree only, never staged
    code, codes, _ = _check(prov)
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes
    code, codes, _ = _check(prov, "model.joblib", "model.joblib.prov.json")
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes
    r = prov("check", "model.joblib", "model.joblib.prov.json")  # twice: no remembered pass may answer
    assert r.code == 1


def test_manifest_deleted_or_loosened_only_in_the_working_tree_still_binds(base: Path, prov) -> None:
    _audience(base, "public")
    git(base, "add", ".prov/config.yaml")
    git(base, "commit", "-q", "--no-verify", "-m", "public")
    git(base, "add", "data/patients.csv")
    manifest = base / ".prov" / "datasets" / "patients-2024.yaml"
    kept = manifest.read_text()
    manifest.write_text(kept.replace("confidentiality: confidential", "confidentiality: public"))
    code, codes, _ = _check(prov)
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes
    manifest.unlink()
    code, codes, _ = _check(prov, "data/patients.csv")
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes
    code, codes, _ = _check(prov, "--all")
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes


def test_a_key_trusted_only_in_the_working_tree_is_not_trusted_by_the_commit(base: Path, prov, tmp_path) -> None:
    from provenance.crypto import keys as _keys

    other = _keys.generate("ed25519")
    (base / ".prov" / "keys" / "intruder.pub").write_bytes(_keys.public_pem(other.public_key()))
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    git(base, "add", "model.joblib", "model.joblib.prov.json")
    assert _check(prov)[0] == 0  # the project's own key is staged: fine
    git(base, "rm", "-q", "--cached", ".prov/keys/default.pub")  # trust withdrawn in the commit
    code, codes, _ = _check(prov)
    assert code == 1 and "KEY_UNTRUSTED" in codes


def test_renaming_inside_a_directory_artefact_is_a_change(base: Path, prov, trained, tmp_path: Path) -> None:
    d = base / "mdir"
    d.mkdir()
    shutil.copy(trained["logreg"], d / "a.joblib")
    shutil.copy(trained["knn"], d / "b.joblib")
    assert prov("card", "mdir", "--dataset", "patients-2024").code == 0
    git(base, "add", "mdir", "mdir.prov.json")
    git(base, "commit", "-q", "--no-verify", "-m", "dir")
    git(base, "mv", "mdir/b.joblib", "mdir/b_renamed.pkl")  # same order, same file digests: same root
    code, codes, _ = _check(prov)
    assert code == 1 and "DIGEST_MISMATCH" in codes
    assert prov("verify", "mdir").code == 1
    git(base, "mv", "mdir/b_renamed.pkl", "mdir/b.joblib")
    out = tmp_path / "bundle"
    assert prov("export", "mdir", "--to", out, *ALLOWED).code == 0
    (out / "mdir" / "b.joblib").rename(out / "mdir" / "b_run_me.pkl")
    r = prov("verify", out, "--key", base / ".prov" / "keys" / "default.pub")
    assert r.code == 1 and "DIGEST_MISMATCH" in r.out + r.err


@pytest.mark.parametrize("name", [".prov/ledger.jsonl", ".prov/.gitignore"])
def test_registered_data_under_a_prov_name_is_still_the_data(base: Path, prov, name: str) -> None:
    _audience(base, "public")
    git(base, "add", ".prov/config.yaml")
    git(base, "commit", "-q", "--no-verify", "-m", "public")
    shutil.copy(base / "data" / "patients.csv", base / name)
    git(base, "add", "-f", name)
    code, codes, _ = _check(prov)
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes
    code, codes, _ = _check(prov, name)
    assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes


# --- second attacker brief --------------------------------------------------------------------------------


def test_registered_data_inside_a_carded_directory_is_still_data(base: Path, prov) -> None:
    _audience(base, "public")
    git(base, "add", ".prov/config.yaml")
    git(base, "commit", "-q", "--no-verify", "-m", "public")
    with open(base / "data" / "patients.csv", "a") as f:
        f.write("77,1\n")  # changed: no longer a byte-identical copy either
    manifest = yaml.safe_load((base / "patients-2024.yaml").read_text())
    manifest.update(name="pub", licence="CC0-1.0", confidentiality="public", agreements=[], files=[])
    manifest["personal_data"] = {"contains": False}
    (base / "pub.yaml").write_text(yaml.safe_dump(manifest))
    assert prov("dataset", "add", "--manifest", "pub.yaml").code == 0
    git(base, "add", ".prov/datasets/pub.yaml")
    git(base, "commit", "-q", "--no-verify", "-m", "pub")
    assert prov("card", "data", "--dataset", "pub").code == 0  # the data directory carded as a "model"
    git(base, "add", "data", "data.prov.json")
    for args in ((), ("data/patients.csv", "data.prov.json"), ("--all",)):
        code, codes, _ = _check(prov, *args)
        assert code == 1 and "CONFIDENTIALITY_AUDIENCE" in codes, args


def test_deleting_a_directory_card_does_not_uncard_the_directory(base: Path, mdir: Path, prov) -> None:
    git(base, "add", "mdir", "mdir.prov.json")
    git(base, "commit", "-q", "--no-verify", "-m", "dir")
    (mdir / "config.json").write_text('{"layers": 9}\n')
    git(base, "add", "mdir")
    git(base, "rm", "-q", "--cached", "mdir.prov.json")
    (base / "mdir.prov.json").unlink()
    for args in (("mdir/config.json",), ()):
        code, codes, _ = _check(prov, *args)
        assert code == 1 and "CARD_MISSING" in codes, args


def test_a_recipient_outside_any_repository_can_trust_keys_of_their_own(
    bundle, prov, tmp_path: Path, monkeypatch
) -> None:
    out, pub = bundle
    elsewhere = tmp_path / "recipient"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert prov("verify", out).code == 2  # nothing trusted yet: a one-line fix, not a guess
    r = prov("key", "trust", pub, "--user", "--name", "acme")
    assert r.code == 0, r.err
    assert prov("verify", out).code == 0
    (out / ".prov" / "keys").mkdir(parents=True)  # a key shipped inside still counts for nothing
    shutil.copy(pub, out / ".prov" / "keys" / "x.pub")
    assert prov("verify", out).code == 1  # now an extra file in the bundle
