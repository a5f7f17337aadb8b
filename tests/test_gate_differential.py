"""Differential: the hook's fast path, `prov check` and `prov export --dry-run` to the repository's own
audience decide the same for the same repository state (issue 10).

Hypothesis draws repository states (datasets with random terms and `.yaml`/`.yml` spellings, a parent
and a child over two generations, a re-signed or tampered parent, a directory artefact changed after
signing, a manifest tightened after signing, a public or internal audience), stages everything, and
asks all three. They read the same staged state, so they must give the same verdict and the same
blocking codes. `benchmarks/bench_gate_differential.py` runs many more examples.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LICENCES = ["CC0-1.0", "CC-BY-4.0", "CC-BY-NC-4.0", "LicenseRef-Partner-DUA"]


@st.composite
def states(draw: st.DrawFn) -> dict:  # type: ignore[type-arg]
    datasets = []
    for i in range(draw(st.integers(1, 2))):
        datasets.append(
            {
                "name": f"data{i}",
                "confidentiality": draw(st.sampled_from(["public", "internal", "confidential"])),
                "licence": draw(st.sampled_from(LICENCES)),
                "derivatives": draw(st.sampled_from(["none", "internal", "any"])),
                "suffix": draw(st.sampled_from([".yaml", ".yml"])),
                "tighten_after": draw(st.booleans()),
                "registered_file": draw(st.booleans()),
            }
        )
    return {
        "audience": draw(st.sampled_from(["public", "internal"])),
        "datasets": datasets,
        "parent_sets": draw(st.lists(st.integers(0, len(datasets) - 1), min_size=1, max_size=2, unique=True)),
        "child": draw(st.booleans()),
        "parent_change": draw(st.sampled_from([None, "resign", "tamper"])),
        "directory": draw(st.booleans()),
        "directory_tamper": draw(st.booleans()),
    }


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _manifest(d: dict, repo: Path) -> dict:  # type: ignore[type-arg]
    m = {
        "name": d["name"],
        "version": "1",
        "origin": {"source": "generated"},
        "owner": {"name": "Acme"},
        "licence": d["licence"],
        "confidentiality": d["confidentiality"],
        "personal_data": {"contains": False},
    }
    if d["licence"].startswith("LicenseRef-") or d["derivatives"] != "any":
        m["agreements"] = [
            {
                "id": f"DUA-{d['name']}",
                "kind": "data-use-agreement",
                "counterparty": "Acme",
                "permits": {"derivatives": d["derivatives"], "commercial_use": True},
            }
        ]
    if d["registered_file"]:
        (repo / "data").mkdir(exist_ok=True)
        (repo / "data" / f"{d['name']}.csv").write_text(f"x,y\n{d['name']},1\n")
        m["files"] = [{"path": f"data/{d['name']}.csv"}]
    return m


def _run_cli(*args: str) -> tuple[int, str]:
    from provenance.cli.entry import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(args))
    return code, out.getvalue()


def build(tmp: Path, state: dict, model_bytes: bytes) -> Path:  # type: ignore[type-arg]
    from provenance.api.card import sign_card as sign
    from provenance.card.request import CardRequest

    def sign_card(path: Path, datasets: list[str], **kw: object) -> None:
        sign(CardRequest(path, datasets=tuple(datasets), **kw))  # type: ignore[arg-type]

    from provenance.api.datasets import add_from_manifest

    repo = tmp / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for k, v in (("user.name", "T"), ("user.email", "t@e"), ("commit.gpgsign", "false")):
        _git(repo, "config", k, v)
    os.chdir(repo)
    assert _run_cli("init", "--owner", "Acme", "--audience", state["audience"])[0] == 0
    for d in state["datasets"]:
        f = tmp / f"{d['name']}.yaml"
        f.write_text(yaml.safe_dump(_manifest(d, repo)))
        add_from_manifest(f, repo)
        if d["suffix"] == ".yml":
            os.rename(
                repo / ".prov" / "datasets" / f"{d['name']}.yaml", repo / ".prov" / "datasets" / f"{d['name']}.yml"
            )
    names = [state["datasets"][i]["name"] for i in state["parent_sets"]]
    (repo / "a.joblib").write_bytes(model_bytes)
    sign_card(repo / "a.joblib", names)
    if state["child"]:
        (repo / "b.joblib").write_bytes(model_bytes)
        sign_card(repo / "b.joblib", [], parents=[repo / "a.joblib"])
        if state["parent_change"] == "resign":
            sign_card(repo / "a.joblib", names, overwrite=True)
        elif state["parent_change"] == "tamper":
            with open(repo / "a.joblib", "ab") as f:
                f.write(b"\0")
    if state["directory"]:
        (repo / "m").mkdir()
        (repo / "m" / "w.joblib").write_bytes(model_bytes)
        (repo / "m" / "config.json").write_text("{}\n")
        sign_card(repo / "m", names[:1])
        if state["directory_tamper"]:
            (repo / "m" / "config.json").write_text('{"changed": true}\n')
    for d in state["datasets"]:
        if d["tighten_after"]:
            path = next((repo / ".prov" / "datasets").glob(d["name"] + ".*"))
            m = yaml.safe_load(path.read_text())
            m["confidentiality"] = "confidential"
            m["agreements"] = [
                {
                    "id": "DUA-t",
                    "kind": "data-use-agreement",
                    "counterparty": "Acme",
                    "permits": {"derivatives": "none", "commercial_use": False},
                }
            ]
            path.write_text(yaml.safe_dump(m))
    _git(repo, "add", "-A")
    return repo


def verdicts(repo: Path) -> dict:  # type: ignore[type-arg]
    from provenance.api.export import export
    from provenance.hooks.check import main as hook
    from provenance.model.decision import Recipient

    staged = [p for p in _git(repo, "diff", "--cached", "--name-only", "-z").split("\0") if p]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        hook_first = hook(list(staged))
        hook_again = hook(list(staged))  # now the remembered passes let the fast path answer
    code_all, out_all = _run_cli("check", "--all", "--json")
    code_staged, _ = _run_cli("check", "--json")
    checked = json.loads(out_all)["checked"]
    config = yaml.safe_load((repo / ".prov" / "config.yaml").read_text())["repository"]
    recipient = Recipient(
        name=f"the {config['audience']} repository of {config['owner']}",
        org=None if config["audience"] == "public" else config["owner"],
        kind="repository",
    )
    units = [u for u in ("a.joblib", "b.joblib", "m") if (repo / (u + ".prov.json")).exists()]
    by_check, by_export = {}, {}
    for u in units:
        by_check[u] = {x["code"] for c in checked if c["path"] == u for x in c["reasons"] if x["severity"] == "block"}
        decision = export(repo / u, Path(os.devnull), recipient, dry_run=True).decision
        by_export[u] = {r.code for r in decision.reasons if r.severity == "block"}
    return {
        "hook": (hook_first, hook_again),
        "check": (code_all, code_staged),
        "by_check": by_check,
        "by_export": by_export,
    }


def agree(v: dict) -> None:  # type: ignore[type-arg]
    assert v["by_check"] == v["by_export"], "check --all and export --dry-run disagree"
    first, again = v["hook"]
    code_all, code_staged = v["check"]
    assert first == again == code_staged == code_all, f"hook {first}/{again}, check {code_staged}, --all {code_all}"
    if any(v["by_export"].values()):
        assert code_all == 1, "an artefact export refuses, yet the commit check passes"


@pytest.fixture(scope="module")
def model_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    import joblib
    from sklearn.linear_model import LogisticRegression

    path = tmp_path_factory.mktemp("m") / "m.joblib"
    joblib.dump(LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]), path)
    return path.read_bytes()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=states())
def test_hook_check_and_export_agree(state: dict, model_bytes: bytes, tmp_path_factory) -> None:  # type: ignore[type-arg, no-untyped-def]
    tmp = tmp_path_factory.mktemp("state")
    here = os.getcwd()
    try:
        agree(verdicts(build(tmp, state, model_bytes)))
    finally:
        os.chdir(here)


def test_the_three_reproductions_are_in_the_space(model_bytes: bytes, tmp_path: Path) -> None:
    """The states issue 10 reported, drawn explicitly: re-signed parent, .yml manifest with its data file
    into a public repository, a changed file in a directory artefact."""
    base = {
        "audience": "internal",
        "datasets": [
            {
                "name": "data0",
                "confidentiality": "internal",
                "licence": "CC0-1.0",
                "derivatives": "any",
                "suffix": ".yaml",
                "tighten_after": False,
                "registered_file": False,
            }
        ],
        "parent_sets": [0],
        "child": False,
        "parent_change": None,
        "directory": False,
        "directory_tamper": False,
    }
    cases = [
        {**base, "child": True, "parent_change": "resign"},
        {
            **base,
            "audience": "public",
            "datasets": [
                {**base["datasets"][0], "suffix": ".yml", "registered_file": True, "confidentiality": "confidential"}
            ],
        },
        {**base, "directory": True, "directory_tamper": True},
    ]
    here = os.getcwd()
    try:
        for i, case in enumerate(cases):
            d = tmp_path / str(i)
            d.mkdir()
            v = verdicts(build(d, case, model_bytes))
            agree(v)
            assert v["check"][0] == 1
    finally:
        os.chdir(here)
