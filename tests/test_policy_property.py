"""Property: adding a dataset or a parent to an artefact never turns a refusal into an allowance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_policy_decide import CONFIG, NO_AUDIT, NOW, OK, _audit, card, parent

from provenance.model.card import Memorisation, Privacy
from provenance.model.dataset import DatasetManifest
from provenance.model.decision import Recipient
from provenance.policy.decide import decide

TODAY = NOW.date()
LICENCES = [
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-SA-4.0",
    "MIT OR CC-BY-NC-4.0",
    "ODbL-1.0",
    "LicenseRef-Custom",
    "LicenseRef-OpenRAIL-M",
    "CC-BY-NC-4.0 AND MIT",
]
ORGS = ["Acme Hospital", "Globex Pharma", "Partner Lab"]
TERRITORIES = ["DE", "FR", "US", "NO", "CH", "EU"]
days = st.integers(min_value=-3, max_value=3).map(lambda n: TODAY + dt.timedelta(days=n))


def mostly(value: Any, other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually the benign value, so that interactions between a few restrictions get explored."""
    return st.one_of(st.just(value), st.just(value), st.just(value), other)


@st.composite
def manifests(draw: Any, name: str) -> DatasetManifest:
    data: dict[str, Any] = {
        "name": name,
        "version": "1",
        "origin": {"source": "s"},
        "owner": {"name": draw(st.sampled_from(ORGS))},
        "licence": draw(mostly("CC0-1.0", st.sampled_from(LICENCES))),
        "confidentiality": draw(st.sampled_from(["public", "internal", "confidential", "restricted"])),
        "embargo_until": draw(st.none() | days),
        "retention": {"delete_by": draw(st.none() | days)},
    }
    if draw(st.booleans()):
        derivatives = draw(st.sampled_from(["none", "internal", "listed", "any"]))
        data["agreements"] = [
            {
                "id": f"A-{name}",
                "kind": draw(st.sampled_from(["nda", "data-use-agreement", "licence"])),
                "counterparty": "c",
                "expires": draw(st.none() | days),
                "permits": {
                    "derivatives": derivatives,
                    "recipients": draw(st.lists(st.sampled_from(ORGS), min_size=1, max_size=2, unique=True))
                    if derivatives == "listed"
                    else [],
                    "commercial_use": draw(st.booleans()),
                    "purposes": draw(st.lists(st.sampled_from(["research", "commercial"]), max_size=2, unique=True)),
                    "territories": draw(st.lists(st.sampled_from(TERRITORIES), max_size=2, unique=True)),
                },
            }
        ]
    if draw(mostly(False, st.booleans())):
        special = draw(st.booleans())
        data["personal_data"] = {
            "contains": True,
            "categories": ["health"] if special else ["contact"],
            "legal_basis": "consent",
            "special_category_condition": "explicit_consent" if special else None,
            "anonymisation": draw(st.sampled_from(["none", "pseudonymised", "anonymised"])),
            "transfer_outside_eea": draw(st.booleans()),
        }
    else:
        data["personal_data"] = {"contains": False}
    return DatasetManifest.model_validate(data)


recipients = st.builds(
    Recipient,
    name=st.just("r"),
    org=st.sampled_from([*ORGS, None]),
    purpose=st.sampled_from(["research", "commercial", None]),
    territory=st.sampled_from([*TERRITORIES, None]),
    kind=st.sampled_from(["person", "repository"]),
)
privacies = st.sampled_from(
    [
        Privacy(),
        Privacy(memorisation=Memorisation(risk="low", method="m"), membership_inference=_audit(0.01)),
        Privacy(memorisation=Memorisation(risk="high", method="m")),
        Privacy(memorisation=Memorisation(risk="low", method="m"), membership_inference=_audit(0.5)),
    ]
)


def _allowed(
    datasets: list[DatasetManifest], parents: list[Any], recipient: Recipient, privacy: Privacy, config: Any
) -> bool:
    c = card(datasets, parents, privacy)
    current = {m.name: m.terms() for m in datasets}
    return decide(c, OK, current=current, recipient=recipient, config=config, now=NOW).allowed


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    base=st.lists(st.integers(0, 10**6), min_size=1, max_size=3, unique=True).flatmap(
        lambda ids: st.tuples(*[manifests(f"d{i}") for i in ids])
    ),
    extra=manifests("extra"),
    recipient=recipients,
    privacy=privacies,
    config=st.sampled_from([CONFIG, NO_AUDIT]),
)
def test_adding_a_dataset_never_allows_more(
    base: tuple[DatasetManifest, ...], extra: DatasetManifest, recipient: Recipient, privacy: Privacy, config: Any
) -> None:
    if not _allowed(list(base), [], recipient, privacy, config):
        assert not _allowed([*base, extra], [], recipient, privacy, config)


@SETTINGS
@given(
    base=manifests("d0"),
    ancestry=st.lists(manifests("p"), min_size=1, max_size=2),
    recipient=recipients,
    privacy=privacies,
    config=st.sampled_from([CONFIG, NO_AUDIT]),
)
def test_adding_a_parent_never_allows_more(
    base: DatasetManifest, ancestry: list[DatasetManifest], recipient: Recipient, privacy: Privacy, config: Any
) -> None:
    p = parent(card([m.model_copy(update={"name": f"{m.name}{i}"}) for i, m in enumerate(ancestry)], name="p.joblib"))
    if not _allowed([base], [], recipient, privacy, config):
        assert not _allowed([base], [p], recipient, privacy, config)
