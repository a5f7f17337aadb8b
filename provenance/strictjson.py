"""The one JSON reader and writer for signed records (cards, export records, ledger entries).

A signature covers bytes, and every verifier must read those bytes the same way. Python's ``json``
accepts and writes ``NaN``/``Infinity`` and keeps the last of two equal keys; RFC 8259 readers in other
languages refuse the first and may keep the first key, so a record that means one thing to prov could
mean another (or nothing) elsewhere. Signed records are therefore written and read as strict JSON:
UTF-8 without a byte-order mark, finite numbers only, each key once. Standard library only (`prov
verify` reads cards through this on start-up).
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs `prov verify` start-up time
if TYPE_CHECKING:
    from typing import Any


_INF = float("inf")


class StrictJSONError(ValueError):
    """The bytes are not strict JSON; the message says why in a few words."""


def dumps(data: Any) -> bytes:
    """Compact, key-sorted UTF-8. A non-finite number is prov's bug (inputs are refused before signing),
    so it raises rather than writing JSON other readers reject."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(items)  # built in C; only a repeated key makes it shorter than the pairs
    if len(out) != len(items):
        seen: set[str] = set()
        for k, _ in items:
            if k in seen:
                raise StrictJSONError(f"duplicate key {k!r}")
            seen.add(k)
    return out


def _constant(name: str) -> Any:
    raise StrictJSONError(f"{name} is not JSON")


def _number(text: str) -> float:
    value = float(text)
    if value in (_INF, -_INF):  # 1e400: valid grammar, but no reader can hold it (Python makes it inf)
        raise StrictJSONError(f"{text[:40]} is out of range for a number")
    return value


# One decoder, made once (``json.loads`` with hooks makes a new one per call).
_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_number)


def loads(data: bytes | str) -> Any:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
        if text.startswith("\ufeff"):
            raise StrictJSONError("a byte-order mark before the JSON")
        value = _DECODER.decode(text)
        if "\\u" in text:  # only an escape can make a lone surrogate (raw UTF-8 cannot hold one)
            _no_lone_surrogates(value)
        return value
    except StrictJSONError:
        raise
    except (UnicodeDecodeError, ValueError) as e:  # JSONDecodeError, and integers past Python's digit limit
        raise StrictJSONError(f"not JSON ({e})") from None
    except RecursionError:
        raise StrictJSONError("nested too deeply") from None


def _no_lone_surrogates(value: Any) -> None:
    """``"\\ud800"`` parses to a string no UTF-8 writer can emit (RFC 7493 forbids it): refused."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                raise StrictJSONError("a string holds a lone surrogate (\\ud800-\\udfff)") from None
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
