"""Inline SVG pictures for the HTML card and the status page: the membership audit's ROC curve and an
artefact's lineage. Self-contained (no script, no external file), every label escaped; no I/O here.
"""

from __future__ import annotations

import math
from html import escape
from itertools import pairwise

from .model.card import MembershipAudit
from .model.lineage import Lineage

_STATE_COLOUR = {"verified": "#1a7f37", "changed": "#bc4c00", "missing": "#cf222e", "unverified": "#6e7781"}


_ATTACK_COLOURS = ("#0969da", "#cf222e", "#8250df", "#1a7f37", "#bc4c00", "#57606a")


def roc_svg(audit: MembershipAudit, width: int = 520, height: int = 360) -> str:
    """Each attack's ROC curve with the FPR axis on a log scale (as the membership-inference literature
    plots it, so the low-FPR regime that matters is visible), the chance line for reference, and a legend
    that names the attack the anonymity verdict reads."""
    curves = [(f"loss threshold ({audit.loss})", audit.roc, audit.advantage)]
    curves += [(a.attack, a.roc, a.advantage) for a in audit.attacks]
    bound = audit.bound()
    left, right, top, bottom = 52, 14, 60, 58 + 14 * len(curves)
    pw, ph = width - left - right, height - top - (58 + 14 * len(curves))
    height = top + ph + bottom
    lo = 1e-3 if audit.n_nonmembers >= 1000 else 10 ** math.floor(math.log10(1 / max(audit.n_nonmembers, 2)))

    def x(fpr: float) -> float:
        f = min(max(fpr, lo), 1.0)
        return left + pw * (math.log10(f) - math.log10(lo)) / -math.log10(lo)

    def y(tpr: float) -> float:
        return top + ph * (1 - tpr)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="roc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="ROC curves of the membership-inference attacks">',
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fff" stroke="#d0d7de"/>',
    ]
    decade = lo
    while decade <= 1.0 + 1e-12:
        px = x(decade)
        parts.append(f'<line x1="{px:.1f}" y1="{top}" x2="{px:.1f}" y2="{top + ph}" stroke="#eaeef2"/>')
        parts.append(f'<text x="{px:.1f}" y="{top + ph + 14}" font-size="10" text-anchor="middle">{decade:g}</text>')
        decade *= 10
    for t in (0.0, 0.25, 0.5, 0.75, 1.0):
        py = y(t)
        parts.append(f'<line x1="{left}" y1="{py:.1f}" x2="{left + pw}" y2="{py:.1f}" stroke="#eaeef2"/>')
        parts.append(f'<text x="{left - 6}" y="{py + 3:.1f}" font-size="10" text-anchor="end">{t:g}</text>')
    chance = " ".join(f"{x(f):.1f},{y(f):.1f}" for f in (lo * 10 ** (k / 20) for k in range(0, 61)) if f <= 1.0)
    parts.append(f'<polyline points="{chance}" fill="none" stroke="#8c959f" stroke-dasharray="4 3"/>')
    for i, (name, roc, advantage) in enumerate(curves):
        colour = _ATTACK_COLOURS[i % len(_ATTACK_COLOURS)]
        if roc:
            points = " ".join(f"{x(f):.1f},{y(t):.1f}" for f, t in _on_log_axis(roc, lo))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        ly = top + ph + 50 + 14 * i
        note = "" if roc else " (no curve recorded: card signed before prov 0.4)"
        mark = " ← sets the verdict" if name == bound.attack else ""
        parts.append(
            f'<line x1="{left}" y1="{ly - 4}" x2="{left + 18}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{left + 24}" y="{ly}" font-size="10">{escape(name)}: advantage {advantage:.3f}'
            f"{escape(note)}{escape(mark)}</text>"
        )
    parts += [
        f'<text x="{left + pw / 2}" y="{top + ph + 30}" font-size="11" text-anchor="middle">'
        "false positive rate (log scale)</text>",
        f'<text x="14" y="{top + ph / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + ph / 2})">true positive rate</text>',
        f'<text x="{left}" y="14" font-size="12" font-weight="600">Membership-inference attacks</text>',
        f'<text x="{left}" y="30" font-size="11">advantage at most {bound.upper:.3f} (95% upper bound), '
        f"set by {escape(bound.attack)}</text>",
        f'<text x="{left}" y="45" font-size="10" fill="#57606a">{audit.n_members} members (training rows), '
        f"{audit.n_nonmembers} non-members (holdout)</text>",
        "</svg>",
    ]
    return "\n".join(parts)


