"""Code provenance from git: remote (credentials stripped), commit, branch, dirty flag, diff digest."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..model.card import Code


def strip_credentials(url: str) -> str:
    """Drop user and password from URL-style remotes; scp-style ``git@host:path`` has none to drop."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def code_provenance(start: Path, exclude: Iterable[Path] = ()) -> Code | None:
    """Git facts for the repository containing ``start``; None outside a git work tree.

    ``exclude`` names files prov itself writes (the artefact, its card, the ledger) so that signing a
    card does not by itself make the tree count as dirty.
    """
    import git

    try:
        repo = git.Repo(start if start.is_dir() else start.parent, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    try:
        remote_url = None
        remotes = {r.name: r for r in repo.remotes}
        remote = remotes.get("origin") or next(iter(remotes.values()), None)
        if remote is not None:
            urls = list(remote.urls)
            remote_url = strip_credentials(urls[0]) if urls else None
        try:
            commit = repo.head.commit.hexsha
        except ValueError:
            commit = None  # no commits yet
        branch = None if repo.head.is_detached else repo.active_branch.name
        top = Path(repo.working_tree_dir or start).resolve()
        excludes = []
        for p in exclude:
            try:
                excludes.append(f":(exclude){p.resolve().relative_to(top).as_posix()}")
            except (ValueError, RuntimeError, OSError):  # outside the tree, or a link loop: nothing to exclude
                continue
        diff = b""
        if commit is not None:
            diff = repo.git.diff("HEAD", "--binary", "--no-color", "--", ".", *excludes, stdout_as_string=False)
        dirty = bool(diff.strip())
        return Code(
            remote=remote_url,
            commit=commit,
            branch=branch,
            dirty=dirty,
            diff_sha256=hashlib.sha256(diff).hexdigest() if dirty else None,
        )
    finally:
        repo.close()
