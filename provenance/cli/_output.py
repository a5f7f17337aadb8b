"""Rendering helpers shared by commands: JSON on stdout, talk on stderr."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from ..textsafe import shown

if TYPE_CHECKING:
    from ..model.decision import Reason


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=False, default=str))


def say(line: str) -> None:
    """One line of human-facing progress or summary, on stderr so stdout stays data (names escaped)."""
    click.echo(shown(line), err=True)


def out(line: str) -> None:
    """One line of a human-readable report on stdout; whatever a name holds, it stays one line."""
    click.echo(shown(line))


def out_lines(lines: Iterable[str]) -> None:
    """``out`` for each line, written at once (thousands of writes cost more than making the lines)."""
    text = "\n".join(shown(line) for line in lines)
    if text:
        click.echo(text)


_clock = time.monotonic  # tests move time on


class TtyProgress:
    """``(done, total)`` as one line on stderr, rewritten in place: only on a terminal, and only once the
    work has taken more than ``after`` seconds (a quick command shows nothing); ``finish`` clears it."""

    def __init__(self, what: str, unit: str, after: float = 1.0, every: float = 0.1) -> None:
        self.what, self.unit, self.after, self.every = what, unit, after, every
        self.start = _clock()
        self.last = -every
        self.shown = False

    @classmethod
    def on_terminal(cls, what: str, unit: str) -> TtyProgress | None:
        return cls(what, unit) if sys.stderr.isatty() else None

    def __call__(self, done: int, total: int) -> None:
        now = _clock()
        elapsed = now - self.start
        if elapsed <= self.after or (now - self.last < self.every and done < total):
            return
        self.last = now
        rate = done / elapsed
        sys.stderr.write(f"\r{self.what}: {done:,}/{total:,} {self.unit} ({rate:,.0f}/s)\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False


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


def reasons_table(reasons: Sequence[Reason]) -> list[str]:
    """Reasons as an aligned table: severity, code, source, then the message a person can act on."""
    rows = [
        ("", "CODE", "SOURCE", "WHAT TO DO"),
        *[
            ("BLOCK" if r.severity == "block" else "warn", r.code, shown(r.source or ""), shown(r.message))
            for r in reasons
        ],
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:<{widths[2]}}  {d}".rstrip() for a, b, c, d in rows]


def data_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--train / --holdout / --target / --trust-pickle, shared by `prov card` and `prov audit`."""
    from pathlib import Path

    options = [
        click.option(
            "--train",
            "train_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Training data (CSV, or Parquet with pandas): the verbatim scan and the audit's members.",
        ),
        click.option(
            "--holdout",
            "holdout_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Data the model never saw, same columns as --train: the audit's non-members.",
        ),
        click.option(
            "--population",
            "population_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="More rows the model never saw, same columns: the RMIA reference models train on halves of it "
            "(default: on the holdout).",
        ),
        click.option(
            "--audit",
            "budget",
            type=click.Choice(["quick", "standard", "thorough"]),
            default="standard",
            show_default=True,
            help="Membership-audit budget: reference models, bootstrap resamples and attack trees "
            "(quick 2/50/50, standard 4/200/100, thorough 16/1000/300).",
        ),
        click.option("--target", help="Target column in --train/--holdout/--population (default: the last column)."),
        click.option("--trust-pickle", is_flag=True, help="Load a pickle that refers to code outside the allow-list."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def load_training_data(
    train_file: Any, holdout_file: Any, target: str | None, population_file: Any = None
) -> tuple[Any, Any, Any]:
    """Read --train / --holdout / --population (features and target) from CSV or Parquet."""
    from ..card.request import check_audit_data

    check_audit_data(train_file, holdout_file, population_file)  # before reading any file
    if train_file is None and holdout_file is None and population_file is None:
        return None, None, None  # no audit: the privacy analysis is not imported here (the card's copy may)
    from ..analysis.privacy import Data

    def load(path: Any) -> Any:
        if path is None:
            return None
        import hashlib

        from ..analysis.tabular import read_table  # numpy: only when there is a table to read

        x, y, names = read_table(path, target)
        with open(path, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
        headed = not all(n.startswith("column_") for n in names)  # read_table names a header-less table's columns
        return Data(x, y, source=str(path), sha256=digest, columns=tuple(names) if headed else None, target=target)

    return load(train_file), load(holdout_file), load(population_file)


@contextmanager
def audit_progress(budget: str, audited: bool, population: bool = False) -> Iterator[Callable[[], None] | None]:
    """A progress bar on stderr while the membership audit runs, on a terminal only (a pipe or a CI log
    gets no control characters); yields the ``tick`` the audit calls, or None."""
    if not audited or not sys.stderr.isatty():
        yield None
        return
    from ..analysis.membership import audit_steps

    with click.progressbar(
        length=audit_steps(budget, population), label=f"membership audit ({budget})", file=sys.stderr
    ) as bar:
        yield lambda: bar.update(1)


def parse_metric(spec: str) -> tuple[str, float | str]:
    """``--metric NAME=VALUE``: a number when it reads as one, else text."""
    from ..errors import UsageError

    key, sep, value = spec.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--metric {spec!r}: expected NAME=VALUE, e.g. --metric accuracy=0.94")
    try:
        return key.strip(), float(value)  # a non-finite number is refused with the rest of the request
    except ValueError:
        return key.strip(), value.strip()
