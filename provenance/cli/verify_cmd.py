from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._output import emit_json


@click.command()
@click.argument(
    "targets", nargs=-1, required=True, metavar="ARTEFACT|ENVELOPE|BUNDLE_DIR...", type=click.Path(path_type=Path)
)
@click.option(
    "--key",
    "keys",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Trust only this public key (PEM); repeatable. Default: the .prov/keys/ of the repository you are in.",
)
@click.option("--json", "as_json", is_flag=True, help="JSON on stdout: one object, or a list for several targets.")
def verify(targets: tuple[Path, ...], keys: tuple[Path, ...], as_json: bool) -> None:
    """Verify each ARTEFACT's signed card, or an export bundle directory from `prov export`.

    Card: trusted signer, not revoked, digest unchanged, valid card. Bundle: the signed export record,
    exactly the files it names (nothing added), and the card; then what the recipient may do.
    Trusted keys: --key, else the repository you run prov in, never a .prov/ inside what is verified.

    Exit 0 when every target verifies, 1 when one does not (with a reason code: CARD_MISSING,
    SIGNATURE_INVALID, KEY_UNTRUSTED, KEY_REVOKED, DIGEST_MISMATCH, CARD_INVALID, BUNDLE_EXTRA_FILE, ...).
    """
    from ..api.verify import is_bundle, verify, verify_bundle_dir

    results: list[Any] = []
    ok = True
    for target in targets:
        if is_bundle(target):
            bundle = verify_bundle_dir(target, list(keys))
            ok &= bundle.verified
            results.append(bundle.model_dump(mode="json"))
            if not as_json:
                _show_bundle(target, bundle)
            continue
        result = verify(target, list(keys))
        ok &= result.verified
        results.append(result.model_dump(mode="json"))
        if not as_json:
            _show_card(result)
    if as_json:
        emit_json(results[0] if len(targets) == 1 else results)
    if not ok:
        raise SystemExit(1)


def _show_card(result: Any) -> None:
    if result.verified:
        click.echo(
            f"OK {result.artefact}: signed by {result.signer} ({(result.keyid or '')[:16]}…) "
            f"at {result.signed_at}, sha256 {result.subject_sha256}"
        )
    else:
        click.echo(f"FAIL {result.artefact}")
    _reasons(result.reasons)


def _reasons(reasons: Any) -> None:
    for r in reasons:
        click.echo(f"{'FAIL' if r.severity == 'block' else 'WARN'} {r.code}: {r.message}", err=r.severity == "block")


def _show_bundle(bundle: Path, result: Any) -> None:
    _reasons(result.reasons)
    record = result.record
    if not (result.verified and record is not None):
        click.echo(f"FAIL bundle {bundle}")
        return
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
