"""Rules: confidentiality against the audience, and what agreements (NDAs, data-use agreements) permit."""

from __future__ import annotations

import datetime as dt

from ..model.config import Config
from ..model.dataset import Confidentiality, Derivatives
from ..model.decision import Reason, Recipient
from ..model.terms import EffectiveTerms
from .sources import Audience, Source, _block, _listed, _within


def audience_rules(source: Source, audience: Audience) -> list[Reason]:
    t = source.terms
    conf = t.confidentiality
    if conf is Confidentiality.public:
        return []
    if conf is Confidentiality.restricted:
        if _listed(audience.recipient, t.recipients) and t.derivatives in (Derivatives.listed, Derivatives.any):
            return []
        return [
            _block(
                "CONFIDENTIALITY_AUDIENCE",
                source.label,
                f"{source.label} is restricted (TLP:RED): only recipients an agreement lists by name may "
                f"receive it, and {audience.who} is not listed",
            )
        ]
    if audience.inside(source):
        return []
    if t.derivatives is Derivatives.any or (
        t.derivatives is Derivatives.listed and _listed(audience.recipient, t.recipients)
    ):
        return []
    return [
        _block(
            "CONFIDENTIALITY_AUDIENCE",
            source.label,
            f"{source.label} is {conf.value} ({conf.tlp}): it stays inside the owning organisation unless an "
            f"agreement permits sharing derivatives with {audience.who}",
        )
    ]


# --- agreements: what the NDAs / data-use agreements permit ----------------------------------------


def agreement_rules(source: Source, audience: Audience, today: dt.date) -> list[Reason]:
    t = source.terms
    if not t.agreements:
        return []
    ids = ", ".join(t.agreements)
    where = f"{source.label} (agreement {ids})"
    out: list[Reason] = []
    if t.agreements_expire is not None and t.agreements_expire < today:
        out.append(
            _block(
                "AGREEMENT_EXPIRED",
                where,
                f"agreement {ids} expired on {t.agreements_expire}: an expired agreement grants nothing; "
                "renew it and update the manifest",
            )
        )
    if t.derivatives is Derivatives.none:
        out.append(
            _block(
                "AGREEMENT_FORBIDS_SHARING",
                where,
                f"agreement {ids} forbids sharing derivatives (models) of {source.label} with anyone",
            )
        )
    elif t.derivatives is Derivatives.internal and not audience.inside(source):
        out.append(
            _block(
                "AGREEMENT_FORBIDS_SHARING",
                where,
                f"agreement {ids} permits derivatives inside the organisation only, not to {audience.who}",
            )
        )
    elif (
        t.derivatives is Derivatives.listed
        and not audience.inside(source)
        and not _listed(audience.recipient, t.recipients)
    ):
        listed = ", ".join(t.recipients or []) or "nobody"
        out.append(
            _block(
                "RECIPIENT_NOT_PERMITTED",
                where,
                f"agreement {ids} lists the recipients ({listed}); {audience.who} is not one of them",
            )
        )
    if audience.recipient.kind == "repository":
        return out + _repository_use(t, ids, where, audience)
    purpose = audience.recipient.purpose
    if t.commercial_use is False and purpose == "commercial":
        out.append(_block("PURPOSE_NOT_PERMITTED", where, f"agreement {ids} does not permit commercial use"))
    if t.purposes is not None:
        if purpose is None:
            out.append(
                _block(
                    "PURPOSE_NOT_PERMITTED",
                    where,
                    f"agreement {ids} limits purposes to {', '.join(t.purposes)}; state --purpose",
                )
            )
        elif purpose.casefold() not in {p.casefold() for p in t.purposes}:
            out.append(
                _block(
                    "PURPOSE_NOT_PERMITTED",
                    where,
                    f"purpose {purpose!r} is not among those agreement {ids} permits "
                    f"({', '.join(t.purposes) or 'none'})",
                )
            )
    if t.territories is not None:
        territory = audience.recipient.territory
        if territory is None:
            out.append(
                _block(
                    "TERRITORY_NOT_PERMITTED",
                    where,
                    f"agreement {ids} limits territories to {', '.join(t.territories)}; state --territory",
                )
            )
        elif not _within(territory, t.territories):
            out.append(
                _block(
                    "TERRITORY_NOT_PERMITTED",
                    where,
                    f"{territory} is outside the territories agreement {ids} permits "
                    f"({', '.join(t.territories) or 'none'})",
                )
            )
    return out


def repository_recipient(config: Config) -> Recipient:
    """A commit is an export to the repository's audience; internal and private repositories stay with the owner."""
    repo = config.repository
    org = None if repo.audience == "public" else repo.owner
    return Recipient(name=f"the {repo.audience} repository of {repo.owner}", org=org, kind="repository")


def _repository_use(t: EffectiveTerms, ids: str, where: str, audience: Audience) -> list[Reason]:
    """Storing inside the owner's repository is no new use; a public repository is every use, everywhere."""
    if audience.internal:
        return []
    out: list[Reason] = []
    if t.commercial_use is False or t.purposes is not None:
        limits = f"limits purposes to {', '.join(t.purposes)}" if t.purposes is not None else "forbids commercial use"
        out.append(
            _block(
                "PURPOSE_NOT_PERMITTED",
                where,
                f"anyone may use what a public repository holds, for any purpose; agreement {ids} {limits}",
            )
        )
    if t.territories is not None:
        out.append(
            _block(
                "TERRITORY_NOT_PERMITTED",
                where,
                f"a public repository is readable from anywhere; agreement {ids} limits territories to "
                f"{', '.join(t.territories)}",
            )
        )
    return out


# --- dates: embargo and retention -----------------------------------------------------------------
