"""Rendering helpers shared by commands: JSON on stdout, talk on stderr."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..model.decision import Reason


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=False, default=str))


def say(message: str) -> None:
    """Human-facing progress and summaries go to stderr so stdout stays data."""
    click.echo(message, err=True)


def prompt_passphrase(name: str) -> bytes | None:
    """PROV_KEY_PASSPHRASE, else ask on a terminal; None when neither is possible."""
    if value := os.environ.get("PROV_KEY_PASSPHRASE"):
        return value.encode()
    if sys.stdin.isatty():
        return click.prompt(f"Passphrase for key {name}", hide_input=True).encode()
    return None


def new_passphrase(encrypt: bool) -> bytes | None:
    if not encrypt:
        return None
    if value := os.environ.get("PROV_KEY_PASSPHRASE"):
        return value.encode()
    if not sys.stdin.isatty():
        raise click.UsageError("--encrypt needs PROV_KEY_PASSPHRASE or a terminal to ask for the passphrase")
    return click.prompt("New passphrase", hide_input=True, confirmation_prompt=True).encode()


def reasons_table(reasons: Sequence[Reason]) -> str:
    """Reasons as an aligned table: severity, code, source, then the message a person can act on."""
    rows = [
        ("", "CODE", "SOURCE", "WHAT TO DO"),
        *[("BLOCK" if r.severity == "block" else "warn", r.code, r.source or "", r.message) for r in reasons],
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:<{widths[2]}}  {d}".rstrip() for a, b, c, d in rows)
