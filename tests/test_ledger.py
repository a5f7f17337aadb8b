"""The signed, hash-chained ledger: edits, drops and reorders are detected."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest


@pytest.fixture
def ledger(project: Path, prov, trained) -> Path:
    shutil.copy(trained["knn"], project / "b.joblib")
    shutil.copy(trained["knn"], project / "c.joblib")
    for art in ("model.joblib", "b.joblib", "c.joblib"):
        assert prov("card", art, "--dataset", "patients-2024").code == 0
    path = project / ".prov" / "ledger.jsonl"
    assert len(path.read_text().splitlines()) == 3
    return path


def test_intact_ledger_verifies(ledger: Path, prov) -> None:
    r = prov("log", "--verify")
    assert r.code == 0 and "3 entries" in r.out
    r = prov("log", "--json")
    entries = json.loads(r.out)
    assert [e["data"]["artefact"] for e in entries] == ["model.joblib", "b.joblib", "c.joblib"]


def test_edited_entry(ledger: Path, prov) -> None:
    lines = ledger.read_text().splitlines()
    env = json.loads(lines[1])
    body = json.loads(base64.b64decode(env["payload"]))
    body["artefact"] = "innocent.joblib"
    env["payload"] = base64.b64encode(json.dumps(body).encode()).decode()
    lines[1] = json.dumps(env, separators=(",", ":"))
    ledger.write_text("\n".join(lines) + "\n")
    r = prov("log", "--verify")
    assert r.code == 1 and "line 2" in r.err and "signature" in r.err


def test_dropped_entry(ledger: Path, prov) -> None:
    lines = ledger.read_text().splitlines()
    ledger.write_text("\n".join([lines[0], lines[2]]) + "\n")
    r = prov("log", "--verify")
    assert r.code == 1 and "line 2" in r.err


def test_reordered_entries(ledger: Path, prov) -> None:
    lines = ledger.read_text().splitlines()
    ledger.write_text("\n".join([lines[0], lines[2], lines[1]]) + "\n")
    r = prov("log", "--verify", "--json")
    assert r.code == 1
    assert {p["line"] for p in json.loads(r.out)["problems"]} >= {2, 3}


def test_truncated_last_line_blocks_append_with_clear_error(ledger: Path, prov) -> None:
    text = ledger.read_text()
    ledger.write_text(text[:-40])  # a crash mid-write left half a line
    card = ledger.parent.parent / "model.joblib.prov.json"
    before = card.read_bytes()
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite")
    assert r.code == 1 and "ledger.jsonl: the last entry is unreadable" in r.err
    assert card.read_bytes() == before  # nothing written
    assert prov("log", "--verify").code == 1
