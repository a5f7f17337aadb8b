"""Which audience an OCI registry reference goes to: the one rule `prov push` adds to the gate.

A push is an export like a commit: the recipient is the registry's audience, decided by ``decide``
with the same rules. The registry list comes from ``.prov/config.yaml``; a reference no entry matches
is public (fail closed), and where several entries match, the widest audience among them applies.
Pure functions (no I/O): the reference and the config come in as arguments.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model.config import Config, RegistryAudience, registry_pattern_problem

__all__ = ["matches", "registry_entry", "registry_pattern_problem", "registry_recipient"]
from ..model.decision import Recipient

_WIDTH = {"private": 0, "internal": 1, "public": 2}


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    host, _, path = pattern.partition("/")
    parts = [re.escape(host.lower())]
    for part in path.split("/") if path else ["**"]:
        if part == "**":
            parts.append("(?:[^/]+(?:/[^/]+)*)")
        else:
            parts.append("[^/]*".join(re.escape(x) for x in part.split("*")))
    regex = "/".join(parts)
    regex = regex.replace("/(?:[^/]+(?:/[^/]+)*)", "(?:/[^/]+)*")  # '**' also matches no component
    return re.compile(regex)


def matches(pattern: str, host: str, repository: str) -> bool:
    return _compiled(pattern).fullmatch(f"{host.lower()}/{repository}") is not None


def registry_entry(config: Config, host: str, repository: str) -> RegistryAudience | None:
    """The entry that decides: among those matching, the widest audience (fail closed); None when none does."""
    found = [r for r in config.registries if matches(r.url, host, repository)]
    return max(found, key=lambda r: _WIDTH[r.audience]) if found else None


def registry_recipient(config: Config, host: str, repository: str) -> Recipient:
    """Pushing to a registry is storing for its audience, as a commit is for the repository's."""
    entry = registry_entry(config, host, repository)
    where = f"{host}/{repository}"
    if entry is None:
        return Recipient(name=f"registry {where} (not in .prov/config.yaml registries: public)", kind="repository")
    org = None if entry.audience == "public" else entry.owner
    return Recipient(name=f"the {entry.audience} registry {where} of {entry.owner}", org=org, kind="repository")
