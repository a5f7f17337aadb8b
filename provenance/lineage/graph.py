"""Walk an artefact's ancestry through its signed cards: datasets by manifest digest, parents recursively.

Each card is verified under the repository's trust (the decision context's), so the picture says what
holds now, not what the cards claim: a parent re-signed or changed since the child was signed is
``changed``, a dataset whose manifest no longer matches the digest signed into the card is ``changed``.
"""

from __future__ import annotations

from pathlib import Path

from ..model.lineage import Lineage, LineageEdge, LineageNode

MAX_DEPTH = 64  # cards name their parents by digest, so a cycle is impossible; a bound is still cheap


def build(artefact: Path, ctx, repo, verify_target, check_remote=None) -> Lineage:  # type: ignore[no-untyped-def]
    """``verify_target`` is the use case's verifier (``api.verify``), passed in: lineage sits below api.
    ``check_remote(oci, card_sha256)`` (``api.remote.check_parent``) follows parents that live in an OCI
    registry; without it they are drawn as not checked."""
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
        add_sources(node_id, card, depth, local=True)
        return node_id

    def add_sources(node_id: str, card, depth: int, local: bool) -> None:  # type: ignore[no-untyped-def]
        for d in card.datasets:
            edges.append(LineageEdge(child=node_id, parent=dataset_node(d), relation=d.role))
        for p in card.parents:
            if p.oci:
                parent_id = remote_node(p, depth + 1)
            elif local:  # a path in this repository (or, without one, a name beside the child)
                parent_path = repo.root / p.path if p.path else Path(p.name)
                parent_id = artefact_node(parent_path, p.card_sha256, depth + 1)
            else:  # a registry card's parent lives in its signer's repository: never a file here
                parent_id = elsewhere_node(p)
            edges.append(LineageEdge(child=node_id, parent=parent_id, relation=p.relation))

    def elsewhere_node(p) -> str:  # type: ignore[no-untyped-def]
        node_id = f"artefact:elsewhere:{p.sha256}"
        nodes.setdefault(
            node_id,
            LineageNode(
                id=node_id,
                kind="artefact",
                name=p.name,
                path=p.path,
                state="missing",
                detail="in the repository of its signer, not here",
                sha256=p.sha256,
                confidentiality=p.terms.confidentiality.value,
            ),
        )
        return node_id

    def remote_node(p, depth: int) -> str:  # type: ignore[no-untyped-def]
        node_id = f"artefact:oci:{p.oci}"
        if node_id in nodes:
            return node_id
        if check_remote is None:
            nodes[node_id] = LineageNode(
                id=node_id, kind="artefact", name=p.name, path=p.oci, state="unverified", detail="in a registry"
            )
            return node_id
        checked = check_remote(p.oci, p.card_sha256)
        signed = checked.remote.signed if checked.remote is not None else None
        card = signed.card if signed is not None else None
        terms = card.effective_terms if card is not None else p.terms
        nodes[node_id] = LineageNode(
            id=node_id,
            kind="artefact",
            name=p.name,
            path=p.oci,
            state=checked.state,
            detail=checked.detail,
            sha256=p.sha256,
            licence=(card.licence if card is not None else None) or terms.licence,
            confidentiality=terms.confidentiality.value,
        )
        if card is not None and depth < MAX_DEPTH:
            add_sources(node_id, card, depth, local=False)
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
