"""SHA-256 of files and directories, streamed in large chunks, with a stat-keyed cache.

A directory's digest is the OpenSSF model-signing root: sha256 over the concatenated raw 32-byte
per-file digests, files in ``PurePosixPath`` order (component by component, so ``a/b.txt`` sorts
before ``a-b.txt``, unlike plain string order).
"""

from __future__ import annotations

import contextlib
import hmac
import os
import sqlite3
import stat
import sys
import time
from collections import namedtuple
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from .errors import UsageError
from .filenames import IGNORED_TOP_LEVEL
from .textsafe import shown

CHUNK = 4 * 1024 * 1024  # large reads keep us within a few percent of `openssl dgst`
_PROGRESS_MIN_BYTES = 256 * 1024 * 1024
_PARALLEL_MIN_BYTES = 16 * 1024 * 1024  # below this, threads cost more than they save

Progress = Callable[[int, int], None]


# Named tuples, not dataclasses: this module is on `prov verify`'s start-up path.
# path: POSIX path relative to the directory root (or the file name); sha256; size.
FileEntry = namedtuple("FileEntry", "path sha256 size")
# sha256 (a file's digest, or a directory's model-signing root), size, kind ("file" | "directory"), files.
TreeDigest = namedtuple("TreeDigest", "sha256 size kind files")


def content(tree: TreeDigest) -> tuple[str, dict[str, str] | None]:
    """(sha256, each file's sha256 for a directory, None for a file): what the checks compare."""
    return tree.sha256, ({f.path: f.sha256 for f in tree.files} if tree.kind == "directory" else None)


def sha256_file(path: Path, progress: Progress | None = None) -> str:
    """Stream a file through SHA-256 with a reusable 4 MiB buffer (no per-chunk allocation)."""
    import hashlib  # OpenSSL: fastest on large files (loaded only when a file is hashed)

    h = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    done = 0
    with open(path, "rb", buffering=0) as f:
        total = os.fstat(f.fileno()).st_size
        while n := f.readinto(buf):
            h.update(view[:n])
            if progress is not None:
                done += n
                progress(done, total)
    return h.hexdigest()


def root_digest(entries: list[tuple[str, str]]) -> str:
    """OpenSSF model-signing root over (relative path, hex digest) pairs."""
    import hashlib  # OpenSSL: fastest on large files (loaded only when a file is hashed)

    h = hashlib.sha256()
    for _, hexdigest in sorted(entries, key=lambda e: PurePosixPath(e[0])):
        h.update(bytes.fromhex(hexdigest))
    return h.hexdigest()


