"""Training / holdout tables for the audit: CSV always, Parquet through pandas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from provenance.analysis.tabular import read_table
from provenance.errors import UsageError


def test_csv_with_header_and_named_target(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("age,colour,label\n40,red,1\n51,blue,0\n")
    x, y, names = read_table(tmp_path / "t.csv", "label")
    assert names == ["age", "colour"] and x.dtype == object and y.tolist() == [1.0, 0.0]
    x, y, _ = read_table(tmp_path / "t.csv", "age")
    assert y.tolist() == [40.0, 51.0]


def test_csv_without_header_uses_last_column(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("1,2,0\n3,4,1\n")
    x, y, names = read_table(tmp_path / "t.csv", None)
    assert x.dtype == np.float64 and x.shape == (2, 2) and y.tolist() == [0.0, 1.0]
    assert names == ["column_0", "column_1"]


@pytest.mark.parametrize(("content", "message"), [("", "empty"), ("a,b\n1\n", "line 2 has 1 fields")])
def test_bad_csv(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "t.csv").write_text(content)
    with pytest.raises(UsageError, match=message):
        read_table(tmp_path / "t.csv", None)


def test_parquet(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"f1": [0.5, 1.5, 2.5], "f2": [1, 2, 3], "y": [0, 1, 0]})
    frame.to_parquet(tmp_path / "t.parquet")
    x, y, names = read_table(tmp_path / "t.parquet", "y")
    assert names == ["f1", "f2"] and x.shape == (3, 2) and y.tolist() == [0.0, 1.0, 0.0]
