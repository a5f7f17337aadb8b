"""Reverse lineage: every carded artefact that derives from a dataset, at any depth (pure: no I/O).

An artefact derives from the dataset when its card names it directly, when a parent's signed terms
name it (the parent need not be here), or when a parent present in the repository derives from it.
A card that does not read may derive from anything: it is listed, with "retrain or delete" until someone
reads it, never left out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ..model.lineage import AffectedArtefact
from ..policy.exposure import RETRAIN, holds, is_anonymous
from .index import CardEntry


def affected(
    entries: Iterable[CardEntry],
    dataset: str,
    advantage_max: float,
    *,
    aliases: Iterable[str] = (),
    artefacts: Iterable[str] = (),
    contents: Iterable[str] = (),
    trusted: Collection[str] = (),
) -> list[AffectedArtefact]:
    """``aliases``: other dataset names holding the same files; ``artefacts``: artefact digests known to
    derive from it (a withdrawal's snapshot), whatever their cards say now; ``contents``: its content
    digests, matched against what each card signed for its datasets; ``trusted``: the card digests that
    verify under trusted keys -- only those may say a model holds no rows (the index reads cards unverified)."""
    entries = list(entries)
    names = {dataset, *aliases}
    known = set(artefacts)
    content = set(contents)
    by_sha = {e.card_sha256: e for e in entries if e.readable}
    by_path = {e.artefact: e for e in entries if e.readable}
    found: dict[str, tuple[int, list[str]]] = {}  # card path -> (depth, via)

    def route(e: CardEntry, seen: frozenset[str]) -> tuple[int, list[str]] | None:
        if e.card in found:
            return found[e.card]
        direct = sorted(names & set(e.datasets))
        if direct:
            return 1, [f"dataset {direct[0]}"]
        if content & set(e.contents):
            return 1, [f"dataset {dataset} (the same content, signed under another name)"]
        best: tuple[int, list[str]] | None = None
        for p in e.parents:
            parent = by_sha.get(p.card_sha256) or (by_path.get(p.path) if p.path else None)
            r = None
            if parent is not None and parent.card not in seen:
                up = route(parent, seen | {parent.card})
                if up is not None:
                    r = (up[0] + 1, [*up[1], parent.artefact])
            if r is None and names & set(p.sources):
                r = (2, [f"dataset {dataset}", f"{p.path or p.name} (its card is not in this repository)"])
            if r is not None and (best is None or r[0] < best[0]):
                best = r
        if best is None and names & set(e.sources):
            best = (0, [f"dataset {dataset}", "(through lineage its card names)"])
        if best is None and e.artefact_sha256 in known:
            best = (0, [f"dataset {dataset}", "(these bytes were made from it when it was withdrawn)"])
        return best

    out: list[AffectedArtefact] = []
    for e in entries:
        if not e.readable:
            out.append(
                AffectedArtefact(
                    artefact=e.artefact,
                    card=e.card,
                    card_sha256=e.card_sha256,
                    depth=0,
                    via=[],
                    risk="unknown",
                    anonymous=False,
                    action=RETRAIN,
                    why=f"its card does not read ({e.problem}), so what it was made from is unknown",
                )
            )
            continue
        r = route(e, frozenset({e.card}))
        if r is None:
            continue
        found[e.card] = r
        if e.risk != "low" or e.card_sha256 in trusted:
            anonymous = is_anonymous(e.risk, e.advantage, advantage_max)
            action, why = holds(e.risk, anonymous)
        else:
            anonymous, action = False, RETRAIN
            why = "its card does not verify under the trusted keys, so its memorisation assessment counts for nothing"
        out.append(
            AffectedArtefact(
                artefact=e.artefact,
                card=e.card,
                card_sha256=e.card_sha256,
                artefact_sha256=e.artefact_sha256,
                depth=r[0],
                via=r[1],
                risk=e.risk,
                anonymous=anonymous,
                action=action,  # type: ignore[arg-type]
                why=why,
            )
        )
    return sorted(out, key=lambda a: (a.depth or 99, a.artefact))
