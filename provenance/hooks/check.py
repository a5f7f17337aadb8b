"""`prov check`: the pre-commit hook and CI backstop.

Fast path first: a commit whose staged files include no artefact, no registered dataset file and no
dataset manifest returns in a few milliseconds, without importing pydantic, scikit-learn, numpy or
YAML and without starting git. What counts as relevant comes from `.prov/config.yaml` and the manifests,
kept in a small JSON index in `.prov/cache/` that is rebuilt whenever one of those files changes (stat).
"""

from __future__ import annotations

import os
import sys

from ..defaults import DEFAULT_PATTERNS

# This module is the hook's fast path: os.path rather than pathlib, no typing, no third-party import.

INDEX_VERSION = "prov-hook-index 2"
USAGE = "usage: prov check [PATHS...] [--all] [--json]"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    all_files = "--all" in args
    as_json = "--json" in args
    unknown = [a for a in args if a.startswith("-") and a not in ("--all", "--json")]
    if unknown:
        print(f"prov: check: unknown option {unknown[0]}; {USAGE}", file=sys.stderr)
        return 2
    paths = [a for a in args if not a.startswith("-")]
    root = _find_root(os.getcwd())
    if root is None:
        print("prov: check: not inside a prov repository (no .prov/ found); run `prov init`", file=sys.stderr)
        return 2
    if not all_files and paths:
        index = _index(root)
        if index is not None:
            relevant = [_rel(p, root) for p in paths if _relevant(p, root, index)]
            if not relevant:
                if as_json:
                    print('{"ok": true, "checked": []}')
                return 0
            passed = _all_passed_before(root, relevant, index)
            if passed and not as_json:
                print(f"prov check: {passed} file{'s' if passed != 1 else ''} OK")
                return 0
    return _full(root, paths, all_files, as_json)


def _all_passed_before(root: str, relevant: list[str], index: dict) -> int:  # type: ignore[type-arg]
    """The number of artefacts when every relevant path is an unchanged artefact (or its card) that
    passed with the same inputs before; 0 sends us to the full check."""
    suffix = ".prov.json"
    artefacts = [p for p in relevant if not p.endswith(suffix)]
    if not artefacts or any(p in index["dataset_files"] or p.startswith(".prov/") for p in artefacts):
        return 0
    if any(p.endswith(suffix) and p[: -len(suffix)] not in artefacts for p in relevant):
        return 0
    from pathlib import Path

    from ..digest import DigestCache
    from ..store.gitindex import StagedFiles
    from . import passcache

    staged = StagedFiles(Path(root), [*artefacts, *(a + suffix for a in artefacts)])
    cache = DigestCache(Path(root) / ".prov" / "cache")
    policy = passcache.policy_inputs(root)
    for a in artefacts:
        card = a + suffix
        if not (staged.worktree_is_staged(a) and staged.worktree_is_staged(card)):
            return 0
        full = Path(root) / a
        digest = cache.get(full.resolve(), full.stat())
        if digest is None or not cache.passed(passcache.key(policy, a, digest, staged.read(card))):
            return 0
    return len(artefacts)


def _full(root: str, paths: list[str], all_files: bool, as_json: bool) -> int:
    from pathlib import Path

    from ..cli.main import _handle
    from ..errors import ProvError

    try:
        from ..api.check import render_results, run_check

        results = run_check(Path(root), paths, all_files=all_files)
        print(render_results(results, as_json), end="")
        return 0 if all(r.ok for r in results) else 1
    except ProvError as e:
        return _handle(e)
    except Exception as e:  # one line, exit 3, traceback with PROV_DEBUG=1
        return _handle(e)


def _find_root(start: str) -> str | None:
    directory = os.path.abspath(start)
    while True:
        if os.path.isdir(os.path.join(directory, ".prov")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _relevant(path: str, root: str, index: dict) -> bool:  # type: ignore[type-arg]
    rel = _rel(path, root)
    name = rel.rsplit("/", 1)[-1]
    if rel.startswith(".prov/datasets/") and name.endswith((".yaml", ".yml")):
        return True
    if rel in index["dataset_files"]:
        return True
    return any(_glob(name, p) for p in index["patterns"])


def _glob(name: str, pattern: str) -> bool:
    """`*.joblib`-style patterns without importing fnmatch/re (they cost the hook ~8 ms)."""
    if pattern.startswith("*") and not any(c in pattern[1:] for c in "*?["):
        return name.endswith(pattern[1:])
    import fnmatch

    return fnmatch.fnmatch(name, pattern)


def _rel(path: str, root: str) -> str:
    full = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    return os.path.relpath(os.path.normpath(full), root).replace(os.sep, "/")


def _sources(root: str) -> list[str]:
    datasets = os.path.join(root, ".prov", "datasets")
    files = [os.path.join(root, ".prov", "config.yaml")]
    if os.path.isdir(datasets):
        files += sorted(os.path.join(datasets, n) for n in os.listdir(datasets) if n.endswith((".yaml", ".yml")))
    return files


def _stamp(files: list[str]) -> list[list[object]]:
    out: list[list[object]] = []
    for f in files:
        try:
            st = os.stat(f)
        except FileNotFoundError:
            continue
        out.append([f, st.st_size, st.st_mtime_ns, st.st_ino])
    return out


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _index(root: str) -> dict | None:  # type: ignore[type-arg]
    """Patterns and dataset files; None when the sources do not parse (the full check reports why).

    Stored as plain lines, not JSON: importing json (and with it re) would double the hook's start-up.
    """
    cache = os.path.join(root, ".prov", "cache", "hook-index.txt")
    stamp = ["\t".join(map(str, s)) for s in _stamp(_sources(root))]
    try:
        lines = _read(cache).split("\n")
        if lines[0] == INDEX_VERSION and [x[6:] for x in lines if x.startswith("stamp\t")] == stamp:
            return {
                "patterns": [x[8:] for x in lines if x.startswith("pattern\t")],
                "dataset_files": {x[5:] for x in lines if x.startswith("file\t")},
            }
    except (OSError, IndexError):
        pass
    try:
        import yaml

        config = yaml.safe_load(_read(os.path.join(root, ".prov", "config.yaml"))) or {}
        patterns = [str(p) for p in ((config.get("artefacts") or {}).get("patterns")) or DEFAULT_PATTERNS]
        dataset_files: list[str] = []
        for f in _sources(root)[1:]:
            manifest = yaml.safe_load(_read(f)) or {}
            dataset_files += [str(e["path"]) for e in manifest.get("files") or [] if isinstance(e, dict)]
    except Exception:
        return None
    text = "\n".join(
        [
            INDEX_VERSION,
            *(f"stamp\t{s}" for s in stamp),
            *(f"pattern\t{p}" for p in patterns),
            *(f"file\t{f}" for f in dataset_files),
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
    return {"patterns": patterns, "dataset_files": set(dataset_files)}
