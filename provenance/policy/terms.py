"""The effective terms of an artefact: the most restrictive join over datasets and parents.

confidentiality max; commercial use AND; recipients, purposes and territories intersect; embargo max;
expiry and deletion dates min; personal-data flags OR; derivative sharing min; licences carried per
source. Pure functions.

A source with no agreement still limits derivative sharing through its confidentiality (internal or
confidential data: the owning organisation only; restricted: nobody), so adding a source can never
loosen the result: the join is monotone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from .. import licences
from ..model.dataset import (
    Confidentiality,
    DatasetTerms,
    Derivatives,
)
from ..model.terms import EffectiveTerms, LegalBasisEntry, LicenceEntry
from ..model.territories import TERRITORY_GROUPS

T = TypeVar("T")


def dataset_terms(name: str, terms: DatasetTerms) -> EffectiveTerms:
    """One dataset's terms in joinable form (its agreements already joined among themselves)."""
    permits = [a.permits for a in terms.agreements]
    pd = terms.personal_data
    return EffectiveTerms(
        sources=[name],
        owners=[terms.owner.name],
        confidentiality=terms.confidentiality,
        licence=terms.licence,
        licences=[LicenceEntry(source=name, licence=terms.licence, agreement=bool(terms.agreements))],
        commercial_use=_and([p.commercial_use for p in permits]),
        derivatives=min((p.derivatives for p in permits), key=lambda d: d.rank, default=None)
        if permits
        else default_derivatives(terms.confidentiality),
        recipients=_intersect([p.recipients if p.derivatives is Derivatives.listed else None for p in permits]),
        purposes=_intersect([p.purposes or None for p in permits]),
        territories=_intersect_territories([p.territories or None for p in permits]),
        embargo_until=terms.embargo_until,
        agreements_expire=_min([a.expires for a in terms.agreements]),
        delete_by=terms.delete_by,
        agreements=[a.id for a in terms.agreements],
        personal_data=pd.contains,
        special_categories=pd.special_categories,
        legal_bases=[
            LegalBasisEntry(
                source=name,
                legal_basis=pd.legal_basis.value if pd.legal_basis else None,
                special_category_condition=pd.special_category_condition.value
                if pd.special_category_condition
                else None,
            )
        ]
        if pd.contains
        else [],
        anonymisation=pd.anonymisation if pd.contains else None,
        transfer_outside_eea=pd.transfer_outside_eea or not pd.contains,
    )


def join(parts: Iterable[EffectiveTerms]) -> EffectiveTerms:
    """Most restrictive combination. With nothing to join, the terms are unknown: fail closed."""
    items = list(parts)
    if not items:
        return EffectiveTerms(
            sources=[],
            confidentiality=Confidentiality.restricted,
            derivatives=Derivatives.none,
            commercial_use=False,
            transfer_outside_eea=False,
        )
    anonymisations = [t.anonymisation for t in items if t.anonymisation is not None]
    return EffectiveTerms(
        sources=_union(t.sources for t in items),
        owners=_union(t.owners for t in items),
        confidentiality=max((t.confidentiality for t in items), key=lambda c: c.rank),
        licence=licences.join([t.licence for t in items if t.licence]),
        licences=_unique_entries([e for t in items for e in _licence_entries(t)]),
        commercial_use=_and([t.commercial_use for t in items if t.commercial_use is not None]),
        derivatives=min(
            (d for d in (_derivatives_of(t) for t in items) if d is not None), key=lambda d: d.rank, default=None
        ),
        recipients=_intersect([t.recipients for t in items]),
        purposes=_intersect([t.purposes for t in items]),
        territories=_intersect_territories([t.territories for t in items]),
        embargo_until=_max([t.embargo_until for t in items]),
        agreements_expire=_min([t.agreements_expire for t in items]),
        delete_by=_min([t.delete_by for t in items]),
        agreements=_union(t.agreements for t in items),
        personal_data=any(t.personal_data for t in items),
        special_categories=_union(t.special_categories for t in items),
        legal_bases=[e for t in items for e in t.legal_bases],
        anonymisation=min(anonymisations, key=lambda a: a.rank) if anonymisations else None,
        transfer_outside_eea=all(t.transfer_outside_eea for t in items),
    )


