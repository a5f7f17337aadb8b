"""The layout shows the design (issue 10): checked on the import graph, not by reading."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "provenance"


def _imports() -> dict[str, set[str]]:
    """module -> provenance modules it imports (lazy imports inside functions included)."""
    out: dict[str, set[str]] = defaultdict(set)
    for f in ROOT.rglob("*.py"):
        parts = list(f.relative_to(ROOT.parent).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        mod = ".".join(parts)
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = parts[: len(parts) - node.level + (1 if is_pkg else 0)]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                if not target.startswith("provenance"):
                    continue
                names = [f"{target}.{a.name}" for a in node.names]
                out[mod] |= {n for n in names if _exists(n)} | ({target} if not any(map(_exists, names)) else set())
            elif isinstance(node, ast.Import):
                out[mod] |= {a.name for a in node.names if a.name.startswith("provenance")}
    return out


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (ROOT / rel).with_suffix(".py").is_file() or (ROOT / rel / "__init__.py").is_file()


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_import_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for mod, targets in _imports().items():
        for t in targets:
            a, b = _package(mod), _package(t)
            if a and b and a != b:
                graph[a].add(b)
    seen: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph[node]):
            assert seen.get(nxt) != 1, f"import cycle: {' -> '.join([*path, node, nxt])}"
            if nxt not in seen:
                visit(nxt, [*path, node])
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            visit(node, [])


def test_hooks_import_neither_cli_nor_private_api() -> None:
    for mod, targets in _imports().items():
        if mod.startswith("provenance.hooks"):
            bad = [t for t in targets if t.startswith("provenance.cli") or ".api._" in t]
            assert not bad, f"{mod} imports {bad}"


def test_api_holds_flat_use_cases() -> None:
    api = ROOT / "api"
    assert not [p for p in api.iterdir() if p.is_dir() and p.name != "__pycache__"]
    modules = {p.stem for p in api.glob("*.py")} - {"__init__"}
    assert modules <= {
        "card",
        "verify",
        "export",
        "check",
        "audit",
        "log",
        "lineage",
        "erasure",
        "rotate",
        "status",
        "datasets",
        "keys",
        "init",
        "load",
        "remote",
        "python",
    }


def test_the_decision_is_short_and_its_rules_live_in_families() -> None:
    decide = ROOT / "policy" / "decide.py"
    assert len(decide.read_text().splitlines()) < 250
    for family in ("verification", "audience", "dates", "licensing", "privacy", "raw_data", "withdrawal"):
        assert (ROOT / "policy" / f"{family}.py").is_file()
