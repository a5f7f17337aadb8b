"""SHA-256 of files and directories, streamed in large chunks, with a stat-keyed cache.

A directory's digest is the OpenSSF model-signing root: sha256 over the concatenated raw 32-byte
per-file digests, files in ``PurePosixPath`` order (component by component, so ``a/b.txt`` sorts
before ``a-b.txt``, unlike plain string order).
"""

from __future__ import annotations

import atexit
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

from . import stamps
from .errors import UsageError
from .filenames import IGNORED_TOP_LEVEL
from .textsafe import shown

TYPE_CHECKING = False  # not typing's: this module is on `prov verify`'s start-up path
if TYPE_CHECKING:
    from hashlib import blake2b as _Keyed

# Reads of 512 KiB: few enough calls per gigabyte, and each chunk is still in the CPU's cache when it is
# hashed (4 MiB reads measured 3-5% slower on one file and on a parallel directory alike).
CHUNK = 512 * 1024
_SMALL_BUFFER = 64 * 1024  # a thread that only ever reads small files never grows its buffer past this
_PROGRESS_MIN_BYTES = 256 * 1024 * 1024
_PARALLEL_MIN_BYTES = 16 * 1024 * 1024  # below this, threads cost more than they save
_BULK_LOOKUP = 16  # from this many files on, one cache query for the directory instead of one per file
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
    """Stream a file through SHA-256 (this thread's reusable buffer: no allocation per file or chunk)."""
    return _hash_file(path, progress)[0]


class _Stopped(Exception):
    """A background digest was called off (``Pending.cancel``)."""


_THREAD = None  # threading.local(), made on first use: this module is on `prov verify`'s start-up path


def _buffer(size: int) -> memoryview:
    """This thread's read buffer, big enough to read a file of ``size`` bytes in one call (at most CHUNK):
    made once per thread and grown when a larger file comes, so hashing a thousand small files allocates
    nothing and a pool of N threads holds at most N x CHUNK."""
    global _THREAD
    if _THREAD is None:
        import threading

        _THREAD = threading.local()
    view: memoryview | None = getattr(_THREAD, "view", None)
    if view is None or len(view) < min(size, CHUNK):
        want = CHUNK if size >= CHUNK else max(_SMALL_BUFFER, 1 << (size - 1).bit_length())
        view = _THREAD.view = memoryview(bytearray(want))
    return view


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NOCTTY", 0)


def _hash_file(
    path: str | Path, progress: Progress | None = None, stop: object | None = None, marks: list[bytes] | None = None
) -> tuple[str, os.stat_result, bool]:
    """(sha256, the stat of the file read -- taken on the open descriptor, so it describes these bytes --,
    whether that digest may be cached: the file kept its stat while it was read and had settled before).

    Opened without blocking and without following a link (a named pipe or a link swapped in after the
    directory was walked is refused, not waited on or followed). ``stop``: a ``threading.Event`` that
    calls the read off between chunks. ``marks``: filled with the SHA-256 of the bytes up to the end of
    each ``readings.BLOCK`` (the last: up to the end of the file), which an inspection's readings of the
    same file are held to (``readings.prefix_confirmed``)."""
    import hashlib  # OpenSSL: fastest on large files (loaded only when a file is hashed)

    started = time.time_ns()
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        if os.path.islink(path):  # swapped in after the walk, which refuses links
            raise UsageError(f"{shown(path)}: is a symbolic link; an artefact's files must be files") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # a named pipe or a device: reading could block for ever
            raise UsageError(f"{shown(path)}: not a regular file (a named pipe, device or socket); remove it")
        h = hashlib.sha256()
        view = _buffer(st.st_size)
        done = 0
        offset = 0
        while n := os.readv(fd, [view]):
            if marks is None:
                h.update(view[:n])
            else:
                offset = _marked(h, view[:n], offset, marks)
            if progress is not None:
                done += n
                progress(done, st.st_size)
            if stop is not None and stop.is_set():  # type: ignore[attr-defined]
                raise _Stopped
        if marks is not None and offset % _MARK_BLOCK:
            marks.append(h.digest())  # the final partial block
        same = stamps.key(os.fstat(fd)) == stamps.key(st)
    finally:
        os.close(fd)
    return h.hexdigest(), st, same and stamps.settled(st.st_ctime_ns, started)


