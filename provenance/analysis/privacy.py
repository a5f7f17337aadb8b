"""The privacy assessment that goes into a card: static table, empirical scan, membership audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..model.card import (
    DifferentialPrivacy,
    EmpiricalMemorisation,
    Memorisation,
    MemorisationFinding,
    Privacy,
    StaticMemorisation,
)
from . import memorisation
from .artefact import ArtefactFacts
from .safe_load import UnsafePickleError, load_model, load_parsed, shadow_parsed

LOADABLE = {"joblib", "pickle", "skops"}


@dataclass(frozen=True)
class Data:
    x: Any
    y: Any
    source: str = "the data"  # what a message names: the file (--train FILE) or the API argument
    sha256: str | None = None  # the file's digest, when the rows came from a file
    columns: tuple[str, ...] | None = None  # the feature columns' names, when the table had a header
    target: str | None = None  # the target column's name in the table (None: the last column)


def check_fits(model: Any, *tables: Data | None) -> None:
    """Refuse, naming the file, data the model cannot score: the wrong number or names of columns, or no
    rows. Scikit-learn would say so too, but half-way through the audit and without the file's name."""
    import numpy as np

    expected = getattr(model, "n_features_in_", None)
    for t in tables:
        if t is None:
            continue
        x = np.asarray(t.x) if not hasattr(t.x, "shape") else t.x
        if x.ndim != 2 or x.shape[0] == 0:
            raise UsageError(f"{t.source}: no rows of features to score")
        if isinstance(expected, int) and x.shape[1] != expected:
            raise UsageError(
                f"{t.source}: {x.shape[1]} feature column{'s' if x.shape[1] != 1 else ''} besides the target, but "
                f"the model was trained on {expected}; give the table it was trained on (--target names the label)"
            )
        if len(t.y) != x.shape[0]:
            raise UsageError(f"{t.source}: {len(t.y)} labels for {x.shape[0]} rows")
    widths = {t.source: np.shape(t.x)[1] for t in tables if t is not None}
    if len(set(widths.values())) > 1:
        raise UsageError(f"{' and '.join(widths)} have different columns ({', '.join(map(str, widths.values()))})")
    trained = getattr(model, "feature_names_in_", None)
    named = [t for t in tables if t is not None and t.columns is not None]
    for t in named:  # matched by position, a reordered table would be scored on the wrong features
        if trained is not None and list(t.columns) != [str(c) for c in trained]:  # type: ignore[arg-type]
            raise UsageError(
                f"{t.source}: columns {', '.join(t.columns[:6])}… are not the model's "  # type: ignore[index]
                f"({', '.join(map(str, list(trained)[:6]))}…, in that order)"
            )
        if t.columns != named[0].columns:
            raise UsageError(f"{t.source} and {named[0].source} name their columns differently (or in another order)")


def scoring_errors(sources: str) -> Any:
    """Scikit-learn's own refusal of the rows (a text column where a number belongs, NaN, an unseen
    category) as a one-line UsageError naming the file, not an internal error."""
    from contextlib import contextmanager

    @contextmanager
    def guard() -> Any:
        try:
            yield
        except ValueError as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise UsageError(f"{sources}: the model cannot score these rows: {first}") from None

    return guard()


def assess_model(
    model: Any,
    *,
    train: Data | None = None,
    holdout: Data | None = None,
    dp: DifferentialPrivacy | None = None,
    budget: str = "standard",
    population: Data | None = None,
    tick: Callable[[], None] | None = None,
    static: memorisation.StaticResult | None = None,
) -> Privacy:
    """Static analysis always (``static``, when the file's parse gave it; else of ``model``); the verbatim
    scan with training data; the membership audit (the loss threshold and the attacks the budget allows)
    with train and holdout. ``model`` is needed only for those two (None: no training data given)."""
    static = static if static is not None else memorisation.analyse(model)
    static_model = StaticMemorisation(
        risk=static.risk,
        findings=[MemorisationFinding(**asdict(f)) for f in static.findings],
        min_leaf_size=static.min_leaf_size,
        unknown_estimators=static.unknown,
    )
    empirical = None
    if model is not None:
        check_fits(model, train, holdout, population)
    if train is not None:
        from .verbatim import scan

        with scoring_errors(train.source):
            empirical = EmpiricalMemorisation(**asdict(scan(model, train.x)))
    audit = None
    if train is not None and holdout is not None:
        from .membership import membership

        audit = membership(model, train, holdout, budget=budget, population=population, tick=tick)
    risks = [static.risk] + ([empirical.risk] if empirical else [])
    risk = memorisation.combine(risks)  # type: ignore[arg-type]
    method = (
        "static table"
        + (" + empirical verbatim scan" if empirical else "")
        + (f" + membership audit ({audit.budget}: {len(audit.attacks) + 1} attacks)" if audit else "")
    )
    findings = [f"{f.estimator}: {f.attribute} holds {f.holds}" for f in static.findings if f.risk == "high"]
    if empirical and empirical.rows_found:
        findings.append(f"{empirical.rows_found} of {empirical.rows_checked} training rows found verbatim")
    if empirical and empirical.values_found:
        findings.append(f"{empirical.values_found} training category values found verbatim")
    summary = memorisation.sentence(static, empirical.rows_found if empirical and empirical.rows_found else None)
    return Privacy(
        memorisation=Memorisation(
            risk=risk, method=method, findings=findings, static=static_model, empirical=empirical, summary=summary
        ),
        membership_inference=audit,
        differential_privacy=dp,
    )


