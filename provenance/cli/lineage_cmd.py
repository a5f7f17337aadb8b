"""`prov lineage`: parse, call the use case, render."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._output import emit_json, out


@click.command("lineage")
@click.argument("artefact", type=click.Path(path_type=Path), required=False)
@click.option(
    "--affected-by",
    "dataset",
    metavar="DATASET",
    help="The other way: every carded artefact in the repository made from DATASET, at any depth, and "
    "what to do (retrain or delete when it may hold the data verbatim; review otherwise).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tree", "json", "dot", "mermaid"]),
    default="tree",
    show_default=True,
    help="tree for people; json (schemas/lineage.schema.json); dot for Graphviz; mermaid for Markdown hosts.",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
def lineage(artefact: Path | None, dataset: str | None, fmt: str, as_json: bool) -> None:
    """Show what ARTEFACT was made from: its datasets (owner, licence, confidentiality) and its parents,
    recursively, through their signed cards. Each node is marked verified, unverified, missing, or
    changed since the child was signed. Exit 1 when any node is not verified.

    With --affected-by DATASET instead: which artefacts derive from DATASET (exit 0 whatever it finds)."""
    from ..api.lineage import lineage as build
    from ..errors import UsageError
    from ..lineage import render

    if dataset is not None:
        if artefact is not None:
            raise UsageError("give either ARTEFACT or --affected-by DATASET, not both")
        if fmt not in ("tree", "json"):
            raise UsageError(f"--format {fmt}: --affected-by prints a table (or --json)")
        from ..api.lineage import affected_by

        report = affected_by(dataset)
        if as_json or fmt == "json":
            emit_json(report.model_dump(mode="json"))
        else:
            for line in render.affected(report):
                out(line)
        return
    if artefact is None:
        raise UsageError("give ARTEFACT (what was it made from?) or --affected-by DATASET (what was made from it?)")

    graph = build(artefact)
    if as_json or fmt == "json":
        emit_json(graph.model_dump(mode="json"))
    elif fmt == "dot":
        sys.stdout.write(render.dot(graph))
    elif fmt == "mermaid":
        sys.stdout.write(render.mermaid(graph))
    else:
        for line in render.tree(graph):
            out(line)
    if any(n.state != "verified" for n in graph.nodes):
        raise SystemExit(1)
