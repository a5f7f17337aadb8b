"""Project policy, ``.prov/config.yaml``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from ..filenames import DEFAULT_PATTERNS
from ..selection import pattern_problem
from ._base import Strict, new_list


class Repository(Strict):
    owner: str = Field(min_length=1, description="The organisation that owns this repository")
    audience: Literal["public", "internal", "private"] = Field(
        description="Who can read the repository: a commit is an export to this audience"
    )


def registry_pattern_problem(pattern: str) -> str | None:
    """Why a registry pattern cannot be used, or None."""
    if "://" in pattern:
        return f"{pattern!r}: give HOST[:PORT]/PATH without a scheme (prov pushes over TLS unless told otherwise)"
    host, _, path = pattern.partition("/")
    if not host or "*" in host:
        return f"{pattern!r}: the host must be named exactly (HOST[:PORT]/PATH)"
    if "@" in pattern or ":" in path:
        return f"{pattern!r}: a pattern names repositories, not tags or digests"
    if any(part == "" for part in path.split("/")) if path else False:
        return f"{pattern!r}: empty path component"
    for part in path.split("/") if path else []:
        if "**" in part and part != "**":
            return f"{pattern!r}: '**' must be a whole path component"
    return None


class RegistryAudience(Strict):
    """An OCI registry (or part of one) and who can read it: pushing there is an export to that audience."""

    url: str = Field(
        min_length=1,
        description="HOST[:PORT]/PATH pattern, e.g. registry.acme.example/research/*: '*' matches within one "
        "path component, '**' any number of them; no scheme, no tag",
    )
    owner: str = Field(min_length=1, description="The organisation that runs the registry")
    audience: Literal["public", "internal", "private"] = Field(description="Who can pull from it")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if problem := registry_pattern_problem(value):
            raise ValueError(problem)
        return value


class ArtefactPatterns(Strict):
    patterns: list[str] = Field(default_factory=lambda: list(DEFAULT_PATTERNS), min_length=1)

    @field_validator("patterns")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            if problem := pattern_problem(pattern):
                raise ValueError(problem)
        return value


class PolicySettings(Strict):
    membership_advantage_max: float = Field(default=0.1, ge=0.0, le=1.0)
    require_privacy_audit_for_personal_data: bool = True


class LoadingLimits(Strict):
    """Bounds on reading a pickle-bearing artefact; past one the file is refused (UNSAFE_PICKLE) at once."""

    max_bytes: int = Field(default=8 << 30, gt=0, description="Decompressed bytes read from one file")
    max_opcodes: int = Field(default=20_000_000, gt=0, description="Pickle opcodes executed for one file")
    max_expansion: int = Field(
        default=1000, gt=0, description="Decompressed bytes per compressed byte, past the first 256 MiB"
    )


class Config(Strict):
    repository: Repository
    artefacts: ArtefactPatterns = Field(default_factory=ArtefactPatterns)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    loading: LoadingLimits = Field(default_factory=LoadingLimits)
    registries: list[RegistryAudience] = Field(
        default_factory=new_list,
        description="OCI registries and their audiences; a registry not listed is public (fail closed)",
    )
