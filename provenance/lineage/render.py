"""``prov lineage`` output: an indented tree for people, DOT for Graphviz, Mermaid for Markdown hosts.

Names come from files and manifests, so every label is escaped for its format (and control characters
shown as escapes): a name cannot add a node, an edge or a line.
"""

from __future__ import annotations

from ..model.lineage import AffectedReport, Lineage, LineageNode
from ..textsafe import shown

_MARK = {"verified": "✓", "unverified": "?", "missing": "✗", "changed": "≠"}


def _label(n: LineageNode) -> str:
    if n.kind == "dataset":
        facts = [x for x in (n.owner, n.licence, n.confidentiality) if x]
        return f"dataset {n.name} v{n.version}" + (f" ({', '.join(facts)})" if facts else "")
    facts = [x for x in (n.licence, n.confidentiality) if x]
    return f"{n.path or n.name}" + (f" ({', '.join(facts)})" if facts else "")


def tree(lineage: Lineage) -> list[str]:
    """One line per node under its child, parents after datasets; a node seen before is named, not repeated."""
    nodes = {n.id: n for n in lineage.nodes}
    below: dict[str, list[tuple[str, str]]] = {}
    for e in lineage.edges:
        below.setdefault(e.child, []).append((e.parent, e.relation))
    lines: list[str] = []
    seen: set[str] = set()

    def walk(node_id: str, prefix: str, relation: str | None, last: bool, top: bool) -> None:
        n = nodes[node_id]
        state = f"[{_MARK[n.state]} {n.state}{': ' + n.detail if n.detail else ''}]"
        branch = "" if top else ("└─ " if last else "├─ ")
        via = f"{relation}: " if relation else ""
        again = " (shown above)" if node_id in seen else ""
        lines.append(shown(f"{prefix}{branch}{via}{_label(n)} {state}{again}"))
        if node_id in seen:
            return
        seen.add(node_id)
        kids = below.get(node_id, [])
        for i, (kid, rel) in enumerate(kids):
            walk(kid, prefix + ("" if top else ("   " if last else "│  ")), rel, i == len(kids) - 1, False)

    walk(lineage.root, "", None, True, True)
    return lines


def _dot_escape(text: str) -> str:
    return shown(text).replace("\\", "\\\\").replace('"', '\\"')


def _dot_text(text: str) -> str:
    return f'"{_dot_escape(text)}"'


def dot(lineage: Lineage) -> str:
    out = ["digraph lineage {", "  rankdir=BT;", '  node [fontname="Helvetica"];']
    colour = {"verified": "darkgreen", "unverified": "orange", "missing": "red", "changed": "red"}
    for n in lineage.nodes:
        shape = "box" if n.kind == "artefact" else "cylinder"
        state = n.state + (f": {n.detail}" if n.detail else "")
        label = f'"{_dot_escape(_label(n))}\\n{_dot_escape(state)}"'  # DOT's own line break between the two
        out.append(f"  {_dot_text(n.id)} [label={label}, shape={shape}, color={colour[n.state]}];")
    for e in lineage.edges:
        out.append(f"  {_dot_text(e.parent)} -> {_dot_text(e.child)} [label={_dot_text(e.relation)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _mermaid_text(text: str) -> str:
    return '"' + shown(text).replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;") + '"'


def mermaid(lineage: Lineage) -> str:
    ids = {n.id: f"n{i}" for i, n in enumerate(lineage.nodes)}
    out = ["flowchart BT"]
    for n in lineage.nodes:
        text = _mermaid_text(f"{_label(n)} — {n.state}")
        out.append(f"  {ids[n.id]}[{text}]" if n.kind == "artefact" else f"  {ids[n.id]}[({text})]")
    for e in lineage.edges:
        out.append(f"  {ids[e.parent]} -->|{_mermaid_text(e.relation)}| {ids[e.child]}")
    return "\n".join(out) + "\n"


def affected(report: AffectedReport) -> list[str]:
    """`prov lineage --affected-by` for people: one line per artefact, the action first."""
    head = f"dataset {report.dataset}"
    notes = []
    if not report.registered:
        notes.append("not registered here")
    if report.withdrawn:
        notes.append(f"withdrawn: {report.withdrawn}")
    if notes:
        head += f" ({'; '.join(notes)})"
    if not report.artefacts:
        return [f"{head}: no carded artefact derives from it ({report.cards} cards read)"]
    lines = [f"{head}: {len(report.artefacts)} of {report.cards} carded artefacts derive from it"]
    for a in report.artefacts:
        depth = "?" if a.depth == 0 else str(a.depth)
        lines.append(f"  {a.action:17}  depth {depth}  risk {a.risk:7}  {shown(a.artefact)}: {a.why}")
        if len(a.via) > 1:
            lines.append(f"  {'':17}  via {' → '.join(shown(v) for v in a.via)}")
    return lines
