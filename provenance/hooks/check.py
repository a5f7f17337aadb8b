"""`prov check`: the pre-commit hook and CI backstop.

Fast path first. pre-commit passes the staged paths; the hook classifies them with
``provenance.selection`` (the same rule as the full check) and asks git once, by blob id, what the index
holds for them and for the cards of the directories they lie in. A commit that touches no artefact, no
carded directory, no card, nothing under ``.prov/``, no registered data path and no file the size of
registered data returns without importing pydantic, scikit-learn, numpy or YAML. A commit of
artefacts that passed before with the same inputs (``gate.passes``) returns after one more git call.
Anything else runs the full check. Patterns, data paths and sizes come from `.prov/config.yaml` and
the manifests, kept in a small index in `.prov/cache/` rebuilt whenever one of those files changes.
"""

from __future__ import annotations

import os
import sys

from .. import selection as sel
from ..filenames import DEFAULT_PATTERNS
from ..regularfile import read_regular

# This module is the hook's fast path: os.path rather than pathlib, no typing, no third-party import.

INDEX_VERSION = "prov-hook-index 5"
USAGE = "usage: prov check [PATHS...] [--all] [--json]"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    all_files = "--all" in args
    as_json = "--json" in args
    unknown = [a for a in args if a.startswith("-") and a not in ("--all", "--json")]
    if unknown:
        from ..textsafe import shown

        print(f"prov: check: unknown option {shown(unknown[0], 80)}; {USAGE}", file=sys.stderr)
        return 2
    paths = [a for a in args if not a.startswith("-")]
    root = _find_root(os.getcwd())
    if root is None:
        print("prov: check: not inside a prov repository (no .prov/ found); run `prov init`", file=sys.stderr)
        return 2
    if not all_files and paths and not _deletes(root):
        index = _index(root)
        if index is not None:
            try:
                verdict = _fast(root, [_rel(p, root) for p in paths], index)
            except (OSError, ValueError):
                verdict = None  # anything unexpected: the full check decides
            if verdict == 0:
                if as_json:
                    print('{"ok": true, "checked": []}')
                return 0
            if verdict is not None and not as_json:
                print(f"prov check: {verdict} file{'s' if verdict != 1 else ''} OK")
                return 0
    return _full(root, paths, all_files, as_json)


