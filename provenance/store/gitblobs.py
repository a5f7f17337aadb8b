"""Governance files as git holds them (staged and HEAD), read in one `git cat-file` call.

Standard library only, and no dataclasses: `prov verify` reads revocations through it at start-up.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def committed_versions(root: Path, paths: list[str]) -> dict[str, list[bytes]]:
    """The staged and HEAD contents of each path (repository-relative), read in one `git cat-file` call;
    missing versions are left out, and outside git (or without git) nothing is returned.

    Governance files (withdrawals, revocations) bind in every version that exists: deleting one from the
    working tree, or only from the index, must not lift it."""
    specs = [f"{rev}:{p}" for p in paths for rev in ("", "HEAD")]
    try:
        r = subprocess.run(
            ["git", "--no-replace-objects", "cat-file", "--batch"],
            cwd=root,
            input="".join(s + "\n" for s in specs).encode(),
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        return {}
    if r.returncode != 0:
        return {}
    out: dict[str, list[bytes]] = {}
    data, pos = r.stdout, 0
    for spec in specs:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        header = data[pos:end].split()
        pos = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            out.setdefault(spec.split(":", 1)[1], []).append(data[pos : pos + size])
            pos += size + 1
        elif len(header) == 3:  # a tree or other object where a file was expected: skip its bytes
            pos += int(header[2]) + 1
    return out


def state(root: Path) -> tuple[object, ...]:
    """A cheap stamp of what ``committed_versions`` would read: the index file and HEAD (its text, the ref
    file it names, packed-refs), by stat. A cache keyed on the working tree alone would keep serving a
    revocation-free answer after the file is deleted but while git still holds it."""
    git = root / ".git"
    try:
        if git.is_file():  # a worktree or submodule: "gitdir: PATH"
            text = git.read_text(encoding="utf-8", errors="replace").strip()
            git = (root / text.removeprefix("gitdir:").strip()).resolve()
        head = (git / "HEAD").read_bytes()
    except OSError:
        return ("no git",)
    out: list[object] = [str(git), head]
    ref = head.removeprefix(b"ref:").strip().decode(errors="replace") if head.startswith(b"ref:") else None
    for p in [git / "index", git / "packed-refs", *([git / ref] if ref else [])]:
        try:
            st = p.stat()
            out.append((p.name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
        except OSError:
            out.append((p.name, None))
    return tuple(out)
