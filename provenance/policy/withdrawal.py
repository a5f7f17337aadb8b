"""Rules: data withdrawn after the model was trained (consent withdrawn, an agreement ended, retention
passed, an erasure request). Whether a descendant may still go anywhere depends on whether it may hold
the data: one rule, used by the decision and by ``prov lineage --affected-by`` / ``prov erasure``."""

from __future__ import annotations

from collections.abc import Mapping

from ..model.card import ModelCard
from ..model.decision import Reason
from ..model.withdrawal import Withdrawal
from .sources import _block, _warn

RETRAIN = "retrain or delete"
REVIEW = "review"


def derives_from(card: ModelCard) -> set[str]:
    """Every dataset the card says the artefact was made from, at any depth (as signed: a parent's
    terms carry its own sources, so a grandparent's dataset is named in the child's card)."""
    names = {d.name for d in card.datasets} | set(card.effective_terms.sources)
    for p in card.parents:
        names |= set(p.terms.sources)
    return names


def holds(risk: str, anonymous: bool) -> tuple[str, str]:
    """(action, why) for a model made from data that must go: retrain or delete when it may hold the
    records verbatim, review otherwise."""
    if risk == "high":
        return RETRAIN, "it holds training records verbatim"
    if risk != "low":
        return RETRAIN, "its memorisation was not assessed, so it may hold training records verbatim"
    if anonymous:
        return REVIEW, "it generalises and its signed audit shows it anonymous"
    return REVIEW, "it generalises (low memorisation risk), but no membership audit shows it anonymous"


def withdrawal_rules(card: ModelCard, withdrawn: Mapping[str, Withdrawal], anonymous: bool) -> list[Reason]:
    """DATASET_WITHDRAWN blocks export and commit everywhere (withdrawn data goes to nobody) unless the
    model is assessed anonymous, which gets a DATASET_WITHDRAWN_ANONYMOUS warning instead."""
    if not withdrawn:
        return []
    out: list[Reason] = []
    names = derives_from(card)
    for name in sorted(names & set(withdrawn)):
        w = withdrawn[name]
        when = w.time.date().isoformat()
        action, why = holds(card.privacy.memorisation.risk, anonymous)
        if anonymous:
            out.append(
                _warn(
                    "DATASET_WITHDRAWN_ANONYMOUS",
                    f"dataset {name}",
                    f"{name} was withdrawn on {when} ({w.reason}); {why}, so it may still be shared: review it",
                )
            )
        else:
            out.append(
                _block(
                    "DATASET_WITHDRAWN",
                    f"dataset {name}",
                    f"{name} was withdrawn on {when} ({w.reason}) and {why}: {action} "
                    f"(`prov lineage --affected-by {name}` lists every such artefact)",
                )
            )
    return out
