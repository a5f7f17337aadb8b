"""Reading training / holdout tables for the audit: CSV always, Parquet when pandas/pyarrow are there."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ..errors import UsageError


def read_table(path: Path, target: str | None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(features, target, feature names). The target is the named column, else the last one."""
    from ..regularfile import require_regular

    require_regular(path)  # a named pipe or /dev/zero would hang the reader; "no such file" would be false
    if path.suffix.lower() in (".parquet", ".pq"):
        header, columns = _parquet(path)
    else:
        header, columns = _csv(path)
    if not columns or not columns[0]:
        raise UsageError(f"{path}: the table is empty")
    if target is None:
        index = len(header) - 1
    elif target in header:
        index = header.index(target)
    else:
        raise UsageError(f"{path}: no column {target!r} for --target (columns: {', '.join(header[:12])}…)")
    if len(header) < 2:
        raise UsageError(f"{path}: {len(header)} column; a table needs feature columns besides the target")
    y = _column(columns[index])
    features = [_column(c) for i, c in enumerate(columns) if i != index]
    names = [h for i, h in enumerate(header) if i != index]
    if all(f.dtype != object for f in features):
        x = np.column_stack(features).astype(np.float64)
    else:
        x = np.column_stack([f.astype(object) for f in features])
    return x, y, names


def _csv(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:  # a leading BOM (Excel's "CSV UTF-8") is fine
            rows = [r for r in csv.reader(f) if r]
    except UnicodeDecodeError as e:
        raise UsageError(
            f"{path}: not UTF-8 text (byte {e.start} is 0x{e.object[e.start]:02x}); save the table as UTF-8 CSV"
        ) from None
    except csv.Error as e:
        raise UsageError(f"{path}: not a CSV table ({e})") from None
    if not rows:
        raise UsageError(f"{path}: the CSV file is empty")
    first = rows[0]
    has_header = any(not _is_number(v) for v in first)
    header = [h.strip() for h in first] if has_header else [f"column_{i}" for i in range(len(first))]
    body = rows[1:] if has_header else rows
    width = len(header)
    for n, r in enumerate(body, 2 if has_header else 1):
        if len(r) != width:
            raise UsageError(f"{path}: line {n} has {len(r)} fields, expected {width}")
    return header, [list(col) for col in zip(*body, strict=True)] if body else [[] for _ in header]


def _parquet(path: Path) -> tuple[list[str], list[list[object]]]:
    try:
        import pandas as pd
    except ImportError:
        raise UsageError(f"{path}: reading Parquet needs pandas and pyarrow (pip install pandas pyarrow)") from None
    try:
        frame = pd.read_parquet(path)
    except ImportError as e:
        raise UsageError(f"{path}: reading Parquet needs pyarrow (pip install pyarrow): {e}") from None
    except Exception as e:  # pyarrow's ArrowInvalid, OSError, ValueError... all mean "not a table we can read"
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise UsageError(f"{path}: not a readable Parquet table ({first})") from None
    return [str(c) for c in frame.columns], [frame[c].tolist() for c in frame.columns]


def _is_number(value: object) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def _column(values: list) -> np.ndarray:  # type: ignore[type-arg]
    try:
        return np.asarray([float(v) for v in values], dtype=np.float64)
    except (TypeError, ValueError):
        return np.asarray(values, dtype=object)
