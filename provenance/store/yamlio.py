"""Reading user-written YAML into strict models, with one-line errors naming file and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import ManifestError

M = TypeVar("M", bound=BaseModel)


def load_yaml(path: Path) -> Any:

    from ..regularfile import read_regular

    try:
        text = read_regular(path).decode("utf-8")
    except UnicodeDecodeError as e:
        raise ManifestError(str(path), None, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    return parse_yaml_text(text, str(path))


def parse_yaml_text(text: str | bytes, source: str) -> Any:
    """YAML from a file prov reads; every way it can fail is a one-line ManifestError naming ``source``."""
    import yaml

    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise ManifestError(source, None, "invalid YAML: nested too deeply") from None
    except ValueError as e:  # a date that does not exist (2026-02-30), an out-of-range number
        raise ManifestError(source, None, f"invalid YAML value: {str(e).splitlines()[0]}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ManifestError(source, None, f"invalid YAML: {where}{problem}") from None


def parse_model(model: type[M], data: Any, source: str) -> M:
    """Validate ``data`` as ``model``; the first error becomes one line naming the field."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ManifestError(source, None, f"expected a mapping of fields at the top level, got {kind}")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ManifestError(source, *describe_validation_error(e)) from None


def describe_validation_error(e: ValidationError) -> tuple[str | None, str]:
    errors = e.errors(include_url=False)
    first = errors[0]
    field = ".".join(_field_part(p) for p in first["loc"]) or None
    kind = first["type"]
    msg = first["msg"]
    if kind == "missing":
        problem = "is required"
    elif kind == "extra_forbidden":
        problem = "unknown field (check the spelling; see schemas/dataset-manifest.schema.json)"
    elif kind in ("enum", "literal_error"):
        allowed = first.get("ctx", {}).get("expected")
        problem = f"must be one of {allowed}" if allowed else msg
    else:
        problem = msg.removeprefix("Value error, ")
        got = _brief(first["input"]) if "input" in first and not isinstance(first["input"], dict | list) else None
        if got is not None and got not in problem:
            problem += f" (got {got})"
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return field, problem + more


def _brief(value: object) -> str:
    """A value as a message may quote it: short, one line, and never a 5,000-digit integer (whose repr
    Python refuses to make past 4,300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"
    from ..textsafe import shown

    return shown(repr(value), 120)


def _field_part(part: object) -> str:
    """A key as the user typed it; quoted when it holds spaces or control characters (a stray CR)."""
    text = str(part)
    return text if text.isprintable() and " " not in text and text else repr(text)


def load_model(model: type[M], path: Path) -> M:
    return parse_model(model, load_yaml(path), str(path))


def dump_yaml(data: Any) -> str:
    """YAML as prov writes and prints it: accented names stay readable, but when any string holds a
    character that is not printable (a bidi override, a zero-width space, a line separator), every
    non-ASCII character is written as an escape, so the text on a terminal or in a card is what it says."""
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=_printable(data), default_flow_style=False)


def _printable(data: Any) -> bool:
    stack = [data]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if not v.isprintable():
                return False
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)
    return True
