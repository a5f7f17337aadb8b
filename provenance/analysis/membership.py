"""The membership audit a card records: every attack the budget allows, on training rows (members)
against rows the model never saw, with the inputs made fit to compare first -- labels as the model knows
them, near-copies of training rows left out -- and the facts a reviewer needs to judge the choice of rows
(which files, how many rows the model says it was fitted on)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UsageError
from ..model.card import AttackAudit, AuditInput, MembershipAudit
from .audit import membership_audit
from .privacy import Data, scoring_errors


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
    with scoring_errors(f"{train.source} / {holdout.source}"):
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
    from .refit import fitted_rows

    return MembershipAudit(
        **fields,
        fitted_rows=fitted_rows(model),
        distinct_members=len({a for a, _ in _keys(train.x)}),
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

    arr = np.asarray(data.x)
    keys = [(b"0" + a) in seen or (b"1" + b) in seen for a, b in _keys(arr)]
    keep = ~np.array(keys, dtype=bool)
    if keep.all():
        return data, 0
    return Data(arr[keep], np.asarray(data.y)[keep], data.source, data.sha256, data.columns), int((~keep).sum())


def align_labels(model: Any, data: Data, role: str) -> tuple[Data, list[str]]:
    """The labels as the model knows them. A CSV reads every label that looks like a number as a float,
    and "True" as text; a model trained on the strings "0"/"1" or on booleans would then know none of
    them, every row would get probability 0, and two of the three attacks would go blind without a word.
    Labels are matched by value; a training label the model does not know means these are not its
    training rows (refused), and so does a holdout where more than 1% are unknown."""
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


MAX_CHECKED_BYTES = 2 << 30  # a registered table larger than this is not read to check the audit's rows


def uncovered(train: Data, holdout: Data, files: list[Path]) -> list[str]:
    """How the audit's rows fail to be the registered training data, split in two: each registered row a
    member or in the holdout, each member a registered row (to 1e-9, as near-copies are matched). The
    signer chooses the members; only rows tied to what the card says the model was trained on keep a
    chosen, least-memorised part -- beside a holdout matched to it -- from hiding a leak."""
    from .tabular import read_table

    problems: list[str] = []
    registered: set[bytes] = set()
    if not files:
        return ["the card's training datasets list no files to compare the audit's rows with"]
    for path in files:
        try:
            if path.stat().st_size > MAX_CHECKED_BYTES:
                problems.append(f"{path.name} is larger than {MAX_CHECKED_BYTES >> 30} GiB and was not read")
                continue
            x, _, _ = read_table(path, train.target)
        except (OSError, UsageError) as e:
            problems.append(f"{path.name} cannot be read as a table with the audit's columns ({e})")
            continue
        if np.shape(x)[1] != np.shape(train.x)[1]:
            problems.append(
                f"{path.name} has {np.shape(x)[1]} feature columns, the audit's rows {np.shape(train.x)[1]}"
            )
            continue
        registered |= {a for a, _ in _keys(x)}
    if problems:
        return problems
    members = {a for a, _ in _keys(train.x)}
    audited = members | {a for a, _ in _keys(holdout.x)}
    if missing := len(registered - audited):
        problems.append(f"{missing} of the {len(registered)} registered rows are neither members nor in the holdout")
    if strangers := len(members - registered):
        problems.append(f"{strangers} of the {len(members)} members are not rows of the registered data")
    return problems
