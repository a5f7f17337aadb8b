"""Issue 15 (first part): the distribution-API client against a real registry (Distribution 2.8)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from registry import registry

from provenance.errors import CheckFailed, UsageError
from provenance.oci.client import INDEX, MANIFEST, Reference, Registry


@pytest.fixture
def reg(tmp_path: Path):  # type: ignore[no-untyped-def]
    with registry(tmp_path / "registry") as running:
        yield running


def _digest(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def test_references_parse_as_docker_writes_them() -> None:
    r = Reference.parse("localhost:5000/team/model:v3")
    assert (r.host, r.repository, r.tag, r.digest) == ("localhost:5000", "team/model", "v3", None)
    d = "sha256:" + "a" * 64
    assert Reference.parse(f"registry.acme.example/research/m@{d}").digest == d
    assert Reference.parse("127.0.0.1:5000/m").ref == "latest"
    for bad in ("model:v3", "localhost:5000/Team/model", "localhost:5000/m@sha256:xyz", "h.example/m:bad tag"):
        with pytest.raises(UsageError):
            Reference.parse(bad)


def test_a_file_goes_up_in_one_pass_and_comes_back_verified(reg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = os.urandom(9 * 1024 * 1024 + 7)  # more than two read chunks
    src = tmp_path / "weights.bin"
    src.write_bytes(data)
    with Registry(reg.host) as client:
        digest, size, uploaded = client.push_file("team/model", src)
        assert digest == _digest(data) and size == len(data) and uploaded
        assert client.blob_exists("team/model", digest)
        again = client.push_file("team/model", src, known=digest)  # the registry has it: nothing is sent
        assert again == (digest, len(data), False)
        out = tmp_path / "pulled" / "weights.bin"
        assert client.pull_blob("team/model", digest, out) == len(data)
        assert out.read_bytes() == data


def test_a_blob_replaced_on_the_registry_is_refused_and_nothing_is_written(reg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Registry(reg.host) as client:
        digest = client.push_bytes("team/model", b"the signed weights")
        reg.blob_file(digest).write_bytes(b"other weights, same length")
        out = tmp_path / "pulled" / "w.bin"
        with pytest.raises(CheckFailed, match="holds something else"):
            client.pull_blob("team/model", digest, out)
        assert not out.exists() and list(out.parent.iterdir()) == []


def test_a_file_changed_while_uploading_publishes_nothing(reg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "w.bin"
    src.write_bytes(b"new bytes")
    with Registry(reg.host) as client:
        with pytest.raises(CheckFailed, match="changed while it was uploaded"):
            client.push_file("team/model", src, known=_digest(b"the bytes the card signed"))
        assert not client.blob_exists("team/model", _digest(b"new bytes"))


def test_manifests_and_the_referrers_tag_fallback(reg) -> None:  # type: ignore[no-untyped-def]
    with Registry(reg.host) as client:
        layer = client.push_bytes("team/model", b"weights")
        config = client.push_bytes("team/model", b"{}")
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "artifactType": "application/vnd.prov.model.v1",
            "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": config, "size": 2},
            "layers": [{"mediaType": "application/octet-stream", "digest": layer, "size": 7}],
        }
        body = json.dumps(manifest).encode()
        subject = client.put_manifest("team/model", "v1", body, MANIFEST)
        got = client.get_manifest("team/model", "v1")
        assert got is not None and got[0] == body and got[1] == MANIFEST and got[2] == subject
        assert client.get_manifest("team/model", "nope") is None
        assert client.referrers("team/model", subject) == []  # 2.8: no referrers API, no fallback tag yet
        for kind in ("application/vnd.prov.card.v1+json", "application/vnd.prov.oms-signature.v1+json"):
            ref = {
                **manifest,
                "artifactType": kind,
                "subject": {"mediaType": MANIFEST, "digest": subject, "size": len(body)},
            }
            raw = json.dumps(ref).encode()
            digest = client.put_manifest("team/model", _digest(raw), raw, MANIFEST)
            client.add_referrer(
                "team/model", subject, {"mediaType": MANIFEST, "digest": digest, "size": len(raw), "artifactType": kind}
            )
        found = client.referrers("team/model", subject)
        assert [d["artifactType"] for d in found] == [
            "application/vnd.prov.card.v1+json",
            "application/vnd.prov.oms-signature.v1+json",
        ]
        index = client.get_manifest("team/model", subject.replace(":", "-"), (INDEX,))
        assert index is not None and index[1] == INDEX


def test_a_manifest_asked_for_by_digest_must_hash_to_it(reg) -> None:  # type: ignore[no-untyped-def]
    with Registry(reg.host) as client:
        body = json.dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": []}).encode()
        digest = client.put_manifest("team/model", "idx", body, INDEX)
        assert client.get_manifest("team/model", digest, (INDEX,)) is not None
        storage = reg.blob_file(digest)
        storage.write_bytes(body.replace(b"[]", b"[ ]"))
        with pytest.raises(CheckFailed, match="served other bytes"):
            client.get_manifest("team/model", digest, (INDEX,))


def test_an_unreachable_registry_is_one_clear_line() -> None:
    with Registry("127.0.0.1:1") as client, pytest.raises(UsageError, match="cannot reach the registry"):
        client.blob_exists("team/model", "sha256:" + "0" * 64)
