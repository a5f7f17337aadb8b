"""Issue 15, without a registry: the manifest layout prov writes and reads, registry audiences, credentials."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.digest import Hasher, content
from provenance.model.config import Config
from provenance.oci import credentials, layout
from provenance.oci.client import RegistryError
from provenance.policy.registries import matches, registry_recipient


def _layers(files: dict[str, bytes]) -> list[layout.Layer]:
    return [layout.Layer(p, f"sha256:{hashlib.sha256(b).hexdigest()}", len(b)) for p, b in sorted(files.items())]


def _manifest(name: str, kind: str, layers: list[layout.Layer]) -> bytes:
    config = layout.model_config(name, layers)
    return layout.model_manifest(name, kind, layers, (f"sha256:{hashlib.sha256(config).hexdigest()}", len(config)))


_part = st.text(alphabet="abcdefghij-_.0123456789", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))
_tree = st.dictionaries(
    st.lists(_part, min_size=1, max_size=3).map("/".join), st.binary(max_size=64), min_size=1, max_size=8
).filter(lambda d: not any(a != b and b.startswith(a + "/") for a in d for b in d))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=_tree)
def test_layer_digests_read_as_the_same_content_as_the_files_on_disk(tmp_path_factory, files: dict[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    """The differential: what `prov verify REF` compares (from layers) against what `prov verify DIR` hashes."""
    root = tmp_path_factory.mktemp("tree") / "model"
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    on_disk = content(Hasher(show_progress=None).tree(root))
    remote = layout.read_model(_manifest("model", "directory", _layers(files))).content
    assert remote == on_disk


def test_a_file_artefact_is_one_layer_named_as_the_artefact() -> None:
    layers = _layers({"model.joblib": b"weights"})
    model = layout.read_model(_manifest("model.joblib", "file", layers))
    assert model.content == (hashlib.sha256(b"weights").hexdigest(), None)
    with pytest.raises(layout.LayoutError, match="one layer named as the artefact"):
        layout.read_model(_manifest("other.joblib", "file", layers))


@pytest.mark.parametrize(
    "path", ["../x", "/etc/passwd", "a/../../x", "a//b", "./a", "a/", "", "a\\b", "a\x00b", "..", "a/./b"]
)
def test_a_path_that_could_leave_the_target_is_refused(path: str) -> None:
    layers = [layout.Layer(path, "sha256:" + "0" * 64, 1)]
    with pytest.raises(layout.LayoutError):
        layout.read_model(_manifest("model", "directory", layers))


@pytest.mark.parametrize("name", ["../model", "a/b", "..", ".", ""])
def test_an_artefact_name_that_is_not_a_file_name_is_refused(name: str) -> None:
    with pytest.raises(layout.LayoutError):
        layout.read_model(_manifest(name, "directory", _layers({"a": b"1"})))


def test_a_file_that_is_also_a_directory_and_duplicates_are_refused() -> None:
    with pytest.raises(layout.LayoutError, match="inside another layer"):
        layout.read_model(_manifest("m", "directory", _layers({"a": b"1", "a/b": b"2"})))
    dup = _layers({"a": b"1"}) * 2
    with pytest.raises(layout.LayoutError, match="same file"):
        layout.read_model(_manifest("m", "directory", dup))


def test_other_manifests_are_not_read_as_models() -> None:
    good = json.loads(_manifest("m", "directory", _layers({"a": b"1"})))
    for change in (
        {"artifactType": "application/vnd.oci.image.config.v1+json"},
        {"mediaType": "application/vnd.oci.image.index.v1+json"},
        {"layers": []},
        {"annotations": {}},
        {"layers": [{**good["layers"][0], "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip"}]},
        {"layers": [{**good["layers"][0], "size": -1}]},
        {"layers": [{**good["layers"][0], "digest": "sha512:" + "0" * 128}]},
    ):
        with pytest.raises(layout.LayoutError):
            layout.read_model(json.dumps({**good, **change}).encode())
    with pytest.raises(layout.LayoutError, match="strict JSON"):
        layout.read_model(b'{"a": 1, "a": 2}')


def test_a_referrer_must_point_at_the_model_and_carry_one_small_layer() -> None:
    subject = ("sha256:" + "1" * 64, 10)
    raw = layout.referrer_manifest(layout.CARD_ARTIFACT, ("sha256:" + "2" * 64, 100), "m.prov.json", subject, "t")
    assert layout.read_referrer(raw, subject[0], layout.CARD_ARTIFACT) == ("sha256:" + "2" * 64, 100)
    with pytest.raises(layout.LayoutError, match="another manifest"):
        layout.read_referrer(raw, "sha256:" + "3" * 64, layout.CARD_ARTIFACT)
    with pytest.raises(layout.LayoutError, match="is not one"):
        layout.read_referrer(raw, subject[0], layout.OMS_ARTIFACT)
    big = layout.referrer_manifest(layout.CARD_ARTIFACT, ("sha256:" + "2" * 64, 1 << 30), "m", subject, "t")
    with pytest.raises(layout.LayoutError, match="at most"):
        layout.read_referrer(big, subject[0], layout.CARD_ARTIFACT)


# --- registries as audiences --------------------------------------------------------------------------------


def _config(*registries: dict[str, str]) -> Config:
    return Config.model_validate(
        {"repository": {"owner": "Acme", "audience": "private"}, "registries": list(registries)}
    )


def test_patterns_match_path_components() -> None:
    assert matches("registry.acme.example/research/*", "registry.acme.example", "research/model")
    assert matches("registry.acme.example/research/*", "Registry.ACME.example", "research/model")
    assert not matches("registry.acme.example/research/*", "registry.acme.example", "research/team/model")
    assert matches("registry.acme.example/research/**", "registry.acme.example", "research/team/model")
    assert not matches("registry.acme.example/research/*", "registry.acme.example.evil.example", "research/m")
    assert not matches("registry.acme.example/research/*", "registry.acme.example:5000", "research/m")
    assert not matches("registry.acme.example/research/*", "registry.acme.example", "researchers/m")
    assert matches("localhost:5000", "localhost:5000", "any/depth/at/all")


def test_an_unlisted_registry_is_public_and_the_widest_match_wins() -> None:
    config = _config(
        {"url": "r.acme.example/**", "owner": "Acme", "audience": "internal"},
        {"url": "r.acme.example/open/*", "owner": "Acme", "audience": "public"},
    )
    assert registry_recipient(config, "r.acme.example", "team/m").org == "Acme"
    assert registry_recipient(config, "r.acme.example", "open/m").org is None  # both match: public wins
    assert registry_recipient(config, "elsewhere.example", "team/m").org is None
    assert registry_recipient(config, "elsewhere.example", "team/m").kind == "repository"


@pytest.mark.parametrize(
    "url", ["https://r.example/x", "*.acme.example/x", "r.example/x:tag", "r.example/x@sha256:00", "r.example//x", ""]
)
def test_bad_registry_patterns_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        _config({"url": url, "owner": "Acme", "audience": "internal"})


def test_a_bad_registry_entry_is_one_line_naming_the_field(project: Path, prov) -> None:  # type: ignore[no-untyped-def]
    config = project / ".prov" / "config.yaml"
    config.write_text(
        config.read_text() + "registries:\n- url: https://r.example/x\n  owner: Acme\n  audience: internal\n"
    )
    r = prov("push", "model.joblib", "r.example/x/m:v1", "--dry-run")
    assert r.code == 2 and "registries" in r.err and "without a scheme" in r.err and "Traceback" not in r.err


# --- credentials --------------------------------------------------------------------------------------------


def test_docker_config_spellings(tmp_path: Path) -> None:
    f = tmp_path / "config.json"
    auth = base64.b64encode(b"bob:pa:ss").decode()
    f.write_text(json.dumps({"auths": {"https://r.example": {"auth": auth}}}))
    found = credentials.from_docker_config("r.example", f)
    assert found is not None and (found.username, found.password) == ("bob", "pa:ss")
    assert "pa:ss" not in repr(found)
    assert credentials.from_docker_config("other.example", f) is None
    f.write_text(json.dumps({"auths": {"r.example": {"auth": "!!"}}}))
    with pytest.raises(RegistryError, match="base64"):
        credentials.from_docker_config("r.example", f)
    f.write_text("{not json")
    with pytest.raises(RegistryError, match="JSON"):
        credentials.from_docker_config("r.example", f)
    f.write_text(json.dumps({"credsStore": "no-such-helper-here"}))
    with pytest.raises(RegistryError, match="not installed"):
        credentials.from_docker_config("r.example", f)
    f.write_text(json.dumps({"credsStore": "../../bin/sh"}))
    with pytest.raises(RegistryError, match="not a helper name"):
        credentials.from_docker_config("r.example", f)


def test_password_stdin_without_username_is_refused(project: Path, prov, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("secret\n"))
    r = prov("push", "model.joblib", "localhost:5000/x/m:v1", "--password-stdin")
    assert r.code == 2 and "--username" in r.err


def test_a_parent_the_registry_serves_wrongly_is_unverified_not_unreachable(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from provenance.api import remote
    from provenance.errors import CheckFailed

    def served_other_bytes(*_: object, **__: object) -> None:
        raise CheckFailed("manifest acme/m@sha256:…: the registry served other bytes", code="DIGEST_MISMATCH")

    monkeypatch.setattr(remote, "fetch_parent", served_other_bytes)
    state = remote.check_parent("r.example/acme/m@sha256:" + "0" * 64, "0" * 64, None)  # type: ignore[arg-type]
    assert state.state == "unverified" and "other bytes" in (state.detail or "")
    reason = state.reason("child.joblib")
    assert reason is not None and reason.code == "PARENT_UNVERIFIED" and reason.severity == "block"


def test_progress_shows_on_a_terminal_only(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import sys

    from provenance.cli.registry_cmd import tty_progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert tty_progress("pushing") is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    start = tty_progress("pushing")
    assert start("small.json", 1024) is None  # small files: no progress line
    report = start("shard.safetensors", 32 << 20)
    for _ in range(8):
        report(4 << 20)
    err = capsys.readouterr().err
    assert "pushing shard.safetensors" in err and "100.0%" in err and err.endswith("\n")
