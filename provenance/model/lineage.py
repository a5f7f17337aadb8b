"""The ancestry of one artefact as data: what ``prov lineage`` prints in every format (no I/O here)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import Strict

NodeState = Literal["verified", "unverified", "missing", "changed"]


class LineageNode(Strict):
    id: str = Field(description="Unique in the graph: 'artefact:PATH' or 'dataset:NAME@VERSION'")
    kind: Literal["artefact", "dataset"]
    name: str
    state: NodeState = Field(
        description="verified: its signature (or manifest digest) holds now; changed: it differs from what "
        "the child's card signed; missing: not in this repository; unverified: present but not verifiable"
    )
    detail: str | None = Field(default=None, description="Why the state is what it is")
    path: str | None = None
    sha256: str | None = None
    version: str | None = None
    owner: str | None = None
    licence: str | None = None
    confidentiality: str | None = None


class LineageEdge(Strict):
    child: str = Field(description="Node id of the artefact")
    parent: str = Field(description="Node id of what it was made from")
    relation: str = Field(description="train / validation / test for datasets; finetune, adapter... for parents")


class Lineage(Strict):
    root: str
    nodes: list[LineageNode]
    edges: list[LineageEdge]


class AffectedArtefact(Strict):
    artefact: str = Field(description="Repository-relative path of the artefact")
    card: str
    card_sha256: str
    artefact_sha256: str | None = Field(default=None, description="What the card signed (None: card unreadable)")
    depth: int = Field(description="1: trained on the dataset; 2: on a model that was; and so on. 0: unknown")
    via: list[str] = Field(description="The path from the dataset to this artefact")
    risk: str = Field(description="The card's memorisation risk: high, low or unknown")
    anonymous: bool = Field(description="Its signed audit shows it anonymous (policy.membership_advantage_max)")
    action: Literal["retrain or delete", "review"]
    why: str


class AffectedReport(Strict):
    dataset: str
    registered: bool = Field(description="A manifest of that name is registered now")
    withdrawn: str | None = Field(default=None, description="Why and when it was withdrawn, if it was")
    artefacts: list[AffectedArtefact]
    cards: int = Field(description="Cards in the repository that were considered")
