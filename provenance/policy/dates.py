"""Rules: embargo and retention dates."""

from __future__ import annotations

import datetime as dt

from ..model.decision import Reason
from .sources import Source, _block, _warn


def date_rules(source: Source, today: dt.date, model_is_anonymous: bool) -> list[Reason]:
    t = source.terms
    out: list[Reason] = []
    if t.embargo_until is not None and today < t.embargo_until:
        out.append(
            _block(
                "EMBARGO_ACTIVE",
                source.label,
                f"{source.label} is under embargo until {t.embargo_until}; export on or after that date",
            )
        )
    if t.delete_by is not None and t.delete_by < today:
        holds_personal = t.personal_data and not model_is_anonymous
        if holds_personal:
            message = (
                f"{source.label} had to be deleted by {t.delete_by}; a model that may hold its personal data "
                "must not be shared"
            )
            out.append(_block("RETENTION_EXPIRED", source.label, message))
        else:
            message = f"{source.label} had to be deleted by {t.delete_by}"
            out.append(_warn("RETENTION_ENDED", source.label, message))
    return out


# --- licences ----------------------------------------------------------------------------------------
