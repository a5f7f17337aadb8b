"""``prov init``: the .prov/ skeleton, a signing key if the user has none, trust for it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..crypto import keys as _keys
from ..errors import UsageError
from ..model.config import Config, Repository
from ..regularfile import file_in_the_way, read_regular
from ..store import config as config_store
from ..store import trust, userkeys
from ..store.atomic import write_text
from ..store.repo import ProvRepo


@dataclass(frozen=True)
class InitResult:
    repo: ProvRepo
    created_config: bool
    key: _keys.PublicKeyInfo
    generated_key: bool
    trusted: bool


def _check_directory(root: Path) -> None:
    """Where a repository can be initialised: not through a dangling link (that would create the link's
    target somewhere the user did not name), not under a file."""
    if root.is_symlink() and not root.exists():
        raise UsageError(f"{root}: is a symbolic link to {os.readlink(root)}, which does not exist; give a directory")
    if (nearest := file_in_the_way(root)) is not None:
        raise UsageError(f"{root}: {nearest} is a file, so no directory can be made there")


def init(
    root: Path,
    owner: str | None,
    audience: str,
    key_type: str = "ecdsa-p256",
    key_name: str | None = None,
    passphrase: bytes | None = None,
) -> InitResult:
    if audience not in ("public", "internal", "private"):
        raise UsageError(f"--audience {audience!r}: use public, internal or private")
    _check_directory(root)
    if owner is not None and not owner.strip():  # before anything is made: a refused init leaves nothing
        raise UsageError("--owner: name the organisation that owns this repository (it is empty)")
    if key_name:
        userkeys.check_name(key_name)
    repo = ProvRepo(root.resolve())
    for d in (repo.prov_dir, repo.datasets_dir, repo.keys_dir):
        d.mkdir(parents=True, exist_ok=True)
    created = False
    if not repo.config_file.exists():
        owner = owner or _guess_owner(root)
        config_store.save(repo, Config(repository=Repository(owner=owner, audience=audience)))  # type: ignore[arg-type]
        created = True
    _ensure_gitignore(repo)
    generated = False
    name = key_name or userkeys.default_name()
    if name is None or not userkeys.private_path(name).exists():
        name = name or "default"
        info = userkeys.generate(name, key_type, passphrase)  # type: ignore[arg-type]
        generated = True
    else:
        info = userkeys.load_public(name)
    info, added = trust.trust(repo, info.key, name)
    return InitResult(repo, created, info, generated, added)


def _guess_owner(root: Path) -> str:
    return root.resolve().name.strip() or "unknown"


def _ensure_gitignore(repo: ProvRepo) -> None:
    path = repo.prov_dir / ".gitignore"
    wanted = "cache/\n"
    text = read_regular(path).decode("utf-8", "replace") if os.path.lexists(path) else ""
    if "cache/" not in text.split():
        write_text(path, text + ("" if not text or text.endswith("\n") else "\n") + wanted)
