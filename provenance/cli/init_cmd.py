from __future__ import annotations

from pathlib import Path

import click

from ._output import emit_json, new_passphrase, say


@click.command()
@click.option("--owner", help="Organisation that owns this repository (default: the directory name).")
@click.option(
    "--audience",
    type=click.Choice(["public", "internal", "private"]),
    default="internal",
    show_default=True,
    help="Who can read this repository; a commit is an export to them.",
)
@click.option("--key-type", type=click.Choice(["ecdsa-p256", "ed25519"]), default="ecdsa-p256", show_default=True)
@click.option("--key-name", help="Use (or create) this key instead of your default one.")
@click.option("--encrypt", is_flag=True, help="Encrypt a newly generated key with a passphrase.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(
    owner: str | None, audience: str, key_type: str, key_name: str | None, encrypt: bool, as_json: bool, directory: Path
) -> None:
    """Create .prov/ (config, datasets, trusted keys) in DIRECTORY.

    Generates a signing key in your per-user key directory if you have none, and trusts its public
    key in .prov/keys/. Private keys never enter the repository.
    """
    from ..api.init import init as run

    result = run(directory, owner, audience, key_type, key_name, new_passphrase(encrypt))
    if as_json:
        emit_json(
            {
                "prov_dir": str(result.repo.prov_dir),
                "created_config": result.created_config,
                "key": result.key.name,
                "keyid": result.key.keyid,
                "generated_key": result.generated_key,
                "trusted": result.trusted,
            }
        )
        return
    say(f"initialised {result.repo.prov_dir}" + ("" if result.created_config else " (config kept)"))
    if result.generated_key:
        say(f"generated signing key {result.key.name} ({result.key.key_type}, keyid {result.key.keyid[:16]}…)")
    say(
        f"trusted key {result.key.name} in {result.repo.keys_dir}"
        if result.trusted
        else f"key {result.key.name} was already trusted"
    )
