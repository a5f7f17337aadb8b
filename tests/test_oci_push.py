"""Issue 15: `prov push`, `prov verify REF`, `prov pull` and registry parents, against a real registry
(Debian's docker-registry, CNCF Distribution 2.8, started by ``registry.registry`` on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from registry import RunningRegistry, registry

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def reg(tmp_path: Path):  # type: ignore[no-untyped-def]
    with registry(tmp_path / "registry") as running:
        yield running


def _registries(project: Path, *entries: dict[str, str]) -> None:
    config = project / ".prov" / "config.yaml"
    text = config.read_text()
    lines = "".join(f"- url: {e['url']}\n  owner: {e['owner']}\n  audience: {e['audience']}\n" for e in entries)
    config.write_text(text + "registries:\n" + lines)


@pytest.fixture
def carded(project: Path, prov, reg: RunningRegistry) -> Path:
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    _registries(project, {"url": f"{reg.host}/acme/**", "owner": "Acme Hospital", "audience": "internal"})
    return project


def _last_entry(project: Path) -> dict:  # type: ignore[type-arg]
    import base64

    line = (project / ".prov" / "ledger.jsonl").read_text().splitlines()[-1]
    return json.loads(base64.b64decode(json.loads(line)["payload"]))


def _pub(project: Path) -> Path:
    keys = sorted((project / ".prov" / "keys").glob("*.pub"))
    assert len(keys) == 1
    return keys[0]


def test_refused_push_sends_nothing_not_even_a_blob(carded: Path, prov, reg: RunningRegistry) -> None:
    r = prov("push", "model.joblib", f"{reg.host}/public/model:v1")
    assert r.code == 1, r.err
    assert "CONFIDENTIALITY_AUDIENCE" in r.out and "nothing was sent" in r.err
    assert "not in .prov/config.yaml registries: public" in r.out + r.err
    assert reg.blobs() == set() and reg.requests() == []
    last = _last_entry(carded)
    assert last["event"] == "push" and last["allowed"] is False and last["to"].endswith("public/model:v1")


def test_allowed_push_then_verify_without_weights_then_pull(
    carded: Path, prov, reg: RunningRegistry, tmp_path: Path
) -> None:
    ref = f"{reg.host}/acme/model:v1"
    r = prov("push", "model.joblib", ref, "--json")
    assert r.code == 0, r.out + r.err
    data = json.loads(r.out)
    assert data["allowed"] and data["pinned"].startswith(f"{reg.host}/acme/model@sha256:")
    assert len(data["uploaded"]) == 1
    # The fallback tag (Distribution 2.8 has no referrers API) lists the card, the signature and the record.
    digest = data["pinned"].split("@")[1]
    tags = reg.requests()
    assert any(m == "PUT" and p.endswith(digest.replace(":", "-")) for m, p in tags)
    before = len(reg.requests())
    v = prov("verify", ref, "--json")
    assert v.code == 0, v.out + v.err
    verdict = json.loads(v.out)
    assert verdict["verified"] and verdict["pinned"] == data["pinned"]
    layer = data["uploaded"][0]
    gets = [p for m, p in reg.requests()[before:] if m == "GET" and "/blobs/" in p]
    assert gets and not any(layer in p for p in gets)  # the card was read, the weights were not
    # A recipient on another machine: a clean HOME, no prov repository, only the signer's public key.
    home = tmp_path / "recipient"
    home.mkdir()
    key = shutil.copy(_pub(carded), home / "signer.pub")
    pulled = _cli(home, "pull", ref, "--to", "models", "--key", key)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert (home / "models" / "model.joblib").read_bytes() == (carded / "model.joblib").read_bytes()
    assert (home / "models" / "model.joblib.prov.json").read_bytes() == (carded / "model.joblib.prov.json").read_bytes()
    assert (home / "models" / "model.joblib.sig").is_file()
    again = _cli(home, "verify", "models/model.joblib", "--key", key)
    assert again.returncode == 0 and "OK model.joblib" in again.stdout, again.stdout + again.stderr
    assert sorted(p.name for p in (home / "models").iterdir()) == [
        "model.joblib",
        "model.joblib.prov.json",
        "model.joblib.sig",
    ]


def _cli(
    cwd: Path, *args: object, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = (
        {k: v for k, v in os.environ.items() if k not in ("PROV_HOME", "HOME", "DOCKER_CONFIG")}
        | {"HOME": str(cwd), "PROV_HOME": str(cwd / ".prov-home"), "PYTHONPATH": str(ROOT)}
        | (env or {})
    )
    return subprocess.run(
        [sys.executable, "-m", "provenance", *map(str, args)],
        cwd=cwd,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- the registry is not trusted: what an attacker with write access to it can do ---------------------


def _pushed(carded: Path, prov, reg: RunningRegistry, ref: str) -> dict:  # type: ignore[type-arg]
    r = prov("push", "model.joblib", ref, "--json")
    assert r.code == 0, r.out + r.err
    return json.loads(r.out)


def _referrers(reg: RunningRegistry, subject: str) -> list[dict]:  # type: ignore[type-arg]
    from provenance.oci.client import Registry

    with Registry(reg.host) as client:
        return client.referrers("acme/model", subject)


def test_the_card_is_found_through_the_fallback_tag(carded: Path, prov, reg: RunningRegistry) -> None:
    from provenance.oci import layout
    from provenance.oci.client import INDEX, Registry

    data = _pushed(carded, prov, reg, f"{reg.host}/acme/model:v1")
    subject = data["pinned"].split("@")[1]
    with Registry(reg.host) as client:
        index = client.get_manifest("acme/model", subject.replace(":", "-"), (INDEX,))
    assert index is not None and index[1] == INDEX  # Distribution 2.8 has no referrers API: the tag schema
    kinds = sorted(d["artifactType"] for d in json.loads(index[0])["manifests"])
    assert kinds == sorted([layout.CARD_ARTIFACT, layout.OMS_ARTIFACT, layout.RECORD_ARTIFACT])
    assert any(p.startswith("/v2/acme/model/referrers/") for _, p in reg.requests())  # the API was asked first


def test_a_second_push_uploads_no_blob(carded: Path, prov, reg: RunningRegistry) -> None:
    first = _pushed(carded, prov, reg, f"{reg.host}/acme/model:v1")
    blobs = reg.blobs()
    second = _pushed(carded, prov, reg, f"{reg.host}/acme/model:v2")
    assert second["uploaded"] == [] and second["already_there"] == first["uploaded"]
    assert second["pinned"].split("@")[1] == first["pinned"].split("@")[1]  # the same manifest, tagged again
    new = reg.blobs() - blobs
    kinds = sorted(_kind(reg.blob_file(d).read_bytes()) for d in new)
    assert kinds == ["export record", "index", "referrer"], kinds  # the new push's record; nothing else


def _kind(data: bytes) -> str:
    """What a stored blob is (manifests are blobs in Distribution's storage too)."""
    try:
        doc = json.loads(data)
    except ValueError:
        return "data"
    if "subject" in doc:
        return "referrer"
    if doc.get("mediaType", "").endswith("index.v1+json"):
        return "index"
    if "payloadType" in doc:
        import base64

        return "export record" if b"export/v1" in base64.b64decode(doc["payload"]) else "card"
    return str(sorted(doc))[:60]


def test_a_replaced_layer_is_refused_on_pull_and_nothing_is_written(
    carded: Path, prov, reg: RunningRegistry, tmp_path: Path
) -> None:
    ref = f"{reg.host}/acme/model:v1"
    data = _pushed(carded, prov, reg, ref)
    weights = reg.blob_file(data["uploaded"][0])
    weights.write_bytes(b"x" * weights.stat().st_size)  # same size, other bytes, under the signed digest
    r = prov("pull", ref, "--to", tmp_path / "out", "--key", _pub(carded))
    assert r.code == 1 and "holds something else" in r.err and "nothing was written" in r.err, r.out + r.err
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".prov-pull-")]


