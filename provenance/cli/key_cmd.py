from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from ._output import emit_json, new_passphrase, out, say


@click.group()
def key() -> None:
    """Signing keys: yours (private, per user) and the repository's trusted signers (public)."""


@key.command("generate")
@click.option("--name", default="default", show_default=True, help="Name of the new key.")
@click.option(
    "--type",
    "key_type",
    type=click.Choice(["ecdsa-p256", "ed25519"]),
    default="ecdsa-p256",
    show_default=True,
    help="ECDSA P-256 is accepted by securesystemslib, model_signing and ssh-keygen.",
)
@click.option("--encrypt", is_flag=True, help="Encrypt the private key (PROV_KEY_PASSPHRASE or a prompt).")
@click.option("--default", "make_default", is_flag=True, help="Make it the key prov signs with.")
@click.option("--json", "as_json", is_flag=True)
def generate(name: str, key_type: str, encrypt: bool, make_default: bool, as_json: bool) -> None:
    """Generate a key pair in your per-user key directory (mode 0600)."""
    from ..api.keys import generate_key, private_key_path

    info = generate_key(name, key_type, new_passphrase(encrypt), make_default)
    if as_json:
        emit_json(
            {"name": info.name, "keyid": info.keyid, "type": info.key_type, "private": str(private_key_path(name))}
        )
    else:
        say(f"generated {info.key_type} key {info.name} (keyid {info.keyid}) in {private_key_path(name).parent}")
        say("trust it in a repository with `prov key trust`")


@key.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """List your keys and the keys this repository trusts."""
    from ..api.keys import list_keys

    rows = list_keys()
    if as_json:
        emit_json([asdict(r) for r in rows])
        return
    if not rows:
        say("no keys; run `prov init` or `prov key generate`")
    for r in rows:
        flags = (" (default)" if r.default else "") + (f" REVOKED {r.revoked_at}" if r.revoked_at else "")
        out(f"{r.where:8} {r.name:20} {r.key_type:11} {r.keyid}{flags}")


@key.command("trust")
@click.argument("pubfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="Name to trust it under (default: the file name).")
@click.option(
    "--user",
    is_flag=True,
    help="Trust it in your own configuration instead: `prov verify` uses these keys outside any repository.",
)
@click.option("--json", "as_json", is_flag=True)
def trust(pubfile: Path | None, name: str | None, user: bool, as_json: bool) -> None:
    """Trust a signer's public key (PEM) in this repository; without PUBFILE, your own default key."""
    from ..api.keys import trust_key

    info, added = trust_key(pubfile, name, user=user)
    if as_json:
        emit_json({"name": info.name, "keyid": info.keyid, "added": added})
    else:
        say(f"{'trusted' if added else 'already trusted'}: {info.name} ({info.keyid})")


@key.command("revoke")
@click.argument("key_ref", metavar="NAME_OR_KEYID")
@click.option("--reason", default="", help="Why (recorded in .prov/keys/revocations.yaml and the ledger).")
@click.option("--key-name", help="Your key that signs the ledger entry (default: your default key).")
@click.option("--json", "as_json", is_flag=True)
def revoke(key_ref: str, reason: str, key_name: str | None, as_json: bool) -> None:
    """Revoke a trusted key. Only the cards and export records it signed before now (as the ledger
    records them) stay valid; anything else it signs fails verification, whatever date it claims."""
    from ..api.keys import revoke_key

    result = revoke_key(key_ref, reason, key_name=key_name)
    rev = result.revocation
    if as_json:
        emit_json(
            {
                "keyid": rev.keyid,
                "name": rev.name,
                "revoked_at": rev.revoked_at.isoformat(),
                "reason": rev.reason,
                "still_valid": sorted(rev.still_valid or ()),
                "ledgered": result.ledgered,
                "revoked_cards": result.revoked_cards,
            }
        )
        return
    say(f"revoked {rev.name} ({rev.keyid}) at {rev.revoked_at.isoformat()}")
    say(f"{len(rev.still_valid or ())} cards and export records it signed before stay valid (from the ledger)")
    for card in result.revoked_cards:
        say(f"no longer valid: {card} (not in the ledger as signed before the revocation); re-sign it")
    if not result.ledgered:
        say("no ledger entry: you have no usable signing key here (the revocation holds without one)")
    say("commit .prov/keys/revocations.yaml; recipients get it with `prov key export --revocations`")


@key.command("export")
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(["pem", "openssh"]), default="pem", show_default=True)
@click.option(
    "--allowed-signers",
    is_flag=True,
    help="An OpenSSH allowed_signers line trusting the key for prov cards only (namespace "
    "prov-card@prov-cards.dev), for `ssh-keygen -Y verify -f FILE -I PRINCIPAL -n prov-card@prov-cards.dev`.",
)
@click.option("--principal", help="With --allowed-signers: the identity to give (-I); default the key's name.")
@click.option(
    "--revocations",
    is_flag=True,
    help="Instead of the key: this repository's revocations as a list signed by your key, for recipients "
    "(`prov verify --revocations FILE`). Bundles carry it too.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def export(
    name: str | None, fmt: str, allowed_signers: bool, principal: str | None, revocations: bool, output: Path | None
) -> None:
    """Print your PUBLIC key (default key unless NAME) for recipients to verify with."""
    from ..api.keys import export_key, export_revocations
    from ..store.session import write_output

    if allowed_signers and revocations:
        raise click.UsageError("--allowed-signers and --revocations export different things: pass one")
    if principal is not None and not allowed_signers:
        raise click.UsageError("--principal goes with --allowed-signers")
    if allowed_signers:
        fmt = "allowed-signers"
    text = export_revocations(name) if revocations else export_key(name, fmt, principal)
    if output is not None:
        write_output(output, text)
        say(f"wrote {output}")
    else:
        click.echo(text, nl=False)


@key.command("rotate")
@click.option("--new", "new", required=True, help="Name of the new key (generated, or reused to resume a rotation).")
@click.option("--old", help="The key to rotate out (default: your default key).")
@click.option("--type", "key_type", type=click.Choice(["ecdsa-p256", "ed25519"]), help="Default: the old key's type.")
@click.option("--reason", default="rotated", show_default=True, help="Recorded with the revocation.")
@click.option("--encrypt", is_flag=True, help="Encrypt the new private key (PROV_KEY_PASSPHRASE or a prompt).")
@click.option("--json", "as_json", is_flag=True)
def rotate(new: str, old: str | None, key_type: str | None, reason: str, encrypt: bool, as_json: bool) -> None:
    """Rotate your signing key: generate and trust NEW, revoke the old key from now (what it signed
    before stays valid), and re-sign every card in the repository the old key signed -- same content,
    previous_card chained, one ledger entry each. An interrupted rotation can be run again."""
    from ..api.rotate import rotate as run

    result = run(new, old, key_type, reason, new_passphrase=new_passphrase(encrypt))
    if as_json:
        emit_json(asdict(result))
        return
    made = "generated" if result.generated else "reused"
    say(f"{made} {result.new} ({result.new_keyid}); revoked {result.old} ({result.old_keyid})")
    say(f"re-signed {len(result.resigned)} cards" + (f" ({len(result.already)} earlier)" if result.already else ""))
    for card in result.left_revoked:
        say(f"not re-signed: {card} (signed by {result.old} but not in the ledger before the revocation)")
    for card in result.other_signers:
        say(f"re-sign by its own signer: {card} names a parent re-signed here (`prov card --overwrite`)")
    say("commit the cards, .prov/keys/ and the ledger; send recipients `prov key export --revocations`")
