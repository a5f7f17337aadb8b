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
    data = os.urandom(9 * 1024 * 1024 + 17)  # crosses many read chunks
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


def _settle() -> None:
    """Let a file just written age past the racy margin: only then is its digest cached."""
    import time

    from provenance import stamps

    time.sleep(stamps.RACY_NS / 1e9 + 0.01)


def _count_reads(monkeypatch) -> list[Path]:
    import provenance.digest as digest_mod

    calls: list[Path] = []
    real = digest_mod._hash_file
    monkeypatch.setattr(digest_mod, "_hash_file", lambda p, *a: calls.append(p) or real(p, *a))
    return calls


def test_cache_hit_and_invalidation(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "model.bin"
    f.write_bytes(b"x" * 1000)
    _settle()
    cache = DigestCache(tmp_path / "cache")
    hasher = Hasher(cache, show_progress=False)
    first, _ = hasher.file(f)
    calls = _count_reads(monkeypatch)
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
    _settle()
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


# --- issue 16: parallel and sequential hashing agree with hashlib; the cache never passes a changed file ---

_names = st.text(alphabet="ab-_.é", min_size=1, max_size=3).filter(lambda c: c not in (".", ".."))
_tree_paths = st.lists(st.lists(_names, min_size=1, max_size=3).map("/".join), min_size=1, max_size=8, unique=True)


def _plain_tree(paths: list[str]) -> list[str]:
    """Paths that can all be files at once (none is a directory of another)."""
    return [p for p in paths if not any(q.startswith(p + "/") for q in paths)]


@settings(deadline=None, max_examples=40)
@given(_tree_paths, st.data())
def test_parallel_sequential_and_whole_bytes_roots_agree(paths: list[str], data) -> None:
    """Random trees of empty, small and multi-chunk files: the thread pool, one file after another, and
    sha256 over each file's whole bytes (in PurePosixPath order, as ``root_digest``) give one root."""
    import tempfile
    from unittest import mock

    from provenance import digest

    files = {
        p: data.draw(st.one_of(st.binary(max_size=64), st.integers(4000, 20000).map(lambda n: os.urandom(n))), label=p)
        for p in _plain_tree(paths)
    }
    expected_files = [(p, hashlib.sha256(files[p]).hexdigest()) for p in sorted(files, key=PurePosixPath)]
    expected = hashlib.sha256(b"".join(hashlib.sha256(files[p]).digest() for p, _ in expected_files)).hexdigest()
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model"
        model.mkdir()
        for p, content in files.items():
            (model / p).parent.mkdir(parents=True, exist_ok=True)
            (model / p).write_bytes(content)
        trees = []
        # Small chunks and thread buffers, so a 20 kB file takes several reads; parallel from any size.
        with mock.patch.object(digest, "CHUNK", 4096), mock.patch.object(digest, "_SMALL_BUFFER", 1024):
            for parallel_from in (0, 1 << 40):
                digest._THREAD = None  # this thread's buffer made again at the patched size
                with mock.patch.object(digest, "_PARALLEL_MIN_BYTES", parallel_from):
                    trees.append(Hasher(show_progress=False).tree(model))
                    cache = DigestCache(Path(tmp) / f"cache-{parallel_from}")
                    trees.append(Hasher(cache, show_progress=False).tree(model))  # cold cache
                    trees.append(Hasher(cache, show_progress=False).tree(model))  # warm (or racy: hashed again)
                    cache.close()
        digest._THREAD = None
    for tree in trees:
        assert [(f.path, f.sha256) for f in tree.files] == expected_files
        assert [f.size for f in tree.files] == [len(files[p]) for p, _ in expected_files]
        assert tree.sha256 == expected == root_digest(expected_files)


def test_a_small_file_reuses_a_small_buffer(tmp_path: Path) -> None:
    """No 4 MiB buffer per file: a thread's buffer is made once, sized to what it has read, and reused."""
    from provenance import digest

    for i in range(3):
        (tmp_path / f"f{i}").write_bytes(os.urandom(1024))
    digest._THREAD = None
    sha256_file(tmp_path / "f0")
    view = digest._THREAD.view
    assert len(view) < digest.CHUNK
    sha256_file(tmp_path / "f1")
    assert digest._THREAD.view is view  # reused, not made again
    big = tmp_path / "big"
    big.write_bytes(os.urandom(digest.CHUNK + 1))
    assert sha256_file(big) == hashlib.sha256(big.read_bytes()).hexdigest()
    assert len(digest._THREAD.view) == digest.CHUNK  # grown once, never past CHUNK
    assert sha256_file(tmp_path / "f2") == hashlib.sha256((tmp_path / "f2").read_bytes()).hexdigest()
    digest._THREAD = None


def test_a_directory_writes_its_digests_in_one_transaction(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    for i in range(50):
        (model / f"f{i:02d}").write_bytes(os.urandom(100))
    _settle()
    cache = DigestCache(tmp_path / "cache")
    statements: list[str] = []
    cache._db.set_trace_callback(statements.append)
    tree = Hasher(cache, show_progress=False).tree(model)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    assert sum(s == "COMMIT" for s in statements) == 1
    cache._db.set_trace_callback(None)
    other = DigestCache(tmp_path / "cache")  # another process's view: written, all of it
    assert all(other.get(model / f.path, (model / f.path).stat()) == f.sha256 for f in tree.files)


def test_waiting_entries_are_read_back_and_written_at_exit(tmp_path: Path) -> None:
    """An entry not yet written is seen by its own cache; the process's exit writes it; a process that dies
    first loses it, which costs a hash and nothing else."""
    f = tmp_path / "m.bin"
    f.write_bytes(b"abc")
    _settle()
    cache = DigestCache(tmp_path / "cache")
    Hasher(cache, show_progress=False).file(f)  # a single file: written at the end of the command, not now
    assert cache.get(f.resolve(), f.stat()) == hashlib.sha256(b"abc").hexdigest()
    assert DigestCache(tmp_path / "cache").get(f.resolve(), f.stat()) is None
    cache.flush()
    assert DigestCache(tmp_path / "cache").get(f.resolve(), f.stat()) == hashlib.sha256(b"abc").hexdigest()

    script = (
        "import os, sys; from pathlib import Path; from provenance.digest import DigestCache, Hasher\n"
        "Hasher(DigestCache(Path(sys.argv[1])), show_progress=False).file(Path(sys.argv[2]))\n"
        "if sys.argv[3] == 'crash': os._exit(0)\n"
    )
    for name, how, kept in (("exits.bin", "exit", True), ("dies.bin", "crash", False)):
        g = tmp_path / name
        g.write_bytes(name.encode())
        _settle()
        subprocess.run([sys.executable, "-c", script, str(tmp_path / "c2"), str(g), how], check=True)
        found = DigestCache(tmp_path / "c2").get(g.resolve(), g.stat())
        assert found == (hashlib.sha256(name.encode()).hexdigest() if kept else None)
        assert (
            Hasher(DigestCache(tmp_path / "c2"), show_progress=False).file(g)[0]
            == hashlib.sha256(name.encode()).hexdigest()
        )


def test_a_file_changed_in_place_keeping_size_and_mtime_is_hashed_again(tmp_path: Path) -> None:
    """The attacker's edit: same size, mtime set back (within the same second, to the nanosecond). ctime
    is in the key, and nobody can set it back."""
    model = tmp_path / "model"
    model.mkdir()
    weights = model / "weights.bin"
    weights.write_bytes(b"good" * 1000)
    (model / "config.json").write_text("{}")
    _settle()
    cache = DigestCache.shared(tmp_path / "cache")
    first = Hasher(cache, show_progress=False).tree(model)
    before = weights.stat()
    with open(weights, "r+b") as fh:
        fh.write(b"evil")
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = weights.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    again = Hasher(cache, show_progress=False).tree(model)
    assert again.sha256 != first.sha256
    assert (
        dict((f.path, f.sha256) for f in again.files)["weights.bin"]
        == hashlib.sha256(b"evil" + b"good" * 999).hexdigest()
    )
    assert Hasher(cache, show_progress=False).file(weights)[0] == hashlib.sha256(b"evil" + b"good" * 999).hexdigest()


def test_a_file_swapped_for_another_of_the_same_size_and_times_is_hashed_again(tmp_path: Path) -> None:
    f = tmp_path / "model.bin"
    f.write_bytes(b"A" * 4096)
    other = tmp_path / "other.bin"
    other.write_bytes(b"B" * 4096)
    st0 = f.stat()
    os.utime(other, ns=(st0.st_atime_ns, st0.st_mtime_ns))
    _settle()
    cache = DigestCache.shared(tmp_path / "cache")
    assert Hasher(cache, show_progress=False).file(f)[0] == hashlib.sha256(b"A" * 4096).hexdigest()
    os.replace(other, f)  # another inode under the same name
    assert Hasher(cache, show_progress=False).file(f)[0] == hashlib.sha256(b"B" * 4096).hexdigest()


def test_a_file_changed_just_before_it_was_read_is_not_cached(tmp_path: Path, monkeypatch) -> None:
    """A kernel whose file clock ticks coarsely gives a second change in the same tick the same ctime: a
    digest read in that tick is not remembered (git's racily clean files)."""
    from provenance import digest, stamps

    f = tmp_path / "m.bin"
    f.write_bytes(b"x" * 100)
    monkeypatch.setattr(stamps, "RACY_NS", 10**15)  # everything is "just changed"
    cache = DigestCache(tmp_path / "cache")
    Hasher(cache, show_progress=False).file(f)
    assert cache.get(f.resolve(), f.stat()) is None
    calls = _count_reads(monkeypatch)
    Hasher(cache, show_progress=False).file(f)
    assert calls  # read again
    # A file system that keeps whole seconds: two seconds of margin, whatever RACY_NS says.
    monkeypatch.setattr(stamps, "RACY_NS", 0)
    now = 1_700_000_000_500_000_000
    assert not stamps.settled(1_700_000_000_000_000_000, now)
    assert stamps.settled(1_699_999_998_000_000_000, now)  # whole seconds, two of them back
    assert stamps.settled(1_700_000_000_000_000_001, now)
    assert digest  # the module whose cache this guards


def test_a_link_swapped_in_after_the_walk_is_refused(tmp_path: Path) -> None:
    import pytest

    from provenance.digest import _hash_file
    from provenance.errors import UsageError

    (tmp_path / "secret").write_text("s")
    (tmp_path / "link").symlink_to(tmp_path / "secret")
    with pytest.raises(UsageError, match="symbolic link"):
        _hash_file(tmp_path / "link")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(UsageError, match="not a regular file"):
        _hash_file(tmp_path / "fifo")  # opened without blocking, refused


def test_one_cache_per_directory_per_process(tmp_path: Path) -> None:
    a = DigestCache.shared(tmp_path / "cache")
    assert DigestCache.shared(tmp_path / "cache") is a
    a.close()  # the shared one stays open: close only writes what waits
    assert DigestCache.shared(tmp_path / "cache") is a
    import shutil

    shutil.rmtree(tmp_path / "cache")  # removed under us: opened again, not written into a deleted file
    b = DigestCache.shared(tmp_path / "cache")
    assert b is not a and (tmp_path / "cache" / "digests.sqlite3").exists()


def test_background_digest_is_the_digest_and_can_be_called_off(tmp_path: Path) -> None:
    import pytest

    from provenance.errors import UsageError

    model = tmp_path / "model"
    model.mkdir()
    (model / "a").write_bytes(os.urandom(3 << 20))
    (model / "b").write_bytes(b"b")
    hasher = Hasher(show_progress=False)
    assert hasher.start_tree(model).result() == hasher.tree(model)
    pending = hasher.start_tree(model)
    pending.cancel()  # returns once the threads have stopped
    with pytest.raises(UsageError, match="no such file"):
        hasher.start_tree(tmp_path / "missing").result()


def test_staged_blobs_hash_together_and_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    """`prov check` reads staged bytes from git: small blobs through one `git cat-file --batch`, large ones
    on the pool; each digest is hashlib's over the blob's bytes, and remembered by blob id."""
    from provenance.store import gitindex

    repo = tmp_path / "repo"
    (repo / "model" / "shards").mkdir(parents=True)
    contents = {f"model/f{i:03d}.json": os.urandom(i * 7) for i in range(40)}
    contents |= {"model/shards/a.bin": os.urandom(9 << 20), "model/shards/b.bin": os.urandom(8 << 20)}
    for name, data in contents.items():
        (repo / name).write_bytes(data)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    entries = gitindex.index_entries(repo)
    spawned: list[object] = []
    real = subprocess.Popen

    def popen(args, *a, **k):  # type: ignore[no-untyped-def]
        spawned.append(args)
        return real(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", popen)
    cache = DigestCache(tmp_path / "cache")
    blobs = gitindex.Blobs(repo, cache)
    got = blobs.sha256_many(e.blob for e in entries.values())
    assert {p: got[e.blob] for p, e in entries.items()} == {
        p: hashlib.sha256(d).hexdigest() for p, d in contents.items()
    }
    batches = [a for a in spawned if "--batch" in a]
    assert len(batches) == 1 and len(spawned) <= 4  # one batch (and one size query), two large streams
    spawned.clear()
    assert gitindex.Blobs(repo, cache).sha256_many(e.blob for e in entries.values()) == got
    assert spawned == []  # all remembered
    import pytest

    from provenance.errors import UsageError

    with pytest.raises(UsageError, match="could not read blob"):
        gitindex.Blobs(repo)._batch_sha256(["0" * 40])
