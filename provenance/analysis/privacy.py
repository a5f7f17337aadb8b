"""The privacy assessment that goes into a card: static table, empirical scan, membership audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..model.card import (
    AttackAudit,
    AuditInput,
    DifferentialPrivacy,
    EmpiricalMemorisation,
    MembershipAudit,
    Memorisation,
    MemorisationFinding,
    Privacy,
    StaticMemorisation,
)
from . import memorisation
from .artefact import ArtefactFacts
from .audit import membership_audit
from .safe_load import UnsafePickleError, load_model, load_parsed
from .verbatim import scan

LOADABLE = {"joblib", "pickle", "skops"}


@dataclass(frozen=True)
class Data:
    x: Any
    y: Any
    source: str = "the data"  # what a message names: the file (--train FILE) or the API argument
    sha256: str | None = None  # the file's digest, when the rows came from a file
    columns: tuple[str, ...] | None = None  # the feature columns' names, when the table had a header


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


def align_labels(model: Any, data: Data, role: str) -> tuple[Data, list[str]]:
    """The labels as the model knows them. A CSV reads every label that looks like a number as a float,
    and "True" as text; a model trained on the strings "0"/"1" or on booleans would then know none of
    them, every row would get probability 0, and two of the three attacks would go blind without a word.
    Labels are matched by value; a training label the model does not know means these are not its
    training rows (refused), and so does a holdout where more than 1% are unknown."""
    import numpy as np
    from sklearn.base import is_classifier

    classes = getattr(model, "classes_", None)
    if classes is None or not is_classifier(model) or np.ndim(classes) != 1:
        return data, []
    by_value = {_label_key(c): c for c in np.asarray(classes).tolist()}
    y = [by_value.get(_label_key(v), _UNKNOWN) for v in np.asarray(data.y).tolist()]
    unknown = sum(1 for v in y if v is _UNKNOWN)
    notes: list[str] = []
    if unknown:
        share = unknown / max(len(y), 1)
        shown = ", ".join(map(repr, list(by_value.values())[:6]))
        if role == "train" or share > 0.01:
            raise UsageError(
                f"{data.source}: {unknown} of {len(y)} labels are none of the model's classes ({shown}); "
                "give the rows and target column it was trained on (--target)"
            )
        notes.append(f"{unknown} {role} rows have a label the model never saw; they are left out")
    keep = np.array([v is not _UNKNOWN for v in y], dtype=bool)
    labels = np.empty(int(keep.sum()), dtype=np.asarray(classes).dtype)
    labels[:] = [v for v in y if v is not _UNKNOWN]
    x = np.asarray(data.x)[keep] if unknown else data.x
    return Data(x, labels, data.source, data.sha256, data.columns), notes


_UNKNOWN = object()


def _label_key(v: Any) -> object:
    """One key for the same label however a table spelled it: 1, 1.0, "1", "1.0" and True alike."""
    if isinstance(v, str):
        text = v.strip()
        if text.lower() in ("true", "false"):
            return float(text.lower() == "true")
        try:
            return float(text)
        except ValueError:
            return text
    try:
        return float(v)
    except (TypeError, ValueError):
        return repr(v)


def _scoring(sources: str) -> Any:
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
) -> Privacy:
    """Static analysis always; the verbatim scan with training data; the membership audit (the loss
    threshold and the attacks the budget allows) with train and holdout."""
    static = memorisation.analyse(model)
    static_model = StaticMemorisation(
        risk=static.risk,
        findings=[MemorisationFinding(**asdict(f)) for f in static.findings],
        min_leaf_size=static.min_leaf_size,
        unknown_estimators=static.unknown,
    )
    empirical = None
    check_fits(model, train, holdout, population)
    if train is not None:
        with _scoring(train.source):
            empirical = EmpiricalMemorisation(**asdict(scan(model, train.x)))
    audit = None
    if train is not None and holdout is not None:
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


def audit_steps(budget: str, population: bool = False) -> int:
    """Units of progress ``membership`` reports: the loss threshold, then each reference model and fold."""
    from .attacks import steps

    return 1 + steps(budget, population)


def membership(
    model: Any,
    train: Data,
    holdout: Data,
    *,
    budget: str = "standard",
    population: Data | None = None,
    tick: Callable[[], None] | None = None,
) -> MembershipAudit:
    """Every membership attack the budget allows, on the training rows (members) against holdout rows the
    model never saw. Holdout (and population) rows identical to a training row are not non-members: they
    are left out, and the card says how many -- a holdout that repeats the training set cannot make a
    model look anonymous."""
    import time

    from .attacks import BUDGETS, run_attacks

    if budget not in BUDGETS:
        raise UsageError(f"--audit {budget!r}: use one of {', '.join(BUDGETS)}")
    notes: list[str] = []
    train, _ = align_labels(model, train, "train")
    holdout, dropped_labels = align_labels(model, holdout, "holdout")
    notes += dropped_labels
    if population is not None:
        population, dropped_labels = align_labels(model, population, "population")
        notes += dropped_labels
    seen = _rows(train.x)
    holdout, dropped = _unseen(holdout, seen)
    if dropped:
        notes.append(f"{dropped} holdout rows equal a training row (to 1e-9) and are left out of the non-members")
    if len(holdout.y) == 0:
        raise UsageError(
            f"{holdout.source}: every row is also in {train.source}; the audit needs rows the model never saw"
        )
    if population is not None:
        population, dropped = _unseen(population, seen | _rows(holdout.x))
        if dropped:
            notes.append(f"{dropped} population rows equal a training or holdout row (to 1e-9) and are left out")
        if len(population.y) < 4:
            raise UsageError(f"{population.source}: fewer than 4 rows the model never saw; RMIA needs a population")
    with _scoring(f"{train.source} / {holdout.source}"):
        started = time.perf_counter()
        loss = membership_audit(model, train.x, train.y, holdout.x, holdout.y, bootstrap=BUDGETS[budget].bootstrap)
        seconds = time.perf_counter() - started
        if tick:
            tick()
        pop = (population.x, population.y) if population is not None else None
        attacks, not_run = run_attacks(model, train.x, train.y, holdout.x, holdout.y, budget, population=pop, tick=tick)
    fields = asdict(loss)
    fields["notes"] = notes + fields["notes"]
    given = [("train", train), ("holdout", holdout)] + ([("population", population)] if population else [])
    return MembershipAudit(
        **fields,
        inputs=[AuditInput(role=r, source=d.source, rows=len(d.y), sha256=d.sha256) for r, d in given],  # type: ignore[arg-type]
        budget=budget,  # type: ignore[arg-type]
        seconds=round(seconds, 3),
        attacks=[AttackAudit(**{**asdict(a), "seconds": round(a.seconds, 3)}) for a in attacks],
        not_run=not_run,
    )


def _keys(x: Any) -> list[tuple[bytes, bytes]]:
    """Each row as keys that near-copies share: numbers rounded to 30 significant bits (about 1e-9
    relative, so a row moved by an ulp or scaled by 1 + 1e-12 is the same row) on two grids half a step
    apart -- a value next to one grid's rounding boundary is in the middle of the other's -- and text by
    its repr. What is not a near-copy, the attacks' own checks catch (``MembershipAudit.objections``)."""
    import numpy as np

    arr = np.asarray(x)
    if arr.dtype == object:
        return [(k, k) for k in (repr(tuple(r)).encode() for r in arr.tolist())]
    mantissa, exponent = np.frexp(np.ascontiguousarray(arr, dtype=np.float64))
    grids = []
    for offset in (0.0, 0.5):
        steps = np.floor(mantissa * (1 << 30) + offset)
        grids.append(np.ascontiguousarray(np.ldexp(steps, exponent - 30)) + 0.0)  # -0.0 and 0.0 alike
    return [(a.tobytes(), b.tobytes()) for a, b in zip(grids[0], grids[1], strict=True)]


