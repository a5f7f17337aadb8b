"""Trusted public keys (``.prov/keys/*.pub``, committed) and their revocations."""

from __future__ import annotations

import datetime as dt
import os
from collections import namedtuple
from pathlib import Path

from ..crypto.keyinfo import PublicKeyInfo
from ..errors import ManifestError, NotFoundError, UsageError
from .repo import ProvRepo

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from ..crypto import keys as _keys

# Plain named tuples, not dataclasses: this module is on `prov verify`'s start-up path.


# still_valid: the sha256 of every card and export record the key signed before its revocation (from the
# ledger); None for an entry written before prov listed them (nothing it signed stays valid: fail closed).
Revocation = namedtuple("Revocation", "keyid name revoked_at reason still_valid", defaults=(None,))


def load_key_file(path: Path) -> PublicKeyInfo:
    from ..regularfile import read_regular

    try:
        data = read_regular(path, limit=1 << 20)
    except NotFoundError:
        raise NotFoundError(f"{path}: no such public key file") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read it as a public key file ({e.strerror or e})") from None
    try:
        from ..textsafe import as_text

        return PublicKeyInfo.from_pem(as_text(path.stem), data)  # the name is shown and recorded: text only
    except ValueError as e:  # UnsupportedKey is a ValueError
        raise UsageError(f"{path}: not a PEM public key prov can use ({e})") from None


class TrustRoot(namedtuple("TrustRoot", "keys revoked")):
    """The keys a verification trusts (list of PublicKeyInfo) and the revocations it honours (keyid ->
    ``card.verify.Revoked``), loaded once per command."""

    __slots__ = ()

    @classmethod
    def of_repo(cls, repo: ProvRepo) -> TrustRoot:
        return cls(trusted_keys(repo), revoked_map(revocations(repo).values()))

    def with_revocations(self, more: Iterable[Revocation]) -> TrustRoot:
        """These keys, with ``more`` revocations merged in: a revocation only ever narrows what verifies."""
        revoked = dict(self.revoked)
        for keyid, r in revoked_map(more).items():
            revoked[keyid] = revoked[keyid].merge(r) if keyid in revoked else r
        return TrustRoot(self.keys, revoked)

    @classmethod
    def of_files(cls, files: list[Path]) -> TrustRoot:
        return cls([_key_file(k) for k in files], {})


class Revoked(namedtuple("Revoked", "at valid name")):
    """A revoked key: when, and the digests of what it signed before that stay valid (``valid``).

    Revocation by time alone trusts a date the signer chose: whoever holds a leaked key signs a card
    dated before the revocation. So a revocation names what stays valid instead, and anything else the
    key signed is revoked whatever its date. Several revocations of one key (the repository's, a
    travelling list) combine by ``merge``: the earliest time and only what all of them keep valid.
    """

    __slots__ = ()

    def merge(self, other: Revoked) -> Revoked:
        return Revoked(min(self.at, other.at), self.valid & other.valid, self.name or other.name)


def revoked_map(items: Iterable[Revocation]) -> dict[str, Revoked]:
    """keyid -> Revoked (several entries for one key merge: earliest time, only what all keep valid)."""
    out: dict[str, Revoked] = {}
    for r in items:
        new = Revoked(r.revoked_at, frozenset(r.still_valid or ()), r.name)
        out[r.keyid] = out[r.keyid].merge(new) if r.keyid in out else new
    return out


def trust_root(key_files: list[Path], target: Path | None = None, start: Path | None = None) -> TrustRoot:
    """Whom a recipient trusts: ``--key`` files, else the repository they work in (found from ``start``,
    the current directory), never a ``.prov/`` inside the thing being verified.

    The target's own repository is not consulted: a download that ships its own ``.prov/keys/`` would
    otherwise vouch for itself.
    """
    if key_files:
        return TrustRoot.of_files(key_files)
    from .repo import find_repo

    repo = find_repo(start or Path.cwd())
    what = f"{target}" if target is not None else "this"
    if repo is None:
        user = user_trusted_keys()
        if user:
            return TrustRoot(user, {})
        raise UsageError(
            f"{what}: you are not inside a prov repository and trust no key of your own, so no key is trusted; "
            "pass the signer's public key with --key PUBFILE (or trust it once: `prov key trust PUBFILE --user`)"
        )
    refuse_self_trust(repo, target)
    return _repo_trust(repo)


