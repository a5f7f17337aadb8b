"""Digests: streaming file hash, OpenSSF model-signing directory root, the stat cache."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.digest import DigestCache, Hasher, root_digest, sha256_file


def test_file_digest_matches_hashlib(tmp_path: Path) -> None:
    data = os.urandom(9 * 1024 * 1024 + 17)  # crosses several 4 MiB chunks
    f = tmp_path / "blob"
    f.write_bytes(data)
    assert sha256_file(f) == hashlib.sha256(data).hexdigest()


def test_directory_root_uses_pure_posix_path_order(tmp_path: Path) -> None:
    d = tmp_path / "model"
    (d / "a").mkdir(parents=True)
    (d / "a" / "b.txt").write_bytes(b"one")
    (d / "a-b.txt").write_bytes(b"two")
    tree = Hasher(show_progress=False).tree(d)
    assert [f.path for f in tree.files] == ["a/b.txt", "a-b.txt"]  # plain sorted() would swap them
    expected = hashlib.sha256(hashlib.sha256(b"one").digest() + hashlib.sha256(b"two").digest()).hexdigest()
    assert tree.sha256 == expected
    assert tree.kind == "directory" and tree.size == 6


_component = st.text(alphabet="ab-_.", min_size=1, max_size=3).filter(lambda c: c not in (".", ".."))
_rel_path = st.lists(_component, min_size=1, max_size=3).map("/".join)


@settings(deadline=None)
@given(st.lists(_rel_path, min_size=1, max_size=6, unique=True))
def test_root_digest_is_order_independent(paths: list[str]) -> None:
    entries = [(p, hashlib.sha256(p.encode()).hexdigest()) for p in paths]
    assert root_digest(entries) == root_digest(list(reversed(entries)))
    ordered = sorted(paths, key=PurePosixPath)
    manual = hashlib.sha256(b"".join(hashlib.sha256(p.encode()).digest() for p in ordered)).hexdigest()
    assert root_digest(entries) == manual


def test_cache_hit_and_invalidation(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "model.bin"
    f.write_bytes(b"x" * 1000)
    cache = DigestCache(tmp_path / "cache")
    hasher = Hasher(cache, show_progress=False)
    first, _ = hasher.file(f)
    calls = []
    import provenance.digest as digest_mod

    real = digest_mod.sha256_file
    monkeypatch.setattr(digest_mod, "sha256_file", lambda p, progress=None: calls.append(p) or real(p, progress))
    assert hasher.file(f)[0] == first and calls == []  # warm cache: not re-read
    f.write_bytes(b"y" * 1000)  # same size, new content
    second, _ = hasher.file(f)
    assert calls and second == hashlib.sha256(b"y" * 1000).hexdigest() != first


def test_cache_survives_corruption(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "digests.sqlite3").write_bytes(b"not a database at all" * 100)
    f = tmp_path / "m"
    f.write_bytes(b"abc")
    assert Hasher(DigestCache(tmp_path / "cache"), show_progress=False).file(f)[0] == hashlib.sha256(b"abc").hexdigest()


def test_cache_concurrent_processes(tmp_path: Path) -> None:
    files = []
    for i in range(20):
        p = tmp_path / f"f{i}"
        p.write_bytes(os.urandom(10000))
        files.append(p)
    script = (
        "import sys; from pathlib import Path; from provenance.digest import DigestCache, Hasher\n"
        "h = Hasher(DigestCache(Path(sys.argv[1])), show_progress=False)\n"
        "for _ in range(5):\n"
        "    for f in sys.argv[2:]: h.file(Path(f))\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / "cache"), *map(str, files)], stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    h = Hasher(DigestCache(tmp_path / "cache"), show_progress=False)
    for f in files:
        assert h.file(f)[0] == hashlib.sha256(f.read_bytes()).hexdigest()


def test_symlink_inside_directory_refused(tmp_path: Path) -> None:
    import pytest

    from provenance.errors import UsageError

    d = tmp_path / "m"
    d.mkdir()
    (tmp_path / "secret").write_text("s")
    (d / "link").symlink_to(tmp_path / "secret")
    with pytest.raises(UsageError, match="symbolic links"):
        Hasher(show_progress=False).tree(d)


def test_directory_artefact_card(project: Path, prov) -> None:
    import base64
    import json

    d = project / "hf-model"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "weights.safetensors").write_bytes(b"\0" * 64)
    r = prov("card", "hf-model", "--dataset", "patients-2024")
    assert r.code == 0, r.err
    card = json.loads(base64.b64decode(json.loads((project / "hf-model.prov.json").read_text())["payload"]))
    art = card["predicate"]["artefact"]
    assert art["kind"] == "directory" and [f["path"] for f in art["files"]] == ["config.json", "weights.safetensors"]
    assert prov("verify", "hf-model").code == 0
    (d / "weights.safetensors").write_bytes(b"\1" * 64)
    assert prov("verify", "hf-model").code == 1


def test_progress_is_shown_for_large_files_on_a_tty(tmp_path: Path, monkeypatch, capsys) -> None:
    import provenance.digest as digest_mod

    monkeypatch.setattr(digest_mod, "_PROGRESS_MIN_BYTES", 1)
    f = tmp_path / "big"
    f.write_bytes(b"z" * (9 * 1024 * 1024))
    Hasher(show_progress=True).file(f)
    err = capsys.readouterr().err
    assert "hashing big" in err and "100.0%" in err
    Hasher(show_progress=False).file(f)
    assert capsys.readouterr().err == ""


def test_parallel_directory_hashing_equals_one_file_after_another(tmp_path: Path) -> None:
    """Past 16 MiB a directory's files are hashed on threads; digests, order and the cache must be exactly
    what hashing them one after another gives (and what model_signing computes)."""
    import os

    from provenance.digest import DigestCache, Hasher, root_digest, sha256_file

    model = tmp_path / "model"
    (model / "b").mkdir(parents=True)
    sizes = {"a-b.bin": 9 << 20, "b/x.bin": 7 << 20, "b/y.bin": 1, "c.bin": 0, "z.bin": 3 << 20}
    for name, size in sizes.items():
        (model / name).write_bytes(os.urandom(size))
    cache = DigestCache(tmp_path / "cache")
    tree = Hasher(cache, show_progress=False).tree(model)
    expected = [(n, sha256_file(model / n)) for n in sorted(sizes, key=lambda n: Path(n).as_posix())]
    assert {(e.path, e.sha256) for e in tree.files} == set(expected)
    assert [e.path for e in tree.files] == ["a-b.bin", "b/x.bin", "b/y.bin", "c.bin", "z.bin"]
    assert tree.sha256 == root_digest(expected)
    assert all(cache.get((model / n).resolve(), (model / n).stat()) == d for n, d in expected)
    again = Hasher(cache, show_progress=False).tree(model)  # every file a cache hit now
    assert again == tree
    from model_signing import hashing

    manifest = hashing.Config().hash(model)
    theirs = [(str(r.identifier), r.digest.digest_hex) for r in manifest.resource_descriptors()]
    assert theirs == [(e.path, e.sha256) for e in tree.files]
