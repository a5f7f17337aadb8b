"""Text from files shown on a terminal: one line, whatever the name holds.

A file name, a dataset name or an agreement id is data someone else chose. Printed as it is, a newline
in it forges an extra output line (``OK model.pkl`` under a FAIL), an escape sequence rewrites the
terminal, a right-to-left override reverses what follows, and a name that is not UTF-8 (decoded with
``surrogateescape``) makes ``print`` raise. Every line prov prints passes through ``shown``: what is
not printable is written as a Python-style escape, so the line stays one line and says what is there.
Standard library only (the hook and `prov verify` print through it).
"""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(text: object, limit: int | None = None, *, keep: str = "") -> str:
    """``text`` as one printable line; cut to ``limit`` characters (ending in ``…``) when given.

    ``keep`` names characters to leave as they are (``"\n"`` for prose that is meant to span lines)."""
    s = str(text)
    if not s.isprintable():
        out = []
        for ch in s:
            if ch.isprintable() or ch in keep:
                out.append(ch)
            elif ch in _NAMED:
                out.append(_NAMED[ch])
            else:
                o = ord(ch)
                if 0xDC80 <= o <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape: show the byte
                    out.append(f"\\x{o - 0xDC00:02x}")
                    continue
                out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
        s = "".join(out)
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    return s


def as_text(name: str) -> str:
    """``name`` if it is UTF-8 text, else escaped: a file name read with ``surrogateescape`` cannot go
    into JSON (or any text a reader elsewhere must decode) as it is."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return shown(name)
    return name
