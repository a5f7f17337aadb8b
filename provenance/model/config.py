"""Project policy, ``.prov/config.yaml``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from ..filenames import DEFAULT_PATTERNS
from ..selection import pattern_problem
from ._base import Strict


class Repository(Strict):
    owner: str = Field(min_length=1, description="The organisation that owns this repository")
    audience: Literal["public", "internal", "private"] = Field(
        description="Who can read the repository: a commit is an export to this audience"
    )


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