def user_trust_dir() -> Path:
    """Keys a user trusts outside any repository (``prov key trust --user``): their own configuration."""
    from ..home import prov_home

    return prov_home() / "trusted"


def user_trusted_keys() -> list[PublicKeyInfo]:
    directory = user_trust_dir()
    if not directory.is_dir():
        return []
    return [_key_file(p) for p in sorted(directory.glob("*.pub"))]


_KEY_FILES: dict[tuple[str, tuple[int, ...]], PublicKeyInfo] = {}


def _key_file(path: Path) -> PublicKeyInfo:
    """``load_key_file``, remembered for the process by the file's absolute path and stamp (any change to
    the file, or another file put in its place, reads it again; so does one changed in the last moments)."""
    import time

    from .. import stamps

    started = time.time_ns()
    before = stamps.of(path)
    memo = (os.path.abspath(path), before) if before is not None else None
    if memo is not None and memo in _KEY_FILES:
        return _KEY_FILES[memo]
    info = load_key_file(path)
    if memo is not None and stamps.settled(before[4], started) and stamps.of(path) == before:  # type: ignore[index]
        if len(_KEY_FILES) > 256:
            _KEY_FILES.clear()
        _KEY_FILES[memo] = info
    return info


def refuse_self_trust(repo: ProvRepo, target: Path | None) -> None:
    """A repository at or inside ``target`` is part of what is being verified: it cannot vouch for it."""
    if target is None or not target.is_dir():
        return
    root, top = repo.root.resolve(), target.resolve()
    if root == top or top in root.parents:
        raise UsageError(
            f"{target}: the only trusted keys here would come from the .prov/ inside it, which proves nothing; "
            "run prov from your own repository or pass the signer's public key with --key PUBFILE"
        )


_LOADED: dict[tuple[object, ...], TrustRoot] = {}


def _repo_trust(repo: ProvRepo) -> TrustRoot:
    """Keys and revocations parsed once per process while their files, and git's index and HEAD (which
    ``committed_revocations`` reads), keep their stamps (``stamps``: device, inode, size, mtime, ctime;
    a key added, removed, edited or swapped changes the listing or a stamp). Files changed in the last
    moments are read again each time rather than remembered (``stamps.settled``)."""
    import time

    started = time.time_ns()
    key, settled = _trust_stamp(repo, started)
    if key in _LOADED:
        return _LOADED[key]
    loaded = TrustRoot.of_repo(repo).with_revocations(committed_revocations(repo))
    if settled and _trust_stamp(repo, started)[0] == key:  # and nothing changed while it was read
        _LOADED.clear()
        _LOADED[key] = loaded
    return loaded


def _trust_stamp(repo: ProvRepo, started: int) -> tuple[tuple[object, ...], bool]:
    """(what the repository's trust is read from, by stamp; whether every key file had settled by
    ``started``)."""
    from .. import stamps
    from .gitblobs import state

    stamp: list[object] = [str(repo.root), state(repo.root)]
    settled = True
    if repo.keys_dir.is_dir():
        for p in sorted(repo.keys_dir.iterdir()):
            st = p.stat()
            stamp.append((p.name, *stamps.key(st)))
            settled = settled and stamps.settled(st.st_ctime_ns, started)
    return tuple(stamp), settled


def committed_revocations(repo: ProvRepo) -> list[Revocation]:
    """revocations.yaml as staged and as in HEAD: a revocation deleted from the working tree still binds."""
    from .gitblobs import committed_versions

    rel = repo.relative(repo.revocations_file)
    out: list[Revocation] = []
    for raw in committed_versions(repo.root, [rel]).get(rel, []):
        from .yamlio import parse_yaml_text

        source = f"{rel} (as committed or staged)"
        out += parse_revocations(parse_yaml_text(raw, source), source).values()
    return out


def trusted_keys(repo: ProvRepo) -> list[PublicKeyInfo]:
    if not repo.keys_dir.is_dir():
        return []
    return [_key_file(p) for p in sorted(repo.keys_dir.glob("*.pub"))]


