"""The checked-in JSON Schemas are exactly what the models generate."""

from __future__ import annotations

from pathlib import Path

from provenance.schemas_export import generate

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def test_schemas_up_to_date() -> None:
    for filename, text in generate().items():
        path = SCHEMAS / filename
        assert path.exists(), f"{path} missing: run `make schemas`"
        assert path.read_text() == text, f"{path} is out of date: run `make schemas`"
