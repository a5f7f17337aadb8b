"""The most-restrictive join of terms (DESIGN.md, "Policy"), as pure functions."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest
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


def _license_ids() -> list[str]:
    """Every key and alias the SPDX database knows, without a LicenseRef- prefix, to build ids from."""
    from provenance.licences import spdx

    keys = {k for s in spdx().known_symbols.values() for k in (s.key, *getattr(s, "aliases", ()))}
    return sorted({re.sub(r"^(?i:licenseref-)", "", k) for k in keys})


def _ids_the_database_knows() -> list[str]:
    from provenance.licence_refs import KNOWN

    return sorted(k.removeprefix("licenseref-") for k in KNOWN)


def _built(key: str, pre: str, post: str, upper: bool) -> str:
    text = pre + re.sub(r"[^A-Za-z0-9.-]", "", key) + post
    return text.upper() if upper else text


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="ABCXYZabcxyz0189.-", min_size=1, max_size=24),
        st.builds(
            _built,
            st.sampled_from(_license_ids()),
            st.sampled_from(["", "x", "x-", "scancode-"]),
            st.sampled_from(["", "-x", ".1", "-only", "-or-later"]),
            st.booleans(),
        ),
        st.builds(_built, st.sampled_from(_ids_the_database_knows()), st.just(""), st.just(""), st.booleans()),
    ).filter(bool)
)
def test_a_custom_licence_id_is_normalised_as_the_full_parse_would(idstring: str) -> None:
    """``normalise`` answers a lone ``LicenseRef-…`` the database does not know without loading it; the
    full parse must agree, also for ids made of the database's own keys and aliases."""
    from provenance.licences import _normalise_expression, licence_ids, normalise, spdx

    text = f"LicenseRef-{idstring}"
    try:
        full: str | None = _normalise_expression(text)
    except ValueError:
        full = None
    try:
        ours: str | None = normalise(text)
    except ValueError:
        ours = None
    assert ours == full
    if full == text:
        assert licence_ids(text) == list(spdx().license_keys(spdx().parse(text))) == [text]


def test_licenceref_ids_the_database_knows_take_the_full_parse() -> None:
    """The attacker's cases: ids that look custom but are the database's aliases or exceptions."""
    from provenance.licences import normalise

    assert normalise("LicenseRef-MIT-TC") == "MIT"
    assert normalise("LicenseRef-Apache-2.0") == "Apache-2.0"
    with pytest.raises(ValueError):
        normalise("LicenseRef-scancode-ada-linking-exception")
    assert normalise("LicenseRef-Acme-DUA") == "LicenseRef-Acme-DUA"


def test_the_known_licenceref_list_is_the_installed_databases() -> None:
    from pathlib import Path

    from provenance import licence_refs, licences

    assert licences.refs_module() == Path(licence_refs.__file__).read_text(), "python -m provenance.licences"


def test_another_database_means_the_full_parse(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from provenance import licence_refs, licences

    monkeypatch.setattr(licence_refs, "INDEX_SHA256", "0" * 64)
    licences._index_listed.cache_clear()
    try:
        assert not licences._custom_id("LicenseRef-Acme-DUA")
        assert licences._listed_id("mit") is None
        assert licences.normalise("mit") == "MIT"  # by the full parse
        assert licences.normalise("LicenseRef-Acme-DUA") == "LicenseRef-Acme-DUA"  # by the full parse
    finally:
        licences._index_listed.cache_clear()


def _canonical_keys() -> list[str]:
    from provenance.licence_refs import CANONICAL

    return sorted(CANONICAL)


def _cased(key: str, how: int) -> str:
    return [key, key.upper(), key.lower(), key.title(), key.swapcase()][how]


@settings(max_examples=800, deadline=None)
@given(
    st.one_of(
        st.builds(_cased, st.sampled_from(_canonical_keys()), st.integers(0, 4)),
        st.builds(
            _built,
            st.sampled_from(_license_ids()),
            st.sampled_from(["", "x", "1"]),
            st.sampled_from(["", "+", "-only", "-or-later", ".0", "x"]),
            st.booleans(),
        ),
        st.text(alphabet="ABCGLPMITabcglpmit0123.-+", min_size=1, max_size=12),
    )
)
def test_a_listed_licence_id_is_normalised_as_the_full_parse_would(text: str) -> None:
    """``normalise`` answers a lone id the SPDX database lists from ``licence_refs.CANONICAL``, without the
    database: in any case of letters, and for near misses (which the table must not answer), the full
    parse says the same, or refuses it too."""
    from provenance.licences import _listed_id, _normalise_expression, licence_ids, normalise, spdx

    try:
        full: str | None = _normalise_expression(text)
    except ValueError:
        full = None
    try:
        ours: str | None = normalise(text)
    except ValueError:
        ours = None
    assert ours == full
    listed = _listed_id(text)
    assert listed is None or listed == full
    if full is not None:
        assert licence_ids(text) == list(dict.fromkeys(spdx().license_keys(spdx().parse(text))))


def test_every_listed_licence_id_is_the_full_parse_of_it() -> None:
    from provenance.licence_refs import CANONICAL
    from provenance.licences import _listed_id, _normalise_expression, licence_ids, spdx

    assert len(CANONICAL) > 600  # the SPDX list, not a handful
    for key, canonical in CANONICAL.items():
        assert _listed_id(key) == canonical == _normalise_expression(key), key
        assert licence_ids(key) == licence_ids(canonical) == [canonical]
        assert list(dict.fromkeys(spdx().license_keys(spdx().parse(key)))) == [canonical]
    assert _listed_id("MIT AND Apache-2.0") is None and _listed_id("GPL 2.0") is None


def test_a_card_licence_of_one_listed_id_loads_no_spdx_database() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from provenance.licences import normalise; "
        "from provenance.licences import hf_licence; "
        "assert normalise('mit') == 'MIT' and normalise('GPL-2.0+') == 'GPL-2.0-or-later'; "
        "assert hf_licence('MIT') == ('mit', None); "
        "print(sorted(m for m in sys.modules if m.startswith('license_expression')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
