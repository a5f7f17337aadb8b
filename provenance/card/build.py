"""Assemble a ModelCard and its in-toto Statement from facts gathered at the edges. Pure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..analysis.artefact import ArtefactFacts
from ..digest import TreeDigest
from ..model.card import (
    Artefact,
    Code,
    Created,
    DatasetRef,
    FileDigest,
    Inspection,
    ModelCard,
    ParentRef,
    Privacy,
    Signer,
    Statement,
    Subject,
)
from ..policy.terms import dataset_terms, join


def artefact_section(name: str, digest: TreeDigest, facts: ArtefactFacts) -> Artefact:
    return Artefact(
        name=name,
        sha256=digest.sha256,
        size=digest.size,
        kind=digest.kind,  # type: ignore[arg-type]
        format=facts.format,
        framework=facts.framework,
        framework_version=facts.framework_version,
        estimator=facts.estimator,
        hyperparameters=facts.hyperparameters,
        components=facts.components,
        files=[FileDigest(path=f.path, sha256=f.sha256, size=f.size) for f in digest.files]
        if digest.kind == "directory"
        else [],
        inspection=Inspection(
            method=facts.method,
            inspected=facts.inspected,
            globals=facts.globals,
            untrusted_globals=facts.untrusted_globals,
            violations=facts.violations,
            notes=facts.notes,
        ),
    )


def build_card(
    *,
    artefact: Artefact,
    signer: Signer,
    now: dt.datetime,
    prov_version: str,
    code: Code | None,
    datasets: list[DatasetRef],
    parents: list[ParentRef],
    privacy: Privacy,
    licence: str | None,
    licence_link: str | None,
    metrics: dict[str, Any],
    intended_use: str | None,
    limitations: str | None,
    previous_card: str | None,
    hub_id: str | None = None,
) -> ModelCard:
    terms = join([dataset_terms(d.name, d.terms) for d in datasets] + [p.terms for p in parents])
    return ModelCard(
        artefact=artefact,
        created=Created(time=now.astimezone(dt.UTC), signer=signer, prov_version=prov_version),
        code=code,
        datasets=datasets,
        parents=parents,
        privacy=privacy,
        effective_terms=terms,
        licence=licence,
        licence_link=licence_link,
        metrics=metrics,
        intended_use=intended_use,
        limitations=limitations,
        previous_card=previous_card,
        hub_id=hub_id,
    )


def statement_for(card: ModelCard) -> Statement:
    return Statement(
        subject=[Subject(name=card.artefact.name, digest={"sha256": card.artefact.sha256})],
        predicate=card,
    )
