"""What the next commit will contain: staged blobs read through git, in as few git calls as possible.

The check must judge the staged bytes, not the working tree: an artefact signed, staged, then edited
(or the other way round) must not fool it. When the working-tree file is the staged one (git's own
stat-based diff says so), we read the file and let the stat cache skip re-hashing it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import UsageError


def _git(root: Path, *args: str, check: bool = True) -> bytes:
    try:
        r = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed; prov check reads what git will commit") from None
    if check and r.returncode != 0:
        raise UsageError(f"git {' '.join(args[:2])} failed in {root}: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout


def _split(out: bytes) -> list[str]:
    return [p.decode() for p in out.split(b"\0") if p]


def staged_names(root: Path) -> list[str]:
    """Files added, copied, modified or renamed in the index (what `git commit` would record)."""
    return _split(_git(root, "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR"))


def tracked_names(root: Path) -> list[str]:
    return _split(_git(root, "ls-files", "-z"))


def files_matching(root: Path, pattern: str) -> list[str]:
    """Tracked and untracked (not ignored) files matching a git pathspec glob."""
    return _split(_git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", pattern))


def head_blob(root: Path, path: str) -> bytes | None:
    r = subprocess.run(["git", "show", f"HEAD:{path}"], cwd=root, capture_output=True, check=False)
    return r.stdout if r.returncode == 0 else None


class StagedFiles:
    def __init__(self, root: Path, paths: Iterable[str]) -> None:
        self.root = root
        wanted = sorted(set(paths))
        self._blobs: dict[str, str] = {}
        self._differs: set[str] = set()
        for chunk in _chunks(wanted, 500):
            for line in _split(_git(root, "ls-files", "-s", "-z", "--", *chunk)):
                meta, _, name = line.partition("\t")
                self._blobs[name] = meta.split()[1]
            self._differs.update(_split(_git(root, "diff", "--name-only", "-z", "--", *chunk)))

    def in_index(self, path: str) -> bool:
        return path in self._blobs

    def worktree_is_staged(self, path: str) -> bool:
        return path in self._blobs and path not in self._differs and (self.root / path).is_file()

    def read(self, path: str) -> bytes:
        """The staged bytes of a small file."""
        if self.worktree_is_staged(path):
            return (self.root / path).read_bytes()
        return _git(self.root, "cat-file", "blob", self._blobs[path])

    def materialise(self, path: str, directory: Path) -> Path:
        """A file holding the staged content: the working-tree file itself when it is the staged one."""
        if self.worktree_is_staged(path):
            return self.root / path
        target = Path(tempfile.mkstemp(prefix=".staged-", dir=directory)[1])
        with open(target, "wb") as out:
            proc = subprocess.Popen(
                ["git", "cat-file", "blob", self._blobs[path]], cwd=self.root, stdout=subprocess.PIPE
            )
            assert proc.stdout is not None
            shutil.copyfileobj(proc.stdout, out, 4 * 1024 * 1024)
            if proc.wait() != 0:
                os.unlink(target)
                raise UsageError(f"git could not read the staged {path}")
        return target


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]
