"""Results are values: a Reason is one finding; a Decision or Verification is the verdict."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from ._base import Strict, new_list
from .codes import ReasonCode
from .terms import EffectiveTerms
from .territories import check_territory


class Reason(Strict):
    code: str = Field(description="Stable reason code (provenance.model.codes.ReasonCode), e.g. DIGEST_MISMATCH")
    severity: Literal["block", "warn"] = Field(default="block", description="The code's one severity")
    message: str
    source: str | None = Field(default=None, description="The file, dataset or key the reason is about")

    @model_validator(mode="before")
    @classmethod
    def _severity_of_code(cls, data: object) -> object:
        """A code has one severity: taken from the list, and a caller that says otherwise is a bug."""
        if isinstance(data, dict) and "code" in data:
            try:
                code = ReasonCode(data["code"])
            except ValueError:
                raise ValueError(f"{data['code']!r} is not a reason code (provenance.model.codes)") from None
            given = data.get("severity")
            if given is not None and given != code.severity:
                raise ValueError(f"{code.value} is a {code.severity} code, not {given}")
            data = {**data, "severity": code.severity}
        return data

    @field_validator("message", "source", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        """A file name read from disk may not be UTF-8 (``surrogateescape``); a reason is text a person
        reads and JSON carries, so such a name is written escaped rather than refused."""
        if isinstance(value, str):
            from ..textsafe import as_text

            return as_text(value)
        return value


class Recipient(Strict):
    """Who receives an export; its organisation decides whether it is internal."""

    name: str = Field(min_length=1)
    org: str | None = None
    purpose: str | None = Field(default=None, description="e.g. research, commercial, internal")
    territory: str | None = Field(default=None, description="ISO 3166 alpha-2 code (or EU/EEA)")
    kind: Literal["person", "repository"] = Field(
        default="person", description="'repository': a commit, i.e. storage for the repository's audience"
    )

    @field_validator("territory")
    @classmethod
    def _territory(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return check_territory(value)

    @field_validator("purpose")
    @classmethod
    def _purpose(cls, value: str | None) -> str | None:
        return value.strip().lower() if value else None


class Decision(Strict):
    """Whether an artefact may go to a recipient, with reasons a person can act on."""

    allowed: bool
    reasons: list[Reason] = Field(default_factory=new_list)
    recipient: Recipient | None = None
    artefact: str
    effective_terms: EffectiveTerms | None = Field(
        default=None, description="The terms the decision applied (the card's, tightened by current manifests)"
    )


class Verification(Strict):
    """What ``prov verify`` established about an artefact and its card."""

    verified: bool
    artefact: str
    card: str
    reasons: list[Reason] = Field(default_factory=new_list)
    keyid: str | None = None
    signer: str | None = None
    signed_at: str | None = None
    subject_sha256: str | None = None
    actual_sha256: str | None = None
    card_sha256: str | None = None
