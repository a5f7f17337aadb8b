"""The most-restrictive join of terms (DESIGN.md, "Policy"), as pure functions."""

from __future__ import annotations

import copy
import datetime as dt

import yaml
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.model.dataset import Confidentiality, DatasetManifest, Derivatives
from provenance.policy.terms import dataset_terms, join

BASE = yaml.safe_load((EXAMPLES / "patients-2024.yaml").read_text())


def _terms(name: str, **changes: object):  # type: ignore[no-untyped-def]
    data = copy.deepcopy(BASE)
    data["name"] = name
    permits = data["agreements"][0]["permits"]
    for key, value in changes.items():
        if key in permits:
            permits[key] = value
        elif key == "no_agreement":
            data["agreements"] = []
        elif key == "no_personal_data":
            data["personal_data"] = {"contains": False}
        else:
            data[key] = value
    return dataset_terms(name, DatasetManifest.model_validate(data).terms())


def test_join_is_most_restrictive() -> None:
    a = _terms(
        "a",
        confidentiality="internal",
        commercial_use=True,
        derivatives="any",
        territories=["EU"],
        embargo_until=dt.date(2027, 1, 1),
        licence="MIT",
        no_personal_data=True,
    )
    b = _terms(
        "b",
        confidentiality="restricted",
        commercial_use=False,
        derivatives="listed",
        recipients=["Partner Lab", "Other"],
        territories=["DE", "US"],
        embargo_until=dt.date(2026, 6, 1),
    )
    c = _terms("c", derivatives="listed", recipients=["partner lab"], territories=[])
    t = join([a, b, c])
    assert t.confidentiality is Confidentiality.restricted
    assert t.commercial_use is False
    assert t.derivatives is Derivatives.listed  # min(any, listed, listed)
    assert t.recipients == ["Partner Lab"]
    assert t.territories == ["DE"]  # EU ∩ {DE, US}, c unrestricted
    assert t.embargo_until == dt.date(2027, 1, 1)
    assert t.agreements_expire == dt.date(2027, 2, 1)
    assert t.personal_data is True and t.special_categories == ["health"]
    assert t.transfer_outside_eea is False
    assert t.licence == "MIT AND LicenseRef-Acme-DUA"
    assert t.sources == ["a", "b", "c"]


def test_nothing_to_join_fails_closed() -> None:
    t = join([])
    assert t.confidentiality is Confidentiality.restricted
    assert t.derivatives is Derivatives.none and t.commercial_use is False and t.transfer_outside_eea is False


def test_no_agreement_public_data_leaves_sharing_to_the_licence() -> None:
    t = _terms("x", no_agreement=True, confidentiality="public")
    assert t.derivatives is None and t.commercial_use is None and t.recipients is None


def test_no_agreement_confidential_data_stays_inside() -> None:
    assert _terms("x", no_agreement=True).derivatives is Derivatives.internal
    assert _terms("x", no_agreement=True, confidentiality="restricted").derivatives is Derivatives.none
    # and a permissive agreement on another source cannot loosen it
    any_ = _terms("y", derivatives="any", confidentiality="public")
    assert join([_terms("x", no_agreement=True), any_]).derivatives is Derivatives.internal


_conf = st.sampled_from(list(Confidentiality))
_deriv = st.sampled_from(["none", "internal", "any"])


@settings(deadline=None)
@given(st.lists(st.tuples(_conf, _deriv, st.booleans()), min_size=1, max_size=5))
def test_join_never_loosens(parts: list[tuple[Confidentiality, str, bool]]) -> None:
    terms = [
        _terms(f"d{i}", confidentiality=c.value, derivatives=d, commercial_use=cu) for i, (c, d, cu) in enumerate(parts)
    ]
    joined = join(terms)
    for t in terms:
        assert joined.confidentiality.rank >= t.confidentiality.rank
        assert joined.derivatives is not None and t.derivatives is not None
        assert joined.derivatives.rank <= t.derivatives.rank
        assert not joined.commercial_use or t.commercial_use
    # joining is order-independent and idempotent on the restrictions
    again = join([*reversed(terms), joined])
    assert again.confidentiality == joined.confidentiality and again.derivatives == joined.derivatives


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ABCXYZabcxyz0189.-", min_size=1, max_size=24))
def test_a_custom_licence_id_is_normalised_as_the_full_parse_would(idstring: str) -> None:
    """``normalise`` answers a lone ``LicenseRef-…`` without the SPDX database; the full parse must agree."""
    from provenance.licences import _normalise_expression, licence_ids, normalise, spdx

    text = f"LicenseRef-{idstring}"
    assert normalise(text) == _normalise_expression(text) == text
    assert licence_ids(text) == list(spdx().license_keys(spdx().parse(text))) == [text]
    assert normalise(f"  {text}\n") == text
