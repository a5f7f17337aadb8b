"""Every signed record is strict JSON (RFC 8259), written and read by one module (issue 11).

The attacker's files come first: validly signed records whose payloads hold NaN, Infinity or a key
twice. Python's json reads them; other languages' verifiers refuse them or keep the other duplicate, so
prov must refuse them too, on every path that reads a signed record.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance import strictjson

ALLOWED = ["--recipient", "Research team", "--org", "Acme Hospital", "--purpose", "research", "--territory", "DE"]


def _resign(path: Path, edit, raw_payload: bytes | None = None) -> None:  # type: ignore[no-untyped-def]
    """Re-sign ``path`` (a DSSE envelope) with the project's default key after ``edit`` of its payload."""
    from provenance.crypto import dsse
    from provenance.store import userkeys

    env = json.loads(path.read_bytes())
    payload = raw_payload
    if payload is None:
        doc = json.loads(base64.b64decode(env["payload"]))
        edit(doc)
        payload = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    key = userkeys.load_private(userkeys.default_name())
    path.write_text(json.dumps(dsse.sign_envelope(env["payloadType"], payload, key)))


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_signed_card_with_a_non_finite_number_is_refused(project: Path, prov, value: float) -> None:
    import provenance

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    card = project / "model.joblib.prov.json"
    _resign(card, lambda d: d["predicate"].__setitem__("metrics", {"acc": value}))
    assert b"NaN" in base64.b64decode(json.loads(card.read_bytes())["payload"]) or math.isinf(value)
    r = prov("verify", "model.joblib")
    assert r.code == 1 and "CARD_INVALID" in r.err and "not JSON" in r.err
    assert not provenance.verify(project / "model.joblib").verified
    r = prov("export", "model.joblib", "--to", "out", *ALLOWED)
    assert r.code == 1 and "CARD_INVALID" in r.out and not (project / "out").exists()


def test_a_signed_card_with_a_key_twice_is_refused(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    card = project / "model.joblib.prov.json"
    payload = base64.b64decode(json.loads(card.read_bytes())["payload"])
    doubled = payload.replace(b'"_type":', b'"_type":"x","_type":', 1)
    assert doubled != payload
    _resign(card, None, raw_payload=doubled)
    r = prov("verify", "model.joblib")
    assert r.code == 1 and "duplicate key" in r.err


def test_an_export_record_with_infinity_is_refused(project: Path, prov, tmp_path: Path) -> None:
    from provenance.filenames import RECORD_NAME

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    out = tmp_path / "bundle"
    assert prov("export", "model.joblib", "--to", out, *ALLOWED).code == 0
    assert prov("verify", out, "--key", project / ".prov" / "keys" / "default.pub").code == 0
    _resign(out / RECORD_NAME, lambda d: d["predicate"].__setitem__("exported_at_precision", math.inf))
    r = prov("verify", out, "--key", project / ".prov" / "keys" / "default.pub")
    assert r.code == 1 and "EXPORT_RECORD_INVALID" in r.err and "strict JSON" in r.err, r.err


def test_a_ledger_entry_with_nan_fails_log_verify(project: Path, prov) -> None:
    from provenance.crypto import dsse
    from provenance.store import ledger, userkeys

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    assert prov("log", "--verify").code == 0
    path = project / ".prov" / "ledger.jsonl"
    lines = path.read_bytes().splitlines()
    env = json.loads(lines[-1])
    body = json.loads(base64.b64decode(env["payload"]))
    body["score"] = math.nan
    payload = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    signed = dsse.sign_envelope(ledger.PAYLOAD_TYPE, payload, userkeys.load_private(userkeys.default_name()))
    path.write_bytes(b"\n".join([*lines[:-1], json.dumps(signed).encode()]) + b"\n")
    r = prov("log", "--verify")
    assert r.code == 1 and "NaN is not JSON" in r.err, r.err


def test_non_finite_metrics_from_the_python_api_are_refused(project: Path) -> None:
    from provenance.card.request import CardRequest
    from provenance.errors import UsageError

    for value in (math.nan, math.inf):
        with pytest.raises(UsageError, match="not a finite number"):
            CardRequest(artefact=project / "model.joblib", datasets=("patients-2024",), metrics={"acc": value})


def test_the_writer_refuses_what_the_reader_would() -> None:
    with pytest.raises(ValueError):
        strictjson.dumps({"a": math.nan})


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@given(_json)
def test_what_prov_writes_it_reads_back_identically(value) -> None:  # type: ignore[no-untyped-def]
    data = strictjson.dumps(value)
    assert strictjson.loads(data) == value == json.loads(data)


@given(st.text(max_size=60))
def test_the_strict_reader_agrees_with_json_or_refuses(text: str) -> None:
    """Differential: wherever strict parsing succeeds, Python's json reads the same value; where they
    differ, it is only because the text is not RFC 8259 (a constant, a key twice)."""
    try:
        strict = strictjson.loads(text)
    except strictjson.StrictJSONError:
        strict = None
        refused = True
    else:
        refused = False
    try:
        loose = json.loads(text)
    except ValueError:
        assert refused
        return
    except RecursionError:
        return
    if not refused:
        assert strict == loose or (strict != strict and loose != loose)
    else:
        assert (
            any(c in text for c in ("NaN", "Infinity", "e", "E", "\\u"))
            or text.startswith("\ufeff")
            or _has_duplicate(text)
        )


def _has_duplicate(text: str) -> bool:
    seen = []

    def pairs(items):  # type: ignore[no-untyped-def]
        keys = [k for k, _ in items]
        seen.append(len(keys) != len(set(keys)))
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return any(seen)


def test_numbers_past_a_double_and_lone_surrogates_are_refused(project: Path, prov) -> None:
    """1e400 is valid JSON grammar that every reader turns into infinity; "\\ud800" is a string no UTF-8
    writer can produce. Both in validly signed records (the attacker's cases)."""
    from provenance.crypto import dsse
    from provenance.store import ledger, userkeys

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    card = project / "model.joblib.prov.json"
    payload = base64.b64decode(json.loads(card.read_bytes())["payload"])
    doc = json.loads(payload)
    doc["predicate"]["metrics"] = {"acc": 0.5}
    text = json.dumps(doc, sort_keys=True).replace('"acc": 0.5', '"acc": 1e400').encode()
    _resign(card, None, raw_payload=text)
    r = prov("verify", "model.joblib")
    assert r.code == 1 and "out of range" in r.err, r.err
    r = prov("export", "model.joblib", "--to", "out", "--dry-run", *ALLOWED)
    assert r.code == 1 and "CARD_INVALID" in r.out

    path = project / ".prov" / "ledger.jsonl"
    good = path.read_bytes()
    key = userkeys.load_private(userkeys.default_name())
    last = json.loads(base64.b64decode(json.loads(good.splitlines()[-1])["payload"]))
    for extra in ('"x":1e400', '"x":"\\ud800"'):
        body = json.dumps(last, sort_keys=True, separators=(",", ":"))[:-1] + "," + extra + "}"
        signed = dsse.sign_envelope(ledger.PAYLOAD_TYPE, body.encode(), key)
        path.write_bytes(good + json.dumps(signed).encode() + b"\n")
        r = prov("log", "--verify")
        assert r.code == 1 and ("out of range" in r.err or "lone surrogate" in r.err), r.err
