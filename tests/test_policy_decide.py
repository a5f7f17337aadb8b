"""The export decision, table-driven: each case asserts `allowed` and the exact reason codes."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES

from provenance.model.card import (
    Artefact,
    Created,
    DatasetRef,
    Inspection,
    MembershipAudit,
    Memorisation,
    ModelCard,
    ParentRef,
    Privacy,
    Signer,
)
from provenance.model.config import Config
from provenance.model.dataset import DatasetManifest
from provenance.model.decision import Reason, Recipient, Verification
from provenance.policy.decide import CODES, decide, repository_recipient
from provenance.policy.terms import dataset_terms, join

SAFE_INSPECTION = Inspection(method="parsed by prov's pickle reader", inspected=True)
NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
HOSPITAL = yaml.safe_load((EXAMPLES / "patients-2024.yaml").read_text())
CONFIG = Config.model_validate({"repository": {"owner": "Acme Hospital", "audience": "internal"}})
NO_AUDIT = Config.model_validate(
    {
        "repository": {"owner": "Acme Hospital", "audience": "internal"},
        "policy": {"require_privacy_audit_for_personal_data": False},
    }
)


def manifest(name: str = "hosp", base: str = "hospital", **changes: Any) -> DatasetManifest:
    """The example hospital manifest, or a public CC0 one, with dotted-path changes."""
    if base == "hospital":
        data = copy.deepcopy(HOSPITAL)
    else:
        data = {
            "name": name,
            "version": "1",
            "origin": {"source": "web"},
            "owner": {"name": "Open Data Org"},
            "licence": "CC0-1.0",
            "confidentiality": "public",
            "personal_data": {"contains": False},
        }
    data["name"] = name
    for path, value in changes.items():
        node = data
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        node[keys[-1]] = value
    return DatasetManifest.model_validate(data)


def public(name: str = "pub", **changes: Any) -> DatasetManifest:
    return manifest(name, base="public", **changes)


INTERNAL = Recipient(name="ML team", org="Acme Hospital", purpose="research", territory="DE")
EXTERNAL = Recipient(name="Globex", org="Globex Pharma", purpose="research", territory="DE")
PARTNER = Recipient(name="Partner Lab", org="Partner Lab", purpose="research", territory="FR")


def ext(**kw: Any) -> Recipient:
    return EXTERNAL.model_copy(update=kw)


def intl(**kw: Any) -> Recipient:
    return INTERNAL.model_copy(update=kw)


def _audit(advantage: float) -> MembershipAudit:
    return MembershipAudit(
        loss="cross-entropy",
        auc=0.5 + advantage / 2,
        auc_ci=(0.4, 0.6),
        advantage=advantage,
        advantage_ci=(0.0, 0.1),
        tpr_at_fpr={"0.01": 0.01},
        n_members=500,
        n_nonmembers=500,
    )


ANON = Privacy(memorisation=Memorisation(risk="low", method="static+empirical"), membership_inference=_audit(0.02))
LEAKY = Privacy(memorisation=Memorisation(risk="low", method="static+empirical"), membership_inference=_audit(0.3))
MEMORISED = Privacy(memorisation=Memorisation(risk="high", method="static", findings=["KNN stores training rows"]))


def card(
    datasets: list[DatasetManifest],
    parents: list[ParentRef] = (),
    privacy: Privacy | None = None,  # type: ignore[assignment]
    name: str = "m.joblib",
) -> ModelCard:
    refs = [
        DatasetRef(
            name=m.name,
            version=m.version,
            manifest_sha256="0" * 64,
            content_sha256=None,
            content_verified=False,
            terms=m.terms(),
        )
        for m in datasets
    ]
    terms = join([dataset_terms(m.name, m.terms()) for m in datasets] + [p.terms for p in parents])
    return ModelCard(
        artefact=Artefact(name=name, sha256="a" * 64, size=1, kind="file", format="joblib", inspection=SAFE_INSPECTION),
        created=Created(time=NOW, signer=Signer(keyid="k" * 64, name="s"), prov_version="t"),
        datasets=refs,
        parents=list(parents),
        privacy=privacy or Privacy(),
        effective_terms=terms,
    )


def parent(c: ModelCard) -> ParentRef:
    return ParentRef(name=c.artefact.name, sha256=c.artefact.sha256, card_sha256="c" * 64, terms=c.effective_terms)


OK = Verification(verified=True, artefact="m.joblib", card="m.joblib.prov.json")
PUBLIC_CONFIG = Config.model_validate({"repository": {"owner": "Acme Hospital", "audience": "public"}})
REPO_INTERNAL = repository_recipient(CONFIG)
REPO_PUBLIC = repository_recipient(PUBLIC_CONFIG)


@dataclass
class Case:
    id: str
    datasets: list[DatasetManifest]
    recipient: Recipient
    allowed: bool
    blocks: set[str] = field(default_factory=set)
    warns: set[str] = field(default_factory=set)
    parents: list[ParentRef] = field(default_factory=list)
    privacy: Privacy | None = None
    config: Config = CONFIG
    current: list[DatasetManifest] | None = None  # default: the same manifests as signed
    verification: Verification = OK
    parent_checks: list[Verification] = field(default_factory=list)


HOSP = manifest()
LISTED = manifest(
    agreements__0__permits__derivatives="listed",
    agreements__0__permits__recipients=["Partner Lab"],
    agreements__0__permits__territories=["EU"],
)
GEN1 = card([HOSP], name="base.joblib")
GEN2 = card([public("pub2")], [parent(GEN1)], name="finetuned.joblib")

CASES = [
    # licences on public data
    Case("public CC0 to anyone for anything", [public()], ext(purpose="commercial", territory="US"), True),
    Case("CC-BY: attribution travels", [public(licence="CC-BY-4.0")], EXTERNAL, True, warns={"LICENCE_ATTRIBUTION"}),
    Case(
        "CC-BY-SA: share-alike travels",
        [public(licence="CC-BY-SA-4.0")],
        EXTERNAL,
        True,
        warns={"LICENCE_ATTRIBUTION", "LICENCE_SHARE_ALIKE"},
    ),
    Case(
        "CC-BY-NC for commercial purpose",
        [public(licence="CC-BY-NC-4.0")],
        ext(purpose="commercial"),
        False,
        {"LICENCE_NONCOMMERCIAL"},
        {"LICENCE_ATTRIBUTION"},
    ),
    Case("CC-BY-NC for research", [public(licence="CC-BY-NC-4.0")], EXTERNAL, True, warns={"LICENCE_ATTRIBUTION"}),
    Case(
        "CC-BY-ND leaving the organisation",
        [public(licence="CC-BY-ND-4.0")],
        EXTERNAL,
        False,
        {"LICENCE_NO_DERIVATIVES"},
        {"LICENCE_ATTRIBUTION"},
    ),
    Case(
        "CC-BY-ND inside the organisation",
        [public(licence="CC-BY-ND-4.0")],
        INTERNAL,
        True,
        warns={"LICENCE_ATTRIBUTION"},
    ),
    Case(
        "CC-BY-NC-ND commercial outside",
        [public(licence="CC-BY-NC-ND-4.0")],
        ext(purpose="commercial"),
        False,
        {"LICENCE_NONCOMMERCIAL", "LICENCE_NO_DERIVATIVES"},
        {"LICENCE_ATTRIBUTION"},
    ),
    Case(
        "OR: the permissive branch may be chosen",
        [public(licence="MIT OR CC-BY-NC-4.0")],
        ext(purpose="commercial"),
        True,
        warns={"LICENCE_ATTRIBUTION"},
    ),
    Case(
        "AND: every licence applies",
        [public(licence="CC-BY-NC-4.0 AND MIT")],
        ext(purpose="commercial"),
        False,
        {"LICENCE_NONCOMMERCIAL"},
        {"LICENCE_ATTRIBUTION"},
    ),
    Case(
        "OR of two blocking branches still blocks",
        [public(licence="CC-BY-NC-4.0 OR CC-BY-NC-SA-4.0")],
        ext(purpose="commercial"),
        False,
        {"LICENCE_NONCOMMERCIAL"},
        {"LICENCE_ATTRIBUTION"},
    ),
    Case(
        "unknown licence, no agreement: fail closed",
        [public(licence="LicenseRef-Mystery")],
        EXTERNAL,
        False,
        {"LICENCE_UNKNOWN"},
    ),
    Case(
        "unknown licence governed by an agreement",
        [
            public(
                licence="LicenseRef-Mystery",
                agreements=[
                    {
                        "id": "L-1",
                        "kind": "licence",
                        "counterparty": "Vendor",
                        "permits": {"derivatives": "any", "commercial_use": True},
                    }
                ],
            )
        ],
        ext(purpose="commercial"),
        True,
    ),
    Case(
        "ODbL share-alike",
        [public(licence="ODbL-1.0")],
        EXTERNAL,
        True,
        warns={"LICENCE_ATTRIBUTION", "LICENCE_SHARE_ALIKE"},
    ),
    Case(
        "OpenRAIL use restrictions travel",
        [public(licence="LicenseRef-OpenRAIL-M")],
        EXTERNAL,
        True,
        warns={"LICENCE_ATTRIBUTION", "LICENCE_USE_RESTRICTIONS"},
    ),
    Case(
        "Apache-2.0 WITH exception",
        [public(licence="Apache-2.0 WITH LLVM-exception")],
        EXTERNAL,
        True,
        warns={"LICENCE_ATTRIBUTION"},
    ),
    # confidentiality against the audience
    Case(
        "internal data, no agreement, external recipient",
        [public(confidentiality="internal")],
        EXTERNAL,
        False,
        {"CONFIDENTIALITY_AUDIENCE"},
    ),
    Case("internal data, no agreement, internal recipient", [public(confidentiality="internal")], INTERNAL, True),
    Case(
        "internal recipient matched case-insensitively",
        [public(confidentiality="internal")],
        intl(org="  acme hospital "),
        True,
    ),
    Case(
        "restricted, no agreement, even internal",
        [public(confidentiality="restricted")],
        INTERNAL,
        False,
        {"CONFIDENTIALITY_AUDIENCE"},
    ),
    Case(
        "restricted, recipient listed by an agreement",
        [
            public(
                confidentiality="restricted",
                agreements=[
                    {
                        "id": "N-1",
                        "kind": "nda",
                        "counterparty": "X",
                        "permits": {"derivatives": "listed", "recipients": ["Partner Lab"], "commercial_use": False},
                    }
                ],
            )
        ],
        PARTNER,
        True,
    ),
    Case(
        "confidential with agreement 'any'",
        [
            public(
                confidentiality="confidential",
                agreements=[
                    {
                        "id": "D-1",
                        "kind": "data-use-agreement",
                        "counterparty": "X",
                        "permits": {"derivatives": "any", "commercial_use": True},
                    }
                ],
            )
        ],
        ext(purpose="commercial", territory="US"),
        True,
    ),
    Case(
        "the data owner receives a model of its own data",
        [public(confidentiality="confidential", owner={"name": "Partner Lab"})],
        PARTNER,
        True,
    ),
    Case(
        "the data owner of one source is still outside for another",
        [
            public("a", confidentiality="confidential", owner={"name": "Partner Lab"}),
            public("b", confidentiality="confidential", owner={"name": "Other Clinic"}),
        ],
        PARTNER,
        False,
        {"CONFIDENTIALITY_AUDIENCE"},
    ),
    # the hospital example: agreement, GDPR, privacy
    Case("hospital data to the hospital's own team", [HOSP], INTERNAL, True),
    Case(
        "hospital data to an outside company",
        [HOSP],
        EXTERNAL,
        False,
        {"CONFIDENTIALITY_AUDIENCE", "AGREEMENT_FORBIDS_SHARING", "SPECIAL_CATEGORY_DATA", "PRIVACY_AUDIT_MISSING"},
    ),
    Case(
        "hospital data, internal, commercial purpose",
        [HOSP],
        intl(purpose="commercial"),
        False,
        {"PURPOSE_NOT_PERMITTED"},
    ),
    Case(
        "hospital data, internal, outside permitted territory",
        [HOSP],
        intl(territory="US"),
        False,
        {"TERRITORY_NOT_PERMITTED"},
    ),
    Case("territory not stated: fail closed", [HOSP], intl(territory=None), False, {"TERRITORY_NOT_PERMITTED"}),
    Case("purpose not stated: fail closed", [HOSP], intl(purpose=None), False, {"PURPOSE_NOT_PERMITTED"}),
    Case("EU group permits France", [LISTED], PARTNER, False, {"SPECIAL_CATEGORY_DATA", "PRIVACY_AUDIT_MISSING"}),
    Case(
        "listed partner, model assessed anonymous",
        [LISTED],
        PARTNER,
        True,
        warns={"ANONYMOUS_MODEL"},
        privacy=ANON,
    ),
    Case(
        "listed partner outside the EU territory",
        [LISTED],
        Recipient(name="Partner Lab", org="Partner Lab", purpose="research", territory="CH"),
        False,
        {"TERRITORY_NOT_PERMITTED"},
        {"ANONYMOUS_MODEL"},
        privacy=ANON,
    ),
    Case(
        "recipient not on the agreement's list",
        [LISTED],
        EXTERNAL,
        False,
        {"CONFIDENTIALITY_AUDIENCE", "RECIPIENT_NOT_PERMITTED"},
        {"ANONYMOUS_MODEL"},
        privacy=ANON,
    ),
    Case(
        "agreement forbids all derivatives",
        [manifest(agreements__0__permits__derivatives="none")],
        INTERNAL,
        False,
        {"AGREEMENT_FORBIDS_SHARING"},
    ),
    Case(
        "model memorises personal data",
        [LISTED],
        PARTNER,
        False,
        {"PERSONAL_DATA_MEMORISED", "SPECIAL_CATEGORY_DATA"},
        privacy=MEMORISED,
    ),
    Case(
        "membership leakage above the limit",
        [LISTED],
        PARTNER,
        False,
        {"MEMBERSHIP_LEAKAGE", "SPECIAL_CATEGORY_DATA"},
        privacy=LEAKY,
    ),
    Case(
        "memorised model stays internal: GDPR rules are for outside recipients",
        [HOSP],
        INTERNAL,
        True,
        privacy=MEMORISED,
    ),
    # GDPR transfers with non-special personal data on public-ish data
    Case(
        "personal data to the US, transfer not allowed, anonymous model",
        [public(personal_data={"contains": True, "categories": ["contact"], "legal_basis": "legitimate_interests"})],
        ext(territory="US"),
        True,
        warns={"ANONYMOUS_MODEL"},
        privacy=ANON,
    ),
    Case(
        "personal data to the US, no assessment",
        [public(personal_data={"contains": True, "categories": ["contact"], "legal_basis": "legitimate_interests"})],
        ext(territory="US"),
        False,
        {"TRANSFER_OUTSIDE_EEA", "PRIVACY_AUDIT_MISSING"},
    ),
    Case(
        "personal data inside the EEA (Norway), audit not required",
        [public(personal_data={"contains": True, "categories": ["contact"], "legal_basis": "legitimate_interests"})],
        ext(territory="NO"),
        True,
        config=NO_AUDIT,
    ),
    Case(
        "personal data, transfer outside the EEA allowed",
        [
            public(
                personal_data={
                    "contains": True,
                    "categories": ["contact"],
                    "legal_basis": "contract",
                    "transfer_outside_eea": True,
                }
            )
        ],
        ext(territory="US"),
        True,
        config=NO_AUDIT,
    ),
    Case(
        "special category anonymised at source",
        [
            public(
                personal_data={
                    "contains": True,
                    "categories": ["health"],
                    "legal_basis": "consent",
                    "special_category_condition": "explicit_consent",
                    "anonymisation": "anonymised",
                }
            )
        ],
        EXTERNAL,
        True,
        config=NO_AUDIT,
    ),
    # dates: exact edges
    Case(
        "embargo ends tomorrow",
        [public(embargo_until=TODAY + dt.timedelta(days=1))],
        EXTERNAL,
        False,
        {"EMBARGO_ACTIVE"},
        warns={"EMBARGO_ENDING"},
    ),
    Case(
        "embargo ends in 31 days: no warning yet",
        [public(embargo_until=TODAY + dt.timedelta(days=31))],
        EXTERNAL,
        False,
        {"EMBARGO_ACTIVE"},
    ),
    Case("embargo ends today", [public(embargo_until=TODAY)], EXTERNAL, True),
    Case(
        "agreement expired yesterday",
        [manifest(agreements__0__expires=TODAY - dt.timedelta(days=1))],
        INTERNAL,
        False,
        {"AGREEMENT_EXPIRED"},
    ),
    Case(
        "agreement expires today",
        [manifest(agreements__0__expires=TODAY)],
        INTERNAL,
        True,
        warns={"AGREEMENT_EXPIRING"},
    ),
    Case(
        "agreement expires in 30 days: warn",
        [manifest(agreements__0__expires=TODAY + dt.timedelta(days=30))],
        INTERNAL,
        True,
        warns={"AGREEMENT_EXPIRING"},
    ),
    Case(
        "agreement expires in 31 days", [manifest(agreements__0__expires=TODAY + dt.timedelta(days=31))], INTERNAL, True
    ),
    Case(
        "retention passed, no personal data: warn",
        [public(retention={"delete_by": TODAY - dt.timedelta(days=1)})],
        EXTERNAL,
        True,
        warns={"RETENTION_ENDED"},
    ),
    Case(
        "retention passed, personal data: block",
        [manifest(retention={"delete_by": TODAY - dt.timedelta(days=1)})],
        INTERNAL,
        False,
        {"RETENTION_EXPIRED"},
    ),
    Case("retention ends today", [manifest(retention={"delete_by": TODAY})], INTERNAL, True),
    # lineage
    Case(
        "parent's terms are inherited",
        [public("pub2")],
        EXTERNAL,
        False,
        {"CONFIDENTIALITY_AUDIENCE", "AGREEMENT_FORBIDS_SHARING", "SPECIAL_CATEGORY_DATA", "PRIVACY_AUDIT_MISSING"},
        parents=[parent(GEN1)],
    ),
    Case(
        "two generations: grandparent's terms reach the grandchild",
        [public("pub3")],
        EXTERNAL,
        False,
        {"CONFIDENTIALITY_AUDIENCE", "AGREEMENT_FORBIDS_SHARING", "SPECIAL_CATEGORY_DATA", "PRIVACY_AUDIT_MISSING"},
        parents=[parent(GEN2)],
    ),
    Case("two generations, internal recipient", [public("pub3")], INTERNAL, True, parents=[parent(GEN2)]),
    Case(
        "grandparent's dataset tightened since signing",
        [public("pub3")],
        INTERNAL,
        False,
        {"AGREEMENT_FORBIDS_SHARING"},
        parents=[parent(GEN2)],
        current=[public("pub3"), public("pub2"), manifest(agreements__0__permits__derivatives="none")],
    ),
    Case(
        "current manifest stricter than the snapshot",
        [
            public(
                confidentiality="confidential",
                agreements=[
                    {
                        "id": "D-1",
                        "kind": "data-use-agreement",
                        "counterparty": "X",
                        "permits": {"derivatives": "any", "commercial_use": True},
                    }
                ],
            )
        ],
        EXTERNAL,
        False,
        {"AGREEMENT_FORBIDS_SHARING", "CONFIDENTIALITY_AUDIENCE"},
        current=[
            public(
                confidentiality="confidential",
                agreements=[
                    {
                        "id": "D-1",
                        "kind": "data-use-agreement",
                        "counterparty": "X",
                        "permits": {"derivatives": "internal", "commercial_use": True},
                    }
                ],
            )
        ],
    ),
    Case(
        "current manifest looser than the snapshot: the snapshot still binds",
        [HOSP],
        EXTERNAL,
        False,
        {"CONFIDENTIALITY_AUDIENCE", "AGREEMENT_FORBIDS_SHARING", "SPECIAL_CATEGORY_DATA", "PRIVACY_AUDIT_MISSING"},
        current=[manifest(confidentiality="public", agreements__0__permits__derivatives="any")],
    ),
    Case(
        "dataset no longer registered: snapshot applies",
        [public()],
        EXTERNAL,
        True,
        warns={"DATASET_UNREGISTERED"},
        current=[],
    ),
    # a commit is an export to the repository's audience
    Case("hospital model committed to the hospital's internal repository", [HOSP], REPO_INTERNAL, True),
    Case(
        "hospital model committed to a public repository",
        [HOSP],
        REPO_PUBLIC,
        False,
        {
            "CONFIDENTIALITY_AUDIENCE",
            "AGREEMENT_FORBIDS_SHARING",
            "PURPOSE_NOT_PERMITTED",
            "TERRITORY_NOT_PERMITTED",
            "SPECIAL_CATEGORY_DATA",
            "TRANSFER_OUTSIDE_EEA",
            "PRIVACY_AUDIT_MISSING",
        },
        config=PUBLIC_CONFIG,
    ),
    Case("public CC0 model in a public repository", [public()], REPO_PUBLIC, True, config=PUBLIC_CONFIG),
    Case(
        "confidential data, no agreement, public repository",
        [public(confidentiality="confidential")],
        REPO_PUBLIC,
        False,
        {"CONFIDENTIALITY_AUDIENCE"},
        config=PUBLIC_CONFIG,
    ),
    Case(
        "restricted data stays out of the internal repository too",
        [public(confidentiality="restricted")],
        REPO_INTERNAL,
        False,
        {"CONFIDENTIALITY_AUDIENCE"},
    ),
    # verification first
    Case(
        "a tampered artefact is refused before any rule",
        [public()],
        EXTERNAL,
        False,
        {"DIGEST_MISMATCH"},
        verification=Verification(
            verified=False,
            artefact="m.joblib",
            card="m.joblib.prov.json",
            reasons=[Reason(code="DIGEST_MISMATCH", message="changed", source="m.joblib")],
        ),
    ),
    Case(
        "a parent whose card does not verify",
        [public()],
        EXTERNAL,
        False,
        {"PARENT_UNVERIFIED"},
        parent_checks=[
            Verification(
                verified=False,
                artefact="base.joblib",
                card="base.joblib.prov.json",
                reasons=[Reason(code="KEY_REVOKED", message="revoked", source="base.joblib.prov.json")],
            )
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_decision(case: Case) -> None:
    c = card(case.datasets, case.parents, case.privacy)
    current_manifests = case.datasets if case.current is None else case.current
    decision = decide(
        c,
        case.verification,
        current={m.name: m.terms() for m in current_manifests},
        recipient=case.recipient,
        config=case.config,
        now=NOW,
        parents=case.parent_checks,
    )
    blocks = {r.code for r in decision.reasons if r.severity == "block"}
    warns = {r.code for r in decision.reasons if r.severity == "warn"}
    assert (decision.allowed, blocks, warns) == (case.allowed, case.blocks, case.warns), decision.reasons
    for r in decision.reasons:
        assert r.code in CODES and r.source and r.message


def test_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_every_reason_says_how_to_resolve_or_why() -> None:
    c = card([HOSP])
    decision = decide(c, OK, current={}, recipient=ext(purpose="commercial", territory="US"), config=CONFIG, now=NOW)
    assert not decision.allowed
    for r in decision.reasons:
        assert len(r.message) > 30 and r.source
