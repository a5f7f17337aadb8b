"""Issue 12: lineage both ways, withdrawal, revocations that cannot be backdated, on a repository with
three generations of artefacts over four datasets (``governance_repo.py``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import governance_repo as gov
import jsonschema
import pytest
from tools import need

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
# An export inside the repository owner's organisation, for a purpose and to a territory the terms allow.
INSIDE = ("--org", "Acme Hospital", "--purpose", "research", "--territory", "DE")
ARTEFACTS = [c[0] for c in gov.CARDS]


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The repository and the signer's PROV_HOME, built once."""
    import os

    from provenance.cli.entry import main

    base = tmp_path_factory.mktemp("governance")
    home = base / "home"
    home.mkdir()
    old = os.environ.get("PROV_HOME")
    os.environ["PROV_HOME"] = str(home)

    class Result:
        def __init__(self, code: int) -> None:
            self.code, self.err = code, ""

    try:
        gov.build(base / "repo", lambda *a: Result(main([str(x) for x in a])))
    finally:
        if old is None:
            del os.environ["PROV_HOME"]
        else:
            os.environ["PROV_HOME"] = old
    return base / "repo", home


@pytest.fixture
def repo(template: tuple[Path, Path], tmp_path: Path, prov_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    src, home = template
    dst = tmp_path / "repo"
    shutil.copytree(src, dst, symlinks=True)
    shutil.copytree(home, prov_home, dirs_exist_ok=True)
    monkeypatch.chdir(dst)
    return dst


def _codes(check_out: str, artefact: str) -> set[str]:
    return {line.split(": ", 2)[1].split()[-1] for line in check_out.splitlines() if line.startswith(artefact + ": ")}


# --- lineage -------------------------------------------------------------------------------------------


def test_lineage_of_the_third_generation_in_every_format(repo: Path, prov) -> None:
    r = prov("lineage", "gen3/distilled.joblib", "--json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    jsonschema.validate(data, json.loads((SCHEMAS / "lineage.schema.json").read_text()))
    ids = {n["id"] for n in data["nodes"]}
    assert ids == {
        "artefact:gen3/distilled.joblib",
        "artefact:gen2/finetuned.joblib",
        "artefact:gen1/base.joblib",
        "artefact:gen1/encoder",
        "dataset:client-nda@2",
        "dataset:iris-public@1",
        "dataset:reviews-nc@1",
    }
    tree = prov("lineage", "gen3/distilled.joblib").out
    assert "adapter: gen1/encoder (LicenseRef-Northwind-NDA, confidential) [✓ verified]" in tree
    dot = prov("lineage", "gen3/distilled.joblib", "--format", "dot").out
    svg = subprocess.run(
        [need("dot", "graphviz"), "-Tsvg"], input=dot, text=True, check=True, capture_output=True
    ).stdout
    assert svg.count('class="node"') == 7 and svg.count('class="edge"') == 7
    mermaid = prov("lineage", "gen3/distilled.joblib", "--format", "mermaid").out
    assert mermaid.startswith("flowchart BT") and mermaid.count("-->") == 7


@pytest.mark.parametrize("dataset", sorted(gov.AFFECTED))
def test_affected_by_each_dataset(repo: Path, prov, dataset: str) -> None:
    r = prov("lineage", "--affected-by", dataset, "--json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    jsonschema.validate(data, json.loads((SCHEMAS / "affected.schema.json").read_text()))
    got = {a["artefact"]: (a["depth"], a["action"]) for a in data["artefacts"]}
    assert got == gov.AFFECTED[dataset]
    assert data["cards"] == len(gov.CARDS) and data["registered"]
    text = prov("lineage", "--affected-by", dataset).out
    assert f"{len(got)} of {len(gov.CARDS)} carded artefacts derive from it" in text


def test_affected_by_survives_a_deleted_parent_and_an_unreadable_card(repo: Path, prov) -> None:
    # The parent's card and bytes are gone: its signed terms in the child still name the dataset.
    (repo / "gen2" / "finetuned.joblib").unlink()
    (repo / "gen2" / "finetuned.joblib.prov.json").unlink()
    got = {
        a["artefact"]: a for a in json.loads(prov("lineage", "--affected-by", "iris-public", "--json").out)["artefacts"]
    }
    assert set(got) == {"gen1/base.joblib", "gen3/distilled.joblib"}
    assert "not in this repository" in got["gen3/distilled.joblib"]["via"][-1]
    # A card that does not read may derive from anything: listed, never left out.
    (repo / "gen1" / "base.joblib.prov.json").write_text("{not json")
    got = {
        a["artefact"]: a for a in json.loads(prov("lineage", "--affected-by", "iris-public", "--json").out)["artefacts"]
    }
    assert got["gen1/base.joblib"]["action"] == "retrain or delete" and got["gen1/base.joblib"]["depth"] == 0


def test_affected_by_index_is_incremental(repo: Path) -> None:
    from provenance.lineage.index import CardIndex
    from provenance.store.repo import ProvRepo

    def stats() -> tuple[int, int, int]:
        index = CardIndex.open(ProvRepo(repo))
        try:
            index.entries()
        finally:
            index.close()
        return index.stats.cards, index.stats.read, index.stats.parsed

    first = stats()
    assert first[0] == len(gov.CARDS)
    assert stats() == (len(gov.CARDS), 0, 0)  # warm: nothing read, nothing parsed
    card = repo / "gen1" / "base.joblib.prov.json"
    card.write_bytes(card.read_bytes() + b"\n")  # new bytes: read and summarised again, the others not
    assert stats() == (len(gov.CARDS), 1, 1)
    shutil.copy(repo / "gen1" / "knn.joblib.prov.json", repo / "gen1" / "copy.joblib.prov.json")
    assert stats() == (len(gov.CARDS) + 1, 1, 0)  # same bytes elsewhere: the summary is the content's


def test_lineage_usage_errors(repo: Path, prov) -> None:
    r = prov("lineage")
    assert r.code == 2 and "--affected-by" in r.err
    r = prov("lineage", "gen1/knn.joblib", "--affected-by", "patients")
    assert r.code == 2 and "not both" in r.err


# --- withdrawal ----------------------------------------------------------------------------------------


def test_withdrawal_blocks_exactly_the_descendants_that_may_hold_the_data(repo: Path, prov) -> None:
    import provenance
    from provenance.model.decision import Recipient

    r = prov("dataset", "withdraw", "patients", "--reason", "consent-withdrawn", "--json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["new"] and out["withdrawal"]["reason"] == "consent-withdrawn"
    assert {a["artefact"] for a in out["affected"]["artefacts"]} == set(gov.AFFECTED["patients"])

    blocked = {"gen1/knn.joblib", "gen2/ensemble.joblib"}
    warned = {"gen1/logreg.joblib"}  # assessed anonymous by its signed audit
    check = prov("check", "--all")
    assert check.code == 1
    for a in ARTEFACTS:
        codes = _codes(check.out, a)
        assert ("DATASET_WITHDRAWN" in codes) == (a in blocked), (a, codes)
        assert ("DATASET_WITHDRAWN_ANONYMOUS" in codes) == (a in warned), (a, codes)

    internal = Recipient(name="Acme Hospital", org="Acme Hospital", purpose="research", territory="DE")
    for a in ARTEFACTS:
        decision = provenance.decide_export(repo / a, recipient=internal)
        codes = {x.code for x in decision.reasons}
        assert ("DATASET_WITHDRAWN" in codes) == (a in blocked), (a, codes)
        assert decision.allowed == (a not in blocked), (a, decision.reasons)
        r = prov(
            "export",
            a,
            "--to",
            str(repo.parent / "out" / a.replace("/", "-")),
            "--recipient",
            "Acme Hospital",
            *INSIDE,
        )
        assert r.code == (1 if a in blocked else 0), (a, r.out, r.err)
        if a in blocked:
            assert "DATASET_WITHDRAWN" in r.out + r.err

    # Withdrawing again records nothing new; a name nobody used is refused.
    again = json.loads(prov("dataset", "withdraw", "patients", "--reason", "other", "--json").out)
    assert not again["new"] and again["withdrawal"]["reason"] == "consent-withdrawn"
    r = prov("dataset", "withdraw", "patiens", "--reason", "erasure")
    assert r.code == 2 and "no card names it" in r.err


def test_withdrawal_outlives_the_manifest_and_the_unstaged_file(repo: Path, prov) -> None:
    from conftest import git

    assert prov("dataset", "withdraw", "patients", "--reason", "erasure").code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "withdraw")
    # Deleting the manifest: the cards still name it (DATASET_UNREGISTERED, a warning), and the
    # withdrawal still blocks.
    (repo / ".prov" / "datasets" / "patients.yaml").unlink()
    r = prov("export", "gen1/logreg.joblib", "--to", "out", "--dry-run", "--recipient", "Acme Hospital", "--json")
    assert {x["code"] for x in json.loads(r.out)["decision"]["reasons"]} >= {
        "DATASET_UNREGISTERED",
        "DATASET_WITHDRAWN_ANONYMOUS",
    }
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "manifest deleted")
    check = prov("check", "--all")
    assert {"DATASET_WITHDRAWN", "DATASET_UNREGISTERED"} <= _codes(check.out, "gen1/knn.joblib")
    assert "DATASET_UNREGISTERED" in _codes(check.out, "gen1/logreg.joblib")
    assert "DATASET_UNREGISTERED" not in _codes(check.out, "gen1/base.joblib")
    # Deleting the withdrawal from the working tree (not committed): HEAD's still binds the commit.
    (repo / ".prov" / "withdrawals.jsonl").unlink()
    git(repo, "add", "-A")
    assert "DATASET_WITHDRAWN" in _codes(prov("check", "--all").out, "gen1/knn.joblib")


def test_withdrawals_file_that_does_not_read_fails_closed(repo: Path, prov) -> None:
    assert prov("dataset", "withdraw", "patients", "--reason", "retention").code == 0
    path = repo / ".prov" / "withdrawals.jsonl"
    path.write_text(path.read_text().replace('"payload":"', '"payload":"x', 1))
    export = ("export", "gen1/base.joblib", "--to", "out", "--dry-run", "--recipient", "x")
    for args in (export, ("lineage", "--affected-by", "x")):
        r = prov(*args)
        assert r.code == 2 and "withdrawals.jsonl: line 1" in r.err, (args, r.err)
    r = prov("check", ".prov/withdrawals.jsonl")
    assert r.code in (1, 2)


# --- revocations that cannot be backdated, and that travel -----------------------------------------------


def _forge(repo: Path, name: str, when: str) -> Path:
    """What whoever holds the leaked key does: copy a model, sign a card for it dated ``when`` with the
    key itself (prov would refuse to sign with a revoked key; the attacker does not use prov)."""
    import datetime as dt
    import hashlib

    from provenance.card import build
    from provenance.card.files import read_signed_card, statement_bytes
    from provenance.crypto import dsse
    from provenance.model.card import PAYLOAD_TYPE
    from provenance.store import userkeys

    target = repo / "gen1" / name
    shutil.copy(repo / "gen1" / "knn.joblib", target)
    data = target.read_bytes()
    card = read_signed_card((repo / "gen1" / "knn.joblib.prov.json").read_bytes()).card
    forged = card.model_copy(
        update={
            "artefact": card.artefact.model_copy(update={"name": name, "sha256": hashlib.sha256(data).hexdigest()}),
            "created": card.created.model_copy(update={"time": dt.datetime.fromisoformat(when)}),
        }
    )
    envelope = dsse.sign_envelope(
        PAYLOAD_TYPE, statement_bytes(build.statement_for(forged)), userkeys.load_private("default")
    )
    (repo / "gen1" / f"{name}.prov.json").write_text(json.dumps(envelope, indent=2) + "\n")
    return target


def _codes_of(r) -> set[str]:  # type: ignore[no-untyped-def]
    data = json.loads(r.out)
    return {x["code"] for x in data["reasons"]}


def test_a_leaked_key_cannot_backdate_past_its_revocation(repo: Path, prov) -> None:
    from conftest import git

    r = prov("key", "revoke", "default", "--reason", "laptop stolen", "--json")
    assert r.code == 0, r.err
    rev = json.loads(r.out)
    # every card and its OpenSSF model-signing signature (ECDSA keys) stay valid
    assert len(rev["still_valid"]) == 2 * len(gov.CARDS) and rev["ledgered"] and rev["revoked_cards"] == []
    # Everything signed before the revocation still verifies, under the repository and under --key.
    pub = repo / ".prov" / "keys" / "default.pub"
    for a in ARTEFACTS:
        assert prov("verify", a).code == 0, a
        assert prov("verify", a, "--key", pub).code == 0, a
    # The attacker's cards, one dated after the revocation and one backdated to 2020.
    for name, when in (("late.joblib", "2031-01-01T00:00:00+00:00"), ("old.joblib", "2020-01-01T00:00:00+00:00")):
        _forge(repo, name, when)
        r = prov("verify", f"gen1/{name}", "--json")
        assert r.code == 1 and _codes_of(r) == {"KEY_REVOKED"}, r.out
        git(repo, "add", f"gen1/{name}", f"gen1/{name}.prov.json")
        check = prov("check", f"gen1/{name}")
        assert check.code == 1 and "KEY_REVOKED" in _codes(check.out, f"gen1/{name}"), check.out
        # A recipient with only the public key knows of no revocation ...
        assert prov("verify", f"gen1/{name}", "--key", pub).code == 0
    # ... until they hold the travelling list, signed by a key they trust (the owner's new key: a revoked
    # key signs nothing more through prov).
    lst = repo.parent / "revocations.json"
    r = prov("key", "export", "--revocations", "-o", lst)
    assert r.code == 2 and "revoked" in r.err
    assert prov("key", "generate", "--name", "second", "--default").code == 0
    assert prov("key", "trust").code == 0
    assert prov("key", "export", "--revocations", "-o", lst).code == 0
    second = repo / ".prov" / "keys" / "second.pub"
    for name in ("late.joblib", "old.joblib"):
        r = prov("verify", f"gen1/{name}", "--key", pub, "--key", second, "--revocations", lst, "--json")
        assert r.code == 1 and _codes_of(r) == {"KEY_REVOKED"}, r.out
    for a in ARTEFACTS:
        assert prov("verify", a, "--key", pub, "--key", second, "--revocations", lst).code == 0, a
    # Signed by the revoked key's holder only: not trusted by a recipient who has just the new key.
    r = prov("verify", "gen1/knn.joblib", "--key", pub, "--revocations", lst)
    assert r.code == 2 and "you do not trust" in r.err


def test_a_revocation_list_counts_only_from_a_trusted_key_and_only_narrows(repo: Path, prov) -> None:
    import datetime as dt

    from provenance.card import revocation_list
    from provenance.crypto import keys as _keys
    from provenance.store.trust import Revocation

    pub = repo / ".prov" / "keys" / "default.pub"
    keyid = json.loads(prov("key", "list", "--json").out)[0]["keyid"]
    stranger = _keys.generate()
    now = dt.datetime.now(dt.UTC)
    # A stranger revokes our key: not signed by a key the recipient trusts, so it counts for nothing
    # (exit 2 when given explicitly: the recipient asked for it and it cannot be honoured).
    fake = repo.parent / "fake.json"
    fake.write_bytes(revocation_list.make([Revocation(keyid, "default", now, "", frozenset())], stranger, now))
    r = prov("verify", "gen1/knn.joblib", "--key", pub, "--revocations", fake)
    assert r.code == 2 and "you do not trust" in r.err
    # The leaked key signs a list "keeping valid" a forgery: merged with the genuine list, it keeps nothing
    # the genuine one does not.
    assert prov("key", "revoke", "default").code == 0
    assert prov("key", "generate", "--name", "second", "--default").code == 0
    assert prov("key", "trust").code == 0
    second = repo / ".prov" / "keys" / "second.pub"
    genuine = repo.parent / "genuine.json"
    assert prov("key", "export", "--revocations", "-o", genuine).code == 0
    forged = _forge(repo, "forged.joblib", "2020-01-01T00:00:00+00:00")
    card_sha = __import__("hashlib").sha256(Path(f"{forged}.prov.json").read_bytes()).hexdigest()
    from provenance.store import userkeys

    widened = repo.parent / "widened.json"
    widened.write_bytes(
        revocation_list.make(
            [Revocation(keyid, "default", now, "", frozenset({card_sha}))], userkeys.load_private("default"), now
        )
    )
    assert prov("verify", forged, "--key", pub, "--revocations", widened).code == 0  # alone, it is all they know
    both = ("--revocations", widened, "--revocations", genuine)
    r = prov("verify", forged, "--key", pub, "--key", second, *both, "--json")
    assert r.code == 1 and _codes_of(r) == {"KEY_REVOKED"}


def test_bundles_carry_the_revocation_list(repo: Path, prov) -> None:
    from provenance.crypto import keys as _keys

    # A second signer, revoked; the exporter's own key signs the list the bundle carries.
    other = _keys.generate()
    other_pub = repo.parent / "other.pub"
    other_pub.write_bytes(_keys.public_pem(other.public_key()))
    assert prov("key", "trust", other_pub, "--name", "contractor").code == 0
    assert prov("key", "revoke", "contractor", "--reason", "contract ended").code == 0
    bundle = repo.parent / "bundle"
    r = prov(
        "export",
        "gen1/base.joblib",
        "--to",
        bundle,
        "--recipient",
        "UCI",
        *INSIDE,
    )
    assert r.code == 0, r.out + r.err
    assert (bundle / "revocations.dsse.json").is_file()
    pub = repo / ".prov" / "keys" / "default.pub"
    elsewhere = repo.parent / "elsewhere"
    elsewhere.mkdir()
    import os

    os.chdir(elsewhere)
    r = prov("verify", bundle, "--key", pub, "--json")
    assert r.code == 0 and json.loads(r.out)["verified"], r.out
    # The list rides under the export record: changing it is a changed bundle file.
    listed = bundle / "revocations.dsse.json"
    listed.write_text(listed.read_text().replace("{", "{ ", 1))
    r = prov("verify", bundle, "--key", pub, "--json")
    assert r.code == 1 and "DIGEST_MISMATCH" in {x["code"] for x in json.loads(r.out)["reasons"]}


# --- key rotation --------------------------------------------------------------------------------------


def test_rotation_re_signs_every_card_and_old_cards_still_verify(repo: Path, prov, tmp_path: Path) -> None:
    import hashlib

    before = {a: (repo / f"{a}.prov.json").read_bytes() for a in ARTEFACTS}
    keep = tmp_path / "elsewhere"
    keep.mkdir()
    shutil.copy(repo / "gen1" / "knn.joblib", keep / "knn.joblib")
    (keep / "knn.joblib.prov.json").write_bytes(before["gen1/knn.joblib"])  # a copy sent out earlier

    r = prov("key", "rotate", "--new", "second", "--json")
    assert r.code == 0, r.err
    result = json.loads(r.out)
    assert sorted(result["resigned"]) == sorted(f"{a}.prov.json" for a in ARTEFACTS)
    assert result["left_revoked"] == [] and result["other_signers"] == []
    new_keyid = result["new_keyid"]
    for a in ARTEFACTS:
        env = json.loads((repo / f"{a}.prov.json").read_text())
        assert [s["keyid"] for s in env["signatures"]] == [new_keyid]
        card = _predicate_of(repo / f"{a}.prov.json")
        old = _predicate_of_bytes(before[a])
        assert card["previous_card"] == hashlib.sha256(before[a]).hexdigest()
        # Same content: only who signed, when, and the parents' (re-signed) card digests differ.
        for k in ("artefact", "datasets", "privacy", "effective_terms", "code", "metrics"):
            assert card[k] == old[k], (a, k)
        assert prov("verify", a).code == 0
    for p in _predicate_of(repo / "gen3" / "distilled.joblib.prov.json")["parents"]:
        assert p["card_sha256"] == hashlib.sha256((repo / f"{p['path']}.prov.json").read_bytes()).hexdigest()
    assert prov("lineage", "gen3/distilled.joblib").code == 0  # every node verified
    assert prov("check", "--all").code == 0
    assert prov("log", "--verify").code == 0
    # The copy sent out before the rotation verifies under the new trust (the revocation keeps it valid).
    assert prov("verify", keep / "knn.joblib").code == 0
    # The new key is the default now, so a second run says the rotation is done.
    r = prov("key", "rotate", "--new", "second")
    assert r.code == 2 and "already your default key" in r.err


def test_an_interrupted_rotation_resumes(repo: Path, prov, monkeypatch: pytest.MonkeyPatch) -> None:
    from provenance.api import card as card_api

    real = card_api.write_signed
    calls = {"n": 0}

    def crash_after_three(*args, **kwargs):  # type: ignore[no-untyped-def]
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(card_api, "write_signed", crash_after_three)
    r = prov("key", "rotate", "--new", "second")
    assert r.code == 2 and "No space left" in r.err
    monkeypatch.setattr(card_api, "write_signed", real)
    r = prov("key", "rotate", "--new", "second", "--json")
    assert r.code == 0, r.err
    result = json.loads(r.out)
    assert len(result["resigned"]) == len(ARTEFACTS) - 3 and len(result["already"]) == 3
    assert not result["generated"]
    assert prov("check", "--all").code == 0
    assert prov("lineage", "gen3/distilled.joblib").code == 0


def test_rotation_does_not_launder_a_card_the_ledger_never_saw(repo: Path, prov) -> None:
    _forge(repo, "planted.joblib", "2020-01-01T00:00:00+00:00")  # made with the old key, outside prov
    r = prov("key", "rotate", "--new", "second", "--json")
    result = json.loads(r.out)
    assert result["left_revoked"] == ["gen1/planted.joblib.prov.json"]
    r = prov("verify", "gen1/planted.joblib", "--json")
    assert r.code == 1 and _codes_of(r) == {"KEY_REVOKED"}


def _predicate_of_bytes(raw: bytes) -> dict:  # type: ignore[type-arg]
    import base64

    return json.loads(base64.b64decode(json.loads(raw)["payload"]))["predicate"]


def _predicate_of(path: Path) -> dict:  # type: ignore[type-arg]
    return _predicate_of_bytes(path.read_bytes())


# --- one person's erasure --------------------------------------------------------------------------------


def _withdraw_and_register_again(repo: Path, prov, alias: str) -> None:  # type: ignore[no-untyped-def]
    """Withdraw patients and commit it; then register the same files as ``alias`` (the attacker's move)."""
    from conftest import git

    assert prov("dataset", "withdraw", "patients", "--reason", "consent-withdrawn").code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "withdraw")
    manifest = (repo / ".prov" / "datasets" / "patients.yaml").read_text()
    copy = repo.parent / f"{alias}.yaml"
    copy.write_text(manifest.replace("name: patients\n", f"name: {alias}\n"))
    assert prov("dataset", "add", "--manifest", copy).code == 0


def _person(repo: Path, table: str, line: int) -> Path:
    lines = (repo / "data" / table).read_text().splitlines()
    out = repo.parent / f"person-{table}-{line}.csv"
    out.write_text(lines[0] + "\n" + lines[line] + "\n")
    return out


def test_erasure_finds_the_patient_in_the_knn_pipeline_not_in_the_logistic_regression(repo: Path, prov) -> None:
    import base64

    person = _person(repo, "patients-train.csv", 17)  # a patient the models were trained on
    r = prov("erasure", "--dataset", "patients", "--records", person, "--json")
    assert r.code == 1, r.err  # something holds the record: action needed
    report = json.loads(r.out)
    got = {f["artefact"]: (f["checked"], f["rows_held"], f["action"]) for f in report["findings"]}
    assert got == {
        "gen1/knn.joblib": (True, [0], "retrain or delete"),  # found behind the StandardScaler
        "gen1/logreg.joblib": (True, [], "review"),
        "gen2/ensemble.joblib": (True, [0], "retrain or delete"),
    }
    assert any("KNeighborsClassifier._fit_X" in w for w in report["findings"][0]["where"])
    # The ledger records the request by row digest, never the values.
    last = (repo / ".prov" / "ledger.jsonl").read_text().splitlines()[-1]
    payload = base64.b64decode(json.loads(last)["payload"]).decode()
    body = json.loads(payload)
    assert body["event"] == "erasure" and body["rows"] == report["row_sha256"] and len(body["rows"]) == 1
    values = person.read_text().splitlines()[1].split(",")
    assert not any(v in payload for v in values[:5] if len(v) > 3)
    assert prov("log", "--verify").code == 0

    # Someone from the holdout half: no model holds them verbatim.
    other = _person(repo, "patients-holdout.csv", 3)
    r = prov("erasure", "--dataset", "patients", "--records", other, "--json")
    assert r.code == 0
    assert {f["action"] for f in json.loads(r.out)["findings"]} == {"review"}


def test_erasure_through_parquet_and_for_what_cannot_be_searched(repo: Path, prov) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.csv
    import pyarrow.parquet

    person = _person(repo, "patients-train.csv", 17)
    table = pyarrow.csv.read_csv(person)
    parquet = repo.parent / "person.parquet"
    pyarrow.parquet.write_table(table, parquet)
    assert isinstance(table, pa.Table)
    held = {
        f["artefact"]: f["rows_held"]
        for f in json.loads(prov("erasure", "--dataset", "patients", "--records", parquet, "--json").out)["findings"]
    }
    assert held["gen1/knn.joblib"] == [0]
    # The directory artefact cannot be loaded: never "does not hold" -- retrain or delete.
    nda = _person(repo, "client.csv", 1)
    r = prov("erasure", "--dataset", "client-nda", "--records", nda, "--json")
    enc = {f["artefact"]: f for f in json.loads(r.out)["findings"]}["gen1/encoder"]
    assert r.code == 1 and not enc["checked"] and enc["action"] == "retrain or delete"
    # Bad input is one line.
    r = prov("erasure", "--dataset", "nobody", "--records", person)
    assert r.code == 2 and "no card names it" in r.err
    r = prov("erasure", "--dataset", "patients", "--records", repo / "missing.csv")
    assert r.code == 2


# --- prov status ---------------------------------------------------------------------------------------


def _edit_manifest(repo: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    import yaml

    path = repo / ".prov" / "datasets" / f"{name}.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_status_is_clean_then_flags_retention_an_expiring_agreement_and_a_changed_file(repo: Path, prov) -> None:
    import datetime as dt

    r = prov("status", "--json")
    assert r.code == 0, r.out + r.err
    report = json.loads(r.out)
    assert {a["artefact"]: a["state"] for a in report["artefacts"]} == {a: "valid" for a in ARTEFACTS}
    assert not report["needs_action"]
    assert (
        "Acme Hospital (internal) for research"
        in {a["artefact"]: a for a in report["artefacts"]}["gen1/knn.joblib"]["may_go_to"]
    )

    today = dt.date.today()
    _edit_manifest(
        repo, "patients", lambda d: d["retention"].update(delete_by=(today - dt.timedelta(days=3)).isoformat())
    )
    _edit_manifest(
        repo, "client-nda", lambda d: d["agreements"][0].update(expires=(today + dt.timedelta(days=10)).isoformat())
    )
    with (repo / "data" / "iris.csv").open("a") as f:
        f.write("9,9,9,9,0\n")
    r = prov("status", "--json")
    assert r.code == 1
    report = json.loads(r.out)
    datasets = {d["name"]: {x["code"] for x in d["reasons"]} for d in report["datasets"]}
    assert datasets["patients"] == {"RETENTION_EXPIRED"}
    assert datasets["client-nda"] == {"AGREEMENT_EXPIRING"}
    assert datasets["iris-public"] == {"DATASET_CHANGED"}
    assert datasets["reviews-nc"] == set()
    arts = {a["artefact"]: {x["code"] for x in a["reasons"]} for a in report["artefacts"]}
    assert "RETENTION_EXPIRED" in arts["gen1/knn.joblib"]  # holds the rows: blocks
    assert "RETENTION_ENDED" in arts["gen1/logreg.joblib"]  # anonymous: a warning that asks for review
    for a in ("gen1/encoder", "gen2/finetuned.joblib", "gen3/distilled.joblib"):
        assert "AGREEMENT_EXPIRING" in arts[a], a
    text = prov("status").out
    assert "in 10 days" in text and "RETENTION_EXPIRED" in text and "DATASET_CHANGED" in text


def test_status_names_each_card_state_and_a_lost_withdrawal(repo: Path, prov) -> None:
    shutil.copy(repo / "gen1" / "base.joblib", repo / "gen1" / "uncarded.joblib")
    with (repo / "gen2" / "finetuned.joblib").open("ab") as f:
        f.write(b"\0")
    assert prov("dataset", "withdraw", "reviews-nc", "--reason", "agreement-ended").code == 0
    assert prov("key", "revoke", "default").code == 0
    _forge(repo, "planted.joblib", "2020-01-01T00:00:00+00:00")
    (repo / ".prov" / "withdrawals.jsonl").unlink()  # someone removes the withdrawal
    r = prov("status", "--json")
    assert r.code == 1
    report = json.loads(r.out)
    states = {a["artefact"]: a["state"] for a in report["artefacts"]}
    assert states["gen1/uncarded.joblib"] == "unsigned"
    assert states["gen2/finetuned.joblib"] == "stale"
    assert states["gen1/planted.joblib"] == "revoked signer"
    assert states["gen1/base.joblib"] == "valid"
    assert any("reviews-nc was withdrawn" in p for p in report["problems"])


def _screenshot(html: Path, png: Path, height: int) -> None:
    chromium = need("chromium", "chromium")
    profile = png.parent / f"{png.stem}-profile"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            f"--window-size=1100,{height}",
            f"--screenshot={png}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, tall = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, tall) == (1100, height)
    assert len(data) > 40_000  # a rendered page, not a blank one (a blank 1100 px page is a few KB)


def test_status_page_and_card_page_render_in_chromium(repo: Path, prov, tmp_path: Path) -> None:
    """The pages a data-protection officer opens: self-contained, every artefact's lineage drawn, the
    audited models' ROC curves drawn; screenshots kept in PROV_SCREENSHOTS (when set) to look at."""
    import os

    assert prov("dataset", "withdraw", "patients", "--reason", "consent-withdrawn").code == 0
    page = tmp_path / "status.html"
    r = prov("status", "--html", page)
    assert r.code == 1 and page.is_file()  # the withdrawal needs action
    html = page.read_text()
    assert "<script" not in html and "src=" not in html and 'href="http' not in html
    assert html.count('class="lineage"') == len(ARTEFACTS)
    assert html.count('class="roc"') == 2  # the two audited models
    assert "DATASET_WITHDRAWN" in html and "Needs action" in html
    card = tmp_path / "knn.html"
    assert prov("card", "gen1/knn.joblib", "--render", "--format", "html", "-o", card).code == 0
    assert card.read_text().count('class="roc"') == 2  # the figure and its svg
    out = Path(os.environ.get("PROV_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    _screenshot(page, out / "status.png", 3000)
    _screenshot(card, out / "card.png", 2600)


def test_a_remembered_commit_pass_does_not_outlive_a_withdrawal(repo: Path, prov) -> None:
    """The hook remembers passed checks under the policy inputs; a withdrawal is one of them."""
    from conftest import git

    shutil.copy(repo / "gen1" / "knn.joblib", repo / "gen1" / "knn2.joblib")
    assert prov("card", "gen1/knn2.joblib", "--dataset", "patients").code == 0
    git(repo, "add", "gen1/knn2.joblib", "gen1/knn2.joblib.prov.json")
    assert prov("check", "gen1/knn2.joblib").code == 0  # remembered
    assert prov("dataset", "withdraw", "patients", "--reason", "consent-withdrawn").code == 0
    r = prov("check", "gen1/knn2.joblib")
    assert r.code == 1 and "DATASET_WITHDRAWN" in r.out
    git(repo, "add", ".prov")
    r = prov("check", "gen1/knn2.joblib")
    assert r.code == 1 and "DATASET_WITHDRAWN" in r.out


def test_a_knn_inside_a_calibrated_classifier_is_seen(repo: Path, prov) -> None:
    """The attacker's model: the fitted k-NNs sit in CalibratedClassifierCV.calibrated_classifiers_[i]
    .estimator, a helper object's attribute named like an unfitted template; they hold every row."""
    import joblib
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    table = np.loadtxt(repo / "data" / "patients-train.csv", delimiter=",", skiprows=1)
    model = make_pipeline(
        StandardScaler(), CalibratedClassifierCV(KNeighborsClassifier(15), method="sigmoid", cv=2)
    ).fit(table[:, :-1], table[:, -1].astype(int))
    joblib.dump(model, repo / "gen1" / "calib.joblib")
    audit = ["--train", "data/patients-train.csv", "--holdout", "data/patients-holdout.csv"]
    assert prov("card", "gen1/calib.joblib", "--dataset", "patients", *audit).code == 0
    card = _predicate_of(repo / "gen1" / "calib.joblib.prov.json")
    assert card["privacy"]["memorisation"]["risk"] == "high"
    assert card["privacy"]["memorisation"]["empirical"]["rows_found"] == len(table)
    assert prov("dataset", "withdraw", "patients", "--reason", "erasure").code == 0
    r = prov("export", "gen1/calib.joblib", "--to", "out", "--recipient", "Bob", "--org", "Acme Hospital")
    assert r.code == 1 and "DATASET_WITHDRAWN" in r.out


def test_governance_files_bind_as_committed_whatever_the_working_tree_says(repo: Path, prov) -> None:
    """Emptying .prov/withdrawals.jsonl or deleting revocations.yaml in the working tree lifts nothing
    that git holds (staged or HEAD), for export, decide_export, verify and status alike."""
    from conftest import git

    import provenance
    from provenance.model.decision import Recipient

    assert prov("dataset", "withdraw", "patients", "--reason", "consent-withdrawn").code == 0
    assert prov("key", "revoke", "default").code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "withdrawn and revoked")
    _forge(repo, "planted.joblib", "2020-01-01T00:00:00+00:00")
    (repo / ".prov" / "withdrawals.jsonl").write_text("")
    (repo / ".prov" / "keys" / "revocations.yaml").unlink()
    r = prov("export", "gen1/knn.joblib", "--to", "out", "--recipient", "Bob", "--org", "Acme Hospital", "--dry-run")
    assert r.code == 1 and "DATASET_WITHDRAWN" in r.out
    who = Recipient(name="Bob", org="Acme Hospital")
    assert not provenance.decide_export(repo / "gen1" / "knn.joblib", recipient=who).allowed
    r = prov("verify", "gen1/planted.joblib", "--json")
    assert r.code == 1 and _codes_of(r) == {"KEY_REVOKED"}
    assert prov("status").code == 1
    # Staged deletions lift nothing either (HEAD still holds them).
    git(repo, "add", "-A")
    r = prov("export", "gen1/knn.joblib", "--to", "out", "--recipient", "Bob", "--org", "Acme Hospital", "--dry-run")
    assert r.code == 1 and "DATASET_WITHDRAWN" in r.out
    assert prov("verify", "gen1/planted.joblib").code == 1


def test_a_withdrawal_follows_the_data_and_the_bytes_not_only_the_name(repo: Path, prov) -> None:
    """The attacker registers the withdrawn file under a new name and re-signs the k-NN's card with it;
    and cards a byte-identical copy of the k-NN as made from public data only."""
    _withdraw_and_register_again(repo, prov, "patients-2024")
    assert prov("card", "gen1/knn.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    shutil.copy(repo / "gen1" / "knn.joblib", repo / "gen1" / "copy.joblib")
    assert prov("card", "gen1/copy.joblib", "--dataset", "iris-public").code == 0
    for a in ("gen1/knn.joblib", "gen1/copy.joblib"):
        r = prov("export", a, "--to", "out", "--recipient", "Bob", "--org", "Acme Hospital", "--dry-run")
        assert r.code == 1 and "DATASET_WITHDRAWN" in r.out, (a, r.out)
    listed = {
        a["artefact"] for a in json.loads(prov("lineage", "--affected-by", "patients", "--json").out)["artefacts"]
    }
    assert {"gen1/knn.joblib", "gen1/copy.joblib"} <= listed


def test_cards_in_ignored_directories_and_nested_repositories_are_found(repo: Path, prov) -> None:
    from conftest import git

    (repo / ".gitignore").write_text("models/\n")
    (repo / "models").mkdir()
    (repo / "hub" / "knn").mkdir(parents=True)
    shutil.copy(repo / "gen1" / "knn.joblib", repo / "models" / "knn-trial.joblib")
    shutil.copy(repo / "gen1" / "knn.joblib", repo / "hub" / "knn" / "model.joblib")
    git(repo / "hub" / "knn", "init", "-q")
    assert prov("card", "models/knn-trial.joblib", "--dataset", "patients").code == 0
    assert prov("card", "hub/knn/model.joblib", "--dataset", "patients").code == 0
    listed = {
        a["artefact"] for a in json.loads(prov("lineage", "--affected-by", "patients", "--json").out)["artefacts"]
    }
    assert {"models/knn-trial.joblib", "hub/knn/model.joblib"} <= listed


def test_erasure_finds_rows_a_transform_changed_in_the_last_bits_and_refuses_shuffled_columns(repo: Path, prov) -> None:
    import joblib
    import numpy as np
    from sklearn.decomposition import PCA
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    table = np.loadtxt(repo / "data" / "patients-train.csv", delimiter=",", skiprows=1)
    model = make_pipeline(StandardScaler(), PCA(n_components=30), KNeighborsClassifier(1))
    joblib.dump(model.fit(table[:, :-1], table[:, -1].astype(int)), repo / "gen1" / "pca-knn.joblib")
    assert prov("card", "gen1/pca-knn.joblib", "--dataset", "patients").code == 0
    person = _person(repo, "patients-train.csv", 1)
    held = {
        f["artefact"]: f["rows_held"]
        for f in json.loads(prov("erasure", "--dataset", "patients", "--records", person, "--json").out)["findings"]
    }
    assert held["gen1/pca-knn.joblib"] == [0]  # PCA's fit_transform and transform differ in the last bits
    header, row = person.read_text().splitlines()
    names, values = header.split(","), row.split(",")
    order = [1, 0, *range(2, len(names))]
    shuffled = repo.parent / "shuffled.csv"
    shuffled.write_text(",".join(names[i] for i in order) + "\n" + ",".join(values[i] for i in order) + "\n")
    r = prov("erasure", "--dataset", "patients", "--records", shuffled)
    assert r.code == 2 and "same order" in r.err


def test_a_digest_row_written_without_the_machine_secret_is_ignored(repo: Path, prov) -> None:
    """Whoever can write .prov/cache but not PROV_HOME swaps an artefact's bytes and maps the new file's
    stat to the old digest: the row carries no valid tag, so the file is hashed again."""
    import sqlite3

    assert prov("verify", "gen1/logreg.joblib").code == 0  # caches the digest
    old = json.loads(prov("verify", "gen1/logreg.joblib", "--json").out)["actual_sha256"]
    target = (repo / "gen1" / "logreg.joblib").resolve()
    target.write_bytes((repo / "gen1" / "knn.joblib").read_bytes())
    st = target.stat()
    db = sqlite3.connect(repo / ".prov" / "cache" / "digests.sqlite3")
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    db.execute("INSERT OR REPLACE INTO digests VALUES (?, ?, ?, ?, ?, ?, ?)", (str(target), *key, old))
    db.commit()
    db.close()
    r = prov("verify", "gen1/logreg.joblib", "--json")
    assert r.code == 1 and _codes_of(r) == {"DIGEST_MISMATCH"}


def test_rotation_refuses_a_ledger_with_an_entry_slipped_in(repo: Path, prov) -> None:
    """The thief signs a ledger line for a planted card and inserts it mid-ledger, unchained: the chain
    no longer verifies, so neither revoke nor rotate reads what the key 'signed before' from it."""
    import hashlib

    from provenance import strictjson
    from provenance.crypto import dsse
    from provenance.store import ledger, userkeys

    planted = _forge(repo, "planted.joblib", "2020-01-01T00:00:00+00:00")
    digest = hashlib.sha256(Path(f"{planted}.prov.json").read_bytes()).hexdigest()
    body = {"seq": 999, "prev": "0" * 64, "time": "2026-01-01T00:00:00+00:00", "event": "card", "card_sha256": digest}
    line = json.dumps(
        dsse.sign_envelope(ledger.PAYLOAD_TYPE, strictjson.dumps(body), userkeys.load_private("default")),
        separators=(",", ":"),
    ).encode()
    path = repo / ".prov" / "ledger.jsonl"
    lines = path.read_bytes().splitlines()
    lines.insert(3, line)
    path.write_bytes(b"\n".join(lines) + b"\n")
    for args in (("key", "revoke", "default"), ("key", "rotate", "--new", "second")):
        r = prov(*args)
        assert r.code == 1 and "LEDGER_BROKEN" not in r.out and "line 4" in r.err, (args, r.err)
    assert not (repo / ".prov" / "keys" / "revocations.yaml").exists()
    default = json.loads((repo / "gen1" / "knn.joblib.prov.json").read_text())["signatures"][0]["keyid"]
    for card in (repo / "gen1" / "planted.joblib.prov.json", repo / "gen1" / "knn.joblib.prov.json"):
        assert json.loads(card.read_text())["signatures"][0]["keyid"] == default  # nothing re-signed


def _hidden_knn_models(x, y):  # type: ignore[no-untyped-def]
    """Second-round attacker's models: each holds every training row somewhere the walk used to miss."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import BaggingClassifier
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def knn():  # type: ignore[no-untyped-def]
        return KNeighborsClassifier(n_neighbors=1)

    nest = make_pipeline(StandardScaler(), knn())
    for _ in range(12):
        nest = OneVsRestClassifier(nest)
    lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(x, y)
    lr.steps[-1][1].backup = knn().fit(x, y)  # a fitted k-NN in an attribute named like a hyper-parameter
    return {
        "calib_pipe": (CalibratedClassifierCV(make_pipeline(StandardScaler(), knn()), cv=3).fit(x, y), "high"),
        "calib_frozen": (
            CalibratedClassifierCV(FrozenEstimator(make_pipeline(StandardScaler(), knn()).fit(x, y))).fit(x, y),
            "high",
        ),
        "subspace": (BaggingClassifier(knn(), n_estimators=2, max_features=0.5, bootstrap=False).fit(x, y), "high"),
        "ovr12": (nest.fit(x, y), "unknown"),
        "attr": (lr, "high"),
    }


def test_row_holders_hidden_in_containers_are_found_by_the_card_and_by_erasure(repo: Path, prov) -> None:
    import joblib
    import numpy as np

    table = np.loadtxt(repo / "data" / "patients-train.csv", delimiter=",", skiprows=1)
    models = _hidden_knn_models(table[:, :-1], table[:, -1].astype(int))
    for name, (model, _) in models.items():
        joblib.dump(model, repo / "gen1" / f"{name}.joblib")
        assert prov("card", f"gen1/{name}.joblib", "--dataset", "patients").code == 0
    person = _person(repo, "patients-train.csv", 1)
    findings = {
        f["artefact"]: f
        for f in json.loads(prov("erasure", "--dataset", "patients", "--records", person, "--json").out)["findings"]
    }
    for name, (_, risk) in models.items():
        card = _predicate_of(repo / "gen1" / f"{name}.joblib.prov.json")
        assert card["privacy"]["memorisation"]["risk"] == risk, name
        f = findings[f"gen1/{name}.joblib"]
        assert f["action"] == "retrain or delete", (name, f)
        if name != "ovr12":  # nested past the walk's depth: cannot be searched, never "not held"
            assert f["rows_held"] == [0], (name, f)


def test_a_commit_cannot_take_back_a_withdrawal_or_a_revocation(repo: Path, prov) -> None:
    """Emptying the files and committing them: the commit check refuses; committed anyway (--no-verify),
    the ledger still holds both, so export, check and status still refuse, and status says what was lost."""
    from conftest import git

    assert prov("dataset", "withdraw", "patients", "--reason", "consent-withdrawn").code == 0
    assert prov("key", "revoke", "default").code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "withdrawn and revoked")
    (repo / ".prov" / "withdrawals.jsonl").write_text("")
    (repo / ".prov" / "keys" / "revocations.yaml").write_text("[]\n")
    git(repo, "add", "-A")
    r = prov("check", "--all")
    assert r.code == 1
    assert ".prov/withdrawals.jsonl: the commit drops 1 withdrawal" in r.out
    assert "drops the revocation of key default" in r.out
    git(repo, "commit", "-q", "--no-verify", "-m", "lifted?")
    _forge(repo, "planted.joblib", "2020-01-01T00:00:00+00:00")
    r = prov("export", "gen1/knn.joblib", "--to", "out", "--recipient", "Bob", "--org", "Acme Hospital", "--dry-run")
    assert r.code == 1 and "DATASET_WITHDRAWN" in r.out
    r = prov(
        "export", "gen1/planted.joblib", "--to", "out", "--recipient", "Bob", "--org", "Acme Hospital", "--dry-run"
    )
    assert r.code == 1 and "KEY_REVOKED" in r.out
    report = json.loads(prov("status", "--json").out)
    assert any("was withdrawn" in p for p in report["problems"]) and any("was revoked" in p for p in report["problems"])


def test_a_cache_value_edited_without_the_machine_secret_is_ignored(repo: Path, prov) -> None:
    """Keys of remembered facts were sealed but their values were not: rewriting a card summary cut the
    k-NN out of --affected-by, rewriting a remembered pass let swapped bytes through `prov check`."""
    import sqlite3

    from conftest import git

    assert "gen1/knn.joblib" in prov("lineage", "--affected-by", "patients").out  # summaries remembered
    git(repo, "add", "-A")
    assert prov("check", "gen1/logreg.joblib").code == 0  # a pass remembered
    shutil.copy(repo / "gen1" / "knn.joblib", repo / "gen1" / "logreg.joblib")
    git(repo, "add", "gen1/logreg.joblib")
    blob = git(repo, "ls-files", "-s", "gen1/logreg.joblib").split()[1]
    db = sqlite3.connect(repo / ".prov" / "cache" / "digests.sqlite3")
    for key, value in db.execute("SELECT key, value FROM facts").fetchall():
        tag, _, body = value.partition("\n")
        if '"datasets":["patients"]' in body:
            body = body.replace('"datasets":["patients"]', '"datasets":[]').replace('"patients"', '"x"')
        lines = body.split("\n")
        body = "\n".join(
            f"{ln.split()[0]} {blob}\tgen1/logreg.joblib" if ln.endswith("\tgen1/logreg.joblib") else ln for ln in lines
        )
        db.execute("UPDATE facts SET value = ? WHERE key = ?", (f"{tag}\n{body}", key))
    db.commit()
    db.close()
    assert "gen1/knn.joblib" in prov("lineage", "--affected-by", "patients").out
    r = prov("check", "gen1/logreg.joblib")
    assert r.code == 1 and "DIGEST_MISMATCH" in r.out


def test_a_revoked_key_cannot_revoke_the_key_that_replaced_it(repo: Path, prov) -> None:
    import datetime as dt

    from provenance.card import revocation_list
    from provenance.store import userkeys
    from provenance.store.trust import Revocation

    r = prov("key", "rotate", "--new", "second", "--json")
    assert r.code == 0, r.err
    second = json.loads(r.out)["new_keyid"]
    now = dt.datetime.now(dt.UTC)
    thief = repo.parent / "thief.json"  # signed by the stolen, revoked default key
    thief.write_bytes(
        revocation_list.make(
            [Revocation(second, "second", now, "", frozenset())], userkeys.load_private("default"), now
        )
    )
    assert prov("verify", "gen1/knn.joblib").code == 0  # re-signed by the new key
    assert prov("verify", "gen1/knn.joblib", "--revocations", thief).code == 0


def test_third_round_withdrawn_content_under_a_deleted_name_and_ledger_only_withdrawals(repo: Path, prov) -> None:
    """(1) The withdrawn file registered as `cohort`, a new model carded on it, the manifest deleted;
    (2) a pass remembered before a withdrawal that only the ledger still holds; (3) a staged ledger that
    drops HEAD's lines."""
    from conftest import git

    git(repo, "add", "-A")
    assert prov("check", "gen1/knn.joblib").code == 0  # a pass remembered before the withdrawal
    _withdraw_and_register_again(repo, prov, "cohort")
    (repo / "gen4").mkdir()
    import joblib

    # New bytes, the same 1-NN: neither the withdrawal's artefact digests nor a registered alias catch it.
    joblib.dump(joblib.load(repo / "gen1" / "knn.joblib"), repo / "gen4" / "knn2.joblib", compress=3)
    assert prov("card", "gen4/knn2.joblib", "--dataset", "cohort").code == 0
    (repo / ".prov" / "datasets" / "cohort.yaml").unlink()
    r = prov("export", "gen4/knn2.joblib", "--to", "out", "--recipient", "A", "--org", "Acme Hospital", "--dry-run")
    assert r.code == 1 and "DATASET_WITHDRAWN" in r.out
    listed = {
        a["artefact"] for a in json.loads(prov("lineage", "--affected-by", "patients", "--json").out)["artefacts"]
    }
    assert "gen4/knn2.joblib" in listed
    # (2) the withdrawals file gone from everywhere but the ledger: the remembered pass does not serve.
    (repo / ".prov" / "withdrawals.jsonl").unlink()
    git(repo, "rm", "-q", "--cached", ".prov/withdrawals.jsonl")
    git(repo, "commit", "-q", "--no-verify", "-m", "lift?")
    r = prov("check", "gen1/knn.joblib")
    assert r.code == 1 and "DATASET_WITHDRAWN" in r.out
    assert "(withdrawn: consent-withdrawn" in prov("lineage", "--affected-by", "patients").out
    # (3) a staged ledger without HEAD's lines is refused.
    ledger = repo / ".prov" / "ledger.jsonl"
    ledger.write_bytes(b"\n".join(ledger.read_bytes().splitlines()[:2]) + b"\n")
    git(repo, "add", ".prov/ledger.jsonl")
    r = prov("check", "--all")
    assert r.code == 1 and "rewrites the ledger" in r.out


def test_fourth_round_a_superset_of_the_data_a_directory_and_a_renamed_copy(repo: Path, prov) -> None:
    """The withdrawn file registered with one more file under a new name, carded, the manifest deleted;
    the withdrawn k-NN's bytes inside a directory artefact carded as public data; and a copy renamed so
    no artefact pattern matches it, staged."""
    import joblib
    import numpy as np
    from conftest import git
    from sklearn.neighbors import KNeighborsClassifier

    rows = np.loadtxt(repo / "data" / "patients-train.csv", delimiter=",", skiprows=1)
    joblib.dump(KNeighborsClassifier(1).fit(rows[:, :-1], rows[:, -1]), repo / "gen1" / "cohort.joblib")
    assert (
        prov(
            "dataset",
            "add",
            "cohort",
            "--file",
            "data/patients-train.csv",
            "--file",
            "data/patients-holdout.csv",
            "--source",
            "trial",
            "--owner",
            "Acme Hospital",
            "--licence",
            "LicenseRef-Acme-DUA",
            "--confidentiality",
            "confidential",
            "--no-personal-data",
        ).code
        == 0
    )
    assert prov("card", "gen1/cohort.joblib", "--dataset", "cohort").code == 0
    (repo / ".prov" / "datasets" / "cohort.yaml").unlink()
    assert prov("dataset", "withdraw", "patients", "--reason", "consent-withdrawn").code == 0
    pack = repo / "gen1" / "pack"
    pack.mkdir()
    shutil.copy(repo / "gen1" / "knn.joblib", pack / "model.joblib")
    (pack / "config.json").write_text("{}\n")
    assert prov("card", "gen1/pack", "--dataset", "iris-public").code == 0
    for a in ("gen1/cohort.joblib", "gen1/pack"):
        r = prov("export", a, "--to", "out", "--recipient", "bob", *INSIDE, "--dry-run")
        assert r.code == 1 and "DATASET_WITHDRAWN" in r.out, (a, r.out)
    listed = {
        a["artefact"] for a in json.loads(prov("lineage", "--affected-by", "patients", "--json").out)["artefacts"]
    }
    assert "gen1/cohort.joblib" in listed
    shutil.copy(repo / "gen1" / "knn.joblib", repo / "gen1" / "knn.model")
    git(repo, "add", "gen1/knn.model")
    r = prov("check", "gen1/knn.model")
    assert r.code == 1 and "holds the bytes of an artefact made from patients" in r.out


def test_the_hooks_fast_path_reads_withdrawals_the_ledger_keeps(project: Path, prov, trained) -> None:  # type: ignore[no-untyped-def]
    """Found by the attacker (issue 14, round 3): with the withdrawal only in the ledger (`git commit -a`
    leaves withdrawals.jsonl untracked; a fresh clone lacks it), a renamed copy of an artefact made from
    withdrawn data passed `prov check COPY`, the hook's fast path, while the full check blocked it."""
    import shutil
    import subprocess

    shutil.copy(trained["knn"], project / "knn.joblib")  # holds its training rows: withdrawn bytes
    assert prov("card", "knn.joblib", "--dataset", "patients-2024").code == 0
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(["git", "commit", "-qm", "m", "--no-verify"], cwd=project, check=True)
    assert prov("dataset", "withdraw", "patients-2024", "--reason", "erasure").code == 0
    (project / ".prov" / "withdrawals.jsonl").unlink()
    shutil.copy(project / "knn.joblib", project / "copy.dat")
    subprocess.run(["git", "add", "copy.dat"], cwd=project, check=True)
    r = prov("check", "copy.dat")
    assert r.code == 1 and "DATASET_WITHDRAWN" in r.out, r.out
