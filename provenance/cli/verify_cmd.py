from __future__ import annotations

from pathlib import Path

import click

from .registry_cmd import connection, connection_options, trust_options


@click.command()
@click.argument(
    "targets", nargs=-1, required=True, metavar="ARTEFACT|ENVELOPE|BUNDLE_DIR|REF...", type=click.Path(path_type=Path)
)
@trust_options
@connection_options
@click.option("--json", "as_json", is_flag=True, help="JSON on stdout: one object, or a list for several targets.")
def verify(
    targets: tuple[Path, ...],
    keys: tuple[Path, ...],
    revocation_files: tuple[Path, ...],
    plain_http: bool,
    username: str | None,
    password_stdin: bool,
    as_json: bool,
) -> None:
    """Verify each ARTEFACT's signed card, or an export bundle directory from `prov export`.

    Card: trusted signer, not revoked, digest unchanged, valid card. Bundle: the signed export record,
    exactly the files it names (nothing added), and the card; then what the recipient may do.
    Trusted keys: --key, else the repository you run prov in, never a .prov/ inside what is verified.

    REF (HOST[:PORT]/REPOSITORY[:TAG|@DIGEST], not a local path): an artefact `prov push` put in an OCI
    registry. Its card is fetched and verified, and every layer digest checked against the card's file
    digests, without downloading the weights.

    Exit 0 when every target verifies, 1 when one does not (with a reason code: CARD_MISSING,
    SIGNATURE_INVALID, KEY_UNTRUSTED, KEY_REVOKED, DIGEST_MISMATCH, CARD_INVALID, BUNDLE_EXTRA_FILE, ...).
    """
    from .verify_run import run

    conn = connection(plain_http, username, password_stdin)
    raise SystemExit(run(list(targets), list(keys), as_json, list(revocation_files), conn))
