"""Entry point: a lazily-loaded command group and the one top-level error handler.

Sub-command modules are imported only when their command runs, so ``prov --help`` and the
pre-commit hook start without pydantic, scikit-learn or gitpython.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import click

from .._version import __version__
from .commands import COMMANDS


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[cmd_name]
        return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, _, help_) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prov")
def cli() -> None:
    """prov: signed provenance and licensing cards for trained ML artefacts.

    Records where each training dataset came from, under which licence, agreements and GDPR basis,
    signs it with the artefact's digest, and lets recipients verify it. Exit codes: 0 ok, 1 a check
    failed, 2 bad input, 3 internal error (PROV_DEBUG=1 shows the traceback).
    """


def main(argv: Sequence[str] | None = None) -> int:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="prov", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("prov: aborted", err=True)
        return 2
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help() if e.ctx else "")
        return _one_line(f"{e.ctx.command_path if e.ctx else 'prov'}: a command is needed (listed above)")
    except click.ClickException as e:
        return _one_line(_click_message(e))
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 1
    except Exception as e:  # the one place that turns any failure into one line
        return _handle(e)
    return 0


def _click_message(e: click.ClickException) -> str:
    """Click's usage errors as one line: which command, what was wrong, where the help is."""
    ctx = getattr(e, "ctx", None)
    if ctx is None:
        return f"prov: {e.format_message()}"
    return f"{ctx.command_path}: {e.format_message()} (see `{ctx.command_path} --help`)"


def _one_line(message: str) -> int:
    from ..textsafe import shown

    click.echo(shown(message if message.startswith("prov") else f"prov: {message}"), err=True)
    return 2


def _handle(e: BaseException) -> int:
    from ..errors import report

    return report(e)


if __name__ == "__main__":
    raise SystemExit(main())
