"""The export decision: may this artefact go to this recipient? A pure function over its inputs.

Every input comes in as an argument (the verified card, the current manifests, the recipient, the
project config, the time, the parents' verification), so the same inputs always give the same
Decision. The rules live in families, one module each: ``verification``, ``audience`` (confidentiality
and agreements), ``dates``, ``licensing``, ``privacy`` (GDPR and the model's assessment), ``withdrawal`` (data
withdrawn since) and ``raw_data`` (data files committed to a repository). They are evaluated per source (each dataset,
each parent) so that every reason names where it comes from; since every rule is a per-source
constraint, this equals evaluating the joined terms, and adding a source can only add reasons.

Reason codes and their severities: ``provenance.model.codes``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from ..model.card import ModelCard
from ..model.codes import ReasonCode
from ..model.config import Config
from ..model.decision import Decision, Recipient, Verification
from ..model.withdrawal import Withdrawal
from .audience import agreement_rules, audience_rules, repository_recipient
from .dates import date_rules
from .licensing import licence_rules
from .privacy import anonymous_assessment, gdpr_rules, privacy_rules
from .raw_data import dataset_file_rules
from .sources import Audience, Current, _block, _dedupe, _same_org, sources_of
from .terms import join
from .verification import artefact_rules, parent_rules, unverified
from .withdrawal import withdrawal_rules

CODES = frozenset(c.value for c in ReasonCode)

__all__ = ["CODES", "dataset_file_rules", "decide", "repository_recipient"]


def decide(
    card: ModelCard | None,
    verification: Verification,
    *,
    current: Current,
    recipient: Recipient,
    config: Config,
    now: dt.datetime,
    parents: Iterable[Verification] = (),
    withdrawn: Mapping[str, Withdrawal] | None = None,
) -> Decision:
    if not verification.verified or card is None:
        return Decision(
            allowed=False, reasons=unverified(verification), recipient=recipient, artefact=verification.artefact
        )

    audience = Audience(recipient, _same_org(recipient.org, config.repository.owner))
    today = now.astimezone(dt.UTC).date()
    sources, reasons = sources_of(card, current)
    reasons += parent_rules(parents)
    if not sources:
        reasons.append(
            _block(
                "LICENCE_UNKNOWN",
                verification.card,
                "the card names no dataset or parent, so its terms are unknown; re-sign it with --dataset",
            )
        )
    reasons += artefact_rules(card)
    anonymous = anonymous_assessment(card, config)
    reasons += withdrawal_rules(card, withdrawn or {}, anonymous is not None)
    for source in sources:
        reasons += audience_rules(source, audience)
        reasons += agreement_rules(source, audience, today)
        reasons += date_rules(source, today, anonymous is not None)
        reasons += licence_rules(source, audience)
        if not audience.inside(source):
            reasons += gdpr_rules(source, audience, anonymous)
    if any(s.terms.personal_data and not audience.inside(s) for s in sources):
        reasons += privacy_rules(card, config)
    reasons = _dedupe(reasons)
    allowed = not any(r.severity == "block" for r in reasons)
    return Decision(
        allowed=allowed,
        reasons=reasons,
        recipient=recipient,
        artefact=card.artefact.name,
        effective_terms=join([s.terms for s in sources]) if sources else None,
    )


# --- the artefact itself -------------------------------------------------------------------------------
