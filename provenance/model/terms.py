"""Effective terms: the most restrictive join of everything an artefact was made from."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ._base import Strict, new_list
from .dataset import Anonymisation, Confidentiality, Derivatives


class LegalBasisEntry(Strict):
    source: str
    legal_basis: str | None
    special_category_condition: str | None = None


class LicenceEntry(Strict):
    """One source's licence, and whether an agreement with the source states the terms instead."""

    source: str
    licence: str
    agreement: bool = False


class EffectiveTerms(Strict):
    """``None`` in a restriction list means "not restricted"; an empty list means "nobody"."""

    sources: list[str] = Field(description="Datasets and parent artefacts the terms were joined from")
    owners: list[str] = Field(default_factory=new_list)
    confidentiality: Confidentiality
    licence: str | None = Field(default=None, description="Conjunction of all licences (SPDX)")
    licences: list[LicenceEntry] = Field(
        default_factory=new_list, description="Every source's licence, through lineage"
    )
    commercial_use: bool | None = Field(
        default=None, description="AND over agreements; None when no agreement speaks to it"
    )
    derivatives: Derivatives | None = Field(
        default=None,
        description="Minimum over sources. A source without an agreement allows 'internal' when it is internal or "
        "confidential, 'none' when restricted; None only when nothing but licences governs sharing",
    )
    recipients: list[str] | None = None
    purposes: list[str] | None = None
    territories: list[str] | None = None
    embargo_until: dt.date | None = None
    agreements_expire: dt.date | None = None
    delete_by: dt.date | None = None
    agreements: list[str] = Field(default_factory=new_list, description="Agreement ids that bind the artefact")
    personal_data: bool = False
    special_categories: list[str] = Field(default_factory=new_list)
    legal_bases: list[LegalBasisEntry] = Field(default_factory=new_list)
    anonymisation: Anonymisation | None = None
    transfer_outside_eea: bool = True

    @property
    def anonymised(self) -> bool:
        """The personal data was anonymised before training (GDPR no longer applies to it)."""
        return self.anonymisation is not None and self.anonymisation.value == "anonymised"