def _deletes(root: str) -> bool:
    """Whether the next commit deletes anything: the full check judges deletions (pre-commit does not pass
    deleted paths, so the fast path, which reads only the paths it is given, would not see them)."""
    import subprocess

    try:
        out = subprocess.run(
            ["git", "--no-replace-objects", "diff", "--cached", "--name-only", "--no-renames", "--diff-filter=D", "-z"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return True  # cannot tell: the full check decides
    return bool(out)


def _fast(root: str, rels: list[str], index: dict) -> int | None:  # type: ignore[type-arg]
    """0: nothing here concerns prov; N: N artefacts that passed before with these inputs; None: run
    the full check."""
    if any("\n" in r or r.startswith("../") or r in ("", ".") or os.path.isdir(os.path.join(root, r)) for r in rels):
        return None  # a directory names everything under it: the full check lists it
    units: dict[str, None] = {}
    for r in rels:
        kind = sel.classify(r, index["patterns"], index["dataset_files"], ())
        if kind in (sel.MANIFEST, sel.PROV_FILE, sel.PROV_UNKNOWN, sel.DATASET_FILE, sel.COMPANION):
            return None
        if kind == sel.ARTEFACT:
            units[r] = None
        elif kind == sel.CARD:
            units[sel.artefact_of_card(r)] = None
    cards = {sel.card_of(d) for r in rels for d in sel.ancestors(r)}
    for c in cards:
        if os.path.isfile(os.path.join(root, c)):
            units[sel.artefact_of_card(c)] = None
    listed = _ls_files(root, [*rels, *sorted(cards), *POLICY])
    for c in cards:
        if c in listed:
            units[sel.artefact_of_card(c)] = None
    blobs = [listed[r][1] for r in rels if r in listed]
    head_cards = [f"HEAD:{c}" for c in sorted(cards)]
    found = _batch_check(root, [*blobs, "HEAD", *(f"HEAD:{p}" for p in POLICY), *head_cards])
    for c in head_cards:
        if c in found:  # carded in HEAD: a commit deleting the card still changes a carded directory
            units[sel.artefact_of_card(c[5:])] = None
    if not _policy_settled(root, listed, found):
        return None  # the committed policy is not the working tree's: the full check reads all versions
    if index["sizes"] or index["unsized"]:
        for b in blobs:
            if b in found and (index["unsized"] or found[b] in index["sizes"]):
                return None  # maybe a copy of registered data: the full check hashes it
    if not units:
        return 0
    return len(units) if _passed_before(root, list(units)) else None


POLICY = (".prov/config.yaml", ".prov/datasets", ".prov/keys")


def _ls_files(root: str, paths: list[str]) -> dict[str, tuple[str, str]]:
    """Index entries (stage 0) at or under ``paths``: path -> (mode, blob id)."""
    out = _spawn(
        ["git", "--no-replace-objects", "-C", root, "--literal-pathspecs", "ls-files", "-s", "-z", "--", *paths], b""
    )
    entries = {}
    for line in out.split(b"\0"):
        if line:
            meta, _, name = line.decode(errors="surrogateescape").partition("\t")
            mode, blob, stage = meta.split()
            if stage == "0":
                entries[name] = (mode, blob)
    return entries


def _batch_check(root: str, names: list[str]) -> dict[str, int]:
    """Object name -> size for the names git has (one process); ids are echoed as ``%(objectname)``."""
    out = _spawn(
        ["git", "--no-replace-objects", "-C", root, "cat-file", "--batch-check=%(objectname) %(objectsize)"],
        "".join(f"{n}\n" for n in names).encode(),
    )
    lines = out.decode(errors="replace").split("\n")
    found = {}
    for name, line in zip(names, lines, strict=False):
        oid, _, size = line.partition(" ")
        if size.isdigit():
            found[name] = int(size)
            found["=" + name] = oid  # type: ignore[assignment]
    return found


def _policy_settled(root: str, listed: dict[str, tuple[str, str]], found: dict) -> bool:  # type: ignore[type-arg]
    """Config, manifests and keys are the same in the working tree, the index and HEAD (compared by
    git object id, computed here for the working tree: no stat data, no index flags trusted)."""
    staged = {p: e for p, e in listed.items() if any(p == x or p.startswith(x + "/") for x in POLICY)}
    new = _hash_for("sha256" if any(len(b) == 64 for _, b in staged.values()) else "sha1")
    worktree = {}
    for path in _policy_files(root):
        data = _bytes(os.path.join(root, path))
        worktree[path] = new(b"blob %d\0" % len(data) + data).hexdigest()
    if worktree != {p: b for p, (_, b) in staged.items()}:
        return False
    for top in POLICY:
        inside = sorted((p[len(top) + 1 :], e) for p, e in staged.items() if p.startswith(top + "/"))
        if top in staged:
            mine: str | None = staged[top][1]
        elif inside:
            if any("/" in name for name, _ in inside):
                return False
            body = b"".join(f"{m} {n}".encode() + b"\0" + bytes.fromhex(b) for n, (m, b) in inside)
            mine = new(b"tree %d\0" % len(body) + body).hexdigest()
        else:
            mine = None
        if "HEAD" in found and found.get("=HEAD:" + top) != mine:
            return False  # staged policy differs from HEAD's (before the first commit, nothing older binds)
    return True


def _hash_for(algo: str):  # type: ignore[no-untyped-def]
    """git's object hash, from CPython's built-in modules (a third of hashlib's start-up)."""
    from .. import quickhash

    return quickhash.sha1 if algo == "sha1" else quickhash.sha256


def _policy_files(root: str) -> list[str]:
    out = [".prov/config.yaml"] if os.path.isfile(os.path.join(root, ".prov", "config.yaml")) else []
    for sub in ("datasets", "keys"):
        directory = os.path.join(root, ".prov", sub)
        if os.path.isdir(directory):
            for name in sorted(os.listdir(directory)):
                if os.path.isfile(os.path.join(directory, name)) or os.path.islink(os.path.join(directory, name)):
                    out.append(f".prov/{sub}/{name}")
                elif os.path.isdir(os.path.join(directory, name)):
                    out.append(f".prov/{sub}/{name}/")  # never staged as such: forces the full check
    return out


def _spawn(argv: list[str], data: bytes) -> bytes:
    """Run a command with ``data`` on stdin; its stdout. posix_spawn rather than subprocess, whose import
    (re, locale, enum, signal) would cost the hook more than the git process itself."""
    if not hasattr(os, "posix_spawnp") or len(data) > 16384:
        import subprocess

        r = subprocess.run(argv, input=data, capture_output=True, check=False)
        if r.returncode != 0:
            raise OSError(f"{argv[0]} failed")
        return r.stdout
    r_in, w_in = os.pipe()
    r_out, w_out = os.pipe()
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        pid = os.posix_spawnp(
            argv[0],
            argv,
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, r_in, 0),
                (os.POSIX_SPAWN_DUP2, w_out, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2),
                (os.POSIX_SPAWN_CLOSE, w_in),
                (os.POSIX_SPAWN_CLOSE, r_out),
            ],
        )
    finally:
        os.close(r_in)
        os.close(w_out)
        os.close(devnull)
    try:
        os.write(w_in, data)  # fits the pipe buffer (checked above), so this cannot block on our reading
    finally:
        os.close(w_in)
    chunks = []
    while chunk := os.read(r_out, 65536):
        chunks.append(chunk)
    os.close(r_out)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise OSError(f"{argv[0]} failed")
    return b"".join(chunks)


