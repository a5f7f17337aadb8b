"""The signed, hash-chained ledger: edits, drops and reorders are detected."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import sys
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


def test_appended_lines_keep_their_exact_bytes(tmp_path: Path) -> None:
    """The bytes `append` writes are pinned (Ed25519 signatures are deterministic): a compact DSSE envelope,
    keys in this order, the payload key-sorted strict JSON with non-ASCII kept raw, one line each."""
    import datetime as dt
    import hashlib

    from cryptography.hazmat.primitives.asymmetric import ed25519

    from provenance.store import ledger
    from provenance.store.repo import ProvRepo

    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    repo = ProvRepo(tmp_path)
    t = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
    card = {"artefact": "model.joblib", "card_sha256": "ab" * 32, "datasets": ["patients-2024"]}
    ledger.append(repo, "card", {**card, "previous_card": None, "sha256": "cd" * 32, "note": "naïve ✓"}, key, t)
    export = {"allowed": False, "reasons": ["EMBARGO_ACTIVE"], "recipient": {"name": "Bob", "org": "Acme"}}
    ledger.append(
        repo,
        "export",
        {**export, "to": "out", "artefact": "model.joblib", "record_sha256": "ef" * 32},
        key,
        t + dt.timedelta(hours=1),
    )
    data = repo.ledger_file.read_bytes()
    first = data.split(b"\n")[0]
    assert first.startswith(
        b'{"payload":"eyJhcnRlZmFjdCI6Im1vZGVsLmpvYmxpYiIsImNhcmRfc2hhMjU2IjoiYWJhYmFi'
    ) and first.endswith(
        b'","payloadType":"application/vnd.prov.ledger.v1+json","signatures":[{"keyid":"63d00ee3cf4f5c61ad94efa696c6'
        b'8f13b608fe56ecea13fb144a6fd18e9235b9","sig":"c4Q6N2oCKvi3ZYQRtZ4VZFnTFWqbDcLK/2SmD4INrSm4tnmk7S/LsfwLwrvX'
        b'/5bDNREuKCwqSQYz+2Dqo2NVBg=="}]}'
    )
    assert base64.b64decode(json.loads(first)["payload"]).decode() == (
        '{"artefact":"model.joblib","card_sha256":"' + "ab" * 32 + '","datasets":["patients-2024"],"event":"card",'
        '"note":"naïve ✓","prev":"' + "0" * 64 + '","previous_card":null,"seq":1,"sha256":"' + "cd" * 32 + '",'
        '"time":"2025-03-01T12:00:00+00:00"}'
    )
    assert hashlib.sha256(data).hexdigest() == "a4f9525f1c8a317716ce546ee623b8f070d5a3c696e137036c5ad3b85777a350"
    assert [e.seq for e in ledger.entries(ledger.read(repo))] == [1, 2]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def long_ledger(git_repo: Path, prov) -> Path:
    """An initialised repository whose ledger has 5 genuine entries (appended in-process, no cards)."""
    import datetime as dt

    from provenance.store import ledger, userkeys
    from provenance.store.repo import ProvRepo

    assert prov("init", "--owner", "Acme").code == 0
    key = userkeys.load_private(userkeys.default_name())
    for i in range(5):
        ledger.append(ProvRepo(git_repo), "note", {"n": i}, key, dt.datetime(2025, 1, 1, i, tzinfo=dt.UTC))
    return git_repo / ".prov" / "ledger.jsonl"


def test_progress_on_a_terminal_once_verification_takes_more_than_a_second(
    long_ledger: Path, prov, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provenance.cli import _output

    seconds = iter(range(0, 10_000, 2))  # every look at the clock is two seconds later
    monkeypatch.setattr(_output, "_clock", lambda: next(seconds))
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    r = prov("log", "--verify")
    assert r.code == 0 and r.out == "OK ledger verified (5 entries)\n"
    shown = terminal.getvalue()
    assert re.search(r"\rverifying ledger: 5/5 entries \([\d,]+/s\)\x1b\[K", shown), shown
    assert shown.endswith("\r\x1b[K")  # cleared at the end

    # A failure is reported after the progress line is cleared.
    lines = long_ledger.read_bytes().splitlines()
    long_ledger.write_bytes(b"\n".join([lines[0], *lines[2:]]) + b"\n")
    terminal.seek(0)
    terminal.truncate()
    r = prov("log", "--verify")
    assert r.code == 1
    shown = terminal.getvalue()
    assert "verifying ledger: " in shown and "\r\x1b[KFAIL line 2: " in shown


def test_no_progress_in_json_off_a_terminal_or_when_quick(
    long_ledger: Path, prov, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provenance.cli import _output

    captured = sys.stderr
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    r = prov("log", "--verify")  # a real clock: five entries take far less than a second
    assert r.code == 0 and terminal.getvalue() == ""
    seconds = iter(range(0, 10_000, 2))
    monkeypatch.setattr(_output, "_clock", lambda: next(seconds))
    r = prov("log", "--verify", "--json")
    assert r.code == 0 and json.loads(r.out) == {"ok": True, "problems": []} and terminal.getvalue() == ""
    monkeypatch.setattr(sys, "stderr", captured)  # not a terminal
    r = prov("log", "--verify")
    assert r.code == 0 and r.err == ""


def test_log_json_lists_entries_as_asdict_would(long_ledger: Path, prov) -> None:
    from dataclasses import asdict

    from provenance.cli.log_cmd import _as_json
    from provenance.store import ledger
    from provenance.store.repo import ProvRepo

    with long_ledger.open("ab") as f:
        f.write(b"not an entry\n")
    items = ledger.entries(ledger.read(ProvRepo(long_ledger.parent.parent)))
    assert [e.event for e in items][-2:] == ["note", "unreadable"]
    assert [_as_json(e) for e in items] == [asdict(e) for e in items]
    r = prov("log", "--json")
    assert r.code == 0 and json.loads(r.out) == [asdict(e) for e in items]
    r = prov("log")
    assert r.code == 0 and len(r.out.splitlines()) == 6 and r.out.endswith("unreadable\n")


@pytest.mark.parametrize("args", [("log", "--verify"), ("log", "--verify", "--json"), ("log",), ("log", "--json")])
def test_each_line_is_parsed_once_per_command(long_ledger: Path, prov, monkeypatch: pytest.MonkeyPatch, args) -> None:
    from provenance import strictjson
    from provenance.crypto import dsse

    lines = long_ledger.read_bytes().splitlines()
    envelopes: list[bytes] = []
    payloads: list[bytes] = []
    from_json, loads = dsse.Envelope.from_json.__func__, strictjson.loads  # type: ignore[attr-defined]

    def counted_from_json(cls, data):  # type: ignore[no-untyped-def]
        envelopes.append(data)
        return from_json(cls, data)

    def counted_loads(data):  # type: ignore[no-untyped-def]
        payloads.append(data)
        return loads(data)

    monkeypatch.setattr(dsse.Envelope, "from_json", classmethod(counted_from_json))
    monkeypatch.setattr(strictjson, "loads", counted_loads)
    assert prov(*args).code == 0
    assert sorted(envelopes) == sorted(lines)
    assert sorted(payloads) == sorted(base64.b64decode(json.loads(line)["payload"]) for line in lines)
