"""Rendering helpers shared by commands: JSON on stdout, talk on stderr."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click


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
