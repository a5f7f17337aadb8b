"""What the next commit will contain, read from git's index by blob id.

The check judges the staged bytes and nothing else. It never asks git whether the working tree "is
the staged file" (`git diff` trusts stat data, clean filters, assume-unchanged and skip-worktree, any
of which lets the working file differ from the blob that is committed): each staged entry is named by
its blob id, and content comes from git's object store. Blob id -> sha256 is content-addressed, so
the cache of it (in the digest cache) never goes stale.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

REGULAR = ("100644", "100755")
_LARGE_BLOB = 4 * 1024 * 1024  # from this size a blob streams through its own `git cat-file`, on the pool
_PARALLEL_BYTES = 16 * 1024 * 1024  # below this many bytes of large blobs, threads cost more than they save
SYMLINK = "120000"
GITLINK = "160000"


def _git(root: Path, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
    try:
        r = subprocess.run(
            ["git", "--no-replace-objects", "--literal-pathspecs", *args],
            cwd=root,
            capture_output=True,
            check=False,
            input=stdin,
        )
    except FileNotFoundError:
        raise UsageError("git is not installed; prov check reads what git will commit") from None
    if check and r.returncode != 0:
        if b"not a git repository" in r.stderr:
            raise UsageError(
                f"{root} is not inside a git repository: prov check judges what git will commit "
                "(run `git init`, or `prov verify` for files outside git)"
            )
        first = r.stderr.decode(errors="replace").strip().splitlines()[:1]
        raise UsageError(f"git {' '.join(args[:2])} failed in {root}: {first[0] if first else 'no message'}")
    return r.stdout


def _split(out: bytes) -> list[str]:
    return [os.fsdecode(p) for p in out.split(b"\0") if p]


@dataclass(frozen=True)
class Entry:
    path: str
    mode: str
    blob: str

    @property
    def regular(self) -> bool:
        return self.mode in REGULAR

    @property
    def what(self) -> str:
        return {SYMLINK: "a symbolic link", GITLINK: "a submodule"}.get(self.mode, "a regular file")


def staged_names(root: Path) -> list[str]:
    """Every path the next commit adds or changes, type changes included (all but deletions)."""
    return _split(_git(root, "diff", "--cached", "--name-only", "--no-renames", "-z", "--diff-filter=d"))


def deleted_names(root: Path) -> list[str]:
    """Paths the next commit deletes."""
    return _split(_git(root, "diff", "--cached", "--name-only", "--no-renames", "-z", "--diff-filter=D"))


def index_entries(root: Path, paths: Iterable[str] = ()) -> dict[str, Entry]:
    """Index entries (stage 0) at or under ``paths``; every entry when ``paths`` is empty."""
    wanted = sorted(set(paths))
    out: dict[str, Entry] = {}
    chunks = list(_chunks(wanted, 500)) if wanted else [[]]
    for chunk in chunks:
        for line in _split(_git(root, "ls-files", "-s", "-z", "--", *chunk)):
            meta, _, name = line.partition("\t")
            mode, blob, stage = meta.split()
            if stage == "0":
                out[name] = Entry(name, mode, blob)
    return out


def head_blob(root: Path, path: str) -> bytes | None:
    r = subprocess.run(
        ["git", "--no-replace-objects", "--literal-pathspecs", "show", f"HEAD:{path}"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    return r.stdout if r.returncode == 0 else None


def files_matching(root: Path, suffix: str) -> list[str]:
    """Tracked and untracked (not ignored) files whose name ends with ``suffix``."""
    out = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return [p for p in _split(out) if p.endswith(suffix)]


class Blobs:
    """Content of blobs by id, hashed once per blob id (the cache is content-addressed)."""

    def __init__(self, root: Path, cache: object | None = None) -> None:
        self.root = root
        self.cache = cache  # a DigestCache, or None

    def read(self, blob: str) -> bytes:
        return _git(self.root, "cat-file", "blob", blob)

    def sizes(self, blobs: Iterable[str]) -> dict[str, int]:
        ids = sorted(set(blobs))
        if not ids:
            return {}
        out = _git(self.root, "cat-file", "--batch-check=%(objectname) %(objectsize)", stdin="\n".join(ids).encode())
        sizes = {}
        for line in out.decode().splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                sizes[parts[0]] = int(parts[1])
        return sizes

    def present(self, names: list[str]) -> set[str]:
        """Which object names (``HEAD:path``, blob ids) git has."""
        if not names:
            return set()
        out = _git(
            self.root, "cat-file", "--batch-check=%(objectsize)", stdin="".join(f"{n}\n" for n in names).encode()
        )
        lines = out.decode(errors="replace").split("\n")
        return {n for n, line in zip(names, lines, strict=False) if line.isdigit()}

    def sha256(self, blob: str) -> str:
        return self.sha256_many([blob])[blob]

    def sha256_many(self, blobs: Iterable[str]) -> dict[str, str]:
        """Each blob's sha256 (blob id -> hex): remembered ones from the cache; of the rest, the small ones
        read through one ``git cat-file --batch`` (not a process each) and the large ones streamed on a
        thread pool (hashlib releases the GIL, so a staged directory of shards hashes on every core)."""
        out: dict[str, str] = {}
        todo = []
        for blob in dict.fromkeys(blobs):
            cached = self.cache.blob_sha256(blob) if self.cache is not None else None  # type: ignore[attr-defined]
            if cached is not None:
                out[blob] = cached
            else:
                todo.append(blob)
        if not todo:
            return out
        sizes = self.sizes(todo) if len(todo) > 1 else {}
        large = [b for b in todo if sizes.get(b, _LARGE_BLOB) >= _LARGE_BLOB]
        small = [b for b in todo if sizes.get(b, _LARGE_BLOB) < _LARGE_BLOB]
        if small:
            out.update(self._batch_sha256(small))
        if len(large) > 1 and sum(sizes[b] for b in large) >= _PARALLEL_BYTES:
            from concurrent.futures import ThreadPoolExecutor

            largest_first = sorted(large, key=lambda b: -sizes[b])
            with ThreadPoolExecutor(max_workers=min(len(large), os.cpu_count() or 1, 8)) as pool:
                out.update(zip(largest_first, pool.map(self._stream_sha256, largest_first), strict=True))
        else:
            out.update((b, self._stream_sha256(b)) for b in large)
        if self.cache is not None:
            for blob in todo:
                self.cache.put_blob(blob, out[blob])  # type: ignore[attr-defined]
        return out

    def _stream_sha256(self, blob: str) -> str:
        h = hashlib.sha256()
        self._stream(blob, h.update)
        return h.hexdigest()

    def _batch_sha256(self, blobs: list[str]) -> dict[str, str]:
        """One ``git cat-file --batch`` for many blobs, each hashed as it streams by (fed from a thread, so
        neither side waits on a full pipe)."""
        import threading

        try:
            proc = subprocess.Popen(
                ["git", "--no-replace-objects", "cat-file", "--batch"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        except FileNotFoundError:
            raise UsageError("git is not installed; prov check reads what git will commit") from None
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout

        def feed() -> None:
            try:
                stdin.write("".join(f"{b}\n" for b in blobs).encode())
                stdin.close()
            except OSError:
                pass  # git stopped reading: what it answered says why

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        out: dict[str, str] = {}
        try:
            for blob in blobs:
                head = stdout.readline().split()
                if len(head) != 3 or head[0].decode(errors="replace") != blob or head[1] != b"blob":
                    raise UsageError(f"git could not read blob {blob} in {self.root}")
                h = hashlib.sha256()
                left = int(head[2])
                while left:
                    chunk = stdout.read(min(left, 4 * 1024 * 1024))
                    if not chunk:
                        raise UsageError(f"git could not read blob {blob} in {self.root}")
                    h.update(chunk)
                    left -= len(chunk)
                stdout.read(1)  # the newline after each object
                out[blob] = h.hexdigest()
        finally:
            stdout.close()
            if len(out) < len(blobs) and proc.poll() is None:
                proc.kill()  # given up on: a blob it could not read
            proc.wait()
            feeder.join()
        return out

    def materialise(self, blob: str, directory: Path, name: str = "") -> Path:
        """A temporary file holding the blob, for readers that need a file (the pickle inspection); it
        ends in ``name`` because readers choose the format by the name. Hashed on the way unless the cache
        already knows the blob's digest (it usually does: the check hashed it first)."""
        fd, name = tempfile.mkstemp(prefix=".staged-", suffix=f"-{name[-96:]}" if name else "", dir=directory)
        known = self.cache.blob_sha256(blob) if self.cache is not None else None  # type: ignore[attr-defined]
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:

            def both(chunk: bytes) -> None:
                h.update(chunk)
                out.write(chunk)

            self._stream(blob, out.write if known is not None else both)
        if self.cache is not None and known is None:
            self.cache.put_blob(blob, h.hexdigest())  # type: ignore[attr-defined]
        return Path(name)

    def _stream(self, blob: str, sink: object) -> None:
        proc = subprocess.Popen(
            ["git", "--no-replace-objects", "cat-file", "blob", blob], cwd=self.root, stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        while chunk := proc.stdout.read(4 * 1024 * 1024):
            sink(chunk)  # type: ignore[operator]
        if proc.wait() != 0:
            raise UsageError(f"git could not read blob {blob} in {self.root}")


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]
