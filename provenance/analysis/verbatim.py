"""Empirical memorisation scan: training rows (and category values) found verbatim inside a fitted model.

Each pipeline step is compared with the input *that step* saw (a scaler's output for the model after
it), so a k-NN behind a StandardScaler is still caught. Every numeric container the estimator holds is
compared, not only the attributes the static table names: any attribute, lists and dicts of arrays,
nested helper objects, arrays stored transposed or in float32 (compared with the training rows rounded
the same way). Rows are compared by hashing their bytes (a set lookup per row), never all pairs:
100k x 50 is a fraction of a second.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .memorisation import TOO_DEEP, VERBATIM, _children, _get


@dataclass
class EmpiricalResult:
    risk: str  # "high" | "low" | "unknown"
    rows_checked: int
    rows_found: int
    values_found: int = 0
    where: list[str] = field(default_factory=list)


def scan(model: Any, x: Any) -> EmpiricalResult:
    x = _as_2d(x)
    rows_found: set[bytes] = set()
    values_found = 0
    where: list[str] = []
    hashed_cache: dict[tuple[int, str], tuple[set[bytes] | None, np.ndarray]] = {}
    for label, est, xi in _with_inputs(model, x, ""):
        for attr, arr, precision in _comparable(est, xi):
            key = (id(xi), precision)
            if key not in hashed_cache:
                hashed_cache[key] = (
                    _row_hashes(_cast(xi, precision)),
                    xi,
                )  # keep xi alive: ids are only unique while it is
            train = hashed_cache[key][0]
            if train is None:
                continue
            hits = (_row_hashes(arr) or set()) & train
            if hits:
                rows_found |= hits
                where.append(f"{label}.{attr} ({len(hits)} rows)")
        n = _category_hits(est, xi)
        if n:
            values_found += n
            where.append(f"{label}.categories_ ({n} values)")
    risk = "high" if rows_found or values_found else "low"
    return EmpiricalResult(risk, int(x.shape[0]), len(rows_found), values_found, where)


def held_rows(model: Any, x: Any) -> tuple[list[int], list[str], list[str]]:
    """Which of the rows of ``x`` (by index) the model holds verbatim, where, and which row holders could
    not be compared with the rows at all (stored in another shape): the same comparison as ``scan``,
    kept per row, for one person's records (``prov erasure``). Each row holder is compared with the
    input that reaches it and, since a crafted model need not store what flows to it, with every other
    input of the same width seen on the way (the raw rows, each step's output)."""
    x = _as_2d(x)
    steps = list(_with_inputs(model, x, ""))
    inputs: list[np.ndarray] = []
    for _, _, xi in steps:
        if not any(xi is seen for seen in inputs):
            inputs.append(xi)
    found: set[int] = set()
    where: list[str] = []
    unchecked: list[str] = []
    for label, est, xi in steps:
        holder = VERBATIM.get(type(est).__name__)
        stored = _get(est, holder[0]) if holder is not None else None
        held_by_it = stored is not None and np.ndim(stored) == 2
        compared = False
        for candidate in [xi, *(i for i in inputs if i is not xi)]:
            for attr, arr, precision in _comparable(est, candidate):
                compared = True
                index = _row_index(_cast(candidate, precision))
                if index is None:
                    continue
                held = _row_hashes(arr) or set()
                hits = sorted(i for h, rows in index.items() if h in held for i in rows)
                hits += _near(arr, _cast(candidate, precision), exclude=set(hits))
                if hits:
                    found.update(hits)
                    where.append(f"{label}.{attr} ({len(hits)} rows)")
        if est is TOO_DEEP:
            unchecked.append(label)
        elif held_by_it and not compared:
            unchecked.append(f"{label}.{holder[0]}")  # type: ignore[index]
    return sorted(found), list(dict.fromkeys(where)), unchecked


def _near(arr: np.ndarray, xi: np.ndarray, exclude: set[int]) -> list[int]:
    """Rows of ``xi`` stored up to the last bits (relative 1e-9): a step that stores what its
    ``fit_transform`` computed (PCA) can differ there from what ``transform`` gives for the same row.
    Row by row, for the few rows of one person; all pairs would not scale to a training set."""
    stored, rows = _numeric(arr), _numeric(xi)
    if stored is None or rows is None or rows.shape[0] > 1000:
        return []
    out = []
    for i in range(rows.shape[0]):
        if i not in exclude and np.isclose(stored, rows[i], rtol=1e-9, atol=1e-12).all(axis=1).any():
            out.append(i)
    return out


def _comparable(est: Any, xi: np.ndarray) -> Iterator[tuple[str, np.ndarray, str]]:
    """(attribute, array with rows as rows, the precision it stores) for every array that could hold
    rows of ``xi``: same width, or rows stored as columns."""
    for attr, arr in _arrays(est):
        if arr.ndim != 2 or arr.shape[0] == 0 or xi.ndim != 2:
            continue
        if arr.shape[1] != xi.shape[1] and arr.shape[0] == xi.shape[1]:
            arr, attr = arr.T, f"{attr}.T"  # rows stored as columns
        if arr.shape[1] != xi.shape[1]:
            continue
        yield attr, arr, arr.dtype.name if arr.dtype in (np.float32, np.float16) else "float64"


def _cast(xi: np.ndarray, precision: str) -> np.ndarray:
    """The input rounded as the model stores it (float32 arrays hold float32-rounded rows)."""
    return xi.astype(precision) if precision != "float64" and _numeric(xi) is not None else xi


def _row_index(arr: np.ndarray) -> dict[bytes, list[int]] | None:
    num = _numeric(arr)
    if num is None or num.ndim != 2:
        return None
    view = num.view(np.dtype((np.void, num.dtype.itemsize * num.shape[1]))).ravel()
    out: dict[bytes, list[int]] = {}
    for i, h in enumerate(view.tolist()):
        out.setdefault(h, []).append(i)
    return out


def _as_2d(x: Any) -> np.ndarray:
    arr = np.asarray(x)
    return arr.reshape(-1, 1) if arr.ndim == 1 else arr


def _numeric(arr: np.ndarray) -> np.ndarray | None:
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            return None
    if not np.issubdtype(arr.dtype, np.number) and arr.dtype != bool:
        return None
    return np.ascontiguousarray(arr, dtype=np.float64) + 0.0  # +0.0 folds -0.0 into 0.0


def _row_hashes(arr: np.ndarray) -> set[bytes] | None:
    num = _numeric(arr)
    if num is None or num.ndim != 2:
        return None
    view = num.view(np.dtype((np.void, num.dtype.itemsize * num.shape[1]))).ravel()
    return set(view.tolist())


_MAX_NODES = 100_000


def _arrays(est: Any) -> Iterator[tuple[str, np.ndarray]]:
    """Every numeric array reachable from the estimator's attributes, except inside sub-estimators
    (``_with_inputs`` yields those with their own input)."""
    seen: set[int] = {id(est)}
    todo: list[tuple[str, Any, int]] = [(k, v, 0) for k, v in vars(est).items()]
    while todo and len(seen) < _MAX_NODES:
        path, value, depth = todo.pop()
        if id(value) in seen or depth > 8 or value is None or isinstance(value, str | bytes | int | float | bool):
            continue
        seen.add(id(value))
        if isinstance(value, np.ndarray):
            if value.dtype != object:
                yield path, value
            elif value.size <= 10_000:
                numeric = _numeric(value)
                if numeric is not None:
                    yield path, numeric
                else:
                    todo.extend((f"{path}[{i}]", v, depth + 1) for i, v in enumerate(value.ravel().tolist()))
        elif hasattr(value, "get_arrays"):  # KDTree / BallTree keep the rows in their first array
            yield f"{path}.data", np.asarray(value.get_arrays()[0])
        elif hasattr(value, "toarray") and getattr(value, "size", 0) < 5_000_000:  # scipy.sparse
            yield path, np.asarray(value.toarray())
        elif isinstance(value, dict):
            todo.extend((f"{path}[{k!r}]", v, depth + 1) for k, v in value.items())
        elif isinstance(value, list | tuple):
            rows = _rows(value)
            if rows is not None:
                yield path, rows
            else:
                todo.extend((f"{path}[{i}]", v, depth + 1) for i, v in enumerate(value))
        elif hasattr(value, "__dict__") and not hasattr(value, "get_params") and not isinstance(value, type):
            todo.extend((f"{path}.{k}", v, depth + 1) for k, v in vars(value).items())


def _rows(value: list[Any] | tuple[Any, ...]) -> np.ndarray | None:
    """A list of equal-length numeric rows (a model keeping samples as Python lists)."""
    if not value or not isinstance(value[0], list | tuple | np.ndarray):
        return None
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return arr if arr.ndim == 2 else None


def _category_hits(est: Any, xi: np.ndarray) -> int:
    cats = getattr(est, "categories_", None)
    if not isinstance(cats, list) or len(cats) != xi.shape[1]:
        return 0
    hits = 0
    for j, values in enumerate(cats):
        column = {str(v) for v in xi[:, j].tolist()}
        hits += sum(1 for v in np.asarray(values).tolist() if str(v) in column)
    return hits


def _with_inputs(
    model: Any, x: np.ndarray, where: str, depth: int = 0, seen: set[int] | None = None
) -> Iterator[tuple[str, Any, np.ndarray]]:
    """(where, estimator, the input it saw) for every estimator, following the data through containers
    wherever they sit: a pipeline inside a calibrated classifier transforms for the model after it, and a
    bagging member sees only its columns."""
    seen = set() if seen is None else seen
    if id(model) in seen:
        return
    if depth > 12:
        yield f"{where}: nested too deep", TOO_DEEP, x  # unknown, never "not held"
        return
    seen.add(id(model))
    name = type(model).__name__
    label = f"{where}: {name}" if where else name
    if name == "Pipeline":
        xi = x
        for i, (_, step) in enumerate(model.steps):
            if step is None or step == "passthrough":
                continue
            yield from _with_inputs(step, xi, _join(where, f"steps[{i}]"), depth + 1, seen)
            if i < len(model.steps) - 1:
                try:
                    xi = _as_2d(_dense(step.transform(xi)))
                except Exception:  # a step that cannot transform: later steps are not compared
                    return
        return
    if name == "ColumnTransformer":
        for tname, trans, cols in getattr(model, "transformers_", []):
            if trans in ("drop", "passthrough"):
                continue
            try:
                sub = _as_2d(_select(x, cols))
            except (IndexError, TypeError, ValueError):
                continue
            yield from _with_inputs(trans, sub, _join(where, f"transformers_[{tname!r}]"), depth + 1, seen)
        return
    if name == "FeatureUnion":
        for tname, trans in model.transformer_list:
            if trans not in ("drop", None):
                yield from _with_inputs(trans, x, _join(where, f"transformer_list[{tname!r}]"), depth + 1, seen)
        return
    yield label, model, x
    features = getattr(model, "estimators_features_", None) if name.startswith("Bagging") else None
    for attr, child in _children(model):
        xi = x
        if features is not None and attr.startswith("estimators_["):
            with contextlib.suppress(IndexError, ValueError, TypeError):
                xi = x[:, np.asarray(features[int(attr[len("estimators_[") : attr.index("]")])])]
        yield from _with_inputs(child, xi, _join(where, attr), depth + 1, seen)


def _join(where: str, part: str) -> str:
    return f"{where}.{part}" if where else part


def _select(x: np.ndarray, cols: Any) -> np.ndarray:
    if isinstance(cols, slice):
        return x[:, cols]
    idx = np.asarray(cols)
    if idx.dtype == bool:
        return x[:, idx]
    return x[:, idx.astype(int)]


def _dense(arr: Any) -> np.ndarray:
    return np.asarray(arr.toarray()) if hasattr(arr, "toarray") else np.asarray(arr)