def _and(values: list[bool]) -> bool | None:
    return all(values) if values else None


def _min(values: list[T | None]) -> T | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None  # type: ignore[type-var]


def _max(values: list[T | None]) -> T | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None  # type: ignore[type-var]


def _union(groups: Iterable[list[str]]) -> list[str]:
    return list(dict.fromkeys(v for g in groups for v in g))


def _intersect(sets: list[list[str] | None]) -> list[str] | None:
    """None is "anyone"; intersecting restrictions keeps the ones every source allows."""
    result: list[str] | None = None
    for s in sets:
        if s is None:
            continue
        result = list(s) if result is None else [v for v in result if v.casefold() in {x.casefold() for x in s}]
    return result


def _expand(territories: list[str]) -> set[str]:
    out: set[str] = set()
    for t in territories:
        out |= TERRITORY_GROUPS.get(t, {t})
    return out


def _compress(countries: set[str]) -> list[str]:
    for name in ("EEA", "EU"):
        group = TERRITORY_GROUPS[name]
        if group <= countries:
            return [name, *sorted(countries - group)]
    return sorted(countries)


def _intersect_territories(sets: list[list[str] | None]) -> list[str] | None:
    restricted = [s for s in sets if s is not None]
    if not restricted:
        return None
    if len(restricted) == 1:
        return list(restricted[0])
    common = _expand(restricted[0])
    for s in restricted[1:]:
        common &= _expand(s)
    return _compress(common)


def default_derivatives(confidentiality: Confidentiality) -> Derivatives | None:
    """What a source with no agreement allows: its confidentiality decides (fail closed)."""
    if confidentiality is Confidentiality.public:
        return None
    if confidentiality is Confidentiality.restricted:
        return Derivatives.none
    return Derivatives.internal


def _derivatives_of(t: EffectiveTerms) -> Derivatives | None:
    # Terms signed by prov 0.1.0 left derivatives empty for sources without agreements.
    return t.derivatives if t.derivatives is not None else default_derivatives(t.confidentiality)


def _licence_entries(t: EffectiveTerms) -> list[LicenceEntry]:
    if t.licences:
        return list(t.licences)
    if t.licence:  # terms signed before per-source licences were recorded
        return [LicenceEntry(source=",".join(t.sources), licence=t.licence, agreement=bool(t.agreements))]
    return []


def _unique_entries(entries: list[LicenceEntry]) -> list[LicenceEntry]:
    seen: dict[tuple[str, str, bool], LicenceEntry] = {}
    for e in entries:
        seen.setdefault((e.source, e.licence, e.agreement), e)
    return list(seen.values())


_RESTRICTIONS = (
    "confidentiality",
    "commercial_use",
    "derivatives",
    "recipients",
    "purposes",
    "territories",
    "embargo_until",
    "agreements_expire",
    "delete_by",
    "personal_data",
    "special_categories",
    "anonymisation",
    "transfer_outside_eea",
)


def loosened(old: EffectiveTerms, new: EffectiveTerms) -> list[str]:
    """The restrictions ``new`` relaxes compared with ``old`` (where the stricter join differs from ``new``)."""
    strict = join([old, new])
    out = [f for f in _RESTRICTIONS if _norm(getattr(strict, f)) != _norm(getattr(new, f))]
    if set(licences.licence_ids(new.licence or "NONE")) != set(licences.licence_ids(old.licence or "NONE")):
        out.append("licence")
    return out


def _norm(value: object) -> object:
    return sorted(value) if isinstance(value, list) else value
