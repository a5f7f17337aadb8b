"""Results are values: a Reason is one finding; a Decision or Verification is the verdict."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import Strict


class Reason(Strict):
    code: str = Field(description="Stable reason code, e.g. DIGEST_MISMATCH")
    severity: Literal["block", "warn"] = "block"
    message: str
    source: str | None = Field(default=None, description="The file, dataset or key the reason is about")


class Recipient(Strict):
    name: str
    org: str | None = None
    purpose: str | None = None
    territory: str | None = None


class Decision(Strict):
    """Whether an artefact may go to a recipient, with reasons a person can act on."""

    allowed: bool
    reasons: list[Reason] = Field(default_factory=list)
    recipient: Recipient | None = None
    artefact: str


class Verification(Strict):
    """What ``prov verify`` established about an artefact and its card."""

    verified: bool
    artefact: str
    card: str
    reasons: list[Reason] = Field(default_factory=list)
    keyid: str | None = None
    signer: str | None = None
    signed_at: str | None = None
    subject_sha256: str | None = None
    actual_sha256: str | None = None
    card_sha256: str | None = None