def _rows(x: Any) -> set[bytes]:
    return {b"0" + a for a, _ in _keys(x)} | {b"1" + b for _, b in _keys(x)}


def _unseen(data: Data, seen: set[bytes]) -> tuple[Data, int]:
    import numpy as np

    arr = np.asarray(data.x)
    keys = [(b"0" + a) in seen or (b"1" + b) in seen for a, b in _keys(arr)]
    keep = ~np.array(keys, dtype=bool)
    if keep.all():
        return data, 0
    return Data(arr[keep], np.asarray(data.y)[keep], data.source, data.sha256, data.columns), int((~keep).sum())


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
    """Load the artefact safely, from the parse its facts came from, and assess it.

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
    try:
        if trust_pickle or facts.parse is None:
            model = load_model(path, trust_pickle=trust_pickle)
        else:
            model = load_parsed(path, facts.parse)
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
    if not trust_pickle:
        _no_workers(model)
    return assess_model(model, train=train, holdout=holdout, dp=dp, budget=budget, population=population, tick=tick)


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
    with _scoring(str(path)):
        rows, where, unchecked = held_rows(model, x)
    if unchecked and not rows:
        return None, [
            f"it stores training rows in a shape the records cannot be compared with ({', '.join(unchecked[:2])})"
        ]
    return rows, where
