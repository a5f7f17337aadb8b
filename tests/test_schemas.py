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


def test_readme_reason_code_table_is_generated_from_the_code_list() -> None:
    from provenance.model.codes import markdown_table

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    inside = readme.split("<!-- codes:start -->\n", 1)[1].split("<!-- codes:end -->", 1)[0]
    assert inside == markdown_table(), "README's reason-code table is stale: run `python -m provenance.model.codes`"


def test_every_reason_code_prov_emits_is_in_the_list() -> None:
    """Every literal CODE a module passes to a Reason is in ReasonCode (the Reason model refuses others)."""
    import re

    from provenance.model.codes import ReasonCode

    src = Path(__file__).resolve().parent.parent / "provenance"
    emitted = set()
    for f in src.rglob("*.py"):
        text = f.read_text()
        emitted |= set(re.findall(r'code="([A-Z][A-Z0-9_]+)"', text))
        emitted |= set(re.findall(r'_(?:block|warn)\(\s*"([A-Z][A-Z0-9_]+)"', text))
    errors_only = {"BAD_INPUT", "CHECK_FAILED", "INTERNAL", "KEY_ERROR", "NOT_FOUND"}
    assert emitted - errors_only <= {c.value for c in ReasonCode}
    assert len(emitted) > 40
