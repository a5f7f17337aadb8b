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
