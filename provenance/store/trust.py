"""Trusted public keys (``.prov/keys/*.pub``, committed) and their revocations."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from pathlib import Path

from ..crypto.keyinfo import PublicKeyInfo
from ..errors import ManifestError, NotFoundError, UsageError
from .repo import ProvRepo

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..crypto import keys as _keys

# Plain named tuples, not dataclasses: this module is on `prov verify`'s start-up path.


Revocation = namedtuple("Revocation", "keyid name revoked_at reason")


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
    time), loaded once per command."""

    __slots__ = ()

    @classmethod
    def of_repo(cls, repo: ProvRepo) -> TrustRoot:
        return cls(trusted_keys(repo), {k: r.revoked_at for k, r in revocations(repo).items()})

    @classmethod
    def of_files(cls, files: list[Path]) -> TrustRoot:
        return cls([load_key_file(k) for k in files], {})


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
    return [load_key_file(p) for p in sorted(directory.glob("*.pub"))]


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
    """Keys and revocations parsed once per process while their files are unchanged (stat)."""
    stamp: list[object] = [str(repo.root)]
    if repo.keys_dir.is_dir():
        for p in sorted(repo.keys_dir.iterdir()):
            st = p.stat()
            stamp.append((p.name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    key = tuple(stamp)
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = TrustRoot.of_repo(repo)
    return _LOADED[key]


def trusted_keys(repo: ProvRepo) -> list[PublicKeyInfo]:
    if not repo.keys_dir.is_dir():
        return []
    return [load_key_file(p) for p in sorted(repo.keys_dir.glob("*.pub"))]


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

    data = load_yaml(path) or []
    if not isinstance(data, list):
        raise ManifestError(str(path), None, "expected a list of revocations")
    out = {}
    for i, item in enumerate(data):
        try:
            rev = revocation_of(item)
        except (KeyError, TypeError, ValueError) as e:
            raise ManifestError(str(path), f"[{i}]", f"expected keyid and revoked_at (ISO time): {e}") from None
        out[rev.keyid] = rev
    return out


def revocation_of(item: object) -> Revocation:
    """One entry of revocations.yaml; KeyError, TypeError or ValueError when it is not one."""
    at = item["revoked_at"]  # type: ignore[index]
    at = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return Revocation(str(item["keyid"]), str(item.get("name", "")), at, str(item.get("reason", "")))  # type: ignore[index, attr-defined]


def revoke(repo: ProvRepo, which: str, reason: str, now: dt.datetime) -> Revocation:
    """Record that a trusted key (by name or keyid) is revoked from ``now`` on."""
    matches = [k for k in trusted_keys(repo) if which in (k.name, k.keyid)]
    if not matches:
        raise NotFoundError(f"no trusted key named or with keyid {which!r} in {repo.keys_dir}")
    info = matches[0]
    current = revocations(repo)
    if info.keyid in current:
        return current[info.keyid]
    rev = Revocation(info.keyid, info.name, now, reason)
    current[info.keyid] = rev
    entries = [
        {"keyid": r.keyid, "name": r.name, "revoked_at": r.revoked_at.isoformat(), "reason": r.reason}
        for r in current.values()
    ]
    from . import atomic
    from .yamlio import dump_yaml

    atomic.write_text(
        repo.revocations_file, "# Revoked signing keys; signatures made after revoked_at fail.\n" + dump_yaml(entries)
    )
    return rev
