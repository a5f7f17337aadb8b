"""Whether a model may hold its training data, and what to do when that data must go: the rules shared by
the withdrawal decision, ``prov lineage --affected-by`` and ``prov erasure``. Standard library only, so
queries over thousands of card summaries need not import the card model."""

from __future__ import annotations

RETRAIN = "retrain or delete"
REVIEW = "review"


def is_anonymous(risk: str, bound: float | None, limit: float) -> bool:
    """The one anonymity test (EDPB Opinion 28/2024): low memorisation risk, and the membership advantage
    of the strongest attack run -- the upper end of its 95% interval, or None when an objection stands
    (``MembershipAudit.verdict_bound``) -- within the policy limit; for a whole card or its summary in the
    card index."""
    return risk == "low" and bound is not None and bound <= limit


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