def test_weights_swapped_under_the_genuine_card_are_refused_by_verify(
    carded: Path, prov, reg: RunningRegistry, tmp_path: Path
) -> None:
    """The attacker pushes a model manifest with other weights and re-attaches the real card to it."""
    from provenance.oci import layout
    from provenance.oci.client import MANIFEST, Registry

    ref = f"{reg.host}/acme/model:v1"
    data = _pushed(carded, prov, reg, ref)
    subject = data["pinned"].split("@")[1]
    evil = tmp_path / "evil.joblib"
    evil.write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")
    with Registry(reg.host) as client:
        body, _, _ = client.get_manifest("acme/model", subject, (MANIFEST,))  # type: ignore[misc]
        manifest = json.loads(body)
        digest, size, _ = client.push_file("acme/model", evil)
        manifest["layers"][0].update(digest=digest, size=size)
        forged = layout.dumps(manifest)
        forged_digest = client.put_manifest("acme/model", "v1", forged, MANIFEST)
        for d in _referrers(reg, subject):
            card = json.loads(client.get_manifest("acme/model", d["digest"], (MANIFEST,))[0])  # type: ignore[index]
            card["subject"] = {"mediaType": MANIFEST, "digest": forged_digest, "size": len(forged)}
            raw = layout.dumps(card)
            moved = client.put_manifest(
                "acme/model", f"sha256:{__import__('hashlib').sha256(raw).hexdigest()}", raw, MANIFEST
            )
            client.add_referrer("acme/model", forged_digest, {**d, "digest": moved, "size": len(raw)})
    v = prov("verify", ref, "--key", _pub(carded), "--json")
    assert v.code == 1
    codes = {r["code"] for r in json.loads(v.out)["reasons"]}
    assert "DIGEST_MISMATCH" in codes
    r = prov("pull", ref, "--to", tmp_path / "out", "--key", _pub(carded))
    assert r.code == 1 and not (tmp_path / "out").exists()
    assert digest not in reg.blob_gets()  # refused before a weight was downloaded


def test_a_replaced_card_manifest_is_detected(carded: Path, prov, reg: RunningRegistry, tmp_path: Path) -> None:
    from provenance.oci import layout

    ref = f"{reg.host}/acme/model:v1"
    data = _pushed(carded, prov, reg, ref)
    subject = data["pinned"].split("@")[1]
    card = data["referrers"][layout.CARD_ARTIFACT]
    # Edited in the registry's storage: the bytes served no longer hash to the digest the index names.
    stored = reg.blob_file(card)
    doc = json.loads(stored.read_bytes())
    doc["annotations"]["org.opencontainers.image.created"] = "2020-01-01T00:00:00+00:00"
    stored.write_bytes(layout.dumps(doc))
    v = prov("verify", ref, "--key", _pub(carded), "--json")
    assert v.code == 1, v.out
    assert {r["code"] for r in json.loads(v.out)["reasons"]} & {"OCI_LAYOUT_INVALID", "DIGEST_MISMATCH"}
    assert subject


