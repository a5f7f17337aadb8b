"""The signed card as a CycloneDX ML-BOM (1.6 or 1.7): the model as a ``machine-learning-model`` component
with its ``modelCard``, each dataset as a ``data`` component with its governance, classification and
sensitive data, parents as components, and lineage as ``dependencies``.

Built as plain data: cyclonedx-python-lib has no model-card or data classes and drops those fields when
it re-serialises, so it is used only to validate (in the tests), never to write. Every value comes from
the signed card; nothing here reads a file.
"""

from __future__ import annotations

from typing import Any

from .._version import __version__
from ..model.card import DatasetRef, ModelCard, ParentRef
from . import bom_facts as facts

SPECS = ("1.6", "1.7")


def _licences(expression: str | None) -> list[dict[str, Any]]:
    return [{"expression": expression}] if expression else []


def _props(pairs: dict[str, Any]) -> list[dict[str, str]]:
    """CycloneDX properties (name/value strings), namespaced ``prov:``; unset values are left out."""
    out = []
    for name, value in pairs.items():
        if value is None or value == [] or value == "":
            continue
        text = (
            ", ".join(map(str, value))
            if isinstance(value, list)
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
        )
        out.append({"name": f"prov:{name}", "value": text})
    return out


def _party(name: str, contact: str | None) -> dict[str, Any]:
    org: dict[str, Any] = {"name": name}
    if contact:
        email = facts.email_or_none(contact)
        org["contact"] = [{"email": email} if email else {"name": contact}]
    return {"organization": org}


def _dataset(ref: DatasetRef) -> dict[str, Any]:
    terms = ref.terms
    pd = terms.personal_data
    data: dict[str, Any] = {
        "bom-ref": facts.dataset_ref(ref.manifest_sha256) + "#data",
        "type": "dataset",
        "name": ref.name,
        "classification": f"{terms.confidentiality.value} ({terms.confidentiality.tlp})",
        "governance": {"owners": [_party(terms.owner.name, terms.owner.contact)]},
    }
    if ref.custodian is not None:
        data["governance"]["custodians"] = [_party(ref.custodian.name, ref.custodian.contact)]
    if pd.contains:
        data["sensitiveData"] = ["personal data (GDPR Art. 4(1))", *pd.categories]
    if ref.description:
        data["description"] = ref.description
    component: dict[str, Any] = {
        "type": "data",
        "bom-ref": facts.dataset_ref(ref.manifest_sha256),
        "name": ref.name,
        "version": ref.version,
        "licenses": _licences(terms.licence),
        "data": [data],
        "properties": _props(
            {
                "role": ref.role,
                "origin": ref.origin,
                "manifest-sha256": ref.manifest_sha256,
                "content-sha256": ref.content_sha256,
                "content-verified": ref.content_verified,
                "confidentiality": terms.confidentiality.value,
                "personal-data": pd.contains,
                "gdpr-legal-basis": pd.legal_basis.value if pd.legal_basis else None,
                "gdpr-special-category-condition": (
                    pd.special_category_condition.value if pd.special_category_condition else None
                ),
                "anonymisation": pd.anonymisation.value,
                "transfer-outside-eea": pd.transfer_outside_eea,
                "agreements": [a.id for a in terms.agreements],
                "delete-by": terms.delete_by,
                "embargo-until": terms.embargo_until,
            }
        ),
    }
    if ref.description:
        component["description"] = ref.description
    if not component["licenses"]:
        del component["licenses"]
    return component


def _parent(parent: ParentRef) -> dict[str, Any]:
    component: dict[str, Any] = {
        "type": "machine-learning-model",
        "bom-ref": facts.parent_ref(parent.sha256),
        "name": parent.name,
        "hashes": [{"alg": "SHA-256", "content": parent.sha256}],
        "properties": _props({"relation": parent.relation, "card-sha256": parent.card_sha256, "path": parent.path}),
    }
    if parent.terms.licence:
        component["licenses"] = _licences(parent.terms.licence)
    return component