def assess_file(
    path: Path,
    facts: ArtefactFacts,
    *,
    trust_pickle: bool = False,
    train: Data | None = None,
    holdout: Data | None = None,
    dp: DifferentialPrivacy | None = None,
    strict: bool = False,
    budget: str = "standard",
    population: Data | None = None,
    tick: Callable[[], None] | None = None,
) -> Privacy:
    """Assess the artefact from the parse its facts came from: the static analysis reads that parse built
    with stand-ins (scikit-learn is not imported); the model itself is built from it, safely, only when
    training data asks for the scan and the audit, which need its predictions.

    When it is not safe to load, ``strict`` raises UNSAFE_PICKLE (an audit the user asked for);
    otherwise the card records that it was not loaded and what the class names alone tell.
    """
    fmt = facts.format
    if strict and facts.unsafe and not trust_pickle:
        reasons = facts.untrusted_globals + facts.violations or facts.notes or ["not inspected"]
        raise UnsafePickleError(path, reasons, detail="loading it may run code")
    if fmt not in LOADABLE:
        if train is not None:
            raise UsageError(f"{path}: prov can only audit scikit-learn models (pickle, joblib, skops), not {fmt}")
        return Privacy(
            memorisation=Memorisation(method=f"not assessed: prov cannot load {fmt} artefacts"), differential_privacy=dp
        )
    static = None
    try:
        if trust_pickle or facts.parse is None:
            model = load_model(path, trust_pickle=trust_pickle)
        else:
            # The static analysis reads the parse built with stand-ins (no scikit-learn import); the real
            # model is built, from the same parse, only for the audit that needs its predictions.
            static = memorisation.analyse(shadow_parsed(path, facts.parse))
            model = load_parsed(path, facts.parse) if train is not None else None
    except UnsafePickleError as e:
        if strict:
            raise
        findings = memorisation.static_findings(facts.components)
        return Privacy(
            memorisation=Memorisation(
                risk="high" if findings else "unknown",
                method=f"static (class names only): not loaded, it is not safe to load ({', '.join(e.offenders[:3])})",
                findings=findings,
            ),
            differential_privacy=dp,
        )
    if not trust_pickle and model is not None:
        _no_workers(model)
    return assess_model(
        model, train=train, holdout=holdout, dp=dp, budget=budget, population=population, tick=tick, static=static
    )


def _no_workers(model: Any) -> None:
    """A loaded file chooses its own hyper-parameters: the audit must not let it start worker processes
    (``n_jobs``) or cache to a folder it names (``memory``) while prov scores it."""
    seen: set[int] = set()
    todo = [model]
    while todo and len(seen) < 100_000:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, dict):
            todo.extend(obj.values())
        elif isinstance(obj, list | tuple):
            todo.extend(obj)
        elif hasattr(obj, "get_params") and hasattr(obj, "__dict__"):
            attrs = vars(obj)
            if "n_jobs" in attrs:
                attrs["n_jobs"] = None
            if "memory" in attrs:
                attrs["memory"] = None
            todo.extend(attrs.values())


def records_held(path: Path, facts: ArtefactFacts, x: Any) -> tuple[list[int] | None, list[str]]:
    """Which of one person's rows ``x`` the artefact holds verbatim: (row indices, where), or (None,
    why not) when it cannot be checked -- not a format prov loads, or not safe to load. Loaded through
    the same construction policy as the audit; never with plain pickle."""
    from .verbatim import held_rows

    if facts.format not in LOADABLE:
        return None, [f"prov cannot load {facts.format} artefacts"]
    if facts.unsafe:
        return None, ["it is not safe to load (" + ", ".join((facts.untrusted_globals + facts.violations)[:2]) + ")"]
    try:
        model = load_parsed(path, facts.parse) if facts.parse is not None else load_model(path)
    except UnsafePickleError as e:
        return None, [f"it is not safe to load ({', '.join(e.offenders[:2])})"]
    with scoring_errors(str(path)):
        rows, where, unchecked = held_rows(model, x)
    if unchecked and not rows:
        return None, [
            f"it stores training rows in a shape the records cannot be compared with ({', '.join(unchecked[:2])})"
        ]
    return rows, where
