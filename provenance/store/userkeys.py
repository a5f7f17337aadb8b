"""The per-user key directory: private keys live here and nowhere else.

``PROV_HOME`` overrides the whole directory; otherwise ``$XDG_CONFIG_HOME/prov`` (default
``~/.config/prov``). Private keys are PKCS#8 PEM, mode 0600, in a 0700 directory, optionally
encrypted with a passphrase.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from ..crypto import keys as _keys
from ..errors import NotFoundError, SigningKeyError, UsageError
from ..home import prov_home
from ..regularfile import read_regular
from . import atomic

KEY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
PASSPHRASE_ENV = "PROV_KEY_PASSPHRASE"

PassphraseProvider = Callable[[str], bytes | None]


def keys_dir() -> Path:
    return prov_home() / "keys"


def check_name(name: str) -> str:
    if not KEY_NAME.match(name):
        raise UsageError(f"key name {name!r}: use letters, digits, '.', '_', '-' or '@' (at most 64 characters)")
    return name


def private_path(name: str) -> Path:
    return keys_dir() / f"{check_name(name)}.key"


def public_path(name: str) -> Path:
    return keys_dir() / f"{check_name(name)}.pub"


def _default_file() -> Path:
    return prov_home() / "default-key"


def names() -> list[str]:
    directory = keys_dir()
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.key"))


def default_name() -> str | None:
    path = _default_file()
    try:
        name = read_regular(path, limit=4096).decode("utf-8").strip()
    except NotFoundError:
        name = ""
    except UnicodeDecodeError:
        name = "\ufffd"
    if name and not KEY_NAME.match(name):
        raise UsageError(
            f"{path}: does not hold a key name; choose the default with `prov key generate --default` "
            "or remove the file"
        )
    if name and private_path(name).exists():
        return name
    existing = names()
    return existing[0] if len(existing) == 1 else None


def set_default(name: str) -> None:
    if not private_path(name).exists():
        raise NotFoundError(f"no private key named {name!r} in {keys_dir()}")
    atomic.write_text(_default_file(), name + "\n", 0o600)


def generate(name: str, key_type: _keys.KeyType, passphrase: bytes | None) -> _keys.PublicKeyInfo:
    """Create a key pair; refuses to replace an existing private key (that would orphan signatures)."""
    check_name(name)
    directory = keys_dir()
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    key = _keys.generate(key_type)
    try:
        atomic.write_bytes(private_path(name), _keys.private_pem(key, passphrase), 0o600, exclusive=True)
    except FileExistsError:
        raise UsageError(f"{private_path(name)}: a key named {name!r} already exists; choose another --name") from None
    atomic.write_bytes(public_path(name), _keys.public_pem(key.public_key()), 0o644)
    if default_name() is None or not _default_file().exists():
        set_default(name)
    return _keys.PublicKeyInfo.of(name, key.public_key())


def load_public(name: str) -> _keys.PublicKeyInfo:
    path = public_path(name)
    try:
        return _keys.PublicKeyInfo.of(name, _keys.load_public_pem(read_regular(path, limit=1 << 20)))
    except NotFoundError:
        if private_path(name).exists():
            # The .pub file is a convenience; derive it when missing.
            key = load_private(name, lambda _: None)
            return _keys.PublicKeyInfo.of(name, key.public_key())
        raise NotFoundError(f"no key named {name!r} in {keys_dir()}; see `prov key list`") from None


def env_passphrase(_: str) -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value.encode() if value else None


def load_private(name: str, passphrase: PassphraseProvider = env_passphrase) -> _keys.PrivateKey:
    """Load a private key, refusing one that others can read (as ssh does)."""
    path = private_path(name)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise NotFoundError(f"no private key named {name!r} in {keys_dir()}; run `prov key generate`") from None
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise SigningKeyError(
            f"{path}: permissions {stat.S_IMODE(st.st_mode):04o} are too open; run `chmod 600 {path}`"
        )
    data = read_regular(path, limit=1 << 20)
    secret = None if b"ENCRYPTED" not in data else passphrase(name)
    if b"ENCRYPTED" in data and not secret:
        raise SigningKeyError(f"{path}: key is encrypted; set {PASSPHRASE_ENV} or run in a terminal to be asked")
    try:
        return _keys.load_private_pem(data, secret)
    except ValueError as e:
        raise SigningKeyError(f"{path}: cannot load key (wrong passphrase or damaged file: {e})") from None
    except (TypeError, _keys.UnsupportedKey) as e:
        raise SigningKeyError(f"{path}: cannot load key ({e})") from None
