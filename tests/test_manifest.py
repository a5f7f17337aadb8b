"""Dataset manifests: cross-field rules, and one clear line (exit 2) for any bad manifest."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, no_traceback
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from provenance.model.dataset import DatasetManifest

BASE = yaml.safe_load((EXAMPLES / "patients-2024.yaml").read_text())


def _with(path: str, value: object) -> dict:
    data = copy.deepcopy(BASE)
    node = data
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[int(k)] if k.isdigit() else node[k]
    if value is _DELETE:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return data


_DELETE = object()


def test_example_manifest_is_valid() -> None:
    m = DatasetManifest.model_validate(BASE)
    assert m.personal_data.special_categories == ["health"]
    assert m.terms().licence == "LicenseRef-Acme-DUA"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("personal_data.special_category_condition", None, "special_category_condition"),
        ("personal_data.legal_basis", None, "legal_basis"),
        ("agreements.0.permits.derivatives", "listed", "recipients"),
        ("licence", "Not-A-Licence", "unknown SPDX"),
        ("licence", "MIT OR", "not a valid SPDX"),
        ("confidentiality", "secret", "confidentiality"),
        ("agreements.0.permits.territories", ["Europe"], "ISO 3166"),
        ("agreements.0.expires", "2020-01-01", "before signed"),
        ("personal_data.legal_basis", "because", "legal_basis"),
        ("personal_data", _DELETE, "personal_data"),
        ("files.0.path", "../etc/passwd", "relative POSIX path"),
    ],
)
def test_cross_field_rules(path: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DatasetManifest.model_validate(_with(path, value))


def test_typo_is_an_error_not_silently_dropped() -> None:
    data = _with("agreements.0.permits.commercial_use", False)
    data["agreements"][0]["permits"]["comercial_use"] = True
    with pytest.raises(ValidationError, match="comercial_use"):
        DatasetManifest.model_validate(data)


def test_bad_manifest_cli_one_line_exit_2(project: Path, prov) -> None:
    bad = _with("personal_data.special_category_condition", None)
    Path("bad.yaml").write_text(yaml.safe_dump(bad))
    r = prov("dataset", "add", "--manifest", "bad.yaml")
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("prov: bad.yaml: personal_data: ")
    assert "special_category_condition" in lines[0]
    assert no_traceback(r.err)


def test_unknown_field_names_field(project: Path, prov) -> None:
    data = copy.deepcopy(BASE)
    data["owner"]["emial"] = "x"
    Path("bad.yaml").write_text(yaml.safe_dump(data))
    r = prov("dataset", "add", "--manifest", "bad.yaml")
    assert r.code == 2 and "owner.emial: unknown field" in r.err


def test_invalid_yaml_names_line(project: Path, prov) -> None:
    Path("bad.yaml").write_text("name: x\nversion: [1\n")
    r = prov("dataset", "add", "--manifest", "bad.yaml")
    assert r.code == 2 and "bad.yaml: invalid YAML: line" in r.err


def test_missing_data_file(project: Path, prov) -> None:
    data = _with("files", [{"path": "data/nope.csv"}])
    Path("m.yaml").write_text(yaml.safe_dump(data))
    r = prov("dataset", "add", "--manifest", "m.yaml")
    assert r.code == 2 and "files[0].path: data/nope.csv does not exist" in r.err


def test_dataset_check_detects_change_and_retention(project: Path, prov) -> None:
    assert prov("dataset", "check").code == 0
    (project / "data" / "patients.csv").write_text("changed\n")
    r = prov("dataset", "check", "--json")
    assert r.code == 1
    assert "DATASET_CHANGED" in r.out


def test_dataset_list_and_show(project: Path, prov) -> None:
    r = prov("dataset", "list", "--json")
    assert r.code == 0 and '"patients-2024"' in r.out
    r = prov("dataset", "show", "patients-2024")
    assert r.code == 0 and "sha256:" in r.out
    r = prov("dataset", "show", "nope")
    assert r.code == 2 and "no dataset named 'nope'" in r.err


# --- property tests: whatever the YAML, the answer is a clean exit 0 or 2, never a traceback ---

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20), st.dates().map(str)
)
_values = st.recursive(
    _scalars,
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text(max_size=10), c, max_size=3)),
    max_leaves=10,
)


def _mutations() -> st.SearchStrategy[dict]:
    paths = [
        "name",
        "version",
        "licence",
        "confidentiality",
        "origin",
        "owner.name",
        "agreements",
        "agreements.0.permits",
        "agreements.0.permits.derivatives",
        "agreements.0.kind",
        "personal_data",
        "personal_data.contains",
        "personal_data.categories",
        "retention",
        "embargo_until",
        "files",
    ]
    return st.lists(st.tuples(st.sampled_from(paths), _values), min_size=1, max_size=3).map(_apply)


def _apply(changes: list[tuple[str, object]]) -> dict:
    data = copy.deepcopy(BASE)
    for path, value in changes:
        node = data
        keys = path.split(".")
        try:
            for k in keys[:-1]:
                node = node[int(k)] if k.isdigit() else node[k]
            node[keys[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_mutations())
def test_random_manifests_never_traceback(project: Path, prov, data: dict) -> None:
    Path("fuzz.yaml").write_text(yaml.safe_dump(data))
    r = prov("dataset", "add", "--manifest", "fuzz.yaml")
    assert r.code in (0, 2), r.err
    assert no_traceback(r.err)
    if r.code == 2:
        assert len(r.err.strip().splitlines()) == 1 and r.err.startswith("prov: fuzz.yaml")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.text(max_size=200).map(str.encode), st.binary(max_size=200)))
def test_malformed_yaml_bytes_never_traceback(project: Path, prov, raw: bytes) -> None:
    Path("fuzz.yaml").write_bytes(raw)
    r = prov("dataset", "add", "--manifest", "fuzz.yaml")
    assert r.code in (0, 2), r.err
    assert no_traceback(r.err)


def test_flag_file_paths_are_relative_to_cwd(project: Path, prov, monkeypatch) -> None:
    sub = project / "data"
    monkeypatch.chdir(sub)
    r = prov(
        "dataset",
        "add",
        "from-sub",
        "--file",
        "patients.csv",
        "--source",
        "s",
        "--owner",
        "o",
        "--licence",
        "CC0-1.0",
        "--confidentiality",
        "public",
        "--no-personal-data",
        "--json",
    )
    assert r.code == 0, r.err
    import json

    assert json.loads(r.out)["manifest"]["files"][0]["path"] == "data/patients.csv"
    r = prov("dataset", "add", "x", "--source", "s", "--owner", "o", "--licence", "MIT", "--confidentiality", "public")
    assert r.code == 2 and "--personal-data" in r.err


def test_control_characters_in_a_key_stay_on_one_line(project: Path, prov) -> None:
    data = copy.deepcopy(BASE)
    data["retention"] = {"\r": None}
    Path("cr.yaml").write_text(yaml.safe_dump(data))
    r = prov("dataset", "add", "--manifest", "cr.yaml")
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1 and "retention.'\\r'" in r.err
