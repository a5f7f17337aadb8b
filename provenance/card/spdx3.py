"""The signed card as SPDX 3.0.1 JSON-LD with the AI and Dataset profiles: the model as an ``ai_AIPackage``,
each dataset as a ``dataset_DatasetPackage`` (TLP confidentiality, sensitive personal information,
availability), licences as ``simplelicensing_LicenseExpression`` elements, and lineage as relationships
(``trainedOn``, ``testedOn``, ``ancestorOf``), all in one ``SpdxDocument`` that states its profiles.

Built as plain data from the signed card (no file is read); the tests load every output with
spdx-python-model, link it and write it back, which is where a missing required property shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._version import __version__
from ..model.card import DatasetRef, ModelCard
from . import bom_facts as facts

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
PROFILES = ["core", "software", "ai", "dataset", "simpleLicensing"]


class _Graph:
    """The document's elements, each with an spdxId under the card's own namespace."""

    def __init__(self, card_sha256: str) -> None:
        self.base = f"https://prov-cards.dev/spdx/{card_sha256}#"
        self.info = "_:creationinfo"
        self.elements: list[dict[str, Any]] = []
        self._licences: dict[str, str] = {}
        self._n = 0

    def add(self, kind: str, local: str, **props: Any) -> str:
        spdx_id = self.base + local
        self.elements.append({"type": kind, "spdxId": spdx_id, "creationInfo": self.info, **props})
        return spdx_id

    def relate(self, source: str, kind: str, targets: list[str], comment: str | None = None) -> None:
        self._n += 1
        extra = {"comment": comment} if comment else {}
        self.add(
            "Relationship",
            f"relationship-{self._n}",
            **{"from": source, "relationshipType": kind, "to": targets},
            **extra,
        )

    def licence(self, expression: str) -> str:
        if expression not in self._licences:
            self._licences[expression] = self.add(
                "simplelicensing_LicenseExpression",
                f"licence-{len(self._licences) + 1}",
                simplelicensing_licenseExpression=expression,
            )
        return self._licences[expression]


def _sha256(hex_digest: str) -> list[dict[str, str]]:
    return [{"type": "Hash", "algorithm": "sha256", "hashValue": hex_digest}]


def _stamp(time: dt.datetime) -> str:
    """SPDX's DateTimeStamp: UTC, to the second, with a Z."""
    return time.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _presence(flag: bool) -> str:
    return "yes" if flag else "no"


def _dataset(g: _Graph, ref: DatasetRef) -> str:
    terms = ref.terms
    pd = terms.personal_data
    # Availability: public data with a URL can be downloaded; anything else only by parties an owner has
    # admitted (an agreement, an account): SPDX's "registration" is the nearest of its five values.
    public_url = terms.confidentiality.value == "public" and facts.url_or_none(ref.url)
    props: dict[str, Any] = {
        "name": ref.name,
        "software_packageVersion": ref.version,
        "software_primaryPurpose": "data",
        "dataset_datasetType": ["noAssertion"],
        "dataset_confidentialityLevel": facts.TLP[terms.confidentiality].lower(),
        "dataset_hasSensitivePersonalInformation": _presence(pd.contains),
        "dataset_datasetAvailability": "directDownload" if public_url else "registration",
        "comment": f"role: {ref.role}; owner: {terms.owner.name}; manifest sha256 {ref.manifest_sha256}",
    }
    if ref.description:
        props["description"] = ref.description
    if facts.url_or_none(ref.url):
        props["software_downloadLocation"] = ref.url
    if ref.content_sha256:
        props["verifiedUsing"] = _sha256(ref.content_sha256)
    if pd.anonymisation.value != "none":
        props["dataset_anonymizationMethodUsed"] = [pd.anonymisation.value]
    if ref.origin:
        props["dataset_dataCollectionProcess"] = ref.origin
    spdx_id = g.add("dataset_DatasetPackage", f"dataset-{ref.manifest_sha256}", **props)
    g.relate(spdx_id, "hasDeclaredLicense", [g.licence(terms.licence)])
    return spdx_id


def spdx3(card: ModelCard, card_sha256: str) -> dict[str, Any]:
    """The SPDX 3.0.1 document for a signed card (its digest names the document's namespace)."""
    art, terms = card.artefact, card.effective_terms
    g = _Graph(card_sha256)
    signer = g.add("Agent", "signer", name=f"{card.created.signer.name} (key {card.created.signer.keyid})")
    tool = g.add("Tool", "prov", name=f"prov {__version__}")
    model_props: dict[str, Any] = {
        "name": art.name,
        "software_primaryPurpose": "model",
        "verifiedUsing": _sha256(art.sha256),
        "releaseTime": _stamp(card.created.time),
        "ai_useSensitivePersonalInformation": _presence(terms.personal_data),
        "ai_informationAboutTraining": " ".join(f"{title}. {text}" for title, text in facts.privacy_sentences(card)),
        "comment": (
            f"Signed prov card sha256 {card_sha256}; confidentiality {terms.confidentiality.value} "
            f"({terms.confidentiality.tlp})"
        ),
    }
    if art.estimator:
        model_props["ai_typeOfModel"] = [art.estimator]
    if art.hyperparameters:
        model_props["ai_hyperparameter"] = [
            {"type": "DictionaryEntry", "key": k, "value": str(v)} for k, v in sorted(art.hyperparameters.items())
        ]
    if card.metrics:
        model_props["ai_metric"] = [
            {"type": "DictionaryEntry", "key": k, "value": str(v)} for k, v in card.metrics.items()
        ]
    if card.intended_use:
        model_props["ai_informationAboutApplication"] = card.intended_use
    if card.limitations:
        model_props["ai_limitation"] = card.limitations
    if card.code is not None and facts.url_or_none(card.code.remote):
        model_props["software_sourceInfo"] = f"{card.code.remote} at commit {card.code.commit}"
    model = g.add("ai_AIPackage", "model", **model_props)
    if card.licence:
        g.relate(model, "hasDeclaredLicense", [g.licence(card.licence)])
    if terms.licence:
        g.relate(model, "hasConcludedLicense", [g.licence(terms.licence)], "the most restrictive join of its sources")
    for ref in card.datasets:
        dataset = _dataset(g, ref)
        kind = "trainedOn" if ref.role == "train" else "testedOn"
        g.relate(model, kind, [dataset], None if ref.role != "validation" else "validation data")
    for parent in facts.unique_parents(card):
        ancestor = g.add(
            "ai_AIPackage",
            f"parent-{parent.sha256}",
            name=parent.name,
            software_primaryPurpose="model",
            verifiedUsing=_sha256(parent.sha256),
            comment=f"signed prov card sha256 {parent.card_sha256}; relation {parent.relation}",
        )
        g.relate(ancestor, "ancestorOf", [model], parent.relation)
    document = {
        "type": "SpdxDocument",
        "spdxId": g.base + "document",
        "creationInfo": g.info,
        "name": f"prov card of {art.name}",
        "profileConformance": PROFILES,
        "rootElement": [model],
        "element": [e["spdxId"] for e in g.elements],
    }
    info = {
        "type": "CreationInfo",
        "@id": g.info,
        "specVersion": "3.0.1",
        "created": _stamp(card.created.time),
        "createdBy": [signer],
        "createdUsing": [tool],
    }
    return {"@context": CONTEXT, "@graph": [info, document, *g.elements]}
