"""Shared pydantic configuration: strict, frozen values."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Unknown keys are errors (a typo must not silently drop a restriction); values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


# Default factories. Not the builtins ``list`` and ``dict``: pydantic asks ``inspect.signature`` of every
# default factory (does it take the validated data?), and a builtin's signature is parsed with ``tokenize``,
# whose first use compiles a large regular expression -- 10-30 ms of every command that builds a model
# schema. A Python function's signature is read from its code object.


def new_list() -> list:  # type: ignore[type-arg]
    """A fresh empty list (a field's default)."""
    return []


def new_dict() -> dict:  # type: ignore[type-arg]
    """A fresh empty dict (a field's default)."""
    return {}