def _passed_before(root: str, units: list[str]) -> bool:
    """Every unit passed before with the same policy inputs, on exactly the index entries it has now."""
    import subprocess
    from pathlib import Path

    from ..digest import DigestCache
    from ..gate import passes

    cache = DigestCache.shared(Path(root) / ".prov" / "cache")
    try:
        policy = passes.policy_inputs(root)
        records = [cache.passed_entries(passes.key(policy, u)) for u in units]
    finally:
        cache.close()
    if any(r is None for r in records):
        return False
    specs = sorted({s for r in records for s in passes.specs_of(r)})  # type: ignore[arg-type]
    out = subprocess.run(
        ["git", "--no-replace-objects", "--literal-pathspecs", "ls-files", "-s", "-z", "--", *specs],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if out.returncode != 0:
        return False
    entries = []
    for line in out.stdout.split(b"\0"):
        if not line:
            continue
        meta, _, name = line.decode(errors="surrogateescape").partition("\t")
        mode, blob, stage = meta.split()
        entries.append((name, mode, blob if stage == "0" else f"{blob}:{stage}"))
    try:
        head = (
            _spawn(["git", "--no-replace-objects", "-C", root, "rev-parse", "-q", "--verify", "HEAD"], b"")
            .decode()
            .strip()
        )
    except OSError:
        head = ""
    return all(passes.entries_text(passes.specs_of(r), entries, head) == r for r in records)  # type: ignore[arg-type]


def _full(root: str, paths: list[str], all_files: bool, as_json: bool) -> int:
    from pathlib import Path

    from ..errors import report

    try:
        from ..api.check import render_results, run_check

        results = run_check(Path(root), paths, all_files=all_files)
        print(render_results(results, as_json), end="")
        return 0 if all(r.ok for r in results) else 1
    except Exception as e:  # one line; exit 2 for the user's mistakes, 3 (traceback with PROV_DEBUG=1) for ours
        return report(e)


def _find_root(start: str) -> str | None:
    directory = os.path.abspath(start)
    while True:
        if os.path.isdir(os.path.join(directory, ".prov")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _rel(path: str, root: str) -> str:
    full = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    return os.path.relpath(os.path.normpath(full), root).replace(os.sep, "/")


def _withdrawn_sizes(path: str) -> tuple[set[int], bool]:
    """Sizes of the artefacts the withdrawals recorded, and whether every record gave them (a record
    without sizes -- written by an earlier prov -- makes every staged file worth a look)."""
    if not os.path.exists(path):
        return set(), True
    import base64
    import json

    sizes: set[int] = set()
    complete = True
    for line in _bytes(path).split(b"\n"):
        if not line.strip():
            continue
        body = json.loads(base64.b64decode(json.loads(line)["payload"]))
        if "event" in body:  # a ledger entry: only withdrawals count, and they bind like the file's
            if body.get("event") != "dataset-withdraw" or not isinstance(body.get("withdrawal"), dict):
                continue
            body = body["withdrawal"]
        sizes |= {int(n) for n in body.get("sizes", [])}
        complete = complete and (bool(body.get("sizes")) or not body.get("artefacts"))
    return sizes, complete


def _sources(root: str) -> list[str]:
    datasets = os.path.join(root, ".prov", "datasets")
    files = [os.path.join(root, ".prov", "config.yaml")]
    if os.path.isdir(datasets):
        files += sorted(
            os.path.join(datasets, n)
            for n in os.listdir(datasets)
            if sel.manifest_name(".prov/datasets/" + n) is not None
        )
    return files


def _stamp(files: list[str]) -> list[list[object]]:
    out: list[list[object]] = []
    for f in files:
        try:
            st = os.stat(f)
        except FileNotFoundError:
            continue
        out.append([f, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    return out


def _bytes(path: str) -> bytes:
    """A regular file's bytes (a named pipe is refused, not waited on); any refusal is an OSError here,
    which sends the hook to the full check, which says what is wrong."""
    from ..errors import ProvError

    try:
        return read_regular(path)
    except ProvError as e:
        raise OSError(e.message) from None


def _read(path: str) -> str:
    return _bytes(path).decode("utf-8")


def _index(root: str) -> dict | None:  # type: ignore[type-arg]
    """Patterns, registered data paths and sizes; None when the sources do not parse (the full check
    reports why).

    Stored as plain lines, not JSON: importing json (and with it re) would double the hook's start-up.
    """
    cache = os.path.join(root, ".prov", "cache", "hook-index.txt")
    withdrawals = os.path.join(root, ".prov", "withdrawals.jsonl")
    ledger = os.path.join(root, ".prov", "ledger.jsonl")  # it keeps withdrawals the file may have lost
    stamp = ["\t".join(map(str, s)) for s in _stamp([*_sources(root), withdrawals, ledger])]
    try:
        lines = _read(cache).split("\n")
        if lines[0] == INDEX_VERSION and [x[6:] for x in lines if x.startswith("stamp\t")] == stamp:
            return {
                "patterns": [x[8:] for x in lines if x.startswith("pattern\t")],
                "dataset_files": {x[5:] for x in lines if x.startswith("file\t")},
                "sizes": {int(x[5:]) for x in lines if x.startswith("size\t")},
                "unsized": "unsized" in lines,
            }
    except (OSError, IndexError, ValueError):
        pass
    try:
        import yaml

        config = yaml.safe_load(_read(os.path.join(root, ".prov", "config.yaml"))) or {}
        patterns = (config.get("artefacts") or {}).get("patterns", DEFAULT_PATTERNS)
        if not isinstance(patterns, list) or not patterns or any(sel.pattern_problem(p) for p in patterns):
            return None  # the full check says what is wrong with the config
        dataset_files: list[str] = []
        sizes: set[int] = set()
        unsized = False
        for f in _sources(root)[1:]:
            manifest = yaml.safe_load(_read(f)) or {}
            for e in manifest.get("files") or []:
                if not isinstance(e, dict):
                    return None
                dataset_files.append(str(e["path"]))
                if e.get("sha256"):
                    if isinstance(e.get("size"), int):
                        sizes.add(e["size"])
                    else:
                        unsized = True
        # Bytes of artefacts made from withdrawn data are refused under any name: their sizes too.
        for source in (withdrawals, ledger):
            more, all_sized = _withdrawn_sizes(source)
            sizes |= more
            unsized = unsized or not all_sized
    except Exception:
        return None
    text = "\n".join(
        [
            INDEX_VERSION,
            *(f"stamp\t{s}" for s in stamp),
            *(f"pattern\t{p}" for p in patterns),
            *(f"file\t{f}" for f in dataset_files),
            *(f"size\t{n}" for n in sorted(sizes)),
            *(["unsized"] if unsized else []),
        ]
    )
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, cache)
    except OSError:
        pass  # an index that cannot be written only costs time
    return {"patterns": patterns, "dataset_files": set(dataset_files), "sizes": sizes, "unsized": unsized}
