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
