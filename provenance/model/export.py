"""The signed export record that travels in a bundle, and what verifying a bundle established."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ._base import Strict, new_list
from .card import Signer, Subject
from .decision import Reason, Recipient
from .terms import EffectiveTerms

EXPORT_PREDICATE_TYPE = "https://prov-cards.dev/export/v1"


class Duties(Strict):
    """What the recipient must and may do, in words they can act on."""

    purposes: list[str] | None = Field(default=None, description="Permitted purposes; None = any")
    territories: list[str] | None = Field(default=None, description="Permitted territories; None = anywhere")
    commercial_use: bool | None = None
    attribution: list[str] = Field(default_factory=new_list)
    share_alike: list[str] = Field(default_factory=new_list)
    use_restrictions: list[str] = Field(default_factory=new_list)
    other: list[str] = Field(default_factory=new_list, description="Further warnings the exporter accepted")


class ExportRecord(Strict):
    """Who exported what to whom, for which purpose, under which terms, when."""

    schema_version: Literal["1"] = "1"
    artefact: str
    artefact_sha256: str
    card_sha256: str
    exported_at: dt.datetime
    exporter: Signer
    recipient: Recipient
    terms: EffectiveTerms | None = None
    duties: Duties
    prov_version: str


class ExportStatement(Strict):
    type_: Literal["https://in-toto.io/Statement/v1"] = Field(default="https://in-toto.io/Statement/v1", alias="_type")
    subject: list[Subject] = Field(min_length=1)
    predicateType: Literal["https://prov-cards.dev/export/v1"] = EXPORT_PREDICATE_TYPE
    predicate: ExportRecord

    model_config = Strict.model_config | {"populate_by_name": True}


class BundleVerification(Strict):
    """What `prov verify BUNDLE_DIR` established, and what the recipient may do."""

    verified: bool
    bundle: str
    reasons: list[Reason] = Field(default_factory=new_list)
    artefact: str | None = None
    record: ExportRecord | None = None
    card_signer: str | None = None
    exporter: str | None = None
