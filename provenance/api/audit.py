"""``prov audit``: what a model holds and how much it leaks, without signing anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..analysis.artefact import inspect_artefact
from ..analysis.privacy import Data, assess_file
from ..card.request import check_audit_data
from ..errors import NotFoundError
from ..model.card import Privacy
from ..store.limits import limits_near


def audit(
    artefact: Path,
    train: Data | None,
    holdout: Data | None,
    *,
    trust_pickle: bool = False,
    budget: str = "standard",
    population: Data | None = None,
    tick: Callable[[], None] | None = None,
) -> Privacy:
    """The card's privacy section for ARTEFACT, unsigned: the same analysis ``prov card`` records."""
    check_audit_data(train, holdout, population, budget)
    if not artefact.exists():
        raise NotFoundError(f"{artefact}: no such artefact")
    if not artefact.is_dir():
        from ..regularfile import require_regular

        require_regular(artefact)  # a named pipe would hang the reader
    facts = inspect_artefact(artefact, limits_near(artefact))
    return assess_file(
        artefact,
        facts,
        trust_pickle=trust_pickle,
        train=train,
        holdout=holdout,
        strict=True,
        budget=budget,
        population=population,
        tick=tick,
    )
