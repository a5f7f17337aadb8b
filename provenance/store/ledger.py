"""``.prov/ledger.jsonl``: an append-only, hash-chained, signed event log.

Each line is a compact DSSE envelope whose payload names its sequence number and the SHA-256 of the
previous line, so an edited, dropped or reordered line breaks either a signature or the chain.
Appends take an exclusive lock and write one whole line, so concurrent prov processes interleave
cleanly. (Cutting lines off the end leaves a valid shorter chain; the cards themselves carry what
was signed, and git history keeps the ledger's.)

A command reads the file once and parses each line once (``Line``); listing, verification, governance
and what a revocation keeps valid all take those parsed lines. Verification finds each line's signer
with ``dsse.Envelope.verified_by`` -- the one signature check -- on forked workers for a long ledger
(``crypto.signers``), then judges the chain in order.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .. import strictjson
from ..crypto import dsse
from ..crypto import keys as _keys
from ..errors import CheckFailed, UsageError
from .repo import ProvRepo

PAYLOAD_TYPE = "application/vnd.prov.ledger.v1+json"
GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    line: int
    seq: int
    time: str
    event: str
    data: dict[str, Any]
    keyid: str


@dataclass(frozen=True)
class LedgerProblem:
    line: int
    message: str


def _line_digest(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def append(repo: ProvRepo, event: str, data: dict[str, Any], key: _keys.PrivateKey, now: dt.datetime) -> Entry:
    repo.prov_dir.mkdir(parents=True, exist_ok=True)
    try:  # never through a link: an entry appended to a file elsewhere is an entry the repository lacks
        fd = os.open(repo.ledger_file, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as e:
        if e.errno != errno.ELOOP:
            raise
        raise UsageError(f"{repo.ledger_file}: is a symbolic link; the ledger must be the file itself") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UsageError(f"{repo.ledger_file}: is not a regular file; the ledger must be a file")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_line(fd)
        if last is None:
            seq, prev = 1, GENESIS
        else:
            try:
                payload = strictjson.loads(dsse.Envelope.from_json(last).payload)
                seq, prev = int(payload["seq"]) + 1, _line_digest(last)
            except (ValueError, KeyError, TypeError) as e:
                raise CheckFailed(
                    f"{repo.ledger_file}: the last entry is unreadable ({e}); nothing was appended. "
                    "Run `prov log --verify` and restore the file from git",
                    code="LEDGER_BROKEN",
                ) from None
        line = signed_line(seq, prev, event, data, key, now)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return Entry(seq, seq, now.isoformat(), event, data, _keys.keyid(key.public_key()))


def signed_line(
    seq: int, prev: str, event: str, data: dict[str, Any], key: _keys.PrivateKey, now: dt.datetime
) -> bytes:
    """The exact bytes ``append`` writes for entry ``seq`` chained to ``prev``: a compact DSSE envelope of
    the key-sorted strict-JSON payload, newline-terminated."""
    body = {"seq": seq, "prev": prev, "time": now.isoformat(), "event": event, **data}
    envelope = dsse.sign_envelope(PAYLOAD_TYPE, strictjson.dumps(body), key)
    return json.dumps(envelope, separators=(",", ":"), allow_nan=False).encode() + b"\n"


def _last_line(fd: int) -> bytes | None:
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    block = min(size, 64 * 1024)
    while True:
        os.lseek(fd, size - block, os.SEEK_SET)
        chunk = os.read(fd, block)
        stripped = chunk.rstrip(b"\n")
        nl = stripped.rfind(b"\n")
        if nl >= 0 or block == size:
            return stripped[nl + 1 :]
        block = min(size, block * 4)


class Line:
    """One line of the ledger as every reading in a command shares it: the exact bytes, and their DSSE
    envelope and strict-JSON payload parsed once, on first use (so ``verify`` can check signatures of
    parsed lines while later ones are still being parsed), or the error that says why they do not read."""

    __slots__ = ("_body", "_digest", "_envelope", "_error", "_parsed", "number", "raw")

    def __init__(self, number: int, raw: bytes) -> None:
        self.number, self.raw = number, raw
        self._parsed = False
        self._envelope: dsse.Envelope | None = None
        self._body: Any = None
        self._error: ValueError | None = None
        self._digest: str | None = None

    def _parse(self) -> None:
        self._parsed = True
        try:
            envelope = dsse.Envelope.from_json(self.raw)
            self._body = strictjson.loads(envelope.payload)
            self._envelope = envelope
        except ValueError as e:  # EnvelopeFormatError, StrictJSONError
            self._error = e

    @property
    def error(self) -> ValueError | None:
        """Why the envelope or its payload does not read; None when both do."""
        if not self._parsed:
            self._parse()
        return self._error

    @property
    def envelope(self) -> dsse.Envelope | None:
        if not self._parsed:
            self._parse()
        return self._envelope

    @property
    def body(self) -> Any:
        """The payload as strict JSON read it (any JSON value; None also when ``error``)."""
        if not self._parsed:
            self._parse()
        return self._body

    @property
    def digest(self) -> str:
        """What the next entry's ``prev`` must be."""
        if self._digest is None:
            self._digest = _line_digest(self.raw)
        return self._digest

    def __repr__(self) -> str:
        return f"Line({self.number}, {self.raw[:40]!r}…)"


