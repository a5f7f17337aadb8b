"""Where an artefact's card files live, and reading the signed card."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..crypto import dsse
from ..model.card import PAYLOAD_TYPE, ModelCard, Statement

CARD_SUFFIX = ".prov.json"
RENDERED_SUFFIX = ".card.md"


def card_path(artefact: Path) -> Path:
    return artefact.with_name(artefact.name + CARD_SUFFIX)


def rendered_path(artefact: Path) -> Path:
    return artefact.with_name(artefact.name + RENDERED_SUFFIX)


def split_target(target: Path) -> tuple[Path, Path]:
    """(artefact, card) for either an artefact path or its ``.prov.json`` envelope."""
    if target.name.endswith(CARD_SUFFIX):
        return target.with_name(target.name[: -len(CARD_SUFFIX)]), target
    return target, card_path(target)


class CardFormatError(ValueError):
    pass


@dataclass(frozen=True)
class SignedCard:
    """A card envelope as read from disk: exact bytes, envelope and parsed statement."""

    raw: bytes
    envelope: dsse.Envelope
    statement: Statement

    @property
    def card(self) -> ModelCard:
        return self.statement.predicate

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def statement_bytes(statement: Statement) -> bytes:
    data = statement.model_dump(mode="json", by_alias=True, exclude_none=False)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def parse_envelope(raw: bytes) -> dsse.Envelope:
    try:
        return dsse.Envelope.from_json(raw)
    except dsse.EnvelopeFormatError as e:
        raise CardFormatError(str(e)) from None


def parse_statement(envelope: dsse.Envelope) -> Statement:
    if envelope.payload_type != PAYLOAD_TYPE:
        raise CardFormatError(f"payloadType is {envelope.payload_type!r}, expected {PAYLOAD_TYPE!r}")
    try:
        return Statement.model_validate_json(envelope.payload)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise CardFormatError(f"statement field {field}: {first['msg']}") from None


def read_signed_card(raw: bytes) -> SignedCard:
    envelope = parse_envelope(raw)
    return SignedCard(raw, envelope, parse_statement(envelope))
