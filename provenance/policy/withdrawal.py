"""Rules: data withdrawn after the model was trained (consent withdrawn, an agreement ended, retention
passed, an erasure request). Whether a descendant may still go anywhere depends on whether it may hold
the data: one rule, used by the decision and by ``prov lineage --affected-by`` / ``prov erasure``."""

from __future__ import annotations

from collections.abc import Mapping

from ..model.card import ModelCard
from ..model.decision import Reason
from ..model.withdrawal import Withdrawal
from .exposure import RETRAIN, REVIEW, holds  # noqa: F401  (re-exported)
from .sources import _block, _warn


def derives_from(card: ModelCard) -> set[str]:
    """Every dataset the card says the artefact was made from, at any depth (as signed: a parent's
    terms carry its own sources, so a grandparent's dataset is named in the child's card)."""
    names = {d.name for d in card.datasets} | set(card.effective_terms.sources)
    for p in card.parents:
        names |= set(p.terms.sources)
    return names


def withdrawal_rules(card: ModelCard, withdrawn: Mapping[str, Withdrawal], anonymous: bool) -> list[Reason]:
    """DATASET_WITHDRAWN blocks export and commit everywhere (withdrawn data goes to nobody) unless the
    model is assessed anonymous, which gets a DATASET_WITHDRAWN_ANONYMOUS warning instead."""
    if not withdrawn:
        return []
    out: list[Reason] = []
    names = derives_from(card)
    matched = {name: "" for name in sorted(names & set(withdrawn))}
    held = {card.artefact.sha256} | {f.sha256 for f in card.artefact.files}  # a directory's files too
    for name, w in sorted(withdrawn.items()):
        if name not in matched and w.dataset not in matched and held & set(w.artefacts):
            matched[w.dataset] = " (these bytes were made from it when it was withdrawn, whatever this card says)"
    for name, note in matched.items():
        w = withdrawn[name]
        if w.dataset != name:
            note = f" (as {name}: the same data under another name)" + note
        when = w.time.date().isoformat()
        action, why = holds(card.privacy.memorisation.risk, anonymous)
        if anonymous:
            out.append(
                _warn(
                    "DATASET_WITHDRAWN_ANONYMOUS",
                    f"dataset {name}",
                    f"{w.dataset} was withdrawn on {when} ({w.reason}){note}; {why}, so it may still be shared: "
                    "review it",
                )
            )
        else:
            todo = (
                action
                if action == RETRAIN
                else "show it anonymous with a membership audit (`prov card ... --train --holdout --overwrite`) "
                "or retrain without the data"
            )
            out.append(
                _block(
                    "DATASET_WITHDRAWN",
                    f"dataset {name}",
                    f"{w.dataset} was withdrawn on {when} ({w.reason}){note} and {why}: {todo} "
                    f"(`prov lineage --affected-by {w.dataset}` lists every such artefact)",
                )
            )
    return out


def with_aliases(withdrawn: Mapping[str, Withdrawal], files: Mapping[str, set[str]]) -> dict[str, Withdrawal]:
    """Withdrawals keyed by every dataset name that holds withdrawn data: the withdrawn names, and any
    other registered dataset (``files``: name -> its files' sha256) sharing a file with one of them."""
    out = dict(withdrawn)
    for name, digests in sorted(files.items()):
        if name in out:
            continue
        for w in withdrawn.values():
            if digests & set(w.files):
                out[name] = w
                break
    return out
