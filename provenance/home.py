"""The per-user prov directory (keys, the local cache secret): ``PROV_HOME``, else ``$XDG_CONFIG_HOME/prov``
(default ``~/.config/prov``). Standard library only: `prov verify` reads it on start-up."""

from __future__ import annotations

import os
from pathlib import Path


def prov_home() -> Path:
    """The directory, or a one-line UsageError when it cannot be one (a file, or under a file).

    Checked here, once, so that no command gets as far as ``mkdir``/``open`` under it and fails with a
    raw ``NotADirectoryError``."""
    if home := os.environ.get("PROV_HOME"):
        path, source = Path(home), f"PROV_HOME={home}"
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        path = Path(base) / "prov"
        source = f"the per-user prov directory {path}"
    from .regularfile import file_in_the_way

    if (nearest := file_in_the_way(path)) is not None:
        from .errors import UsageError

        raise UsageError(
            f"{source} cannot be a directory: {nearest} is a file or a broken link; "
            "point PROV_HOME at a directory or move that file"
        )
    return path


def local_secret() -> bytes | None:
    """32 random bytes kept in the per-user directory (mode 0600), created on first use; None when it
    cannot be read or made. Remembered facts are keyed with it, so a cache file that arrives from
    elsewhere (shipped beside an artefact, committed to a repository) never matches on this machine."""
    from .errors import NotFoundError, UsageError
    from .regularfile import read_regular

    path = prov_home() / "cache.key"
    try:
        secret = read_regular(path, limit=64)  # a named pipe here is refused, not waited on
        if len(secret) == 32:
            return secret
    except NotFoundError:
        pass
    except (OSError, UsageError):
        return None  # the cache only saves time: without the secret, nothing is remembered
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
