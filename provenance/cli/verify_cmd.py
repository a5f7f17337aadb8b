from __future__ import annotations

from pathlib import Path

import click

from ._output import emit_json


@click.command()
@click.argument("target", metavar="ARTEFACT|ENVELOPE", type=click.Path(path_type=Path))
@click.option(
    "--key",
    "keys",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Trust only this public key (PEM); repeatable. Default: the repository's .prov/keys/.",
)
@click.option("--json", "as_json", is_flag=True)
def verify(target: Path, keys: tuple[Path, ...], as_json: bool) -> None:
    """Verify ARTEFACT's signed card: trusted signer, not revoked, digest unchanged, valid card.

    Exit 0 when it verifies, 1 when it does not (with a reason code: CARD_MISSING, SIGNATURE_INVALID,
    KEY_UNTRUSTED, KEY_REVOKED, DIGEST_MISMATCH, CARD_INVALID).
    """
    from ..api.cards import verify as run

    result = run(target, list(keys))
    if as_json:
        emit_json(result.model_dump(mode="json"))
    else:
        if result.verified:
            click.echo(
                f"OK {result.artefact}: signed by {result.signer} ({(result.keyid or '')[:16]}…) "
                f"at {result.signed_at}, sha256 {result.subject_sha256}"
            )
        for r in result.reasons:
            click.echo(
                f"{'FAIL' if r.severity == 'block' else 'WARN'} {r.code}: {r.message}", err=r.severity == "block"
            )
    if not result.verified:
        raise SystemExit(1)
