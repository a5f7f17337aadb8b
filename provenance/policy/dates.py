"""Rules: embargo, agreement and retention dates (and those coming within ``SOON`` days: warnings, so that a
scheduled `prov status` says so before the date passes)."""

from __future__ import annotations

import datetime as dt

from ..model.decision import Reason
from .sources import Source, _block, _warn

SOON = dt.timedelta(days=30)


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
    if t.embargo_until is not None and today < t.embargo_until <= today + SOON:
        out.append(
            _warn(
                "EMBARGO_ENDING",
                source.label,
                f"the embargo on {source.label} ends on {t.embargo_until} "
                f"(in {(t.embargo_until - today).days} days); it may be shared from then, as its terms allow",
            )
        )
    if t.agreements_expire is not None and today <= t.agreements_expire <= today + SOON:
        out.append(
            _warn(
                "AGREEMENT_EXPIRING",
                source.label,
                f"an agreement of {source.label} ({', '.join(t.agreements) or 'agreement'}) expires on "
                f"{t.agreements_expire} (in {(t.agreements_expire - today).days} days): renew it, or nothing "
                "made from it may be shared after that date",
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
