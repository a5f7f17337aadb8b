"""Walk an artefact's ancestry through its signed cards: datasets by manifest digest, parents recursively.

Each card is verified under the repository's trust (the decision context's), so the picture says what
holds now, not what the cards claim: a parent re-signed or changed since the child was signed is
``changed``, a dataset whose manifest no longer matches the digest signed into the card is ``changed``.
"""

from __future__ import annotations

from pathlib import Path

from ..model.lineage import Lineage, LineageEdge, LineageNode

MAX_DEPTH = 64  # cards name their parents by digest, so a cycle is impossible; a bound is still cheap


def build(artefact: Path, ctx, repo, verify_target) -> Lineage:  # type: ignore[no-untyped-def]
    """``verify_target`` is the use case's verifier (``api.verify``), passed in: lineage sits below api."""
    nodes: dict[str, LineageNode] = {}
    edges: list[LineageEdge] = []

    def artefact_node(path: Path, expected_card: str | None, depth: int) -> str:
        rel = repo.relative(path) if path.exists() or path.is_symlink() else str(path)
        node_id = f"artefact:{rel}"
        if node_id in nodes:
            return node_id
        if not path.exists():
            nodes[node_id] = LineageNode(
                id=node_id, kind="artefact", name=path.name, path=rel, state="missing", detail="not in this repository"
            )
            return node_id
        verification, signed = verify_target(path, trust=ctx.trust, repo=repo)
        codes = [r.code for r in verification.reasons if r.severity == "block"]
        if "CARD_MISSING" in codes:
            state, detail = "missing", "no signed card"
        elif "DIGEST_MISMATCH" in codes:
            state, detail = "changed", "changed since signing"
        elif signed is not None and expected_card is not None and signed.sha256 != expected_card:
            state, detail = "changed", "re-signed since the child was signed"
        elif verification.verified:
            state, detail = "verified", None
        else:
            state, detail = "unverified", ", ".join(codes) or None
        card = signed.card if signed is not None else None
        terms = card.effective_terms if card is not None else None
        nodes[node_id] = LineageNode(
            id=node_id,
            kind="artefact",
            name=path.name,
            path=rel,
            state=state,
            detail=detail,
            sha256=card.artefact.sha256 if card is not None else None,
            licence=(card.licence or terms.licence) if card is not None and terms is not None else None,
            confidentiality=terms.confidentiality.value if terms is not None else None,
        )
        if card is None or depth >= MAX_DEPTH:
            return node_id
        for d in card.datasets:
            edges.append(LineageEdge(child=node_id, parent=dataset_node(d), relation=d.role))
        for p in card.parents:
            parent_path = repo.root / p.path if p.path else Path(p.name)
            parent_id = artefact_node(parent_path, p.card_sha256, depth + 1)
            edges.append(LineageEdge(child=node_id, parent=parent_id, relation=p.relation))
        return node_id

    def dataset_node(d) -> str:  # type: ignore[no-untyped-def]
        import hashlib

        node_id = f"dataset:{d.name}@{d.version}"
        if node_id in nodes:
            return node_id
        path = repo.dataset_file(d.name)
        if not path.exists():
            state, detail = "missing", "no manifest registered under this name"
        else:
            from ..regularfile import read_regular

            same = hashlib.sha256(read_regular(path)).hexdigest() == d.manifest_sha256
            state, detail = ("verified", None) if same else ("changed", "the manifest changed since signing")
        nodes[node_id] = LineageNode(
            id=node_id,
            kind="dataset",
            name=d.name,
            version=d.version,
            state=state,
            detail=detail,
            owner=d.terms.owner.name,
            licence=d.terms.licence,
            confidentiality=d.terms.confidentiality.value,
        )
        return node_id

    root = artefact_node(artefact, None, 0)
    return Lineage(root=root, nodes=list(nodes.values()), edges=edges)