_MARK_BLOCK = 1 << 20  # readings.BLOCK (a test holds the two equal; readings is not imported on this path)


def _marked(h: object, data: memoryview, offset: int, marks: list[bytes]) -> int:
    """``h.update(data)`` of the bytes at ``offset``, appending the digest at each block's end; the new offset."""
    done = 0
    while done < len(data):
        take = min(len(data) - done, _MARK_BLOCK - offset % _MARK_BLOCK)
        h.update(data[done : done + take])  # type: ignore[attr-defined]
        done += take
        offset += take
        if offset % _MARK_BLOCK == 0:
            marks.append(h.digest())  # type: ignore[attr-defined]
    return offset


def root_digest(entries: list[tuple[str, str]]) -> str:
    """OpenSSF model-signing root over (relative path, hex digest) pairs."""
    return _root_in_order([hexdigest for _, hexdigest in sorted(entries, key=lambda e: PurePosixPath(e[0]))])


def _root_in_order(hexdigests: list[str]) -> str:
    """sha256 over the raw digests, in the order given (which must be the files' PurePosixPath order)."""
    import hashlib  # OpenSSL: fastest on large files (loaded only when a file is hashed)

    return hashlib.sha256(b"".join(bytes.fromhex(d) for d in hexdigests)).hexdigest()