def trust(repo: ProvRepo | None, key: _keys.PublicKey, name: str) -> tuple[PublicKeyInfo, bool]:
    """Add a public key to the repository's allowed signers (or, with ``repo`` None, to the user's own
    trusted keys); returns (info, newly added)."""
    from ..crypto import keys as _keys
    from . import atomic
    from .userkeys import check_name

    check_name(name)
    info = PublicKeyInfo.of(name, key)
    directory = repo.keys_dir if repo is not None else user_trust_dir()
    existing_keys = trusted_keys(repo) if repo is not None else user_trusted_keys()
    for existing in existing_keys:
        if existing.keyid == info.keyid:
            return existing, False
    path = directory / f"{name}.pub"
    if path.exists():
        raise UsageError(f"{path}: another key is already trusted under the name {name!r}; pass --name")
    atomic.write_bytes(path, _keys.public_pem(key))
    return info, True


def revocations(repo: ProvRepo) -> dict[str, Revocation]:
    path = repo.revocations_file
    if not path.exists():
        return {}
    from .yamlio import load_yaml

    return parse_revocations(load_yaml(path), str(path))


def parse_revocations(data: object, source: str) -> dict[str, Revocation]:
    """revocations.yaml as read (a list); ManifestError naming the entry that does not read."""
    data = data or []
    if not isinstance(data, list):
        raise ManifestError(source, None, "expected a list of revocations")
    out: dict[str, Revocation] = {}
    for i, item in enumerate(data):
        try:
            rev = revocation_of(item)
        except (KeyError, TypeError, ValueError) as e:
            raise ManifestError(
                source, f"[{i}]", f"expected keyid, revoked_at (ISO time) and still_valid (sha256 list): {e}"
            ) from None
        out[rev.keyid] = rev
    return out


def revocation_of(item: object) -> Revocation:
    """One entry of revocations.yaml (or of a travelling list); KeyError, TypeError or ValueError when it
    is not one."""
    if not isinstance(item, dict):
        raise TypeError("an entry must be a mapping")
    at = item["revoked_at"]
    at = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    valid = item.get("still_valid")
    if valid is not None:
        if not isinstance(valid, list) or not all(_is_sha256(v) for v in valid):
            raise ValueError("still_valid must be a list of lower-case sha256 hex digests")
        valid = frozenset(valid)
    return Revocation(str(item["keyid"]), str(item.get("name", "")), at, str(item.get("reason", "")), valid)


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def revocation_entry(r: Revocation) -> dict[str, Any]:
    return {
        "keyid": r.keyid,
        "name": r.name,
        "revoked_at": r.revoked_at.isoformat(),
        "reason": r.reason,
        "still_valid": sorted(r.still_valid or ()),
    }


def revoke(repo: ProvRepo, which: str, reason: str, now: dt.datetime, still_valid: frozenset[str]) -> Revocation:
    """Record that a trusted key (by name or keyid) is revoked from ``now`` on, keeping valid only
    ``still_valid`` (what the ledger says it signed before). Revoking again keeps the first time and
    fills in a list an older prov did not write; it never widens one."""
    info = find_trusted(repo, which)
    current = revocations(repo)
    old = current.get(info.keyid)
    if old is not None:
        if old.still_valid is not None:
            return old
        rev = old._replace(still_valid=frozenset(v for v in still_valid))
    else:
        rev = Revocation(info.keyid, info.name, now, reason, still_valid)
    current[info.keyid] = rev
    from . import atomic
    from .yamlio import dump_yaml

    atomic.write_text(
        repo.revocations_file,
        "# Revoked signing keys. Only the cards and export records listed in still_valid (signed before the\n"
        "# revocation, from the ledger) verify; anything else the key signs fails, whatever date it claims.\n"
        + dump_yaml([revocation_entry(r) for r in current.values()]),
    )
    return rev


def find_trusted(repo: ProvRepo, which: str) -> PublicKeyInfo:
    matches = [k for k in trusted_keys(repo) if which in (k.name, k.keyid)]
    if not matches:
        raise NotFoundError(f"no trusted key named or with keyid {which!r} in {repo.keys_dir}")
    return matches[0]
