"""Key management: the user's private keys and the repository's trusted signers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..crypto import keys as _keys
from ..errors import SigningKeyError, UsageError
from ..store import trust, userkeys
from ..store.repo import ProvRepo, find_repo, require_repo
from ..store.session import utcnow


@dataclass(frozen=True)
class KeyRow:
    name: str
    keyid: str
    key_type: str
    where: str  # "user" | "trusted"
    default: bool = False
    revoked_at: str | None = None


def generate_key(
    name: str, key_type: str = "ecdsa-p256", passphrase: bytes | None = None, make_default: bool = False
) -> _keys.PublicKeyInfo:
    if key_type not in _keys.KEY_TYPES:
        raise UsageError(f"--type {key_type!r}: use one of {', '.join(_keys.KEY_TYPES)}")
    info = userkeys.generate(name, key_type, passphrase)  # type: ignore[arg-type]
    if make_default:
        userkeys.set_default(name)
    return info


def private_key_path(name: str) -> Path:
    """Where a private key lives (shown to the user; never copied anywhere)."""
    return userkeys.private_path(name)


def list_keys(start: Path | None = None) -> list[KeyRow]:
    rows = []
    default = userkeys.default_name()
    for name in userkeys.names():
        info = userkeys.load_public(name)
        rows.append(KeyRow(name, info.keyid, info.key_type, "user", name == default))
    repo = find_repo(start)
    if repo is not None:
        revoked = trust.revocations(repo)
        for info in trust.trusted_keys(repo):
            rev = revoked.get(info.keyid)
            rows.append(
                KeyRow(
                    info.name,
                    info.keyid,
                    info.key_type,
                    "trusted",
                    revoked_at=rev.revoked_at.isoformat() if rev else None,
                )
            )
    return rows


def trust_key(
    pubfile: Path | None, name: str | None, start: Path | None = None, *, user: bool = False
) -> tuple[_keys.PublicKeyInfo, bool]:
    """Trust a public key file, or (without a file) the user's own default key: in the repository, or
    with ``user`` in the user's own trusted keys (used by `prov verify` outside any repository)."""
    repo = None if user else require_repo(start)
    if pubfile is None:
        own = signing_key_name(None)
        info = userkeys.load_public(own)
        return trust.trust(repo, info.key, name or own)
    info = trust.load_key_file(pubfile)
    return trust.trust(repo, info.key, name or pubfile.name.removesuffix(".pem").removesuffix(".pub"))


@dataclass(frozen=True)
class RevokeResult:
    revocation: trust.Revocation
    ledgered: bool  # a key-revoke entry was appended (needs a usable signing key of yours)
    revoked_cards: list[str]  # cards in this repository the key signed that do not stay valid


def revoke_key(
    which: str,
    reason: str,
    start: Path | None = None,
    now: dt.datetime | None = None,
    passphrase: userkeys.PassphraseProvider = userkeys.env_passphrase,
    key_name: str | None = None,
) -> RevokeResult:
    """Revoke a trusted key from now on, keeping valid exactly what the ledger says it signed before.

    The ledger entry comes first (signed by your key: if that is the key being revoked, this is the last
    thing it signs), so the chain's order, not a time anyone claims, places the revocation.
    """
    from ..store import ledger

    repo = require_repo(start)
    now = now or utcnow()
    info = trust.find_trusted(repo, which)
    keys = trust.trusted_keys(repo)
    lines = ledger.read(repo)
    problems = ledger.verify(lines, keys, {})
    if problems:
        from ..errors import CheckFailed

        first = problems[0]
        raise CheckFailed(
            f"{repo.ledger_file}: line {first.line}: {first.message}; what the key signed before cannot be read "
            "from a ledger that does not verify: restore it from git (`prov log --verify`), then revoke again",
            code="LEDGER_BROKEN",
        )
    valid = frozenset(ledger.signed_before_revocation(lines, info.keyid, keys))
    ledgered = False
    already = trust.revocations(repo).get(info.keyid)
    if already is None or already.still_valid is None:
        try:
            _, key = load_signing_key(key_name, repo, passphrase, now)
        except SigningKeyError:
            key = None
        if key is not None:
            ledger.append(
                repo,
                "key-revoke",
                {"keyid": info.keyid, "name": info.name, "reason": reason, "still_valid": sorted(valid)},
                key,
                now,
            )
            ledgered = True
    rev = trust.revoke(repo, which, reason, now, valid)
    return RevokeResult(rev, ledgered, _cards_signed_by(repo, info.keyid, rev.still_valid or frozenset()))


def _cards_signed_by(repo: ProvRepo, keyid: str, valid: frozenset[str]) -> list[str]:
    """Cards in the repository whose envelope names ``keyid`` and that the revocation does not keep valid."""
    from ..lineage.index import CardIndex

    return sorted(e.card for e in CardIndex.open(repo).entries() if keyid in e.keyids and e.card_sha256 not in valid)


def export_key(name: str | None, fmt: str = "pem", principal: str | None = None) -> str:
    """The public key as PEM, an OpenSSH public key line, or an ``allowed_signers`` line trusting it as
    ``principal`` (default: the key's name) for prov's card namespace only (``ssh-keygen -Y verify``)."""
    info = userkeys.load_public(signing_key_name(name))
    if fmt == "pem":
        return _keys.public_pem(info.key).decode()
    if fmt == "openssh":
        return _keys.public_openssh(info.key).decode() + f" prov:{info.name}\n"
    if fmt == "allowed-signers":
        from ..crypto import sshsig

        try:
            return sshsig.allowed_signers_line(principal or info.name, info.key)
        except ValueError as e:
            raise UsageError(f"--principal: {e}") from None
    raise UsageError(f"--format {fmt!r}: use pem, openssh or allowed-signers")


def export_revocations(key_name: str | None = None, start: Path | None = None) -> str:
    """The repository's revocations, signed by your key: the list that travels to recipients."""
    from ..card import revocation_list

    repo = require_repo(start)
    now = utcnow()
    revoked = list(trust.revocations(repo).values())
    if not revoked:
        raise UsageError(f"{repo.revocations_file}: no key is revoked here, so there is no list to export")
    _, key = load_signing_key(key_name, repo, userkeys.env_passphrase, now)
    return revocation_list.make(revoked, key, now).decode()


def signing_key_name(name: str | None) -> str:
    if name:
        return userkeys.check_name(name)
    default = userkeys.default_name()
    if default is None:
        if not userkeys.names():
            raise SigningKeyError(f"no signing key in {userkeys.keys_dir()}; run `prov key generate` or `prov init`")
        raise SigningKeyError("several keys and no default; pass --key-name or run `prov key generate --default`")
    return default


def load_signing_key(
    name: str | None, repo: ProvRepo, passphrase: userkeys.PassphraseProvider, now: dt.datetime
) -> tuple[str, _keys.PrivateKey]:
    """The user's key, checked to be trusted by the repository and not revoked."""
    key_name = signing_key_name(name)
    key = userkeys.load_private(key_name, passphrase)
    kid = _keys.keyid(key.public_key())
    trusted = {k.keyid: k for k in trust.trusted_keys(repo)}
    if kid not in trusted:
        raise SigningKeyError(
            f"your key {key_name!r} ({kid[:16]}…) is not trusted in {repo.keys_dir}; run `prov key trust` to add it"
        )
    revoked = trust.revocations(repo).get(kid)
    if revoked is not None and now >= revoked.revoked_at:
        raise SigningKeyError(
            f"your key {key_name!r} was revoked at {revoked.revoked_at.isoformat()}; generate a new key and trust it"
        )
    return key_name, key