def lines_of(data: bytes) -> list[Line]:
    """The non-blank lines of a ledger file's bytes, numbered from 1 (not parsed until used)."""
    raw = [line for line in data.split(b"\n") if line.strip()]
    return [Line(number, line) for number, line in enumerate(raw, 1)]


def read(repo: ProvRepo) -> list[Line]:
    if not repo.ledger_file.exists():
        return []
    from ..regularfile import read_regular

    return lines_of(read_regular(repo.ledger_file, limit=1 << 34))


def entries(lines: Sequence[Line]) -> list[Entry]:
    """Parse entries for display (no verification: see ``verify``)."""
    out = []
    for line in lines:
        if line.error is not None:
            out.append(Entry(line.number, -1, "", "unreadable", {}, ""))
            continue
        env, body = line.envelope, line.body
        try:
            data = {k: v for k, v in body.items() if k not in {"seq", "prev", "time", "event"}}
            out.append(
                Entry(
                    line.number,
                    int(body["seq"]),
                    str(body["time"]),
                    str(body["event"]),
                    data,
                    env.signatures[0][0] if env.signatures else "",  # type: ignore[union-attr]
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError):  # AttributeError: a payload that is no object
            out.append(Entry(line.number, -1, "", "unreadable", {}, ""))
    return out


def verify(
    lines: Sequence[Line],
    trusted: list[_keys.PublicKeyInfo],
    revoked_at: dict[str, dt.datetime],
    progress: Callable[[int, int], None] | None = None,
    memo: SignersMemo | None = None,
) -> list[LedgerProblem]:
    """Every problem in the chain: bad line, bad signature, revoked signer, broken link, seq gap.

    Two passes: each line is parsed and, when it reads, its signer found (``dsse.Envelope.verified_by``,
    on several processes for a long ledger: ``crypto.signers``); then the chain is judged in order.
    ``progress(done, total)`` is told how many lines have been checked.

    ``memo`` (the repository's sealed cache) remembers who signed each line of the ledger verified last,
    under these trusted keys: when this ledger starts with exactly those lines (by the digest of their
    bytes), their signers are taken from it and only the lines after them are checked (``_Remembered``).
    Everything else -- parse, chain, order, revocations, payload type -- is judged on every line, every time."""
    from ..crypto.signers import signers

    known = _Remembered(memo, trusted, lines) if memo is not None else None
    signed_by: list[_keys.PublicKeyInfo | None] = list(known.signers) if known is not None else []
    start = len(signed_by)
    facts: list[tuple[int, str, dt.datetime] | BaseException] = [_facts(line) for line in lines[:start]]

    def readable() -> Iterator[dsse.Envelope | None]:
        for line in lines[start:]:
            fact = _facts(line)
            facts.append(fact)
            yield None if isinstance(fact, BaseException) else line.envelope

    def told(done: int, total: int) -> None:
        progress(start + done, start + total)  # type: ignore[misc]

    signed_by += signers(readable(), trusted, total=len(lines) - start, progress=progress and told)
    if known is not None:
        known.record(signed_by)
    problems: list[LedgerProblem] = []
    prev = GENESIS
    revoked_here: set[str] = set()  # keys revoked by an earlier entry of this chain
    for line, fact, signer in zip(lines, facts, signed_by, strict=True):
        number = line.number
        if isinstance(fact, BaseException):
            problems.append(LedgerProblem(number, f"unreadable entry ({fact})"))
            prev = line.digest
            continue
        seq, link, when = fact
        env, body = line.envelope, line.body
        if env.payload_type != PAYLOAD_TYPE:  # type: ignore[union-attr]
            problems.append(LedgerProblem(number, f"unexpected payloadType {env.payload_type!r}"))  # type: ignore[union-attr]
        if signer is None:
            problems.append(LedgerProblem(number, "signature invalid or not by a trusted key (edited entry?)"))
        elif signer.keyid in revoked_here or (
            signer.keyid in revoked_at and when >= revoked_at[signer.keyid] and not _own_revocation(body, signer.keyid)
        ):
            problems.append(LedgerProblem(number, f"signed by key {signer.name} after it was revoked"))
        if body.get("event") == "key-revoke" and isinstance(body.get("keyid"), str):
            revoked_here.add(body["keyid"])  # from here on the chain's order, not a claimed time, decides
        if seq != number:
            problems.append(
                LedgerProblem(
                    number, f"sequence number {seq} where {number} was expected (entry dropped, inserted or reordered)"
                )
            )
        if link != prev:
            problems.append(
                LedgerProblem(
                    number, "does not chain to the previous entry (entry dropped, edited or reordered before it)"
                )
            )
        prev = line.digest
    if progress is not None:
        progress(len(lines), len(lines))
    return problems


class SignersMemo(Protocol):
    def ledger_signers(self, key: str) -> str | None: ...
    def record_ledger_signers(self, key: str, value: str) -> None: ...


# A signer's position among the trusted keys, one character per line ("-": no trusted key signed it).
_MARKS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class _Remembered:
    """Who signed each line of a ledger prefix, as ``verify`` found it before on this machine.

    Remembered per list of trusted keys (their exact PEMs, in order: ``verified_by`` over the same keys
    gives the same answer for the same bytes), as ``"<lines> <sha256 over each line's sha256> <marks>"``
    in the sealed cache, whose values nobody without this user's secret can write (``digest.DigestCache``).
    It is used only when this ledger's first lines hash to the remembered digest -- any edited, dropped
    or reordered line among them, and every line is checked again -- and it is replaced by the whole
    ledger's once that is checked."""

    def __init__(self, memo: SignersMemo, trusted: Sequence[_keys.PublicKeyInfo], lines: Sequence[Line]) -> None:
        self.memo, self.trusted, self.lines = memo, list(trusted), lines
        self.signers: list[_keys.PublicKeyInfo | None] = []
        if len(self.trusted) > len(_MARKS):
            self.key = None
            return
        h = hashlib.sha256(b"prov-ledger-signers-v1\0")
        for info in self.trusted:
            h.update(len(info.pem).to_bytes(8, "big") + info.pem)
        self.key = h.hexdigest()
        value = memo.ledger_signers(self.key)
        parts = value.split(" ") if value is not None else []
        if len(parts) != 3 or not parts[0].isdigit():
            return
        n, digest, marks = int(parts[0]), parts[1], parts[2]
        if not (0 < n == len(marks) <= len(lines)) or _prefix_digest(lines[:n]) != digest:
            return
        by_mark = {m: info for m, info in zip(_MARKS, self.trusted, strict=False)} | {"-": None}
        if all(m in by_mark for m in marks):
            self.signers = [by_mark[m] for m in marks]

    def record(self, signed_by: Sequence[_keys.PublicKeyInfo | None]) -> None:
        """Remember ``signed_by`` (every line's signer, just found) for the whole ledger."""
        if self.key is None or len(signed_by) == len(self.signers) or not self.lines:
            return
        mark = {id(info): m for m, info in zip(_MARKS, self.trusted, strict=False)}
        marks = "".join("-" if s is None else mark[id(s)] for s in signed_by)
        self.memo.record_ledger_signers(self.key, f"{len(marks)} {_prefix_digest(self.lines)} {marks}")


def _prefix_digest(lines: Sequence[Line]) -> str:
    h = hashlib.sha256(b"prov-ledger-prefix-v1\0")
    for line in lines:
        h.update(bytes.fromhex(line.digest))
    return h.hexdigest()


def _facts(line: Line) -> tuple[int, str, dt.datetime] | BaseException:
    """(seq, prev, time) of a line that reads, else the error that says why it does not."""
    if line.error is not None:
        return line.error
    body = line.body
    try:
        seq, link, when = int(body["seq"]), str(body["prev"]), dt.datetime.fromisoformat(body["time"])
        if when.utcoffset() is None:  # prov writes UTC with its offset; a time without one orders nothing
            raise ValueError(f"time {body['time']!r} has no UTC offset")
    except (ValueError, KeyError, TypeError) as e:
        return e
    return seq, link, when


def _own_revocation(body: dict[str, Any], keyid: str) -> bool:
    """A key's own revocation entry is the last thing it may sign (made at the revocation time)."""
    return body.get("event") == "key-revoke" and body.get("keyid") == keyid


def signed_before_revocation(lines: Sequence[Line], keyid: str, trusted: list[_keys.PublicKeyInfo]) -> list[str]:
    """The sha256 of every card and export record that ``keyid`` signed, as the ledger records them, up
    to the entry that revokes it: what a revocation keeps valid. Only entries whose signature verifies
    under that key count (a card is ledgered by the key that signs it)."""
    key = [k for k in trusted if k.keyid == keyid]
    out: list[str] = []
    prev = GENESIS
    for line in lines:
        if line.error is not None:
            break
        env, body = line.envelope, line.body
        if not isinstance(body, dict) or env.payload_type != PAYLOAD_TYPE:  # type: ignore[union-attr]
            break
        if body.get("seq") != line.number or body.get("prev") != prev:
            break  # only the unbroken chain counts: an entry slipped in out of order proves nothing
        prev = line.digest
        if body.get("event") == "key-revoke" and body.get("keyid") == keyid:
            break
        digest = body.get("card_sha256") if body.get("event") == "card" else body.get("record_sha256")
        ledgered = body.get("event") in ("card", "export", "push") and isinstance(digest, str) and len(digest) == 64
        if ledgered and env.verified_by(key) is not None:  # type: ignore[union-attr]
            out.append(digest)
            oms = body.get("oms_sha256")  # the card's OpenSSF model-signing signature, signed with it
            if body.get("event") == "card" and isinstance(oms, str) and len(oms) == 64:
                out.append(oms)
    return list(dict.fromkeys(out))


def governance(lines: Sequence[Line]) -> tuple[list[dict[str, Any]], list[Any]]:
    """The withdrawals (their signed payloads) and key revocations the ledger records, whoever signed them:
    both only restrict, and the ledger keeps them when a file loses them (an edit, a commit made with
    --no-verify). Revocations come back as ``store.trust.Revocation`` at the entry's time."""
    from .trust import Revocation

    withdrawals: list[dict[str, Any]] = []
    revocations: list[Any] = []
    for line in lines:
        if line.error is not None or line.envelope.payload_type != PAYLOAD_TYPE:  # type: ignore[union-attr]
            continue
        body = line.body
        if not isinstance(body, dict):
            continue
        event = body.get("event")
        if event == "dataset-withdraw" and isinstance(body.get("withdrawal"), dict):
            withdrawals.append(body["withdrawal"])
        elif event == "key-revoke" and isinstance(body.get("keyid"), str):
            try:
                at = dt.datetime.fromisoformat(str(body["time"]))
                valid = body.get("still_valid")
                kept = frozenset(v for v in valid if isinstance(v, str)) if isinstance(valid, list) else frozenset()
            except (KeyError, ValueError):
                continue
            if at.utcoffset() is not None:
                revocations.append(Revocation(body["keyid"], str(body.get("name", "")), at, "", kept))
    return withdrawals, revocations
