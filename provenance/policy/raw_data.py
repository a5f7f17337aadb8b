"""Rules: raw data files committed to a repository (the data itself, not a derivative)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..model.config import Config
from ..model.dataset import Confidentiality, DatasetTerms
from ..model.decision import Reason, Recipient
from .dates import date_rules
from .privacy import gdpr_rules
from .sources import Audience, Source, _block, _dedupe, _same_org, versions
from .terms import dataset_terms, join


def dataset_file_rules(
    name: str,
    terms: DatasetTerms | Sequence[DatasetTerms],
    recipient: Recipient,
    config: Config,
    now: dt.datetime,
) -> list[Reason]:
    """Raw data committed to a repository: the data itself, not a derivative, goes to its audience
    (under the strictest of the manifest's current versions)."""
    source = Source(f"dataset {name}", join([dataset_terms(name, t) for t in versions(terms)]))
    audience = Audience(recipient, _same_org(recipient.org, config.repository.owner))
    t = source.terms
    out: list[Reason] = []
    inside = audience.inside(source)
    if t.confidentiality is Confidentiality.restricted or (
        t.confidentiality is not Confidentiality.public and not inside
    ):
        out.append(
            _block(
                "CONFIDENTIALITY_AUDIENCE",
                source.label,
                f"{source.label} is {t.confidentiality.value} ({t.confidentiality.tlp}); its files may not "
                f"go to {audience.who}: keep them out of this repository (git rm --cached, .gitignore)",
            )
        )
    if not inside:
        today = now.astimezone(dt.UTC).date()
        out += [r for r in date_rules(source, today, False) if r.code == "EMBARGO_ACTIVE"]
        if t.personal_data and not t.anonymised:
            out.append(
                _block(
                    "PERSONAL_DATA_PUBLIC",
                    source.label,
                    f"{source.label} holds personal data; its files may not be published",
                )
            )
            out += gdpr_rules(source, audience, None)
    return _dedupe(out)
