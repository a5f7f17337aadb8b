"""The per-user prov directory (keys, the local cache secret): ``PROV_HOME``, else ``$XDG_CONFIG_HOME/prov``
(default ``~/.config/prov``). Standard library only: `prov verify` reads it on start-up."""

from __future__ import annotations

import os
from pathlib import Path


def prov_home() -> Path:
    if home := os.environ.get("PROV_HOME"):
        return Path(home)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "prov"


def local_secret() -> bytes | None:
    """32 random bytes kept in the per-user directory (mode 0600), created on first use; None when it
    cannot be read or made. Remembered facts are keyed with it, so a cache file that arrives from
    elsewhere (shipped beside an artefact, committed to a repository) never matches on this machine."""
    path = prov_home() / "cache.key"
    try:
        with open(path, "rb") as f:
            secret = f.read()
        if len(secret) == 32:
            return secret
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = os.urandom(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secret)
        return secret
    except FileExistsError:
        return local_secret() if path.stat().st_size == 32 else None  # another process made it first
    except OSError:
        return None
