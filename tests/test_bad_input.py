"""Bad input is a one-line exit 2 naming the file or flag, never an internal error (issue 11, first cases)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml


def _one_line_bad_input(r) -> None:  # type: ignore[no-untyped-def]
    assert r.code == 2, (r.code, r.err)
    assert "internal error" not in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1, r.err


def test_a_date_that_does_not_exist(project: Path, prov) -> None:
    text = (project / "patients-2024.yaml").read_text().replace("expires: 2027-02-01", "expires: 2026-02-30")
    (project / "bad.yaml").write_text(text)
    r = prov("dataset", "add", "--manifest", "bad.yaml")
    _one_line_bad_input(r)
    assert "bad.yaml" in r.err and "day is out of range" in r.err


def test_yaml_nested_too_deeply(project: Path, prov) -> None:
    (project / "deep.yaml").write_text("[" * 50_000 + "]" * 50_000)
    r = prov("dataset", "add", "--manifest", "deep.yaml")
    _one_line_bad_input(r)
    assert "deep.yaml" in r.err


def test_a_staged_manifest_with_a_bad_date_blocks_the_commit(project: Path, prov) -> None:
    from conftest import git

    git(project, "add", ".prov")
    git(project, "commit", "-q", "--no-verify", "-m", "prov")
    manifest = project / ".prov" / "datasets" / "patients-2024.yaml"
    manifest.write_text(manifest.read_text().replace("2027-02-01", "2026-02-30"))
    git(project, "add", ".prov/datasets/patients-2024.yaml")
    r = prov("check")
    assert r.code == 1 and "MANIFEST_INVALID" in r.out and "internal error" not in r.err


def test_non_finite_metrics_and_dp_budgets(project: Path, prov) -> None:
    for args in (("--metric", "acc=inf"), ("--metric", "acc=nan"), ("--dp-epsilon", "nan"), ("--dp-epsilon", "-1")):
        r = prov("card", "model.joblib", "--dataset", "patients-2024", *args)
        _one_line_bad_input(r)
        assert "http" not in r.err, r.err  # a sentence, not a documentation link
    assert not (project / "model.joblib.prov.json").exists()


def test_a_cache_directory_that_is_a_file_only_costs_time(project: Path, prov) -> None:
    shutil.rmtree(project / ".prov" / "cache", ignore_errors=True)
    (project / ".prov" / "cache").write_text("not a directory\n")
    r = prov("card", "model.joblib", "--dataset", "patients-2024")
    assert r.code == 0, r.err
    assert prov("verify", "model.joblib").code == 0
    cfg = yaml.safe_load((project / ".prov" / "config.yaml").read_text())
    assert cfg["repository"]["owner"]


ALLOWED = ["--recipient", "Research team", "--org", "Acme Hospital", "--purpose", "research", "--territory", "DE"]


def _exports(project: Path) -> list[dict]:  # type: ignore[type-arg]
    from provenance.store import ledger
    from provenance.store.repo import ProvRepo

    return [e.data for e in ledger.entries(ledger.read(ProvRepo(project))) if e.event == "export"]


def test_export_targets_that_cannot_hold_a_bundle(project: Path, prov, tmp_path: Path) -> None:
    import os

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    d = project / "mdir"
    d.mkdir()
    shutil.copy(project / "model.joblib", d / "w.joblib")
    assert prov("card", "mdir", "--dataset", "patients-2024").code == 0
    os.symlink(tmp_path / "nowhere", project / "dangling")
    cases = [
        ("model.joblib", "dangling", "symbolic link"),
        ("mdir", "mdir/out", "inside the artefact"),
        ("model.joblib", ".prov/x", "inside .prov/"),
    ]
    for artefact, to, says in cases:
        r = prov("export", artefact, "--to", to, *ALLOWED)
        _one_line_bad_input(r)
        assert says in r.err, r.err
    assert not (project / ".prov" / "x").exists() and not (d / "out").exists()
    assert _exports(project) == []  # nothing happened, so nothing is recorded


def test_an_allowed_export_that_fails_records_no_allowed_entry(project: Path, prov, monkeypatch) -> None:
    from provenance.api import export as export_api

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0

    def broken(job, to):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(export_api, "write_bundle", broken)
        r = prov("export", "model.joblib", "--to", "out", *ALLOWED)
    assert r.code != 0
    assert not [e for e in _exports(project) if e["allowed"]]
    assert prov("export", "model.joblib", "--to", "out", *ALLOWED).code == 0
    assert [e["allowed"] for e in _exports(project)] == [True]


def test_a_bundle_is_taken_back_when_its_export_cannot_be_recorded(project: Path, prov, monkeypatch) -> None:
    from provenance.store import ledger

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ledger, "append", full)
    assert prov("export", "model.joblib", "--to", "out", *ALLOWED).code != 0
    assert not (project / "out").exists()


def test_a_symlink_loop_in_a_bundle_is_named_not_a_crash(project: Path, prov, tmp_path: Path) -> None:
    import os

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    out = tmp_path / "bundle"
    assert prov("export", "model.joblib", "--to", out, *ALLOWED).code == 0
    os.symlink("la", out / "lb")
    os.symlink("lb", out / "la")
    r = prov("verify", out)
    assert r.code == 1 and "BUNDLE_EXTRA_FILE" in r.err and "internal error" not in r.err
    r = prov("verify", out / "la")
    assert r.code == 1 and "internal error" not in r.err


def test_prov_check_outside_git_says_so_in_one_line(tmp_path: Path, prov, monkeypatch) -> None:
    d = tmp_path / "nogit"
    d.mkdir()
    monkeypatch.chdir(d)
    assert prov("init", "--owner", "Acme").code == 0
    for args in ((), ("--all",)):
        r = prov("check", *args)
        _one_line_bad_input(r)
        assert "not inside a git repository" in r.err and "fatal:" not in r.err