def _on_log_axis(points: list[tuple[float, float]], lo: float) -> list[tuple[float, float]]:
    """The ROC's straight segments (ties between scores are broken at random, so the curve between two
    points is the straight line in linear space) drawn as the curves they are on a log axis."""
    out: list[tuple[float, float]] = []
    for (f0, t0), (f1, t1) in pairwise(points):
        out.append((f0, t0))
        a, b = max(f0, lo), f1
        if b > a * 1.2 and f1 > f0:
            steps = min(40, int(math.log10(b / a) * 20) + 1)
            for k in range(1, steps):
                f = a * (b / a) ** (k / steps)
                out.append((f, t0 + (t1 - t0) * (f - f0) / (f1 - f0)))
    if points:
        out.append(points[-1])
    return out


def lineage_svg(lineage: Lineage, box_w: int = 230, box_h: int = 42, gap_x: int = 60, gap_y: int = 14) -> str:
    """The artefact on the left, what it was made from to the right, one column per generation; each box
    coloured by its state (verified, changed, missing, unverified)."""
    nodes = {n.id: n for n in lineage.nodes}
    parents: dict[str, list[str]] = {}
    for e in lineage.edges:
        parents.setdefault(e.child, []).append(e.parent)
    depth = {lineage.root: 0}
    queue = [lineage.root]
    while queue:
        node = queue.pop(0)
        for p in parents.get(node, []):
            if p not in depth or depth[p] < depth[node] + 1 <= len(nodes):
                depth[p] = depth[node] + 1
                queue.append(p)
    columns: dict[int, list[str]] = {}
    for node_id in sorted(depth, key=lambda n: (depth[n], nodes[n].kind, n)):
        columns.setdefault(depth[node_id], []).append(node_id)
    pos = {
        n: (10 + d * (box_w + gap_x), 10 + i * (box_h + gap_y)) for d, col in columns.items() for i, n in enumerate(col)
    }
    width = 20 + len(columns) * (box_w + gap_x) - gap_x
    height = 20 + max(len(c) for c in columns.values()) * (box_h + gap_y) - gap_y
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="lineage">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>',
    ]
    for e in lineage.edges:
        if e.child not in pos or e.parent not in pos:
            continue
        cx, cy = pos[e.child]
        px, py = pos[e.parent]
        parts.append(
            f'<line x1="{px}" y1="{py + box_h / 2}" x2="{cx + box_w}" y2="{cy + box_h / 2}" stroke="#57606a" '
            f'marker-end="url(#arrow)"><title>{escape(e.relation)}</title></line>'
        )
    for node_id, (nx, ny) in pos.items():
        n = nodes[node_id]
        colour = _STATE_COLOUR.get(n.state, "#6e7781")
        title = n.path or n.name if n.kind == "artefact" else f"{n.name} v{n.version}"
        facts = ", ".join(x for x in (n.owner, n.licence, n.confidentiality) if x)
        fill = "#f6f8fa" if n.kind == "dataset" else "#fff"
        parts += [
            f"<g><title>{escape(f'{title}: {n.state}' + (f' ({n.detail})' if n.detail else ''))}</title>",
            f'<rect x="{nx}" y="{ny}" width="{box_w}" height="{box_h}" rx="5" fill="{fill}" stroke="{colour}" '
            'stroke-width="2"/>',
            f'<text x="{nx + 8}" y="{ny + 17}" font-size="12" font-weight="600">{escape(_cut(title, 32))}</text>',
            f'<text x="{nx + 8}" y="{ny + 33}" font-size="10" fill="{colour}">'
            f"{escape(_cut(n.state + (' · ' + facts if facts else ''), 40))}</text></g>",
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
