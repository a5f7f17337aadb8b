"""`prov check`: what the next commit contains (or every tracked file), judged as git will commit it.

Committing is an export to the repository's audience (`repository` in `.prov/config.yaml`): the
decision is the one `prov export` takes (``gate.context``), over the staged blobs (``gate.commit``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..gate.commit import FileCheck
from ..gate.commit import run_check as _run
from ..gate.context import DecisionContext
from ..store.repo import ProvRepo
from ..textsafe import as_text, shown

__all__ = ["FileCheck", "render_results", "run_check"]


def run_check(
    root: Path, paths: list[str], *, all_files: bool = False, now: dt.datetime | None = None
) -> list[FileCheck]:
    return _run(DecisionContext.load(ProvRepo(root), now), paths, all_files=all_files)


def render_results(results: list[FileCheck], as_json: bool) -> str:
    if as_json:
        checked = [
            {"path": as_text(r.path), "kind": r.kind, "ok": r.ok, "reasons": [x.model_dump() for x in r.reasons]}
            for r in results
        ]
        return json.dumps({"ok": all(r.ok for r in results), "checked": checked}, indent=2) + "\n"
    lines = []
    for r in results:
        for x in r.reasons:
            tag = "BLOCK" if x.severity == "block" else "warn"
            lines.append(shown(f"{r.path}: {tag} {x.code}: {x.message}"))
    if results and all(r.ok for r in results):
        lines.append(f"prov check: {len(results)} file{'s' if len(results) != 1 else ''} OK")
    return "\n".join(lines) + ("\n" if lines else "")