def _model(card: ModelCard, card_sha256: str) -> dict[str, Any]:
    art, terms = card.artefact, card.effective_terms
    params: dict[str, Any] = {}
    if art.estimator:
        params["modelArchitecture"] = art.estimator
        params["architectureFamily"] = art.estimator.rsplit(".", 1)[-1]
    if card.datasets:
        params["datasets"] = [{"ref": facts.dataset_ref(d.manifest_sha256) + "#data"} for d in card.datasets]
    metrics = [{"type": name, "value": str(value)} for name, value in card.metrics.items()]
    mi = card.privacy.membership_inference
    if mi is not None:
        for leak in mi.leaks():
            metrics.append(
                {
                    "type": f"membership-inference advantage: {leak.attack}",
                    "value": f"{leak.advantage:.4f}",
                    "slice": "training rows vs holdout rows",
                    "confidenceInterval": {"upperBound": f"{leak.upper:.4f}"},
                }
            )
    considerations: dict[str, Any] = {
        "ethicalConsiderations": [
            {"name": title, "mitigationStrategy": text} for title, text in facts.privacy_sentences(card)
        ]
    }
    if card.intended_use:
        considerations["useCases"] = [card.intended_use]
    if card.limitations:
        considerations["technicalLimitations"] = [card.limitations]
    if terms.recipients is not None:
        considerations["users"] = list(terms.recipients)
    model_card: dict[str, Any] = {"bom-ref": facts.model_ref(art.sha256) + "#model-card"}
    if params:
        model_card["modelParameters"] = params
    if metrics:
        model_card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    model_card["considerations"] = considerations
    component: dict[str, Any] = {
        "type": "machine-learning-model",
        "bom-ref": facts.model_ref(art.sha256),
        "name": art.name,
        "hashes": [{"alg": "SHA-256", "content": art.sha256}],
        "modelCard": model_card,
        "properties": _props(
            {
                "card-sha256": card_sha256,
                "signer-keyid": card.created.signer.keyid,
                "signed-at": card.created.time.isoformat(),
                "format": art.format,
                "kind": art.kind,
                "framework": f"{art.framework} {art.framework_version or ''}".strip() if art.framework else None,
                "confidentiality": terms.confidentiality.value,
                "tlp": terms.confidentiality.tlp,
                "personal-data": terms.personal_data,
                "commercial-use": terms.commercial_use,
                "derivatives": terms.derivatives.value if terms.derivatives else None,
                "recipients": terms.recipients,
                "purposes": terms.purposes,
                "territories": terms.territories,
                "embargo-until": terms.embargo_until,
                "agreements-expire": terms.agreements_expire,
                "delete-by": terms.delete_by,
                "agreements": terms.agreements,
                "owners": terms.owners,
                "licence-link": card.licence_link,
                "previous-card": card.previous_card,
            }
        ),
    }
    licence = card.licence or terms.licence
    if licence:
        component["licenses"] = _licences(licence)
    if art.kind == "directory":
        component["components"] = [
            {
                "type": "file",
                "bom-ref": f"{facts.model_ref(art.sha256)}/{f.path}",
                "name": f.path,
                "hashes": [{"alg": "SHA-256", "content": f.sha256}],
            }
            for f in art.files
        ]
    code = card.code
    if code is not None and code.commit:
        commit: dict[str, Any] = {"uid": code.commit}
        url = facts.url_or_none(code.remote)
        if url:
            commit["url"] = url
            component["externalReferences"] = [{"type": "vcs", "url": url, "comment": f"commit {code.commit}"}]
        component["pedigree"] = {"commits": [commit]}
        if code.dirty:
            component["pedigree"]["notes"] = f"trained from a dirty work tree (diff sha256 {code.diff_sha256})"
    return component


def cyclonedx(card: ModelCard, card_sha256: str, spec: str = "1.6") -> dict[str, Any]:
    """The CycloneDX document for a signed card (its digest names the document)."""
    if spec not in SPECS:
        raise ValueError(f"CycloneDX {spec}: prov writes {' or '.join(SPECS)}")
    model = _model(card, card_sha256)
    datasets = [_dataset(d) for d in card.datasets]
    parents = [_parent(p) for p in facts.unique_parents(card)]
    metadata: dict[str, Any] = {
        "timestamp": card.created.time.isoformat(),
        "tools": {"components": [{"type": "application", "name": "prov", "version": __version__}]},
        "component": model,
        "properties": _props({"card-sha256": card_sha256, "predicate-type": "https://prov-cards.dev/model-card/v1"}),
    }
    if spec == "1.7":
        metadata["distributionConstraints"] = {"tlp": facts.TLP[card.effective_terms.confidentiality]}
    dependencies = [
        {"ref": model["bom-ref"], "dependsOn": [c["bom-ref"] for c in [*datasets, *parents]]},
        *({"ref": c["bom-ref"]} for c in [*datasets, *parents]),
    ]
    return {
        "$schema": f"http://cyclonedx.org/schema/bom-{spec}.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": spec,
        "serialNumber": facts.document_id(card_sha256).urn,
        "version": 1,
        "metadata": metadata,
        "components": [*datasets, *parents],
        "dependencies": dependencies,
    }
