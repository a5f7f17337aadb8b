"""What a decision is about: the sources an artefact was made from, the audience it goes to, and the
small helpers every rule family shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..model.card import ModelCard
from ..model.dataset import DatasetTerms
from ..model.decision import Reason, Recipient
from ..model.terms import EffectiveTerms
from ..model.territories import EEA_COUNTRIES, TERRITORY_GROUPS
from .terms import dataset_terms, join


@dataclass(frozen=True)
class Source:
    """One thing the artefact was made from, with the terms that bind it."""

    label: str  # "dataset patients-2024" / "parent base.joblib"
    terms: EffectiveTerms


@dataclass(frozen=True)
class Audience:
    recipient: Recipient
    internal: bool  # the recipient's organisation owns the repository

    def inside(self, source: Source) -> bool:
        """Internal, or the organisation that owns the source's data: sharing stays with those who hold it."""
        return self.internal or any(_same_org(self.recipient.org, owner) for owner in source.terms.owners)

    @property
    def who(self) -> str:
        r = self.recipient
        return f"{r.name} ({r.org})" if r.org else r.name


Current = Mapping[str, "DatasetTerms | Sequence[DatasetTerms] | None"]


def versions(value: DatasetTerms | Sequence[DatasetTerms]) -> list[DatasetTerms]:
    """Current terms may come in several versions (working tree, staged, HEAD): all of them apply."""
    return [value] if isinstance(value, DatasetTerms) else list(value)


def sources_of(card: ModelCard, current: Current) -> tuple[list[Source], list[Reason]]:
    """Datasets (the strictest of the signed snapshot and every current version of the manifest) and parents."""
    out: list[Source] = []
    notes: list[Reason] = []
    for d in card.datasets:
        parts = [dataset_terms(d.name, d.terms)]
        now = current.get(d.name, ())
        if d.name in current and now is None:
            notes.append(
                _block(
                    "MANIFEST_INVALID",
                    f"dataset {d.name}",
                    f"the manifest of {d.name} does not validate, so its current terms are unknown; "
                    f"fix it (`prov dataset check {d.name}`)",
                )
            )
        elif d.name in current:
            parts += [dataset_terms(d.name, t) for t in versions(now)]  # type: ignore[arg-type]
        else:
            notes.append(
                _warn(
                    "DATASET_UNREGISTERED",
                    f"dataset {d.name}",
                    f"{d.name} is no longer registered here; the terms signed into the card apply",
                )
            )
        out.append(Source(f"dataset {d.name}", join(parts)))
    for p in card.parents:
        # A grandparent's dataset may have been tightened since the parent was signed: apply it too.
        tightened = [
            dataset_terms(n, t) for n in p.terms.sources if (v := current.get(n)) is not None for t in versions(v)
        ]
        out.append(Source(f"parent {p.name}", join([p.terms, *tightened]) if tightened else p.terms))
    return out, notes


def _reason(code: str, severity: Literal["block", "warn"], source: str | None, message: str) -> Reason:
    return Reason(code=code, severity=severity, message=message, source=source)


def _block(code: str, source: str | None, message: str) -> Reason:
    return _reason(code, "block", source, message)


def _warn(code: str, source: str | None, message: str) -> Reason:
    return _reason(code, "warn", source, message)


def _same_org(org: str | None, owner: str) -> bool:
    return org is not None and org.strip().casefold() == owner.strip().casefold()


def _listed(recipient: Recipient, recipients: list[str] | None) -> bool:
    if not recipients:
        return False
    names = {r.casefold() for r in recipients}
    return any(x is not None and x.casefold() in names for x in (recipient.org, recipient.name))


def _expand(territory: str) -> set[str]:
    code = territory.strip().upper()
    return set(TERRITORY_GROUPS.get(code, {code}))


def _within(territory: str, permitted: list[str]) -> bool:
    allowed: set[str] = set()
    for p in permitted:
        allowed |= _expand(p)
    return _expand(territory) <= allowed


def _inside_eea(territory: str) -> bool:
    return _expand(territory) <= EEA_COUNTRIES


def _dedupe(reasons: list[Reason]) -> list[Reason]:
    seen: dict[tuple[str, str | None, str], Reason] = {}
    for r in reasons:
        seen.setdefault((r.code, r.source, r.message), r)
    blocks = [r for r in seen.values() if r.severity == "block"]
    return blocks + [r for r in seen.values() if r.severity == "warn"]