class DigestCache:
    """(path, device, inode, size, mtime_ns, ctime_ns) -> sha256, in SQLite.

    SQLite gives us safe concurrent use by several ``prov`` processes (the pre-commit hook may run
    in parallel) without writing our own locking. Any stat change misses the cache, so a modified
    file is always re-hashed; ctime is included because a tool can reset mtime but not ctime.

    Writes are kept in memory and written together, in one transaction (``flush``: after each directory
    hashed, when many are waiting, on ``close`` and when the process exits): a thousand small files cost
    one commit, not a thousand. A crash loses only entries not yet written, which is only time. Reads see
    the entries still waiting. One process opens one cache per directory (``shared``), usable from any
    thread (a lock guards the connection and what waits).
    """

    _FLUSH_AT = 4096  # waiting entries that trigger a write: the memory they hold stays small

    def __init__(self, directory: Path) -> None:
        import threading

        from .home import local_secret

        self._secret = local_secret()
        self._lock = threading.RLock()
        self._digests: dict[str, tuple[int, int, int, int, int, str]] = {}  # waiting: path -> (key..., sealed)
        self._facts: dict[tuple[str, str], str] = {}  # waiting: (kind, sealed key) -> sealed value
        self._shared = False
        self.file: Path | None = None  # the database file, None for the in-memory stand-in
        try:
            directory.mkdir(parents=True, exist_ok=True)
            file = directory / "digests.sqlite3"
            try:
                self._db = self._open(file)
            except sqlite3.DatabaseError:
                # A corrupt cache is only a cache: start again rather than fail the user's command.
                file.unlink(missing_ok=True)
                self._db = self._open(file)
            self.file = file
        except (OSError, sqlite3.Error):
            # `.prov/cache` is a file, or not writable: a cache that cannot be kept only costs time.
            self._db = self._open(":memory:")

    @classmethod
    def shared(cls, directory: Path) -> DigestCache:
        """This process's cache for ``directory``, opened once (and again only if its file was removed or
        replaced, or the per-user secret changed). ``close`` on it writes what waits and keeps it open."""
        from .home import local_secret

        key = (os.path.abspath(directory), local_secret())
        cache = _SHARED.get(key)
        if cache is not None and cache.file is not None:
            try:
                st = os.stat(cache.file)
                if (st.st_dev, st.st_ino) == cache._identity:
                    return cache
            except OSError:
                pass
        if cache is not None:
            cache._shared = False
            cache.close()
        cache = cls(directory)
        cache._shared = True
        if cache.file is not None:
            try:
                st = os.stat(cache.file)
                cache._identity = (st.st_dev, st.st_ino)
            except OSError:
                cache.file = None
        _SHARED[key] = cache
        return cache

    _identity: tuple[int, int] = (-1, -1)

    @staticmethod
    def _open(file: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(file, timeout=30, isolation_level=None, check_same_thread=False)
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
        return stamps.key(st)

    def get(self, path: Path, st: os.stat_result) -> str | None:
        name = str(path)
        with self._lock:
            row: tuple[object, ...] | None = self._digests.get(name)
            if row is None:
                try:
                    row = self._db.execute(
                        "SELECT dev, ino, size, mtime_ns, ctime_ns, sha256 FROM digests WHERE path = ?", (name,)
                    ).fetchone()
                except sqlite3.Error:
                    return None
        if row is not None and tuple(row[:5]) == self._key(st):
            return self._unseal_digest(name, tuple(row[:5]), str(row[5]))  # type: ignore[arg-type]
        return None

    def _rows_under(self, directory: Path) -> list[tuple[object, ...]]:
        """Every digest row below ``directory``, stored then queued (so a later row for a path wins), in one
        query: (path, dev, ino, size, mtime_ns, ctime_ns, sealed sha256)."""
        prefix = str(directory).rstrip("/") + "/"
        with self._lock:
            try:
                rows = self._db.execute(
                    "SELECT path, dev, ino, size, mtime_ns, ctime_ns, sha256 FROM digests WHERE path >= ? AND path < ?",
                    (prefix, prefix[:-1] + "0"),  # "0" sorts right after "/"
                ).fetchall()
            except sqlite3.Error:
                rows = []
            return rows + [(p, *r) for p, r in self._digests.items() if p.startswith(prefix)]

    def lookup_under(self, directory: Path, wanted: dict[str, tuple[int, ...]]) -> dict[str, str]:
        """The cached digests of ``wanted`` (path -> stat key, every path below ``directory``) in one query:
        path -> sha256 for each whose cached stat key is the one given."""
        rows = self._rows_under(directory)
        found: dict[str, tuple[object, ...]] = {}
        for r in rows:
            if r[0] in wanted:
                found[str(r[0])] = r
        out = {}
        for name, r in found.items():
            key = tuple(r[1:6])
            if key == wanted[name] and (digest := self._unseal_digest(name, key, str(r[6]))) is not None:  # type: ignore[arg-type]
                out[name] = digest
        return out

    def put(self, path: Path, st: os.stat_result, sha256: str) -> None:
        name = str(path)
        sealed = self._seal_digest(name, self._key(st), sha256)
        if sealed is None:
            return
        with self._lock:
            self._waiting()
            self._digests[name] = (*self._key(st), sealed)
            if len(self._digests) + len(self._facts) >= self._FLUSH_AT:
                self.flush()

    def _waiting(self) -> None:
        if not self._digests and not self._facts:
            _UNWRITTEN.add(self)  # written at exit, should nothing write it before

    def flush(self) -> None:
        """Write every waiting entry, in one transaction. A cache that cannot be written only costs time:
        what waits is dropped either way."""
        with self._lock:
            if not self._digests and not self._facts:
                return
            digests = [(p, *r) for p, r in self._digests.items()]
            facts = [(k, key, v) for (k, key), v in self._facts.items()]
            self._digests, self._facts = {}, {}
            _UNWRITTEN.discard(self)
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error:
                return
            try:
                self._db.executemany("INSERT OR REPLACE INTO digests VALUES (?, ?, ?, ?, ?, ?, ?)", digests)
                self._db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", facts)
                self._db.execute("COMMIT")
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")

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
        mac = self._mac
        if mac is None:
            if self._secret is None:
                return None
            from .quickhash import blake2b

            mac = self._mac = blake2b(key=self._secret, digest_size=32)  # keyed once, copied per use
        h = mac.copy()
        h.update(f"{kind}\0{key}".encode())
        return h.hexdigest()

    _mac: _Keyed | None = None

    def _fact(self, kind: str, key: str) -> str | None:
        sealed = self._sealed(kind, key)
        if sealed is None:
            return None
        with self._lock:
            value = self._facts.get((kind, sealed))
            if value is None:
                try:
                    row = self._db.execute(
                        "SELECT value FROM facts WHERE kind = ? AND key = ?", (kind, sealed)
                    ).fetchone()
                except sqlite3.Error:
                    return None
                value = str(row[0]) if row else None
        return self._open_value(kind, sealed, value) if value is not None else None

    def _remember(self, kind: str, key: str, value: str = "") -> None:
        sealed = self._sealed(kind, key)
        if sealed is None:
            return
        with self._lock:
            self._waiting()
            self._facts[(kind, sealed)] = self._seal_value(kind, sealed, value)
            if len(self._digests) + len(self._facts) >= self._FLUSH_AT:
                self.flush()

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
        rows = self._rows_under(directory)
        out = {}
        for r in rows:
            key = tuple(r[1:6])
            digest = self._unseal_digest(str(r[0]), key, str(r[6]))
            if digest is not None:
                out[str(r[0])] = (key, digest)
        return out

    def facts_of_kind(self, kind: str) -> dict[str, str]:
        """Every remembered fact of one kind (sealed key -> value) in one query; look up with ``sealed``."""
        with self._lock:
            try:
                rows = self._db.execute("SELECT key, value FROM facts WHERE kind = ?", (kind,)).fetchall()
            except sqlite3.Error:
                rows = []
            rows += [(k, v) for (kd, k), v in self._facts.items() if kd == kind]
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

    def ledger_signers(self, key: str) -> str | None:
        """Who signed each line of a ledger prefix, as a ledger verification remembered it
        (``store.ledger``: the prefix's digest and the signers' positions among the candidate keys)."""
        return self._fact("ledger-signers", key)

    def record_ledger_signers(self, key: str, value: str) -> None:
        self._remember("ledger-signers", key, value)

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
        """Write what waits; then close, unless this is the process's shared cache (``shared``)."""
        self.flush()
        if not self._shared:
            with self._lock:
                self._db.close()


def _flush_all() -> None:
    for cache in list(_UNWRITTEN):
        with contextlib.suppress(Exception):
            cache.flush()


_SHARED: dict[tuple[str, bytes | None], DigestCache] = {}
_UNWRITTEN: set[DigestCache] = set()  # caches with entries waiting, written at exit at the latest
atexit.register(_flush_all)


# What a tree's hashing has left to do: kind ("file" | "directory"), label (the name shown), root (the real
# path), todo [(relative path, real path, stat)] to read, known {relative path: (sha256, size)} from the
# cache, order (every relative path, as walked; a file's is its name alone).
# seen: each file's stamp (its path in the directory, "" for a file artefact), from the plan's stat, then
# from the descriptor each read file was hashed from (``Pending.seen``). marks: for a marked plan (no cache),
# each file's digests at its block ends (``_hash_file``), by the same keys (``Pending.marks``).
_Plan = namedtuple("_Plan", "kind label root todo known order seen marks", defaults=((), None, None))


class Hasher:
    """Digests files and directories, consulting an optional cache and reporting progress on a TTY."""

    def __init__(self, cache: DigestCache | None = None, show_progress: bool | None = None) -> None:
        self.cache = cache
        self.show_progress = sys.stderr.isatty() if show_progress is None else show_progress

    def file(self, path: Path) -> tuple[str, int]:
        return self._run_file(self._plan_file(path), None)

    def tree(self, path: Path) -> TreeDigest:
        """A file's digest, or a directory's model-signing root with its per-file list."""
        return self._run(self._plan(path), None)

    def start_tree(self, path: Path, *, marked: bool = False) -> Pending:
        """``tree(path)`` with the hashing on other threads, so the caller can do other work (read a card,
        inspect the artefact) meanwhile; ``Pending.result()`` gives the digest or raises what hashing raised.
        Everything that can refuse the artefact (no such path, a link or a named pipe inside, a name that
        is not UTF-8) is checked here, before this returns: only reading the bytes is left for later.

        ``marked``: every file is read (no digest from the cache: a stamp cannot promise the bytes are
        those hashed before, see ``readings``) and its digests at block ends kept (``Pending.marks``), for
        `prov card` to hold its inspection's readings to."""
        return Pending(self, self._plan(path, marked))

    # Two steps: the plan (what to hash: the walk, each file's stat, the cache's answers; every refusal),
    # then the run (reading the files that need it).

    def _plan_file(self, path: Path, marked: bool = False) -> _Plan:
        path = path.resolve()
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a named pipe or a device: reading could block for ever
            raise UsageError(f"{shown(path)}: not a regular file (a named pipe, device or socket); remove it")
        hit = self.cache.get(path, st) if self.cache is not None and not marked else None
        seen = {"": stamps.key(st)}
        if hit is not None:
            return _Plan("file", path.name, str(path), [], {path.name: (hit, st.st_size)}, (), seen)
        marks: dict[str, list[bytes]] | None = {"": []} if marked else None
        return _Plan("file", path.name, str(path), [(path.name, str(path), st)], {}, (), seen, marks)

    def _run_file(self, plan: _Plan, ctl: _Control | None) -> tuple[str, int]:
        if not plan.todo:
            return plan.known[plan.label]
        (_, full, st), *_ = plan.todo
        progress = _TtyProgress(plan.label) if self.show_progress and st.st_size >= _PROGRESS_MIN_BYTES else None
        marks = plan.marks[""] if plan.marks is not None else None
        digest, read, cacheable = _hash_file(full, progress, ctl.stop if ctl is not None else None, marks)
        if plan.seen is not None:
            plan.seen[""] = stamps.key(read)
        if progress is not None:
            progress.finish()
        # Cached under the stat of the bytes read, and only if the file kept it while it was read.
        if self.cache is not None and cacheable:
            self.cache.put(Path(full), read, digest)
        return digest, read.st_size

    def _plan(self, path: Path, marked: bool = False) -> _Plan:
        try:
            st = path.lstat()
        except FileNotFoundError:
            raise UsageError(f"{path}: no such file or directory") from None
        if stat.S_ISLNK(st.st_mode):
            path = path.resolve()
        if path.is_file():
            return self._plan_file(path, marked)
        if not path.is_dir():
            raise UsageError(f"{path}: not a regular file or directory")
        # The walk refuses links inside the directory, so each file's real path is the root's joined with
        # its relative path: one resolve, not one per file.
        real = str(path.resolve())
        listed = []
        for rel in _walk(path):
            full = f"{real}/{rel}"
            st = os.stat(full)
            if not stat.S_ISREG(st.st_mode):
                raise UsageError(f"{shown(full)}: not a regular file (a named pipe, device or socket); remove it")
            listed.append((rel, full, st))
        hits: dict[str, str] = {}
        if self.cache is not None and not marked and len(listed) >= _BULK_LOOKUP:
            hits = self.cache.lookup_under(real, {full: stamps.key(st) for _, full, st in listed})
        elif self.cache is not None and not marked:
            hits = {full: h for _, full, st in listed if (h := self.cache.get(full, st)) is not None}
        known = {rel: (hits[full], st.st_size) for rel, full, st in listed if full in hits}
        todo = [(rel, full, st) for rel, full, st in listed if full not in hits]
        seen = {rel: stamps.key(st) for rel, _, st in listed}
        marks = {rel: [] for rel, _, _ in listed} if marked else None
        return _Plan("directory", path.name, real, todo, known, [rel for rel, _, _ in listed], seen, marks)

    def _run(self, plan: _Plan, ctl: _Control | None) -> TreeDigest:
        if plan.kind == "file":
            digest, size = self._run_file(plan, ctl)
            if self.cache is not None:
                self.cache.flush()
            return TreeDigest(digest, size, "file", (FileEntry(plan.label, digest, size),))
        entries = self._files(plan, ctl)
        # PurePosixPath order, component by component; the walk's paths are plain (no ".", "..", "//").
        entries.sort(key=lambda e: e.path.split("/"))
        root = _root_in_order([e.sha256 for e in entries])
        return TreeDigest(root, sum(e.size for e in entries), "directory", tuple(entries))

    def _files(self, plan: _Plan, ctl: _Control | None) -> list[FileEntry]:
        """Every file's entry: the cache's answers from the plan, the rest hashed (on a thread pool past
        ``_PARALLEL_MIN_BYTES``: hashlib releases the GIL on large updates, so a directory of shards hashes
        on every core, as model_signing does), new digests written to the cache in one transaction. A file
        that changed while it was read is not cached. Order and digests are exactly as one file after
        another."""
        known, todo = dict(plan.known), plan.todo
        total = sum(st.st_size for _, _, st in todo)
        workers = min(len(todo), os.cpu_count() or 1, 8)
        progress = _TtyProgress(plan.label) if self.show_progress and total >= _PROGRESS_MIN_BYTES else None
        if workers <= 1 or total < _PARALLEL_MIN_BYTES:
            done = _Done(progress, total)
            stop = ctl.stop if ctl is not None else None
            marks = plan.marks or {}
            hashed = [
                (rel, full, *_hash_file(full, done.tick() if progress else None, stop, marks.get(rel)))
                for rel, full, _ in todo
            ]
        else:
            hashed = self._hash_parallel(todo, workers, progress, total, ctl, plan.marks)
        if progress is not None:
            progress.finish()
        for rel, full, digest, read, cacheable in hashed:
            known[rel] = (digest, read.st_size)
            if plan.seen is not None:
                plan.seen[rel] = stamps.key(read)
            if self.cache is not None and cacheable:
                self.cache.put(full, read, digest)  # type: ignore[arg-type]
        if self.cache is not None:
            self.cache.flush()
        return [FileEntry(rel, *known[rel]) for rel in plan.order]

    @staticmethod
    def _hash_parallel(
        todo: list[tuple[str, str, os.stat_result]],
        workers: int,
        progress: _TtyProgress | None,
        total: int,
        ctl: _Control | None,
        marks: dict[str, list[bytes]] | None = None,
    ) -> list[tuple[str, str, str, os.stat_result, bool]]:
        """Each file on one of ``workers`` threads, largest first (so one big shard does not start last and
        leave the other cores idle). Each thread reads into its own buffer: memory stays workers x CHUNK.
        Daemon threads, not a ThreadPoolExecutor (whose import alone costs start-up): a process leaving
        with a digest under way is not held up by them. The first error stops the others taking more."""
        import threading

        done = _Done(progress, total)
        stop = ctl.stop if ctl is not None else None
        order = sorted(todo, key=lambda item: -item[2].st_size)
        results: list[tuple[str, str, str, os.stat_result, bool]] = []
        errors: list[BaseException] = []
        lock = threading.Lock()
        queue = iter(order)

        def work() -> None:
            while True:
                with lock:
                    item = None if errors or (stop is not None and stop.is_set()) else next(queue, None)
                if item is None:
                    return
                rel, full, _ = item
                tick = done.tick() if progress is not None else None
                try:
                    result = (rel, full, *_hash_file(full, tick, stop, marks.get(rel) if marks else None))
                except BaseException as e:
                    with lock:
                        errors.append(e)
                    return
                with lock:
                    results.append(result)

        threads = [threading.Thread(target=work, name="prov-hash", daemon=True) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return results


class _Done:
    """Bytes hashed so far over all files (for one progress line), counted from any thread."""

    def __init__(self, progress: _TtyProgress | None, total: int) -> None:
        import threading

        self.progress, self.total, self.done = progress, total, 0
        self.lock = threading.Lock()

    def tick(self) -> Progress:
        seen = [0]

        def tick(n: int, _total: int) -> None:
            with self.lock:
                self.done += n - seen[0]
                seen[0] = n
                self.progress(self.done, self.total)  # type: ignore[misc]

        return tick


class _Control:
    """How a background digest is steered: ``stop`` calls it off between chunks."""

    def __init__(self) -> None:
        import threading

        self.stop = threading.Event()


class Pending:
    """A directory's (or file's) digest being computed on another thread (``Hasher.start_tree``)."""

    def __init__(self, hasher: Hasher, plan: _Plan) -> None:
        import threading

        self.todo_bytes = sum(st.st_size for _, _, st in plan.todo)  # what is left to read
        self._plan = plan
        self._ctl = _Control()
        self._value: TreeDigest | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if not plan.todo:  # every digest known: nothing to wait for
            self._value = hasher._run(plan, None)
            return

        def run() -> None:
            try:
                self._value = hasher._run(plan, self._ctl)
            except BaseException as e:  # given to whoever asks for the result
                self._error = e

        self._thread = threading.Thread(target=run, name="prov-tree", daemon=True)
        self._thread.start()

    def result(self) -> TreeDigest:
        """The digest, once hashed (or what hashing raised)."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def marks(self) -> dict[str, list[bytes]]:
        """Once ``result()`` returned from ``start_tree(..., marked=True)``: each file's digests at its block
        ends (``_hash_file``), by the keys of ``seen``."""
        return {rel: list(m) for rel, m in (self._plan.marks or {}).items()}

    def seen(self) -> dict[str, stamps.Stamp]:
        """Once ``result()`` returned: the stamp of each file the digest describes, by its path in the
        directory ("" for a file artefact): taken on the very descriptor it was hashed from, or for a digest
        the cache gave, the stat that found it there."""
        return dict(self._plan.seen)

    def cancel(self) -> None:
        """Call the hashing off (the caller failed before it needed the digest) and wait for it to stop."""
        self._ctl.stop.set()
        if self._thread is not None:
            self._thread.join()


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


def _walk(root: Path) -> Iterator[str]:
    """The POSIX path, relative to ``root``, of every file below it but the top-level ones a digest leaves
    out (``IGNORED_TOP_LEVEL``); a link anywhere inside is refused. As ``os.walk`` top-down, with each
    directory's names sorted: its files, then its subdirectories in turn (an unreadable one is skipped)."""
    return _walk_in(str(root), "", top=True)


def _walk_in(directory: str, prefix: str, top: bool = False) -> Iterator[str]:
    try:
        with os.scandir(directory) as it:
            found = list(it)
    except OSError:
        return
    files, dirs, links = [], [], set()
    for entry in found:
        if top and entry.name in IGNORED_TOP_LEVEL:
            continue
        try:
            is_dir = entry.is_dir()  # a link to a directory counts as one (and is refused below)
            if entry.is_symlink():
                links.add(entry.name)
        except OSError:
            is_dir = False
            links.add(entry.name)  # cannot tell: checked again below
        (dirs if is_dir else files).append(entry.name)
    files.sort()
    dirs.sort()
    for name in files:
        rel = prefix + name
        if not rel.isascii():
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:
                raise UsageError(
                    f"{shown(Path(directory, name))}: the name is not UTF-8 text, and a card records names as "
                    "text; rename it"
                ) from None
        if name in links and os.path.islink(os.path.join(directory, name)):
            raise UsageError(
                f"{Path(directory, name)}: symbolic links inside an artefact directory are not supported; "
                "replace the link with the file"
            )
        yield rel
    for name in dirs:
        if name in links and os.path.islink(os.path.join(directory, name)):
            raise UsageError(f"{Path(directory, name)}: symbolic links inside an artefact directory are not supported")
    for name in dirs:
        yield from _walk_in(os.path.join(directory, name), f"{prefix}{name}/")


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
