"""`prov verify` reads cards without pydantic; the light reader and the card schema must agree.

The strict reader (``card/facts.py``) and the pydantic ``Statement`` read the same signed bytes; the
full path checks they agree every time, and these tests drive them against each other: on cards a
signer really re-signed with altered statements (the attacker who holds a trusted key but wants the two
readers to see different subjects), and on every verdict the CLI can print.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_tamper_property import DIGEST, INFO, KEY, PAYLOAD

from provenance.card.verify import check_card, verify_and_read
from provenance.crypto import dsse
from provenance.model.card import PAYLOAD_TYPE

ARGS = {
    "artefact_name": "m.joblib",
    "card_name": "m.joblib.prov.json",
    "candidates": [INFO],
    "revoked": {},
    "actual_sha256": DIGEST,
}


def _both(payload: bytes) -> tuple[dict, dict]:  # type: ignore[type-arg]
    raw = json.dumps(dsse.sign_envelope(PAYLOAD_TYPE, payload, KEY)).encode()
    light = check_card(raw, **ARGS).as_dict()  # type: ignore[arg-type]
    full = verify_and_read(raw, **ARGS)[0].model_dump(mode="json")  # type: ignore[arg-type]
    return light, full


def test_light_and_full_agree_on_a_good_card() -> None:
    light, full = _both(PAYLOAD)
    assert light == full and full["verified"]


def test_duplicate_keys_are_refused_by_both() -> None:
    text = PAYLOAD.decode()
    forged = text.replace(
        '"subject":[', '"subject":[{"digest":{"sha256":"' + "cd" * 32 + '"},"name":"x"}],"subject":[', 1
    )
    light, full = _both(forged.encode())
    assert not light["verified"] and not full["verified"]
    assert {r["code"] for r in light["reasons"]} == {r["code"] for r in full["reasons"]} == {"CARD_INVALID"}


_EDITS = st.sampled_from(
    [
        ("subject", 0, "name", "other.joblib"),
        ("subject", 0, "digest", {"sha256": "cd" * 32}),
        ("subject", 0, "digest", {"sha512": "ab"}),
        ("predicate", "created", "time", "2030-01-01T00:00:00Z"),
        ("predicate", "created", "time", "yesterday"),
        ("predicate", "artefact", "kind", "directory"),
        ("predicate", "artefact", "kind", "folder"),
        ("predicate", "artefact", "inspection", None),
        ("predicate", "artefact", "inspection", {"method": "none"}),
        ("predicate", "artefact", "inspection", {"method": "pickle", "inspected": False}),
        (
            "predicate",
            "artefact",
            "inspection",
            {"method": "pickle", "inspected": True, "untrusted_globals": ["os.system"]},
        ),
        ("predicate", "artefact", "files", [{"path": "a", "sha256": "ab" * 32, "size": 1}]),
        ("predicate", "artefact", "extra", 1),
        ("predicateType", None, None, "https://example.com/other"),
        ("_type", None, None, "https://in-toto.io/Statement/v0.1"),
    ]
)


@settings(max_examples=60, deadline=None)
@given(edits=st.lists(_EDITS, min_size=1, max_size=3))
def test_re_signed_edits_read_the_same_to_both(edits: list) -> None:  # type: ignore[type-arg]
    doc = json.loads(PAYLOAD)
    for a, b, c, value in edits:
        if b is None:
            doc[a] = value
        elif c is None:
            doc[a][b] = value
        else:
            target = doc[a][b]
            if value is None:
                target.pop(c, None)
            else:
                target[c] = value
    light, full = _both(json.dumps(doc).encode())
    # The full reader may refuse more (the whole schema); whatever both accept, they report alike.
    if full["verified"]:
        assert light == full
    if not light["verified"]:
        assert not full["verified"]
    if light["verified"] and not full["verified"]:
        assert {r["code"] for r in full["reasons"] if r["severity"] == "block"} == {"CARD_INVALID"}


def test_cli_light_path_prints_what_the_full_verification_says(project: Path, prov, trained) -> None:
    from provenance.api.verify import verify_target

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    shutil.copy(trained["knn"], project / "other.joblib")
    assert prov("card", "other.joblib", "--dataset", "patients-2024").code == 0
    (project / "other.joblib").write_bytes(b"changed")
    r = prov("verify", "model.joblib", "other.joblib", "missing.joblib", "--json")
    assert r.code == 1
    light = json.loads(r.out)
    full = [
        verify_target(Path(p))[0].model_dump(mode="json") for p in ("model.joblib", "other.joblib", "missing.joblib")
    ]
    assert light == full
    # click parses the same command line to the same answer (help and odd options go through it)
    from provenance.cli.main import main as click_main

    assert click_main(["verify", "model.joblib", "--json"]) == 0


def test_prov_verify_imports_no_pydantic_click_or_numpy(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    warm = "from provenance.cli.entry import main; main(['verify', 'model.joblib'])"
    subprocess.run([sys.executable, "-c", warm], cwd=project, capture_output=True, check=True)  # validates once
    code = (
        "import sys; from provenance.cli.entry import main; rc = main(['verify', 'model.joblib']); "
        "heavy = [m for m in ('pydantic', 'click', 'numpy', 'scipy', 'sklearn', 'jinja2', 'yaml', "
        "'cryptography', 'typing', 'dataclasses') if m in sys.modules]; "
        "print(rc, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "0 []"


def _resign(project: Path, payload: bytes) -> None:
    from provenance.store.userkeys import default_name, load_private

    key = load_private(default_name())  # type: ignore[arg-type]
    envelope = dsse.sign_envelope(PAYLOAD_TYPE, payload, key)
    (project / "model.joblib.prov.json").write_text(json.dumps(envelope))


def test_cli_refuses_what_the_schema_refuses(project: Path, prov) -> None:
    """A card the trusted key signed but the card schema refuses: verify, check and export all say so."""
    import base64

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    payload = base64.b64decode(json.loads((project / "model.joblib.prov.json").read_text())["payload"])
    for forged in (b"\xef\xbb\xbf" + payload, payload.replace(b'"predicate":{', b'"predicate":{"surprise":1,', 1)):
        _resign(project, forged)
        r = prov("verify", "model.joblib", "--json")
        assert r.code == 1 and {x["code"] for x in json.loads(r.out)["reasons"]} == {"CARD_INVALID"}, r.out
        r = prov("export", "model.joblib", "--to", "out", "--dry-run", "--recipient", "x", "--json")
        assert r.code == 1 and "CARD_INVALID" in r.out


def test_odd_verify_arguments_are_bad_input_not_crashes(project: Path, prov, monkeypatch) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    r = prov("verify", "--key=", "model.joblib")
    assert r.code == 2 and "Traceback" not in r.err and "internal error" not in r.err
    d = project / "mdir"
    d.mkdir()
    shutil.copy(project / "model.joblib", d / "w.joblib")
    assert prov("card", "mdir", "--dataset", "patients-2024").code == 0
    monkeypatch.chdir(d)
    r = prov("verify", ".")
    assert "internal error" not in r.err


class _Memo:
    def __init__(self) -> None:
        self.passed: set[str] = set()

    def sig_verified(self, token: str) -> bool:
        return token in self.passed

    def record_sig(self, token: str) -> None:
        self.passed.add(token)


@settings(max_examples=100, deadline=None)
@given(
    position=st.integers(min_value=0),
    flip=st.integers(min_value=1, max_value=255),
    where=st.sampled_from(["sig", "payload"]),
)
def test_a_remembered_signature_check_never_covers_other_bytes(position: int, flip: int, where: str) -> None:
    """The memo that lets a warm verify skip cryptography binds key, signature and message together."""
    import base64

    envelope = dsse.sign_envelope(PAYLOAD_TYPE, PAYLOAD, KEY)
    memo = _Memo()
    raw = json.dumps(envelope).encode()
    assert check_card(raw, memo=memo, **ARGS).verified and memo.passed  # type: ignore[arg-type]
    altered = json.loads(raw)
    field = altered["signatures"][0] if where == "sig" else altered
    key = "sig" if where == "sig" else "payload"
    data = bytearray(base64.b64decode(field[key]))
    data[position % len(data)] ^= flip
    field[key] = base64.b64encode(bytes(data)).decode()
    assert not check_card(json.dumps(altered).encode(), memo=memo, **ARGS).verified  # type: ignore[arg-type]


# --- third attacker brief: caches shipped with the artefact, a file card over a directory, odd JSON -------


def _forged_beside(project: Path, tmp_path: Path) -> tuple[Path, bytes, bytes]:
    """A card claiming the project's trusted key with a junk signature, and the token a cache would hold."""
    import base64
    import hashlib

    from provenance.crypto.dsse import pae

    assert prov_run(project, "card", "model.joblib", "--dataset", "patients-2024") == 0
    env = json.loads((project / "model.joblib.prov.json").read_text())
    ship = tmp_path / "ship"
    ship.mkdir()
    shutil.copy(project / "model.joblib", ship / "model.joblib")
    env["signatures"][0]["sig"] = base64.b64encode(b"not a signature at all").decode()
    (ship / "model.joblib.prov.json").write_text(json.dumps(env))
    pem = next((project / ".prov" / "keys").glob("*.pub")).read_bytes()
    message = pae(env["payloadType"], base64.b64decode(env["payload"]))
    h = hashlib.sha256(b"prov-dsse-v1\0")
    for part in (pem, b"not a signature at all", message):
        h.update(len(part).to_bytes(8, "big") + part)
    return ship, h.hexdigest().encode(), message


