"""Reading a card's DSSE envelope (stdlib and cryptography only: the light verification path)."""

from __future__ import annotations

from ..crypto import dsse


class CardFormatError(ValueError):
    pass


def parse_envelope(raw: bytes) -> dsse.Envelope:
    try:
        return dsse.Envelope.from_json(raw)
    except dsse.EnvelopeFormatError as e:
        raise CardFormatError(str(e)) from None