def test_a_card_by_another_key_or_edited_is_refused(carded: Path, prov, reg: RunningRegistry) -> None:
    """The attacker replaces the referrers index with one listing a card they signed, or one they edited."""
    import base64

    from provenance.crypto import dsse, keys
    from provenance.oci import layout
    from provenance.oci.client import INDEX, MANIFEST, Registry

    ref = f"{reg.host}/acme/model:v1"
    data = _pushed(carded, prov, reg, ref)
    subject = data["pinned"].split("@")[1]
    genuine = json.loads((carded / "model.joblib.prov.json").read_bytes())
    payload = base64.b64decode(genuine["payload"])
    looser = payload.replace(b'"confidential"', b'"public"')
    assert looser != payload
    forged_by_other = json.dumps(dsse.sign_envelope(genuine["payloadType"], looser, keys.generate())).encode()
    edited = json.dumps({**genuine, "payload": base64.b64encode(looser).decode()}).encode()
    for forged, code in ((forged_by_other, "KEY_UNTRUSTED"), (edited, "SIGNATURE_INVALID")):
        with Registry(reg.host) as client:
            blob = client.push_bytes("acme/model", forged)
            client.push_bytes("acme/model", layout.EMPTY_BYTES)
            body = json.loads(client.get_manifest("acme/model", data["pinned"].split("@")[1], (MANIFEST,))[0])  # type: ignore[index]
            manifest = layout.referrer_manifest(
                layout.CARD_ARTIFACT,
                (blob, len(forged)),
                "model.joblib.prov.json",
                (subject, len(layout.dumps(body))),
                "2030-01-01T00:00:00+00:00",
            )
            import hashlib

            digest = client.put_manifest(
                "acme/model", f"sha256:{hashlib.sha256(manifest).hexdigest()}", manifest, MANIFEST
            )
            index = {
                "schemaVersion": 2,
                "mediaType": INDEX,
                "manifests": [layout.referrer_descriptor(manifest, digest, layout.CARD_ARTIFACT, "x")],
            }
            client.put_manifest("acme/model", subject.replace(":", "-"), json.dumps(index).encode(), INDEX)
        v = prov("verify", ref, "--key", _pub(carded), "--json")
        assert v.code == 1, v.out
        assert code in {r["code"] for r in json.loads(v.out)["reasons"]}


# --- credentials ----------------------------------------------------------------------------------------


@pytest.fixture
def locked(project: Path, prov, tmp_path: Path):  # type: ignore[no-untyped-def]
    from registry import htpasswd_file

    users = htpasswd_file(tmp_path / "htpasswd", "alice", "correct horse")
    with registry(tmp_path / "locked", htpasswd=users) as running:
        assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
        _registries(project, {"url": f"{running.host}/acme/*", "owner": "Acme Hospital", "audience": "internal"})
        yield running


