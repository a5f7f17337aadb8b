"""`prov check`: the pre-commit hook and CI backstop.

Fast path first: a commit whose staged files include no artefact, no registered dataset file and no
dataset manifest returns in a few milliseconds, without importing pydantic, scikit-learn, numpy or
YAML and without starting git. What counts as relevant comes from `.prov/config.yaml` and the manifests,
kept in a small JSON index in `.prov/cache/` that is rebuilt whenever one of those files changes (stat).
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_PATTERNS = [
    "*.joblib",
    "*.pkl",
    "*.pickle",
    "*.skops",
    "*.onnx",
    "*.safetensors",
    "*.pt",
    "*.pth",
    "*.h5",
    "*.keras",
    "*.gguf",
]
INDEX_VERSION = 1
USAGE = "usage: prov check [PATHS...] [--all] [--json]"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    all_files = "--all" in args
    as_json = "--json" in args
    unknown = [a for a in args if a.startswith("-") and a not in ("--all", "--json")]
    if unknown:
        print(f"prov: check: unknown option {unknown[0]}; {USAGE}", file=sys.stderr)
        return 2
    paths = [a for a in args if not a.startswith("-")]
    root = _find_root(Path.cwd())
    if root is None:
        print("prov: check: not inside a prov repository (no .prov/ found); run `prov init`", file=sys.stderr)
        return 2
    if not all_files and paths:
        index = _index(root)
        if index is not None and not any(_relevant(p, root, index) for p in paths):
            if as_json:
                print(json.dumps({"ok": True, "checked": []}))
            return 0
    return _full(root, paths, all_files, as_json)


def _full(root: Path, paths: list[str], all_files: bool, as_json: bool) -> int:
    from ..cli.main import _handle
    from ..errors import ProvError

    try:
        from ..api.check import render_results, run_check

        results = run_check(root, paths, all_files=all_files)
        print(render_results(results, as_json), end="")
        return 0 if all(r.ok for r in results) else 1
    except ProvError as e:
        return _handle(e)
    except Exception as e:  # one line, exit 3, traceback with PROV_DEBUG=1
        return _handle(e)


def _find_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".prov").is_dir():
            return directory
    return None


def _relevant(path: str, root: Path, index: dict) -> bool:  # type: ignore[type-arg]
    rel = _rel(path, root)
    name = rel.rsplit("/", 1)[-1]
    if rel.startswith(".prov/datasets/") and name.endswith((".yaml", ".yml")):
        return True
    if rel in index["dataset_files"]:
        return True
    return any(fnmatch.fnmatch(name, p) for p in index["patterns"])


def _rel(path: str, root: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            return p.as_posix()
    cwd = Path.cwd()
    return (cwd / p).relative_to(root).as_posix() if cwd != root else p.as_posix()


def _sources(root: Path) -> list[Path]:
    datasets = root / ".prov" / "datasets"
    files = [root / ".prov" / "config.yaml"]
    if datasets.is_dir():
        files += sorted(p for p in datasets.iterdir() if p.suffix in (".yaml", ".yml"))
    return files


def _stamp(files: list[Path]) -> list[list[object]]:
    out: list[list[object]] = []
    for f in files:
        try:
            st = f.stat()
        except FileNotFoundError:
            continue
        out.append([str(f), st.st_size, st.st_mtime_ns, st.st_ino])
    return out


def _index(root: Path) -> dict | None:  # type: ignore[type-arg]
    """Patterns and dataset files; None when the sources do not parse (the full check reports why)."""
    cache = root / ".prov" / "cache" / "hook-index.json"
    stamp = _stamp(_sources(root))
    try:
        data = json.loads(cache.read_text())
        if data.get("version") == INDEX_VERSION and data.get("stamp") == stamp:
            return data  # type: ignore[no-any-return]
    except (OSError, ValueError):
        pass
    try:
        import yaml

        config = yaml.safe_load((root / ".prov" / "config.yaml").read_text()) or {}
        patterns = ((config.get("artefacts") or {}).get("patterns")) or DEFAULT_PATTERNS
        dataset_files: list[str] = []
        for f in _sources(root)[1:]:
            manifest = yaml.safe_load(f.read_text()) or {}
            dataset_files += [str(e["path"]) for e in manifest.get("files") or [] if isinstance(e, dict)]
    except Exception:
        return None
    data = {"version": INDEX_VERSION, "stamp": stamp, "patterns": list(patterns), "dataset_files": dataset_files}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, cache)
    except OSError:
        pass  # an index that cannot be written only costs time
    return data
