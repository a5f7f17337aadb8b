"""Code provenance from git: remote (credentials stripped), commit, branch, dirty flag, diff digest."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..model.card import Code


def strip_credentials(url: str) -> str:
    """The remote without anything that may be a secret: user and password, query and fragment of a
    URL-style remote (``?access_token=…``); the password of an scp-style ``user:password@host:path``."""
    if "://" not in url:
        user, at, rest = url.partition("@")
        return f"{user.partition(':')[0]}@{rest}" if at and ":" in user else url
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]  # the host and port as written (a bad port is not parsed)
    if netloc == parts.netloc and not parts.query and not parts.fragment:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def code_provenance(start: Path, exclude: Iterable[Path] = ()) -> Code | None:
    """Git facts for the repository containing ``start``; None outside a git work tree.

    ``exclude`` names files prov itself writes (the artefact, its card, the ledger) so that signing a
    card does not by itself make the tree count as dirty.

    Read with the ``git`` command itself (three or four short calls), not GitPython, whose import and
    configuration parsing cost every `prov card` more than the rest of its git work; the facts are the
    ones GitPython gave (``tests/test_lineage.py`` holds the two to the same answers).
    """
    cwd = start if start.is_dir() else start.parent
    head = _git(cwd, "rev-parse", "--show-toplevel", "HEAD", "--symbolic-full-name", "HEAD")
    if head is not None and len(lines := head.decode("utf-8", "surrogateescape").splitlines()) == 3:
        top_text, commit, ref = lines  # ref: refs/heads/NAME, or HEAD when detached
    else:  # not a work tree, no commit yet (HEAD names an unborn branch), or a newline in the path
        top_out = _git(cwd, "rev-parse", "--show-toplevel")
        if top_out is None or not top_out.strip():
            return None
        top_text = top_out.decode("utf-8", "surrogateescape").removesuffix("\n")
        verified = _git(cwd, "rev-parse", "-q", "--verify", "HEAD^{commit}")
        commit = verified.decode().strip() if verified else None
        ref = (_git(cwd, "symbolic-ref", "-q", "HEAD") or b"HEAD").decode("utf-8", "surrogateescape").strip()
    top = Path(top_text).resolve()
    branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
    remote_url = None
    remote = _remote(top)
    if remote is not None:
        urls = (_git(top, "remote", "get-url", "--all", remote) or b"").decode("utf-8", "surrogateescape")
        first = urls.split("\n")[0].strip() if urls.strip() else None
        remote_url = strip_credentials(first) if first else None
    excludes = []
    for p in exclude:
        # The file itself (a link as the link, not what it points to), literally (a name with * or ? is no
        # pattern), and never the whole tree: a companion that is a link to "." would hide every change.
        try:
            rel = (p.parent.resolve() / p.name).relative_to(top).as_posix()
        except (ValueError, RuntimeError, OSError):  # outside the tree, or a link loop: nothing to exclude
            continue
        if rel not in ("", "."):
            excludes.append(f":(exclude,literal){rel}")
    diff = b""
    if commit is not None:
        out = _git(top, "diff", "HEAD", "--binary", "--no-color", "--", ".", *excludes)
        if out is None:
            from ..errors import UsageError

            raise UsageError(f"{top}: `git diff HEAD` failed; is the repository intact? (run it to see why)")
        diff = out[:-1] if out.endswith(b"\n") else out  # as GitPython returned it: one trailing newline off
    dirty = bool(diff.strip())
    return Code(
        remote=remote_url,
        commit=commit,
        branch=branch,
        dirty=dirty,
        diff_sha256=hashlib.sha256(diff).hexdigest() if dirty else None,
    )


def _remote(top: Path) -> str | None:
    """``origin``, else the repository's first remote in its own configuration's order (not `git
    remote`'s alphabetical one): the remote GitPython chose."""
    listed = _git(top, "config", "--local", "--includes", "--name-only", "--get-regexp", r"^remote\..*\.url$") or b""
    names = [line[len("remote.") : -len(".url")] for line in listed.decode("utf-8", "surrogateescape").splitlines()]
    names = list(dict.fromkeys(n for n in names if n))
    return "origin" if "origin" in names else next(iter(names), None)


def _git(cwd: Path, *args: str) -> bytes | None:
    """``git ARGS`` in ``cwd``: its output, or None when it fails (not a repository, no such ref)."""
    import os
    import subprocess

    env = {**os.environ, "LANGUAGE": "C", "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    try:
        r = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, stdin=subprocess.DEVNULL)
    except OSError:
        return None  # no git on this machine: no code provenance, as outside a repository
    return r.stdout if r.returncode == 0 else None
