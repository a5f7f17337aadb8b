"""`prov status`: every artefact's card state, where it may go, and what needs someone's attention (no I/O)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ._base import Strict, new_list
from .card import MembershipAudit
from .decision import Reason
from .lineage import Lineage

CardState = Literal["valid", "stale", "unsigned", "untrusted", "revoked signer"]


class ArtefactStatus(Strict):
    artefact: str
    kind: Literal["file", "directory"] | None = None
    state: CardState
    detail: str | None = Field(default=None, description="Why the card is not valid")
    signer: str | None = None
    signed_at: str | None = None
    confidentiality: str | None = Field(default=None, description="Effective: the strictest of its sources")
    personal_data: bool = False
    memorisation_risk: str | None = None
    may_go_to: list[str] = Field(default_factory=new_list, description="Audiences an export to would be allowed")
    may_not_go_to: list[str] = Field(default_factory=new_list)
    reasons: list[Reason] = Field(
        default_factory=new_list, description="The repository's decision: blocks and warnings"
    )
    needs_action: bool
    audit: MembershipAudit | None = Field(default=None, description="The signed membership audit, when there is one")
    lineage: Lineage | None = None


class DatasetStatus(Strict):
    name: str
    version: str
    owner: str
    confidentiality: str
    withdrawn: str | None = None
    reasons: list[Reason] = Field(default_factory=new_list)
    needs_action: bool


class StatusReport(Strict):
    repository: str
    owner: str
    generated: dt.datetime
    artefacts: list[ArtefactStatus]
    datasets: list[DatasetStatus]
    problems: list[str] = Field(default_factory=new_list, description="Repository-wide: e.g. a withdrawal lost")
    needs_action: bool
