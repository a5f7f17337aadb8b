"""`prov lineage`: parse, call the use case, render."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._output import emit_json, out


@click.command("lineage")
@click.argument("artefact", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tree", "json", "dot", "mermaid"]),
    default="tree",
    show_default=True,
    help="tree for people; json (schemas/lineage.schema.json); dot for Graphviz; mermaid for Markdown hosts.",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
def lineage(artefact: Path, fmt: str, as_json: bool) -> None:
    """Show what ARTEFACT was made from: its datasets (owner, licence, confidentiality) and its parents,
    recursively, through their signed cards. Each node is marked verified, unverified, missing, or
    changed since the child was signed. Exit 1 when any node is not verified."""
    from ..api.lineage import lineage as build
    from ..lineage import render

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
