"""Empirical memorisation scan: training rows (and category values) found verbatim inside a fitted model.

Each pipeline step is compared with the input *that step* saw (a scaler's output for the model after
it), so a k-NN behind a StandardScaler is still caught. Rows are compared by hashing their bytes (a set
lookup per row), never all pairs: 100k x 50 is a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .memorisation import walk


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
    hashed_cache: dict[int, set[bytes] | None] = {}
    for label, est, xi in _with_inputs(model, x, ""):
        if id(xi) not in hashed_cache:
            hashed_cache[id(xi)] = _row_hashes(xi)
        train = hashed_cache[id(xi)]
        for attr, arr in _arrays(est):
            if train is not None and arr.ndim == 2 and arr.shape[1] == xi.shape[1] and arr.shape[0] > 0:
                found = _row_hashes(arr)
                hits = (found or set()) & train
                if hits:
                    rows_found |= hits
                    where.append(f"{label}.{attr} ({len(hits)} rows)")
        n = _category_hits(est, xi)
        if n:
            values_found += n
            where.append(f"{label}.categories_ ({n} values)")
    risk = "high" if rows_found or values_found else "low"
    return EmpiricalResult(risk, int(x.shape[0]), len(rows_found), values_found, where)


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


def _arrays(est: Any) -> Iterator[tuple[str, np.ndarray]]:
    for attr, value in vars(est).items():
        if isinstance(value, np.ndarray) and value.dtype != object:
            yield attr, value
        elif hasattr(value, "get_arrays"):  # KDTree / BallTree keep the rows in their first array
            yield f"{attr}.data", np.asarray(value.get_arrays()[0])
        elif hasattr(value, "toarray") and getattr(value, "size", 0) < 5_000_000:  # scipy.sparse
            yield attr, np.asarray(value.toarray())


def _category_hits(est: Any, xi: np.ndarray) -> int:
    cats = getattr(est, "categories_", None)
    if not isinstance(cats, list) or len(cats) != xi.shape[1]:
        return 0
    hits = 0
    for j, values in enumerate(cats):
        column = {str(v) for v in xi[:, j].tolist()}
        hits += sum(1 for v in np.asarray(values).tolist() if str(v) in column)
    return hits


def _with_inputs(model: Any, x: np.ndarray, where: str) -> Iterator[tuple[str, Any, np.ndarray]]:
    """(where, estimator, the input it saw) for every estimator, following the data through containers."""
    name = type(model).__name__
    label = f"{where}: {name}" if where else name
    if name == "Pipeline":
        xi = x
        for i, (_, step) in enumerate(model.steps):
            if step is None or step == "passthrough":
                continue
            yield from _with_inputs(step, xi, f"{where}steps[{i}]")
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
            yield from _with_inputs(trans, sub, f"{where}transformers_[{tname!r}]")
        return
    if name == "FeatureUnion":
        for tname, trans in model.transformer_list:
            if trans not in ("drop", None):
                yield from _with_inputs(trans, x, f"{where}transformer_list[{tname!r}]")
        return
    for sub_where, est in walk(model):
        yield (f"{label}.{sub_where}" if sub_where else label), est, x


def _select(x: np.ndarray, cols: Any) -> np.ndarray:
    if isinstance(cols, slice):
        return x[:, cols]
    idx = np.asarray(cols)
    if idx.dtype == bool:
        return x[:, idx]
    return x[:, idx.astype(int)]


def _dense(arr: Any) -> np.ndarray:
    return np.asarray(arr.toarray()) if hasattr(arr, "toarray") else np.asarray(arr)