def prov_run(cwd: Path, *args: str) -> int:
    return subprocess.run([sys.executable, "-m", "provenance", *args], cwd=cwd, capture_output=True).returncode


def test_a_cache_shipped_beside_an_artefact_vouches_for_nothing(project: Path, tmp_path: Path) -> None:
    import hashlib
    import sqlite3

    ship, token, _ = _forged_beside(project, tmp_path)
    cache = ship / ".prov" / "cache"
    cache.mkdir(parents=True)
    db = sqlite3.connect(cache / "digests.sqlite3")
    db.execute("CREATE TABLE facts (kind TEXT, key TEXT, value TEXT, PRIMARY KEY (kind, key))")
    for key in (token.decode(), hashlib.blake2b(b"signature\0" + token, key=b"x" * 32, digest_size=32).hexdigest()):
        db.execute("INSERT INTO facts VALUES ('signature', ?, '')", (key,))
    db.commit()
    db.close()
    (ship / ".prov" / "keys").mkdir()
    r = subprocess.run(
        [sys.executable, "-m", "provenance", "verify", str(ship / "model.joblib"), "--json"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and json.loads(r.stdout)["reasons"][0]["code"] == "SIGNATURE_INVALID", r.stdout


def test_a_card_for_a_file_does_not_verify_a_directory_with_the_same_digest(project: Path, prov) -> None:
    import hashlib

    a, b = b"import os\n", b"data\n"
    (project / "w.bin").write_bytes(hashlib.sha256(a).digest() + hashlib.sha256(b).digest())
    assert prov("card", "w.bin", "--dataset", "patients-2024").code == 0
    (project / "w.bin").unlink()
    (project / "w.bin").mkdir()
    (project / "w.bin" / "a.py").write_bytes(a)
    (project / "w.bin" / "b.txt").write_bytes(b)
    r = prov("verify", "w.bin", "--json")
    assert r.code == 1 and "DIGEST_MISMATCH" in {x["code"] for x in json.loads(r.out)["reasons"]}


def test_deeply_nested_or_huge_json_is_an_invalid_card_not_a_crash(project: Path, prov) -> None:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    for payload in (b"[" * 5000 + b"]" * 5000, b'{"_type": ' + b"9" * 5000 + b"}"):
        _resign(project, payload)
        r = prov("verify", "model.joblib", "--json")
        assert r.code == 1 and {x["code"] for x in json.loads(r.out)["reasons"]} == {"CARD_INVALID"}
    (project / "model.joblib.prov.json").write_text("[" * 5000 + "]" * 5000)
    r = prov("verify", "model.joblib")
    assert r.code == 1 and "internal error" not in r.err
