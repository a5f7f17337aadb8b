"""`prov push` and `prov pull`: artefacts through OCI registries (the ``oci`` extra: httpx)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ._output import emit_json, out, prompt_passphrase, reasons_table, say


def connection_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--plain-http, --username, --password-stdin: how to reach the registry (shared by push, pull, verify)."""
    f = click.option(
        "--password-stdin",
        is_flag=True,
        help="Read the registry password (or token) from standard input, as `docker login --password-stdin`.",
    )(f)
    f = click.option(
        "--username", help="Registry user name (default: the docker config's credentials for the host, if any)."
    )(f)
    f = click.option(
        "--plain-http",
        is_flag=True,
        help="Talk plain HTTP to a registry that is not on this machine (loopback hosts use it already).",
    )(f)
    return f


def trust_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--key and --revocations: whom a verifier trusts (shared by verify and pull)."""
    f = click.option(
        "--revocations",
        "revocation_files",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="A signed revocation list (`prov key export --revocations`); counts only when signed by a key you "
        "trust. Repeatable. A bundle's own list is applied the same way.",
    )(f)
    f = click.option(
        "--key",
        "keys",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Trust only this public key (PEM); repeatable. Default: the .prov/keys/ of the repository you are in.",
    )(f)
    return f


def connection(plain_http: bool, username: str | None, password_stdin: bool) -> Any:
    from ..api.remote import Connection
    from ..oci.credentials import read_password_stdin

    if password_stdin and username is None:
        raise click.UsageError("--password-stdin needs --username")
    password = read_password_stdin(sys.stdin) if password_stdin else None
    return Connection(plain_http=True if plain_http else None, username=username, password=password)


def tty_progress(verb: str) -> Any:
    """Per-file progress on a terminal (stderr), for files past 16 MiB; None elsewhere."""
    if not sys.stderr.isatty():
        return None
    import time

    from ..textsafe import shown

    def start(label: str, total: int) -> Callable[[int], None] | None:
        if total < 16 << 20:
            return None
        state = {"done": 0, "last": 0.0, "start": time.monotonic()}

        def report(n: int) -> None:
            state["done"] += n
            now = time.monotonic()
            done = int(state["done"])
            if now - state["last"] < 0.2 and done < total:
                return
            state["last"] = now
            rate = done / max(now - state["start"], 1e-6) / 1e6
            sys.stderr.write(
                f"\r{verb} {shown(label, 50)}: {100 * done / total:5.1f}% ({done >> 20} MiB, {rate:.0f} MB/s)"
            )
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        return report

    return start


@click.command()
@click.argument("artefact", type=click.Path(path_type=Path))
@click.argument("reference", metavar="REF")
@connection_options
@click.option("--dry-run", is_flag=True, help="Decide and report; contact no registry and write nothing.")
@click.option("--key-name", help="Sign the push record with this key instead of your default one.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON (alone on stdout).")
def push(
    artefact: Path,
    reference: str,
    plain_http: bool,
    username: str | None,
    password_stdin: bool,
    dry_run: bool,
    key_name: str | None,
    as_json: bool,
) -> None:
    """Push ARTEFACT to an OCI registry as REF (HOST[:PORT]/REPOSITORY[:TAG]) if its terms allow it.

    A push is an export to the registry's audience: `registries:` in .prov/config.yaml says who can pull
    from where (a registry not listed is public). Refused (exit 1): nothing is sent, not even a blob.
    Allowed: one uncompressed layer per file (the layer digests are the card's file digests), then the
    signed card, the OpenSSF model-signing signature and a signed push record as OCI referrers; blobs
    the registry already has are not sent again. Both outcomes go to the ledger.
    """
    from ..api.remote import push as run

    conn = connection(plain_http, username, password_stdin)
    result = run(
        artefact,
        reference,
        connection=conn,
        dry_run=dry_run,
        key_name=key_name,
        passphrase=prompt_passphrase,
        progress=None if as_json else tty_progress("pushing"),
    )
    d = result.decision
    if as_json:
        emit_json(
            {
                "allowed": d.allowed,
                "dry_run": result.dry_run,
                "reference": result.reference,
                "pinned": result.pinned,
                "uploaded": result.uploaded,
                "already_there": result.present,
                "referrers": result.referrers,
                "decision": d.model_dump(mode="json"),
            }
        )
    else:
        for row in reasons_table(d.reasons) if d.reasons else []:
            out(row)
        who = d.recipient.name if d.recipient else result.reference
        if not d.allowed:
            say(f"REFUSED: {d.artefact} may not go to {who}; nothing was sent to the registry")
        elif result.dry_run:
            say(f"ALLOWED (dry run): {d.artefact} may go to {who}; nothing was sent")
        else:
            say(
                f"PUSHED: {d.artefact} to {result.reference} ({result.pinned}); {len(result.uploaded)} blobs sent, "
                f"{len(result.present)} already there; card, signature and push record attached as referrers"
            )
            say(f"Recipients check it without downloading the weights: prov verify {result.reference} --key SIGNER.pub")
    if not d.allowed:
        raise SystemExit(1)


@click.command()
@click.argument("reference", metavar="REF")
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory to put the artefact, its card and signature in (created if missing).",
)
@trust_options
@connection_options
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON (alone on stdout).")
def pull(
    reference: str,
    to: Path,
    keys: tuple[Path, ...],
    revocation_files: tuple[Path, ...],
    plain_http: bool,
    username: str | None,
    password_stdin: bool,
    as_json: bool,
) -> None:
    """Download REF into DIR only if its card verifies: the card first (no weights until it holds),
    then every layer, hashed while it streams; DIR gets the files only when all of them hold.

    Exit 1 (nothing written) when the card does not verify under trusted keys or a blob is not what
    the card signed. A recipient without a prov repository passes the signer's key with --key.
    """
    from ..api.remote import pull as run

    conn = connection(plain_http, username, password_stdin)
    result = run(
        reference,
        to,
        list(keys),
        connection=conn,
        revocation_files=list(revocation_files),
        progress=None if as_json else tty_progress("pulling"),
    )
    verdict = result.remote.verdict
    if as_json:
        emit_json({**result.remote.as_dict(), "to": str(result.to) if result.to else None, "files": result.files})
    else:
        for f in verdict.findings:
            out(f"{'FAIL' if f.severity == 'block' else 'WARN'} {f.code}: {f.message}")
        if result.to is None:
            say(f"REFUSED: {reference} does not verify; nothing was downloaded into {to}")
        else:
            say(
                f"PULLED: {result.remote.pinned} into {result.to} ({', '.join(result.files)}); card signed by "
                f"{verdict.signer} at {verdict.signed_at}"
            )
    if result.to is None:
        raise SystemExit(1)
