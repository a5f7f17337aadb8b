from __future__ import annotations

import click


@click.command(context_settings={"ignore_unknown_options": False})
@click.argument("paths", nargs=-1)
@click.option("--all", "all_files", is_flag=True, help="Check every tracked artefact, dataset file and manifest.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (alone on stdout).")
def check(paths: tuple[str, ...], all_files: bool, as_json: bool) -> None:
    """Check what the next commit contains (or PATHS, or --all): the pre-commit entry point.

    A commit is an export to the repository's audience (.prov/config.yaml): every staged artefact needs
    a staged card that verifies and matches the staged bytes, and whose terms allow that audience;
    dataset files may only enter repositories their confidentiality allows; manifests must validate,
    and loosened terms are reported. Exit 1 when anything is wrong, with one line per problem.
    """
    from ..hooks.check import main

    raise SystemExit(main([*paths, *(["--all"] if all_files else []), *(["--json"] if as_json else [])]))
