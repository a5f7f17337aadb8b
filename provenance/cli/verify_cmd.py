from __future__ import annotations

from pathlib import Path

import click

from ._output import emit_json


@click.command()
@click.argument("target", metavar="ARTEFACT|ENVELOPE|BUNDLE_DIR", type=click.Path(path_type=Path))
@click.option(
    "--key",
    "keys",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Trust only this public key (PEM); repeatable. Default: the repository's .prov/keys/.",
)
@click.option("--json", "as_json", is_flag=True)
def verify(target: Path, keys: tuple[Path, ...], as_json: bool) -> None:
    """Verify ARTEFACT's signed card, or an export bundle directory from `prov export`.

    Card: trusted signer, not revoked, digest unchanged, valid card. Bundle: the signed export record,
    every file it names, and the card; then what the recipient may do.

    Exit 0 when it verifies, 1 when it does not (with a reason code: CARD_MISSING, SIGNATURE_INVALID,
    KEY_UNTRUSTED, KEY_REVOKED, DIGEST_MISMATCH, CARD_INVALID).
    """
    from ..api.export import is_bundle

    if is_bundle(target):
        _verify_bundle(target, list(keys), as_json)
        return
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


def _verify_bundle(bundle: Path, keys: list[Path], as_json: bool) -> None:
    from ..api.export import verify_bundle_dir

    result = verify_bundle_dir(bundle, keys)
    if as_json:
        emit_json(result.model_dump(mode="json"))
    else:
        for r in result.reasons:
            click.echo(
                f"{'FAIL' if r.severity == 'block' else 'WARN'} {r.code}: {r.message}", err=r.severity == "block"
            )
        record = result.record
        if result.verified and record is not None:
            rec, duties = record.recipient, record.duties
            click.echo(
                f"OK bundle {bundle}: {record.artefact} exported to {rec.name}"
                f"{f' ({rec.org})' if rec.org else ''} on {record.exported_at.isoformat()} by "
                f"{result.exporter}; card signed by {result.card_signer}"
            )
            click.echo("You may use it:")
            click.echo(
                f"  purpose    {rec.purpose or 'not stated'}"
                + (f" (permitted: {', '.join(duties.purposes)})" if duties.purposes is not None else "")
            )
            click.echo(
                f"  territory  {rec.territory or 'not stated'}"
                + (f" (permitted: {', '.join(duties.territories)})" if duties.territories is not None else "")
            )
            commercial = {True: "permitted", False: "NOT permitted", None: "as the licences allow"}
            click.echo(f"  commercial {commercial[duties.commercial_use]}")
            for title, items in (
                ("attribution", duties.attribution),
                ("share-alike", duties.share_alike),
                ("use restrictions", duties.use_restrictions),
                ("also", duties.other),
            ):
                for item in items:
                    click.echo(f"  {title:10} {item}")
    if not result.verified:
        raise SystemExit(1)
