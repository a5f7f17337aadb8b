"""Where an artefact's card files live, and reading the signed card."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pydantic import ValidationError

from .. import strictjson
from ..crypto import dsse
from ..filenames import CARD_SUFFIX, RENDERED_SUFFIX
from ..model.card import PAYLOAD_TYPE, ModelCard, Statement
from .envelope import CardFormatError, parse_envelope
from .paths import card_path, rendered_path, split_target

__all__ = [
    "CARD_SUFFIX",
    "RENDERED_SUFFIX",
    "CardFormatError",
    "SignedCard",
    "card_path",
    "parse_envelope",
    "read_signed_card",
    "rendered_path",
    "split_target",
]


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
    return strictjson.dumps(statement.model_dump(mode="json", by_alias=True, exclude_none=False))


def parse_statement(envelope: dsse.Envelope) -> Statement:
    if envelope.payload_type != PAYLOAD_TYPE:
        raise CardFormatError(f"payloadType is {envelope.payload_type!r}, expected {PAYLOAD_TYPE!r}")
    try:
        return Statement.model_validate(strictjson.loads(envelope.payload))
    except strictjson.StrictJSONError as e:
        raise CardFormatError(f"the statement is not strict JSON: {e}") from None
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise CardFormatError(f"statement field {field}: {first['msg']}") from None


def read_signed_card(raw: bytes) -> SignedCard:
    envelope = parse_envelope(raw)
    return SignedCard(raw, envelope, parse_statement(envelope))
