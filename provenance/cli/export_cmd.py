from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._output import emit_json, out, prompt_passphrase, reasons_table, say


@click.command()
@click.argument("artefact", type=click.Path(path_type=Path))
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory to write the bundle into (created if missing; must not already hold bundle files).",
)
@click.option("--recipient", "name", help="Who receives it (a person or team).")
@click.option("--org", help="The recipient's organisation; equal to the repository owner means internal.")
@click.option("--purpose", help="What they will use it for: research, commercial, internal, ...")
@click.option("--territory", help="Where it goes: ISO 3166 alpha-2 country code, e.g. DE, US.")
@click.option(
    "--recipient-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML profile with name, org, purpose, territory (flags override it).",
)
@click.option("--dry-run", is_flag=True, help="Decide and report; write nothing (not even the ledger).")
@click.option("--key-name", help="Sign the export record with this key instead of your default one.")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON (alone on stdout).")
def export(
    artefact: Path,
    to: Path,
    name: str | None,
    org: str | None,
    purpose: str | None,
    territory: str | None,
    recipient_file: Path | None,
    dry_run: bool,
    key_name: str | None,
    as_json: bool,
) -> None:
    """Export ARTEFACT to a recipient if its terms allow it; refuse with reasons if not.

    Allowed: DIR receives the artefact, its signed card, the rendered card, the signer's public key,
    the licence notices that must travel, and a signed export record. Refused (exit 1): nothing is
    written to DIR. Both outcomes are appended to the ledger.
    """
    from ..api.export import export as run

    recipient = load_recipient(recipient_file, name=name, org=org, purpose=purpose, territory=territory)
    result = run(artefact, to, recipient, dry_run=dry_run, key_name=key_name, passphrase=prompt_passphrase)
    d = result.decision
    if as_json:
        emit_json(
            {
                "allowed": d.allowed,
                "dry_run": result.dry_run,
                "bundle": str(result.bundle) if result.bundle else None,
                "files": result.files,
                "decision": d.model_dump(mode="json"),
            }
        )
    else:
        if d.reasons:
            for row in reasons_table(d.reasons):
                out(row)
        who = f"{recipient.name}" + (f" ({recipient.org})" if recipient.org else "")
        if not d.allowed:
            say(f"REFUSED: {d.artefact} may not go to {who}; nothing was written to {to}")
        elif result.dry_run:
            say(f"ALLOWED (dry run): {d.artefact} may go to {who}; nothing was written")
        else:
            say(f"EXPORTED: {d.artefact} to {who} in {result.bundle} ({len(result.files)} files)")
            say(
                "The recipient verifies it with your public key, sent to them separately (`prov key export`): "
                f"prov verify {result.bundle} --key SIGNER.pub"
            )
    if not d.allowed:
        raise SystemExit(1)


def load_recipient(recipient_file: Path | None, **flags: str | None) -> Any:
    """A recipient from a YAML profile, with command-line flags taking precedence."""
    from ..errors import UsageError
    from ..model.decision import Recipient
    from ..store.yamlio import load_yaml, parse_model

    data: dict[str, object] = {}
    source = "command line"
    if recipient_file is not None:
        loaded = load_yaml(recipient_file)
        if not isinstance(loaded, dict):
            raise UsageError(f"{recipient_file}: expected a mapping with name, org, purpose, territory")
        data.update(loaded)
        source = str(recipient_file)
    data.update({k: v for k, v in flags.items() if v is not None})
    if not data.get("name"):
        raise UsageError("name the recipient: --recipient NAME (or name: in --recipient-file)")
    return parse_model(Recipient, data, source)
