"""`prov lineage` (issue 12, first part): ancestry through signed cards, each node checked now."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
from tools import need

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "lineage.schema.json"


def _family(project: Path, prov) -> None:  # type: ignore[no-untyped-def]
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    shutil.copy(project / "model.joblib", project / "child.joblib")
    assert prov("card", "child.joblib", "--parent", "model.joblib", "--dataset", "patients-2024").code == 0


def test_lineage_in_every_format(project: Path, prov) -> None:
    _family(project, prov)
    r = prov("lineage", "child.joblib")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("child.joblib (LicenseRef-Acme-DUA, confidential) [✓ verified]")
    assert any("finetune: model.joblib" in line for line in lines)
    assert sum("dataset patients-2024 v3 (Acme Hospital" in line for line in lines) == 2
    r = prov("lineage", "child.joblib", "--json")
    data = json.loads(r.out)
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert data["root"] == "artefact:child.joblib"
    assert {e["relation"] for e in data["edges"]} == {"train", "finetune"}
    assert {n["state"] for n in data["nodes"]} == {"verified"}
    dot = prov("lineage", "child.joblib", "--format", "dot").out
    assert dot.startswith("digraph lineage {") and '"artefact:model.joblib" -> "artefact:child.joblib"' in dot
    subprocess.run([need("dot", "graphviz"), "-Tsvg"], input=dot, text=True, check=True, capture_output=True)
    mermaid = prov("lineage", "child.joblib", "--format", "mermaid").out
    assert mermaid.startswith("flowchart BT") and mermaid.count("-->") == 3


def test_lineage_marks_what_changed_since_signing(project: Path, prov) -> None:
    _family(project, prov)
    # The parent re-signed after the child was signed: the child's card no longer names that card.
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    r = prov("lineage", "child.joblib", "--json")
    states = {n["id"]: (n["state"], n["detail"]) for n in json.loads(r.out)["nodes"]}
    assert r.code == 1 and states["artefact:model.joblib"] == ("changed", "re-signed since the child was signed")
    # The parent's bytes changed; the dataset's manifest changed.
    (project / "model.joblib").write_bytes((project / "model.joblib").read_bytes() + b"x")
    manifest = project / ".prov" / "datasets" / "patients-2024.yaml"
    manifest.write_text(manifest.read_text() + "\n# edited\n")
    nodes = json.loads(prov("lineage", "child.joblib", "--json").out)["nodes"]
    states = {n["id"]: n["state"] for n in nodes}
    assert states == {
        "artefact:child.joblib": "verified",
        "artefact:model.joblib": "changed",
        "dataset:patients-2024@3": "changed",
    }
    manifest.unlink()
    (project / "model.joblib").unlink()
    r = prov("lineage", "child.joblib")
    assert r.code == 1 and "[✗ missing: not in this repository]" in r.out and "[✗ missing: no manifest" in r.out


def test_lineage_names_cannot_forge_lines_or_nodes(project: Path, prov) -> None:
    name = 'evil"\n] -> x [label="pwn.joblib'
    shutil.copy(project / "model.joblib", project / name)
    assert prov("card", name, "--dataset", "patients-2024").code == 0
    tree = prov("lineage", name).out
    assert len(tree.splitlines()) == 2
    dot = prov("lineage", name, "--format", "dot").out
    assert len(dot.splitlines()) == 7  # header (3), two nodes, one edge, "}": the name stays in its quotes
    svg = subprocess.run([need("dot", "graphviz"), "-Tsvg"], input=dot, text=True, check=True, capture_output=True)
    assert svg.stdout.count('class="edge"') == 1
    mermaid = prov("lineage", name, "--format", "mermaid").out
    assert mermaid.count("\n") == 4
