"""``prov key rotate``: a new key, the old one revoked, and every card the old key validly signed re-signed.

The order makes an interrupted rotation safe to run again: the new key is generated (or reused when it
exists) and trusted, the old key is revoked (its revocation lists what it signed before, from the
ledger), then each card is re-signed -- parents before children, so a child re-signed here names its
parent's new card -- with the same content, ``previous_card`` chained to the old card, one ledger
entry each, each card written atomically; the new key becomes the default last. A second run of the
same command finds the revocation in place and the cards already re-signed (their signer is the new
key) and carries on with the rest.

Only cards whose digest the revocation keeps valid are re-signed: a card the old key signed that the
ledger does not know -- what a thief with the leaked key would plant -- is left revoked and named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .._version import __version__
from ..errors import UsageError
from ..store import trust, userkeys
from ..store.repo import require_repo
from ..store.session import utcnow


@dataclass
class RotateResult:
    old: str
    old_keyid: str
    new: str
    new_keyid: str
    generated: bool
    resigned: list[str] = field(default_factory=list)  # card paths re-signed now
    already: list[str] = field(default_factory=list)  # re-signed by an earlier, interrupted run
    left_revoked: list[str] = field(default_factory=list)  # by the old key, not kept valid: not re-signed
    other_signers: list[str] = field(default_factory=list)  # children by other keys naming a re-signed parent


def rotate(
    new: str,
    old: str | None = None,
    key_type: str | None = None,
    reason: str = "rotated",
    start: Path | None = None,
    *,
    passphrase: userkeys.PassphraseProvider = userkeys.env_passphrase,
    new_passphrase: bytes | None = None,
    now: dt.datetime | None = None,
) -> RotateResult:
    from ..card.files import read_signed_card
    from ..crypto import keys as _keys
    from ..lineage.index import CardIndex
    from ..model.card import Created, Signer
    from ..regularfile import read_regular
    from .card import write_signed
    from .keys import revoke_key, signing_key_name

    repo = require_repo(start)
    now = now or utcnow()
    old_name = signing_key_name(old)
    if userkeys.check_name(new) == old_name:
        if old is None:
            raise UsageError(
                f"--new {new}: it is already your default key, so a rotation to it finished; pass --old NAME "
                "to rotate another key out"
            )
        raise UsageError(f"--new {new}: that is the key being rotated out; name the new key")
    old_info = userkeys.load_public(old_name)
    generated = new not in userkeys.names()
    if generated:
        userkeys.generate(new, key_type or old_info.key_type, new_passphrase)  # type: ignore[arg-type]
    new_key = userkeys.load_private(new, passphrase)
    new_info = _keys.PublicKeyInfo.of(new, new_key.public_key())
    trust.trust(repo, new_key.public_key(), new)

    revocation = trust.revocations(repo).get(old_info.keyid)
    if revocation is None or revocation.still_valid is None:
        revocation = revoke_key(old_info.keyid, reason, repo.root, now, passphrase, key_name=old_name).revocation
    valid = revocation.still_valid or frozenset()

    index = CardIndex.open(repo)
    try:
        entries = index.entries()
    finally:
        index.close()
    result = RotateResult(old_name, old_info.keyid, new, new_info.keyid, generated)
    # Cards re-signed by an earlier run: their old digest -> their new one.
    moved = {e.previous_card: e.card_sha256 for e in entries if new_info.keyid in e.keyids and e.previous_card}
    todo = {}
    for e in entries:
        if old_info.keyid not in e.keyids:
            continue
        if e.card_sha256 in moved:
            result.already.append(e.card)  # a stale copy of a card already re-signed: never re-sign twice
        elif e.card_sha256 in valid:
            todo[e.artefact] = e
        else:
            result.left_revoked.append(e.card)
    result.already += [e.card for e in entries if new_info.keyid in e.keyids and e.previous_card in valid]
    result.already = sorted(set(result.already))
    signer = Signer(keyid=new_info.keyid, name=new)
    for artefact in _parents_first(todo):
        e = todo[artefact]
        path = repo.root / e.card
        raw = read_regular(path)
        signed = read_signed_card(raw)
        if signed.sha256 != e.card_sha256:
            raise UsageError(f"{e.card}: changed while the rotation ran; run `prov key rotate --new {new}` again")
        card = signed.card
        parents = [p.model_copy(update={"card_sha256": moved.get(p.card_sha256, p.card_sha256)}) for p in card.parents]
        resigned = card.model_copy(
            update={
                "created": Created(time=now, signer=signer, prov_version=__version__),
                "previous_card": signed.sha256,
                "parents": parents,
            }
        )
        out = write_signed(repo, repo.root / artefact, resigned, new_key, now, rotated_from=old_info.keyid)
        moved[signed.sha256] = out.card_sha256
        result.resigned.append(e.card)
    # The default moves last: an interrupted rotation is resumed by the same command.
    if userkeys.default_name() in (None, old_name):
        userkeys.set_default(new)
    for e in entries:
        if old_info.keyid in e.keyids or new_info.keyid in e.keyids:
            continue
        if any(p.card_sha256 in moved for p in e.parents):
            result.other_signers.append(e.card)
    return result


def _parents_first(todo: dict) -> list[str]:  # type: ignore[type-arg]
    """Artefacts in an order where each parent (by repository path) comes before its children."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(a: str, depth: int = 0) -> None:
        if a in seen or depth > 64:
            return
        seen.add(a)
        for p in todo[a].parents:
            if p.path in todo:
                visit(p.path, depth + 1)
        order.append(a)

    for a in sorted(todo):
        visit(a)
    return order