def test_basic_auth_wrong_or_missing_credentials_fail_with_one_clear_line(
    locked: RunningRegistry, project: Path, prov, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import io

    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-docker"))
    ref = f"{locked.host}/acme/model:v1"
    r = prov("push", "model.joblib", ref)
    assert r.code == 2 and "refused the credentials (401)" in r.err and "Traceback" not in r.err
    monkeypatch.setattr("sys.stdin", io.StringIO("battery staple\n"))
    r = prov("push", "model.joblib", ref, "--username", "alice", "--password-stdin")
    assert r.code == 2 and "refused the credentials (401)" in r.err
    assert "battery staple" not in r.out + r.err
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    r = prov("push", "model.joblib", ref, "--username", "alice", "--password-stdin")
    assert r.code == 0, r.err
    assert locked.blobs()
    # The password is nowhere prov writes: not the ledger, not the card, not the output.
    for f in [*(project / ".prov").rglob("*"), *project.glob("model.joblib*")]:
        if f.is_file():
            assert b"correct horse" not in f.read_bytes(), f
    assert "correct horse" not in r.out + r.err


def test_docker_config_credentials_are_used(
    locked: RunningRegistry, project: Path, prov, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import base64

    docker = tmp_path / "docker"
    docker.mkdir()
    auth = base64.b64encode(b"alice:correct horse").decode()
    (docker / "config.json").write_text(json.dumps({"auths": {locked.host: {"auth": auth}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(docker))
    ref = f"{locked.host}/acme/model:v1"
    assert prov("push", "model.joblib", ref).code == 0
    v = prov("verify", ref)
    assert v.code == 0, v.out + v.err
    (docker / "config.json").write_text(
        json.dumps({"auths": {locked.host: {"auth": base64.b64encode(b"alice:no").decode()}}})
    )
    v = prov("verify", ref)
    assert v.code == 2 and "refused the credentials" in v.err


def test_a_credential_helper_is_asked(
    locked: RunningRegistry, project: Path, prov, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-prov-test"
    helper.write_text(
        "#!/bin/sh\nread host\n"
        f'[ "$host" = "{locked.host}" ] && echo \'{{"ServerURL":"x","Username":"alice","Secret":"correct horse"}}\' '
        '&& exit 0\necho "credentials not found in native keychain"; exit 1\n'
    )
    helper.chmod(0o755)
    docker = tmp_path / "docker"
    docker.mkdir()
    (docker / "config.json").write_text(json.dumps({"credHelpers": {locked.host: "prov-test"}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(docker))
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    assert prov("push", "model.joblib", f"{locked.host}/acme/model:v1").code == 0


# --- a push cut short ----------------------------------------------------------------------------------------


def test_registry_killed_mid_push_leaves_nothing_half_done_and_a_retry_completes(
    project: Path, prov, tmp_path: Path
) -> None:
    import time

    big = project / "weights"
    big.mkdir()
    _safetensors(big / "shard.safetensors", 192)
    (big / "config.json").write_text('{"layers": 2}\n')
    assert prov("card", "weights", "--dataset", "patients-2024").code == 0
    root = tmp_path / "reg"
    with registry(root) as running:
        host, port = running.host, int(running.host.rsplit(":", 1)[1])
        _registries(project, {"url": f"{host}/acme/*", "owner": "Acme Hospital", "audience": "internal"})
        before = _snapshot(project)
        child = subprocess.Popen(
            [sys.executable, "-m", "provenance", "push", "weights", f"{host}/acme/weights:v1"],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        uploads = running.storage / "docker" / "registry" / "v2" / "repositories" / "acme" / "weights" / "_uploads"
        deadline = time.monotonic() + 60
        while not any(p.name == "data" and p.stat().st_size > (8 << 20) for p in uploads.rglob("data")):
            assert child.poll() is None and time.monotonic() < deadline, child.communicate()
            time.sleep(0.01)
        running.process.kill()  # mid-upload
        out, err = child.communicate(timeout=60)
    assert child.returncode == 2, out + err
    assert "cannot reach the registry" in err or "broke off" in err, err
    assert "Traceback" not in err
    assert _snapshot(project) == before  # no ledger entry, no temporary file: nothing half-written locally
    with registry(root, port=port) as again:
        r = prov("push", "weights", f"{host}/acme/weights:v1", "--json")
        assert r.code == 0, r.out + r.err
        assert prov("verify", f"{host}/acme/weights:v1").code == 0
        assert again.blobs()


def _safetensors(path: Path, mib: int) -> None:
    """A valid safetensors file of ``mib`` MiB of random weights (a format that carries no code)."""
    import struct

    n = mib << 20
    header = json.dumps({"w": {"dtype": "U8", "shape": [n], "data_offsets": [0, n]}}).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header)
        for _ in range(mib // 4):
            f.write(os.urandom(4 << 20))
        f.write(os.urandom(n - (mib // 4) * (4 << 20)))


def _snapshot(project: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(project)): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file() and ".git/" not in str(p) and "/cache/" not in str(p)
    }


# --- lineage across registries -------------------------------------------------------------------------------


def test_a_parent_in_a_registry_is_pinned_and_followed(carded: Path, prov, reg: RunningRegistry, trained) -> None:  # type: ignore[no-untyped-def]
    ref = f"{reg.host}/acme/model:v1"
    pinned = _pushed(carded, prov, reg, ref)["pinned"]
    shutil.copy(trained["logreg"], carded / "child.joblib")
    before = set(reg.blob_gets())
    r = prov("card", "child.joblib", "--parent", ref, "--relation", "finetune")
    assert r.code == 0, r.err
    fetched = [d for d in reg.blob_gets() if d not in before]
    weights = json.loads(_pushed_manifest(reg, pinned))["layers"][0]["digest"]
    assert fetched and weights not in fetched  # the parent's card was read, not its weights
    card = json.loads(
        __import__("base64").b64decode(json.loads((carded / "child.joblib.prov.json").read_text())["payload"])
    )
    (parent,) = card["predicate"]["parents"]
    assert parent["oci"] == pinned and parent["path"] is None and parent["name"] == "model.joblib"
    # The child inherits the parent's terms (confidential, personal data): a public push is refused offline.
    refused = prov("push", "child.joblib", f"{reg.host}/public/child:v1")
    assert refused.code == 1 and "CONFIDENTIALITY_AUDIENCE" in refused.out
    lineage = prov("lineage", "child.joblib", "--json")
    assert lineage.code == 0, lineage.out + lineage.err
    nodes = {n["id"]: n for n in json.loads(lineage.out)["nodes"]}
    remote = nodes[f"artefact:oci:{pinned}"]
    assert remote["state"] == "verified" and remote["path"] == pinned
    assert any(n["kind"] == "dataset" and n["name"] == "patients-2024" for n in nodes.values())
    status = prov("status", "--json")
    child = next(a for a in json.loads(status.out)["artefacts"] if a["artefact"] == "child.joblib")
    assert not {r["code"] for r in child["reasons"]} & {"PARENT_UNREACHABLE", "PARENT_CHANGED", "PARENT_UNVERIFIED"}


def test_a_registry_parent_gone_bad_shows_in_lineage_and_status(
    carded: Path, prov, reg: RunningRegistry, trained
) -> None:  # type: ignore[no-untyped-def]
    from provenance.oci import layout

    ref = f"{reg.host}/acme/model:v1"
    data = _pushed(carded, prov, reg, ref)
    shutil.copy(trained["logreg"], carded / "child.joblib")
    assert prov("card", "child.joblib", "--parent", ref).code == 0
    # The parent is re-signed and pushed again: same weights, same manifest, a newer card.
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    again = _pushed(carded, prov, reg, ref)
    assert (
        again["pinned"] == data["pinned"]
        and again["referrers"][layout.CARD_ARTIFACT] != data["referrers"][layout.CARD_ARTIFACT]
    )
    lineage = prov("lineage", "child.joblib", "--json")
    assert lineage.code == 1
    node = next(n for n in json.loads(lineage.out)["nodes"] if n["id"].startswith("artefact:oci:"))
    assert node["state"] == "changed" and "re-signed" in node["detail"]
    status = json.loads(prov("status", "--json").out)
    child = next(a for a in status["artefacts"] if a["artefact"] == "child.joblib")
    assert "PARENT_CHANGED" in {r["code"] for r in child["reasons"]} and child["needs_action"]
    # The registry goes away: lineage and status say so and do not crash.
    reg.process.kill()
    reg.process.wait()
    lineage = prov("lineage", "child.joblib", "--json")
    node = next(n for n in json.loads(lineage.out)["nodes"] if n["id"].startswith("artefact:oci:"))
    assert node["state"] == "missing" and "cannot reach" in node["detail"]
    status = prov("status", "--json")
    assert status.code in (0, 1) and "Traceback" not in status.err
    child = next(a for a in json.loads(status.out)["artefacts"] if a["artefact"] == "child.joblib")
    assert "PARENT_UNREACHABLE" in {r["code"] for r in child["reasons"]}


def test_an_unverified_registry_parent_is_refused(carded: Path, prov, reg: RunningRegistry, trained) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(trained["logreg"], carded / "child.joblib")
    r = prov("card", "child.joblib", "--parent", f"{reg.host}/acme/nothing:v1")
    assert r.code == 1 and "does not verify" in r.err and "ARTEFACT_MISSING" in r.err, r.err
    assert not (carded / "child.joblib.prov.json").exists()


def _pushed_manifest(reg: RunningRegistry, pinned: str) -> bytes:
    from provenance.oci.client import MANIFEST, Registry

    with Registry(reg.host) as client:
        got = client.get_manifest("acme/model", pinned.split("@")[1], (MANIFEST,))
    assert got is not None
    return got[0]


# --- directories ----------------------------------------------------------------------------------------------


def test_a_directory_artefact_travels_file_by_file(project: Path, prov, reg: RunningRegistry, tmp_path: Path) -> None:
    model = project / "bert"
    (model / "shards").mkdir(parents=True)
    _safetensors(model / "shards" / "a.safetensors", 1)
    _safetensors(model / "b.safetensors", 1)
    (model / "config.json").write_text('{"hidden": 8}\n')
    assert prov("card", "bert", "--dataset", "patients-2024").code == 0
    _registries(project, {"url": f"{reg.host}/acme/*", "owner": "Acme Hospital", "audience": "internal"})
    ref = f"{reg.host}/acme/bert:v1"
    data = json.loads(prov("push", "bert", ref, "--json").out)
    manifest = json.loads(_manifest(reg, "acme/bert", data["pinned"]))
    paths = sorted(layer["annotations"]["org.cncf.model.filepath"] for layer in manifest["layers"])
    assert paths == ["b.safetensors", "config.json", "shards/a.safetensors"]
    assert all(layer["mediaType"] == "application/vnd.cncf.model.weight.v1.raw" for layer in manifest["layers"])
    assert manifest["artifactType"] == "application/vnd.cncf.model.manifest.v1+json"
    assert prov("verify", ref).code == 0
    out = tmp_path / "pulled"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    r = prov("pull", ref, "--to", out)
    assert r.code == 0, r.out + r.err
    for f in ("shards/a.safetensors", "b.safetensors", "config.json"):
        assert (out / "bert" / f).read_bytes() == (model / f).read_bytes()
    assert (out / "notes.txt").read_text() == "mine\n"
    assert prov("verify", out / "bert").code == 0
    again = prov("pull", ref, "--to", out)
    assert again.code == 2 and "already exists" in again.err


def _manifest(reg: RunningRegistry, repository: str, pinned: str) -> bytes:
    from provenance.oci.client import MANIFEST, Registry

    with Registry(reg.host) as client:
        got = client.get_manifest(repository, pinned.split("@")[1], (MANIFEST,))
    assert got is not None
    return got[0]


class _Fake:
    """A hostile registry on 127.0.0.1: ``answer(method, path, headers) -> (status, headers, body)``; a body
    of bytes is sent with its length, an iterable of chunks is streamed (``None`` in it: a 0.2 s pause)."""

    def __init__(self, answer) -> None:  # type: ignore[no-untyped-def]
        import threading
        import time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.seen: list[tuple[str, str, str | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                fake.seen.append((self.command, self.path, self.headers.get("Authorization")))
                status, headers, body = answer(self.command, self.path, self.headers)
                self.send_response(status)
                length = {"Content-Length": str(len(body))} if isinstance(body, bytes) else {}
                for k, v in {**length, **headers}.items():
                    self.send_header(k, v)
                self.end_headers()
                if self.command == "HEAD":
                    return
                try:
                    for chunk in [body] if isinstance(body, bytes) else body:
                        if chunk is None:
                            time.sleep(0.2)
                        else:
                            self.wfile.write(chunk)
                            self.wfile.flush()
                except OSError:
                    pass  # the client gave up, as it should

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = _any

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __enter__(self) -> _Fake:
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- attacker round 1 (kept as tests) ------------------------------------------------------------------------


def _rewrite_model(reg: RunningRegistry, tag: str, edit, repository: str = "acme/model") -> str:  # type: ignore[no-untyped-def]
    """What an attacker with write access does: edit the model manifest under ``tag``, re-point every
    referrer (card, signature, record) at the edited manifest, and list them in its fallback index."""
    import hashlib

    from provenance.oci import layout
    from provenance.oci.client import INDEX, MANIFEST, Registry

    with Registry(reg.host) as client:
        body, _, subject = client.get_manifest(repository, tag, (MANIFEST,))  # type: ignore[misc]
        manifest = json.loads(body)
        edit(manifest, client)
        forged = layout.dumps(manifest)
        forged_digest = client.put_manifest(repository, tag, forged, MANIFEST)
        moved = []
        for d in client.referrers(repository, subject):
            ref = json.loads(client.get_manifest(repository, d["digest"], (MANIFEST,))[0])  # type: ignore[index]
            ref["subject"] = {"mediaType": MANIFEST, "digest": forged_digest, "size": len(forged)}
            raw = layout.dumps(ref)
            digest = client.put_manifest(repository, f"sha256:{hashlib.sha256(raw).hexdigest()}", raw, MANIFEST)
            moved.append({**d, "digest": digest, "size": len(raw)})
        index = json.dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": moved}).encode()
        client.put_manifest(repository, forged_digest.replace(":", "-"), index, INDEX)
    return forged_digest


def test_the_registry_cannot_choose_the_name_a_pull_writes(
    carded: Path, prov, reg: RunningRegistry, tmp_path: Path
) -> None:
    ref = f"{reg.host}/acme/model:v1"
    _pushed(carded, prov, reg, ref)

    def rename(manifest, _client) -> None:  # type: ignore[no-untyped-def]
        manifest["annotations"]["dev.prov-cards.artefact.name"] = "sitecustomize.py"
        manifest["layers"][0]["annotations"] = {
            "org.cncf.model.filepath": "sitecustomize.py",
            "org.opencontainers.image.title": "sitecustomize.py",
        }

    _rewrite_model(reg, "v1", rename)
    v = prov("verify", ref, "--key", _pub(carded), "--json")
    assert v.code == 1 and "OCI_LAYOUT_INVALID" in {r["code"] for r in json.loads(v.out)["reasons"]}, v.out
    r = prov("pull", ref, "--to", tmp_path / "out", "--key", _pub(carded))
    assert r.code == 1 and not (tmp_path / "out").exists()


def test_pull_refuses_targets_inside_prov_or_git_and_symlinks(
    carded: Path, prov, reg: RunningRegistry, tmp_path: Path
) -> None:
    ref = f"{reg.host}/acme/model:v1"
    _pushed(carded, prov, reg, ref)
    for target in (carded / ".prov" / "keys", carded / ".git" / "x"):
        r = prov("pull", ref, "--to", target)
        assert r.code == 2 and "pull into a directory of your own" in r.err, r.err
    link = tmp_path / "link"
    (tmp_path / "elsewhere").mkdir()
    link.symlink_to(tmp_path / "elsewhere")
    r = prov("pull", ref, "--to", link)
    assert r.code == 2 and "symbolic link" in r.err
    assert reg.blob_gets() == []  # refused before anything was fetched


def test_a_failed_pull_removes_the_directories_it_made_and_a_good_one_has_normal_modes(
    carded: Path, prov, reg: RunningRegistry, tmp_path: Path
) -> None:
    ref = f"{reg.host}/acme/model:v1"
    data = _pushed(carded, prov, reg, ref)
    good = prov("pull", ref, "--to", tmp_path / "ok")
    assert good.code == 0, good.err
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "ok").stat().st_mode & 0o777 == 0o777 & ~mask
    assert (tmp_path / "ok" / "model.joblib").stat().st_mode & 0o777 == 0o666 & ~mask
    weights = reg.blob_file(data["uploaded"][0])
    weights.write_bytes(weights.read_bytes() + os.urandom(9 << 20))  # longer than the card signed
    r = prov("pull", ref, "--to", tmp_path / "a" / "b" / "c")
    assert r.code == 1 and "longer than the" in r.err, r.err
    assert not (tmp_path / "a").exists()


def test_upload_locations_on_another_host_are_refused_and_get_no_credentials(
    project: Path, prov, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A registry (or a proxy) answering an upload with a Location elsewhere gets neither weights nor password."""
    import io

    with _Fake(lambda *_: (202, {}, b"")) as other:

        def answer(method: str, path: str, headers):  # type: ignore[no-untyped-def]
            if method == "POST":
                return 202, {"Location": f"http://{other.host}/v2/acme/model/blobs/uploads/x"}, b""
            return 404, {}, b""

        with _Fake(answer) as evil:
            assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
            _registries(project, {"url": f"{evil.host}/acme/*", "owner": "Acme Hospital", "audience": "internal"})
            monkeypatch.setattr("sys.stdin", io.StringIO("Sup3rSecret\n"))
            r = prov("push", "model.joblib", f"{evil.host}/acme/model:v1", "--username", "bob", "--password-stdin")
            assert r.code == 2 and "only to the registry named" in r.err, r.err
            assert other.seen == []


def test_a_registry_cannot_make_prov_read_without_end(project: Path, prov, tmp_path: Path) -> None:
    headers = {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}
    with _Fake(lambda *_: (200, headers, (b" " * (1 << 20) for _ in range(64)))) as huge:
        key = next((project / ".prov" / "keys").glob("*.pub"))
        r = prov("verify", f"{huge.host}/acme/model:v1", "--key", key)
        assert r.code == 2 and "answered more than" in r.err, r.err


def test_a_renamed_local_copy_pushes_under_its_card_name(carded: Path, prov, reg: RunningRegistry) -> None:
    (carded / "sub").mkdir()
    for name in ("model.joblib", "model.joblib.prov.json", "model.joblib.sig"):
        shutil.copy(carded / name, carded / "sub" / name.replace("model.joblib", "renamed.joblib"))
    r = prov("push", "sub/renamed.joblib", f"{reg.host}/acme/model:v1")
    assert r.code == 0, r.out + r.err
    v = prov("verify", f"{reg.host}/acme/model:v1")
    assert v.code == 0, v.out + v.err


def test_bad_references_and_missing_paths_are_input_errors(carded: Path, prov, trained) -> None:  # type: ignore[no-untyped-def]
    r = prov("verify", "alice:pw@127.0.0.1:5000/acme/model:v1")
    assert r.code in (1, 2) and "Traceback" not in r.err
    r = prov("push", "model.joblib", "alice:pw@127.0.0.1:5000/acme/model:v1")
    assert r.code == 2 and "never in a reference" in r.err
    assert "alice:pw" not in (carded / ".prov" / "ledger.jsonl").read_text()
    shutil.copy(trained["logreg"], carded / "child.joblib")
    r = prov("card", "child.joblib", "--dataset", "patients-2024", "--parent", "alice:pw@127.0.0.1:5000/acme/m:v1")
    assert r.code in (1, 2) and "Traceback" not in r.err and "internal" not in r.err.lower()
    for args in (("verify", "../models/triage.joblib"), ("pull", "../models/x.joblib", "--to", "d")):
        r = prov(*args)
        assert r.code in (1, 2) and "internal" not in r.err.lower(), r.err


def test_a_parent_served_with_other_bytes_is_reported_not_fatal(
    carded: Path, prov, reg: RunningRegistry, trained
) -> None:  # type: ignore[no-untyped-def]
    ref = f"{reg.host}/acme/model:v1"
    pinned = _pushed(carded, prov, reg, ref)["pinned"]
    shutil.copy(trained["logreg"], carded / "child.joblib")
    assert prov("card", "child.joblib", "--parent", ref).code == 0
    reg.blob_file(pinned.split("@")[1]).write_bytes(b"{}")
    status = prov("status", "--json")
    assert status.code == 1
    child = next(a for a in json.loads(status.out)["artefacts"] if a["artefact"] == "child.joblib")
    # Distribution answers 500 for a manifest it cannot parse; a registry serving the bytes gets DIGEST_MISMATCH.
    assert {"PARENT_UNVERIFIED", "PARENT_UNREACHABLE"} & {r["code"] for r in child["reasons"]}
    lineage = prov("lineage", "child.joblib", "--json")
    assert lineage.code == 1
    node = next(n for n in json.loads(lineage.out)["nodes"] if n["id"].startswith("artefact:oci:"))
    assert node["state"] in ("unverified", "missing")


# --- attacker round 2 (kept as tests) ------------------------------------------------------------------------


def test_writes_are_never_redirected(carded: Path, prov, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 307 keeps the method and body: uploads, manifests and tags would land on the other host."""
    import io

    with _Fake(lambda *_: (202, {}, b"")) as other:

        def answer(method: str, path: str, headers):  # type: ignore[no-untyped-def]
            if method == "HEAD":
                return 200, {}, b""  # "already there": the upload would start with the small blobs
            if method == "POST":
                return 202, {"Location": path + "x"}, b""
            if method in ("PUT", "PATCH"):
                return 307, {"Location": f"http://{other.host}{path}"}, b""
            return 404, {}, b""

        with _Fake(answer) as evil:
            _registries(carded, {"url": f"{evil.host}/acme/*", "owner": "Acme Hospital", "audience": "internal"})
            monkeypatch.setattr("sys.stdin", io.StringIO("Sup3rSecret\n"))
            r = prov("push", "model.joblib", f"{evil.host}/acme/model:v1", "--username", "bob", "--password-stdin")
            assert r.code == 2 and "answered 307" in r.err and "internal" not in r.err.lower(), r.err
            assert other.seen == []


def test_compressed_answers_are_refused_before_they_expand(carded: Path, prov) -> None:
    import gzip

    bomb = gzip.compress(gzip.compress(b"\0" * (64 << 20)))
    headers = {"Content-Type": "application/vnd.oci.image.manifest.v1+json", "Content-Encoding": "gzip, gzip"}
    with _Fake(lambda *_: (200, headers, bomb)) as evil:
        r = prov("verify", f"{evil.host}/acme/model:v1", "--key", _pub(carded))
        assert r.code == 2 and "encoded body" in r.err, r.err
        assert evil.seen[0][2] is None  # anonymous: no credentials configured


def test_a_registry_echoing_the_password_does_not_get_it_printed(carded: Path, prov, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import base64
    import io

    def echo(method: str, path: str, headers):  # type: ignore[no-untyped-def]
        sent = base64.b64decode((headers.get("Authorization") or "Basic ").split()[1] or b"").decode()
        body = json.dumps(
            {"errors": [{"code": "DENIED", "message": f"bad auth {sent} {headers.get('Authorization')}"}]}
        )
        return 400, {"Content-Type": "application/json"}, body.encode()

    with _Fake(echo) as evil:
        monkeypatch.setattr("sys.stdin", io.StringIO("Sup3rSecret\n"))
        r = prov(
            "verify", f"{evil.host}/acme/model:v1", "--key", _pub(carded), "--username", "alice", "--password-stdin"
        )
        assert r.code == 2 and "DENIED" in r.err, r.err
        assert "Sup3rSecret" not in r.err + r.out and base64.b64encode(b"alice:Sup3rSecret").decode() not in r.err


def test_hostile_indexes_and_hosts_are_input_errors(carded: Path, prov, tmp_path: Path) -> None:
    from provenance.oci.client import INDEX, Registry, RegistryError, _Answer

    nested = b"[" * 200_000
    with _Fake(lambda *_: (200, {"Content-Type": INDEX}, nested)) as evil, Registry(evil.host) as client:
        with pytest.raises(RegistryError, match="not JSON"):
            client.referrers("acme/model", "sha256:" + "0" * 64)
        for bad in ("/v2/../x", "/v2/acme/../../evil", "//evil.example/v2/x", "http://evil.example/v2/x"):
            with pytest.raises(RegistryError):
                client._location(_Answer(202, {"Location": bad}, b""))
    for ref in ("[:::]:5000/acme/m:v1", "[1.2.3.4.5]/acme/m"):
        r = prov("verify", ref)
        assert r.code in (1, 2) and "internal" not in r.err.lower(), r.err


def test_a_local_file_named_like_a_reference_is_ambiguous(carded: Path, prov, reg: RunningRegistry) -> None:
    ref = f"{reg.host}/acme/model:v1"
    _pushed(carded, prov, reg, ref)
    planted = carded / reg.host / "acme"
    planted.mkdir(parents=True)
    shutil.copy(carded / "model.joblib", planted / "model:v1")
    shutil.copy(carded / "model.joblib.prov.json", planted / "model:v1.prov.json")
    r = prov("verify", ref)
    assert r.code == 2 and "both a registry reference and a file here" in r.err
    assert prov("verify", planted / "model:v1").code == 0  # the file, said so: checked as a file (name warned)


# --- attacker round 3 (kept as tests) ------------------------------------------------------------------------


def test_a_hostile_fallback_index_entry_is_not_an_internal_error() -> None:
    from provenance.oci.client import INDEX, Registry

    planted = {"schemaVersion": 2, "mediaType": INDEX, "manifests": [{"mediaType": "x", "digest": ["x"], "size": 1}]}

    def answer(method: str, path: str, headers):  # type: ignore[no-untyped-def]
        if method == "GET" and "/manifests/sha256-" in path:
            return 200, {"Content-Type": INDEX}, json.dumps(planted).encode()
        if method == "PUT":
            return 201, {}, b""
        return 404, {}, b""

    with _Fake(answer) as evil, Registry(evil.host) as client:
        client.add_referrers("acme/m", "sha256:" + "1" * 64, [{"mediaType": "m", "digest": "sha256:" + "2" * 64}])
        assert any(m == "PUT" for m, _, _ in evil.seen)


def test_a_trickling_registry_is_given_up_on() -> None:
    import time

    from provenance.oci.client import Registry, RegistryError

    headers = {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}
    trickle = [chunk for _ in range(100) for chunk in (b" ", None)]  # a byte every 0.2 s
    with _Fake(lambda *_: (200, headers, iter(trickle))) as slow, Registry(slow.host, timeout=1.0) as client:
        started = time.monotonic()
        with pytest.raises(RegistryError, match="took more than"):
            client.get_manifest("acme/m", "v1")
        assert time.monotonic() - started < 5


def test_a_file_swapped_for_a_link_after_the_decision_sends_nothing(tmp_path: Path) -> None:
    from provenance.errors import CheckFailed
    from provenance.oci.client import Registry

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET: db\n")
    swapped = tmp_path / "config.json"
    swapped.symlink_to(secret)
    grown = tmp_path / "weights.bin"
    grown.write_bytes(b"x" * 100)
    with _Fake(lambda *_: (404, {}, b"")) as evil, Registry(evil.host) as client:
        with pytest.raises(CheckFailed, match="nothing was sent"):
            client.push_file("acme/m", swapped, known="sha256:" + "0" * 64, size=15)
        with pytest.raises(CheckFailed, match="nothing was sent"):
            client.push_file("acme/m", grown, known="sha256:" + "0" * 64, size=99)
        assert evil.seen == []


def test_odd_credentials_and_configs_are_input_errors(carded: Path, prov, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("\udcff\udcfe\n"))
    r = prov("verify", "127.0.0.1:9/acme/m:v1", "--username", "u", "--password-stdin")
    assert r.code == 2 and "not UTF-8" in r.err, r.err
    docker = tmp_path / "docker"
    docker.mkdir()
    (docker / "config.json").write_text("[" * 200_000)
    monkeypatch.setenv("DOCKER_CONFIG", str(docker))
    r = prov("verify", "127.0.0.1:9/acme/m:v1")
    assert r.code == 2 and "config.json" in r.err and "internal" not in r.err.lower(), r.err


def test_credentials_echoed_in_any_spelling_are_scrubbed() -> None:
    import base64

    from provenance.oci.client import Registry

    password = 'P\u00e4ssw\u00f6rd"9/\\'
    with Registry("127.0.0.1:9", username="bob", password=password) as client:
        for echoed in (
            json.dumps(f"bob:{password}"),
            json.dumps(f"bob:{password}", ensure_ascii=False),
            base64.b64encode(f"bob:{password}".encode()).decode().rstrip("="),
            base64.urlsafe_b64encode(f"bob:{password}".encode()).decode().rstrip("="),
        ):
            out = client._scrub(f"bad auth {echoed}")
            assert "P\u00e4ssw" not in out and "P\\u00e4ssw" not in out and "***" in out, out


def test_percent_encoded_dots_in_an_upload_location_are_refused() -> None:
    from provenance.oci.client import Registry, RegistryError, _Answer

    with Registry("127.0.0.1:9") as client:
        for bad in ("/v2/%2e%2e/%2E%2E/admin/steal", "/v2/acme/%2e%2e/%2e%2e/x", "/v2/a%5c..%5c..%5cx"):
            with pytest.raises(RegistryError):
                client._location(_Answer(202, {"Location": bad}, b""))
        assert client._location(_Answer(202, {"Location": "/v2/acme/m/blobs/uploads/1?_state=a%2Fb"}, b""))


def test_a_manifest_too_large_for_registries_is_refused_before_anything_is_sent() -> None:
    from types import SimpleNamespace

    from provenance.oci import layout

    files = [SimpleNamespace(path=f"shard-{i:05d}-" + "x" * 600 + ".bin", sha256="0" * 64, size=1) for i in range(6000)]
    card = SimpleNamespace(
        artefact=SimpleNamespace(name="model", kind="directory", sha256="0" * 64, size=6000, files=files)
    )
    with pytest.raises(layout.LayoutError, match="registries cap manifests"):
        layout.model_for(card)


def test_a_registry_with_the_referrers_api_is_read_through_it_and_gets_no_fallback_tag() -> None:
    """Distribution 2.8 has no referrers API; registries that do (OCI 1.1) answer it, and then prov neither
    reads nor writes the sha256-<hex> tag."""
    from provenance.oci.client import INDEX, Registry

    listed = {"schemaVersion": 2, "mediaType": INDEX, "manifests": [{"mediaType": "m", "digest": "sha256:" + "2" * 64}]}

    def answer(method: str, path: str, headers):  # type: ignore[no-untyped-def]
        if method == "GET" and "/referrers/" in path:
            return 200, {"Content-Type": INDEX}, json.dumps(listed).encode()
        return 404, {}, b""

    subject = "sha256:" + "1" * 64
    with _Fake(answer) as api, Registry(api.host) as client:
        assert [d["digest"] for d in client.referrers("acme/m", subject)] == ["sha256:" + "2" * 64]
        client.add_referrers("acme/m", subject, [{"mediaType": "m", "digest": "sha256:" + "3" * 64}])
        assert not [p for m, p, _ in api.seen if "sha256-" in p or m == "PUT"]


def test_a_registry_parents_own_parents_are_never_files_here(carded: Path, prov, reg: RunningRegistry, trained) -> None:  # type: ignore[no-untyped-def]
    """A registry card names its parents by paths in its signer's repository; a file of that name beside
    the child is something else, and lineage must not draw it (verified or not) as that ancestor."""
    shutil.copy(trained["logreg"], carded / "mid.joblib")
    assert prov("card", "mid.joblib", "--parent", "model.joblib").code == 0
    ref = f"{reg.host}/acme/mid:v1"
    assert prov("push", "mid.joblib", ref).code == 0
    shutil.copy(trained["logreg"], carded / "child.joblib")
    assert prov("card", "child.joblib", "--parent", ref).code == 0
    nodes = {n["id"]: n for n in json.loads(prov("lineage", "child.joblib", "--json").out)["nodes"]}
    grand = [n for n in nodes.values() if n["name"] == "model.joblib"]
    assert len(grand) == 1 and grand[0]["id"].startswith("artefact:elsewhere:") and grand[0]["state"] == "missing"
    assert "artefact:model.joblib" not in nodes