class DigestCache:
    """(path, device, inode, size, mtime_ns, ctime_ns) -> sha256, in SQLite.

    SQLite gives us safe concurrent use by several ``prov`` processes (the pre-commit hook may run
    in parallel) without writing our own locking. Any stat change misses the cache, so a modified
    file is always re-hashed; ctime is included because a tool can reset mtime but not ctime.
    """

    def __init__(self, directory: Path) -> None:
        from .home import local_secret

        self._secret = local_secret()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            file = directory / "digests.sqlite3"
            try:
                self._db = self._open(file)
            except sqlite3.DatabaseError:
                # A corrupt cache is only a cache: start again rather than fail the user's command.
                file.unlink(missing_ok=True)
                self._db = self._open(file)
        except (OSError, sqlite3.Error):
            # `.prov/cache` is a file, or not writable: a cache that cannot be kept only costs time.
            self._db = self._open(":memory:")

    @staticmethod
    def _open(file: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(file, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # A cache may lose its last writes on power loss, never its consistency: no fsync per insert.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS digests (path TEXT PRIMARY KEY, dev INTEGER, ino INTEGER,"
                " size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, sha256 TEXT)"
            )
            db.execute("CREATE TABLE IF NOT EXISTS facts (kind TEXT, key TEXT, value TEXT, PRIMARY KEY (kind, key))")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    @staticmethod
    def _key(st: os.stat_result) -> tuple[int, int, int, int, int]:
        return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns

    def get(self, path: Path, st: os.stat_result) -> str | None:
        try:
            row = self._db.execute(
                "SELECT dev, ino, size, mtime_ns, ctime_ns, sha256 FROM digests WHERE path = ?",
                (str(path),),
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is not None and tuple(row[:5]) == self._key(st):
            return self._unseal_digest(str(path), tuple(row[:5]), str(row[5]))
        return None

    def put(self, path: Path, st: os.stat_result, sha256: str) -> None:
        sealed = self._seal_digest(str(path), self._key(st), sha256)
        if sealed is None:
            return
        # A cache that cannot be written only costs time.
        with contextlib.suppress(sqlite3.Error):
            self._db.execute(
                "INSERT OR REPLACE INTO digests VALUES (?, ?, ?, ?, ?, ?, ?)",
                (str(path), *self._key(st), sealed),
            )

    # A digest row is stored with a tag keyed by this machine's secret over the path, the stat key and the
    # digest: a row written by anyone without the secret (someone who can write .prov/cache but not the
    # user's PROV_HOME, mapping a swapped file to the digest of the original) matches nothing.

    def _seal_digest(self, path: str, key: tuple[int, ...], sha256: str) -> str | None:
        tag = self._sealed("digest", f"{path}\0{key}\0{sha256}")
        return None if tag is None else f"{sha256}:{tag[:32]}"

    def _unseal_digest(self, path: str, key: tuple[int, ...], stored: str) -> str | None:
        sha256, _, tag = stored.partition(":")
        expected = self._seal_digest(path, key, sha256)
        return sha256 if expected is not None and hmac.compare_digest(expected, stored) and tag else None

    # Remembered facts, each a pure function of its key (content-addressed or keyed by every input), so
    # none goes stale: a blob's sha256, a signature check that passed, a card validated whole, a passed
    # commit check with the index entries it read.

    # Each key is hashed with this machine's secret (``home.local_secret``): a cache file that came from
    # anywhere else -- shipped beside an artefact, committed to a repository -- matches nothing here.
    # Without a secret nothing is remembered.

    def _sealed(self, kind: str, key: str) -> str | None:
        if self._secret is None:
            return None
        from .quickhash import blake2b

        return blake2b(f"{kind}\0{key}".encode(), key=self._secret, digest_size=32).hexdigest()

    def _fact(self, kind: str, key: str) -> str | None:
        sealed = self._sealed(kind, key)
        if sealed is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM facts WHERE kind = ? AND key = ?", (kind, sealed)).fetchone()
        except sqlite3.Error:
            return None
        return self._open_value(kind, sealed, str(row[0])) if row else None

    def _remember(self, kind: str, key: str, value: str = "") -> None:
        sealed = self._sealed(kind, key)
        if sealed is None:
            return
        with contextlib.suppress(sqlite3.Error):
            self._db.execute(
                "INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", (kind, sealed, self._seal_value(kind, sealed, value))
            )

    # A value is stored behind a tag over its sealed key and itself: a row's value edited by someone
    # without the secret (a remembered pass widened, a card summary with its lineage cut) matches nothing.

    def _seal_value(self, kind: str, sealed_key: str, value: str) -> str:
        tag = self._sealed(f"{kind}-value", f"{sealed_key}\0{value}")
        return f"{tag}\n{value}"

    def _open_value(self, kind: str, sealed_key: str, stored: str) -> str | None:
        tag, sep, value = stored.partition("\n")
        expected = self._sealed(f"{kind}-value", f"{sealed_key}\0{value}")
        return value if sep and expected is not None and hmac.compare_digest(tag, expected) else None

    def digests_under(self, directory: Path) -> dict[str, tuple[tuple[int, ...], str]]:
        """Every cached digest below ``directory`` (path -> (stat key, sha256)) in one query, for callers
        that look up thousands of small files (the card index)."""
        prefix = str(directory).rstrip("/") + "/"
        try:
            rows = self._db.execute(
                "SELECT path, dev, ino, size, mtime_ns, ctime_ns, sha256 FROM digests WHERE path >= ? AND path < ?",
                (prefix, prefix[:-1] + "0"),  # "0" sorts right after "/"
            ).fetchall()
        except sqlite3.Error:
            return {}
        out = {}
        for r in rows:
            key = tuple(r[1:6])
            digest = self._unseal_digest(str(r[0]), key, str(r[6]))
            if digest is not None:
                out[str(r[0])] = (key, digest)
        return out

    def facts_of_kind(self, kind: str) -> dict[str, str]:
        """Every remembered fact of one kind (sealed key -> value) in one query; look up with ``sealed``."""
        try:
            rows = self._db.execute("SELECT key, value FROM facts WHERE kind = ?", (kind,)).fetchall()
        except sqlite3.Error:
            return {}
        out = {}
        for k, v in rows:
            value = self._open_value(kind, str(k), str(v))
            if value is not None:
                out[str(k)] = value
        return out

    def sealed(self, kind: str, key: str) -> str | None:
        return self._sealed(kind, key)

    def blob_sha256(self, blob: str) -> str | None:
        return self._fact("blob", blob)

    def put_blob(self, blob: str, sha256: str) -> None:
        self._remember("blob", blob, sha256)

    def sig_verified(self, token: str) -> bool:
        return self._fact("signature", token) is not None

    def record_sig(self, token: str) -> None:
        self._remember("signature", token)

    def card_valid(self, key: str) -> bool:
        return self._fact("valid-card", key) is not None

    def record_card_valid(self, key: str) -> None:
        self._remember("valid-card", key)

    def passed_entries(self, key: str) -> str | None:
        """The index entries a check with these policy inputs passed on (see gate/passes.py)."""
        return self._fact("pass", key)

    def record_pass(self, key: str, entries: str) -> None:
        self._remember("pass", key, entries)

    def close(self) -> None:
        self._db.close()


class Hasher:
    """Digests files and directories, consulting an optional cache and reporting progress on a TTY."""

    def __init__(self, cache: DigestCache | None = None, show_progress: bool | None = None) -> None:
        self.cache = cache
        self.show_progress = sys.stderr.isatty() if show_progress is None else show_progress

    def file(self, path: Path) -> tuple[str, int]:
        path = path.resolve()
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a named pipe or a device: reading could block for ever
            raise UsageError(f"{shown(path)}: not a regular file (a named pipe, device or socket); remove it")
        if self.cache is not None and (hit := self.cache.get(path, st)) is not None:
            return hit, st.st_size
        progress = _TtyProgress(path.name) if self.show_progress and st.st_size >= _PROGRESS_MIN_BYTES else None
        digest = sha256_file(path, progress)
        if progress is not None:
            progress.finish()
        # Re-stat: if the file changed while we read it, do not cache a digest of mixed content.
        if self.cache is not None and self.cache._key(path.stat()) == self.cache._key(st):
            self.cache.put(path, st, digest)
        return digest, st.st_size

    def tree(self, path: Path) -> TreeDigest:
        """A file's digest, or a directory's model-signing root with its per-file list."""
        try:
            st = path.lstat()
        except FileNotFoundError:
            raise UsageError(f"{path}: no such file or directory") from None
        if stat.S_ISLNK(st.st_mode):
            path = path.resolve()
        if path.is_file():
            digest, size = self.file(path)
            return TreeDigest(digest, size, "file", (FileEntry(path.name, digest, size),))
        if not path.is_dir():
            raise UsageError(f"{path}: not a regular file or directory")
        entries = self._files([(rel, full.resolve()) for rel, full in _walk(path)], path.name)
        entries.sort(key=lambda e: PurePosixPath(e.path))
        root = root_digest([(e.path, e.sha256) for e in entries])
        return TreeDigest(root, sum(e.size for e in entries), "directory", tuple(entries))

    def _files(self, files: list[tuple[str, Path]], label: str) -> list[FileEntry]:
        """Every file's entry: cache hits read here, misses hashed on a thread pool (hashlib releases the
        GIL on large updates, so a directory of shards hashes on every core, as model_signing does). The
        cache is touched only from this thread (SQLite connections stay on theirs); a file that changed
        while it was read is not cached. Order and digests are exactly as one file after another."""
        known: dict[str, tuple[str, int]] = {}
        todo: list[tuple[str, Path, os.stat_result]] = []
        for rel, full in files:
            st = full.stat()
            if not stat.S_ISREG(st.st_mode):
                raise UsageError(f"{shown(full)}: not a regular file (a named pipe, device or socket); remove it")
            if self.cache is not None and (hit := self.cache.get(full, st)) is not None:
                known[rel] = (hit, st.st_size)
            else:
                todo.append((rel, full, st))
        workers = min(len(todo), os.cpu_count() or 1, 8)
        if workers <= 1 or sum(st.st_size for _, _, st in todo) < _PARALLEL_MIN_BYTES:
            for rel, full, _ in todo:
                known[rel] = self.file(full)
        else:
            known.update(self._hash_parallel(todo, workers, label))
        return [FileEntry(rel, *known[rel]) for rel, _ in files]

    def _hash_parallel(
        self, todo: list[tuple[str, Path, os.stat_result]], workers: int, label: str
    ) -> dict[str, tuple[str, int]]:
        import threading
        from concurrent.futures import ThreadPoolExecutor

        total = sum(st.st_size for _, _, st in todo)
        progress = _TtyProgress(label) if self.show_progress and total >= _PROGRESS_MIN_BYTES else None
        lock = threading.Lock()
        done = [0]

        def one(item: tuple[str, Path, os.stat_result]) -> str:
            _, full, _ = item
            seen = [0]

            def tick(n: int, _total: int) -> None:
                with lock:
                    done[0] += n - seen[0]
                    seen[0] = n
                    progress(done[0], total)  # type: ignore[misc]

            return sha256_file(full, tick if progress is not None else None)

        # Largest first, so one big shard does not start last and leave the other cores idle.
        order = sorted(todo, key=lambda item: -item[2].st_size)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prov-hash") as pool:
            digests = dict(zip((rel for rel, _, _ in order), pool.map(one, order), strict=True))
        if progress is not None:
            progress.finish()
        out: dict[str, tuple[str, int]] = {}
        for rel, full, st in todo:
            out[rel] = (digests[rel], st.st_size)
            if self.cache is not None and self.cache._key(full.stat()) == self.cache._key(st):
                self.cache.put(full, st, digests[rel])
        return out


def unsigned_entries(directory: Path) -> list[str]:
    """Files under ``directory`` that its digest leaves out (top-level .git*, .github), as POSIX paths."""
    out: list[str] = []
    for name in sorted(IGNORED_TOP_LEVEL):
        top = directory / name
        if top.is_symlink() or top.is_file():
            out.append(name)
        elif top.is_dir():
            for dirpath, _, filenames in os.walk(top):
                out += [Path(dirpath, f).relative_to(directory).as_posix() for f in sorted(filenames)]
    return out


def _walk(root: Path) -> Iterator[tuple[str, Path]]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        if Path(dirpath) == root:
            dirnames[:] = [d for d in dirnames if d not in IGNORED_TOP_LEVEL]
            filenames = [f for f in filenames if f not in IGNORED_TOP_LEVEL]
        dirnames.sort()
        for name in sorted(filenames):
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            if not rel.isascii():
                try:
                    rel.encode("utf-8")
                except UnicodeEncodeError:
                    raise UsageError(
                        f"{shown(full)}: the name is not UTF-8 text, and a card records names as text; rename it"
                    ) from None
            if full.is_symlink():
                raise UsageError(
                    f"{full}: symbolic links inside an artefact directory are not supported; "
                    "replace the link with the file"
                )
            yield rel, full
        for name in dirnames:
            if Path(dirpath, name).is_symlink():
                raise UsageError(
                    f"{Path(dirpath, name)}: symbolic links inside an artefact directory are not supported"
                )


class _TtyProgress:
    def __init__(self, label: str) -> None:
        self.label = label
        self.start = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-6) / 1e6
        pct = 100 * done / total if total else 100
        sys.stderr.write(f"\rhashing {shown(self.label, 60)}: {pct:5.1f}% ({done >> 20} MiB, {rate:.0f} MB/s)")
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()
