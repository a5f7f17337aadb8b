"""The ledger read once and checked on several processes says exactly what the old reading said.

``OLD`` below is the ledger code as it was before lines were parsed once and signatures checked in
worker processes (issue 16): the oracle. Random ledgers — edited, dropped, reordered, duplicated,
foreign-signed, transplanted-signature, keyid-colliding, garbage and revoked-after lines — must get the
same problems, in the same order, with the same messages, from the new code in this process and with
forked workers, and the same entries, governance records and still-valid lists.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance import strictjson
from provenance.crypto import dsse, signers
from provenance.crypto.keyinfo import PublicKeyInfo
from provenance.store import ledger
from provenance.store.ledger import GENESIS, PAYLOAD_TYPE, Entry, LedgerProblem

UTC = dt.UTC
T0 = dt.datetime(2025, 1, 1, tzinfo=UTC)
PRIVATE = {
    "A": ec.generate_private_key(ec.SECP256R1()),
    "B": ec.generate_private_key(ec.SECP256R1()),
    "C": ec.generate_private_key(ec.SECP256R1()),  # the foreigner: trusted only when a draw says so
    "D": ed25519.Ed25519PrivateKey.generate(),
}
INFO = {name: PublicKeyInfo.of(name, key.public_key()) for name, key in PRIVATE.items()}
KEYID = {name: info.keyid for name, info in INFO.items()}


# ---------------------------------------------------------------- the oracle: the code before issue 16


class OLD:
    @staticmethod
    def loads(data: bytes | str) -> Any:
        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for k, v in items:
                if k in out:
                    raise strictjson.StrictJSONError(f"duplicate key {k!r}")
                out[k] = v
            return out

        def constant(name: str) -> Any:
            raise strictjson.StrictJSONError(f"{name} is not JSON")

        def number(text: str) -> float:
            value = float(text)
            if value in (float("inf"), -float("inf")):
                raise strictjson.StrictJSONError(f"{text[:40]} is out of range for a number")
            return value

        try:
            text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
            if text.startswith("\ufeff"):
                raise strictjson.StrictJSONError("a byte-order mark before the JSON")
            value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant, parse_float=number)
            if "\\u" in text:
                strictjson._no_lone_surrogates(value)
            return value
        except strictjson.StrictJSONError:
            raise
        except (UnicodeDecodeError, ValueError) as e:
            raise strictjson.StrictJSONError(f"not JSON ({e})") from None
        except RecursionError:
            raise strictjson.StrictJSONError("nested too deeply") from None

    @staticmethod
    def from_json(data: bytes) -> dsse.Envelope:
        try:
            obj = OLD.loads(data)
        except strictjson.StrictJSONError as e:
            raise dsse.EnvelopeFormatError(str(e) if str(e).startswith("not JSON") else f"not JSON ({e})") from None
        return dsse.Envelope.from_dict(obj)

    @staticmethod
    def digest(line: bytes) -> str:
        return hashlib.sha256(line.rstrip(b"\n")).hexdigest()

    @staticmethod
    def read(data: bytes) -> list[bytes]:
        return [line for line in data.split(b"\n") if line.strip()]

    @staticmethod
    def entries(lines: list[bytes]) -> list[Entry]:
        out = []
        for number, line in enumerate(lines, 1):
            try:
                env = OLD.from_json(line)
                body = OLD.loads(env.payload)
                data = {k: v for k, v in body.items() if k not in {"seq", "prev", "time", "event"}}
                out.append(
                    Entry(
                        number,
                        int(body["seq"]),
                        str(body["time"]),
                        str(body["event"]),
                        data,
                        env.signatures[0][0] if env.signatures else "",
                    )
                )
            # AttributeError: the one change -- a payload that is a JSON array or string crashed `prov log`
            # (exit 3); it is listed as unreadable now.
            except (ValueError, KeyError, TypeError, AttributeError):
                out.append(Entry(number, -1, "", "unreadable", {}, ""))
        return out

    @staticmethod
    def verify(lines: list[bytes], trusted: list[PublicKeyInfo], revoked_at: dict[str, dt.datetime]) -> list[Any]:
        problems: list[LedgerProblem] = []
        prev = GENESIS
        revoked_here: set[str] = set()
        for number, line in enumerate(lines, 1):
            try:
                env = OLD.from_json(line)
                body = OLD.loads(env.payload)
                seq, link, when = int(body["seq"]), str(body["prev"]), dt.datetime.fromisoformat(body["time"])
                if when.utcoffset() is None:
                    raise ValueError(f"time {body['time']!r} has no UTC offset")
            except (ValueError, KeyError, TypeError) as e:
                problems.append(LedgerProblem(number, f"unreadable entry ({e})"))
                prev = OLD.digest(line)
                continue
            if env.payload_type != PAYLOAD_TYPE:
                problems.append(LedgerProblem(number, f"unexpected payloadType {env.payload_type!r}"))
            signer = env.verified_by(trusted)
            if signer is None:
                problems.append(LedgerProblem(number, "signature invalid or not by a trusted key (edited entry?)"))
            elif signer.keyid in revoked_here or (
                signer.keyid in revoked_at
                and when >= revoked_at[signer.keyid]
                and not OLD.own_revocation(body, signer.keyid)
            ):
                problems.append(LedgerProblem(number, f"signed by key {signer.name} after it was revoked"))
            if body.get("event") == "key-revoke" and isinstance(body.get("keyid"), str):
                revoked_here.add(body["keyid"])
            if seq != number:
                problems.append(
                    LedgerProblem(
                        number,
                        f"sequence number {seq} where {number} was expected (entry dropped, inserted or reordered)",
                    )
                )
            if link != prev:
                problems.append(
                    LedgerProblem(
                        number, "does not chain to the previous entry (entry dropped, edited or reordered before it)"
                    )
                )
            prev = OLD.digest(line)
        return problems

    @staticmethod
    def own_revocation(body: dict[str, Any], keyid: str) -> bool:
        return body.get("event") == "key-revoke" and body.get("keyid") == keyid

    @staticmethod
    def signed_before_revocation(lines: list[bytes], keyid: str, trusted: list[PublicKeyInfo]) -> list[str]:
        key = [k for k in trusted if k.keyid == keyid]
        out: list[str] = []
        prev = GENESIS
        for number, line in enumerate(lines, 1):
            try:
                env = OLD.from_json(line)
                body = OLD.loads(env.payload)
            except ValueError:
                break
            if not isinstance(body, dict) or env.payload_type != PAYLOAD_TYPE:
                break
            if body.get("seq") != number or body.get("prev") != prev:
                break
            prev = OLD.digest(line)
            if body.get("event") == "key-revoke" and body.get("keyid") == keyid:
                break
            digest = body.get("card_sha256") if body.get("event") == "card" else body.get("record_sha256")
            ledgered = body.get("event") in ("card", "export", "push") and isinstance(digest, str) and len(digest) == 64
            if ledgered and env.verified_by(key) is not None:
                out.append(digest)
                oms = body.get("oms_sha256")
                if body.get("event") == "card" and isinstance(oms, str) and len(oms) == 64:
                    out.append(oms)
        return list(dict.fromkeys(out))

    @staticmethod
    def governance(lines: list[bytes]) -> tuple[list[dict[str, Any]], list[Any]]:
        from provenance.store.trust import Revocation

        withdrawals: list[dict[str, Any]] = []
        revocations: list[Any] = []
        for line in lines:
            try:
                env = OLD.from_json(line)
                if env.payload_type != PAYLOAD_TYPE:
                    continue
                body = OLD.loads(env.payload)
            except ValueError:
                continue
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


# ---------------------------------------------------------------- building ledgers


def envelope_line(payload: bytes, sigs: list[tuple[str, bytes]], payload_type: str = PAYLOAD_TYPE) -> bytes:
    env = {
        "payload": base64.b64encode(payload).decode(),
        "payloadType": payload_type,
        "signatures": [{"keyid": k, "sig": base64.b64encode(s).decode()} for k, s in sigs],
    }
    return json.dumps(env, separators=(",", ":")).encode()


def sign(name: str, payload: bytes, payload_type: str = PAYLOAD_TYPE) -> bytes:
    from provenance.crypto import keys

    return keys.sign(PRIVATE[name], dsse.pae(payload_type, payload))


def signed(name: str, body: Any, claim: str | None = None, payload_type: str = PAYLOAD_TYPE) -> bytes:
    """A line with ``body`` (any JSON) signed by ``name``, its keyid claimed as ``claim``'s."""
    payload = body if isinstance(body, bytes) else strictjson.dumps(body)
    return envelope_line(payload, [(KEYID[claim or name], sign(name, payload, payload_type))], payload_type)


def payload_of(line: bytes) -> dict[str, Any]:
    return json.loads(base64.b64decode(json.loads(line)["payload"]))


HEX = st.sampled_from(["a" * 64, "b" * 64, "c" * 64, "d" * 64, "short"])


@st.composite
def chains(draw: st.DrawFn) -> list[bytes]:
    lines: list[bytes] = []
    prev = GENESIS
    for seq in range(1, draw(st.integers(0, 9)) + 1):
        event = draw(st.sampled_from(["card", "export", "push", "key-revoke", "dataset-withdraw", "note"]))
        data: dict[str, Any] = {}
        if event == "card":
            data = {"artefact": f"m{seq}.joblib", "card_sha256": draw(HEX)}
            if draw(st.booleans()):
                data["oms_sha256"] = draw(HEX)
        elif event in ("export", "push"):
            data = {"record_sha256": draw(HEX), "allowed": draw(st.booleans())}
        elif event == "key-revoke":
            data = {
                "keyid": draw(st.sampled_from([KEYID["A"], KEYID["B"], KEYID["D"], 5])),
                "name": "k",
                "still_valid": draw(st.sampled_from([["a" * 64], [], None, "x"])),
            }
        elif event == "dataset-withdraw":
            data = {"withdrawal": draw(st.sampled_from([{"dataset": "d", "reason": "other"}, "not a dict"]))}
        when = T0 + dt.timedelta(hours=seq)
        if draw(st.integers(0, 19)) == 0:
            when = when.replace(tzinfo=None)  # no offset: an unreadable time
        key = draw(st.sampled_from("AAABCD"))
        line = ledger.signed_line(seq, prev, event, data, PRIVATE[key], when).rstrip(b"\n")
        lines.append(line)
        prev = hashlib.sha256(line).hexdigest()
    return lines


def garbage(draw: st.DrawFn) -> bytes:
    body = {"seq": 1, "prev": GENESIS, "time": T0.isoformat(), "event": "note"}
    good = signed("A", body)
    kind = draw(st.integers(0, 21))
    return [
        b"not json",
        b"{}",
        b"[]",
        b'{"payload":"!!","payloadType":"x","signatures":[]}',
        b'{"payload":"abc","payloadType":"x","signatures":[]}',  # bad padding, compact shape
        good.replace(b'{"payload":', b'{"payload":"eyJ9","payload":', 1),  # duplicate key in the envelope
        signed("A", b'{"seq":1,"seq":1,"prev":"' + GENESIS.encode() + b'","time":"2025-01-01T00:00:00+00:00"}'),
        signed("A", [1, 2]),  # a payload that is no object
        signed("A", "just a string"),
        signed("A", {"seq": 1, "time": T0.isoformat()}),  # no prev
        signed("A", {**body, "seq": "1"}),
        signed("A", {**body, "seq": True}),
        signed("A", {**body, "time": 5}),
        signed("A", body, payload_type="application/other"),
        envelope_line(strictjson.dumps(body), [(KEYID["C"], sign("C", strictjson.dumps(body)))] * 2),
        envelope_line(
            strictjson.dumps(body),
            [(KEYID["C"], sign("C", strictjson.dumps(body))), (KEYID["A"], sign("A", strictjson.dumps(body)))],
        ),
        envelope_line(strictjson.dumps(body), []),
        good.replace(b'"keyid":"', b'"keyid":"\\u0030', 1),  # an escape: the strict reader's business
        good.replace(b'":"', b'": "', 1),  # not compact
        good + b"\r",
        good + b" ",
        b"\xef\xbb\xbf" + good,  # a byte-order mark
    ][kind]


@st.composite
def ledgers(draw: st.DrawFn) -> bytes:
    lines = draw(chains())
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["edit", "drop", "swap", "dup", "foreign", "transplant", "collide", "garbage"]))
        if op == "garbage" or not lines:
            lines.insert(draw(st.integers(0, len(lines))), garbage(draw))
            continue
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        try:
            body = payload_of(lines[i])
            sig = json.loads(lines[i])["signatures"][0]
        except (ValueError, KeyError, IndexError, TypeError):
            continue
        if not isinstance(body, dict):
            continue
        if op == "edit":
            env = json.loads(lines[i])
            env["payload"] = base64.b64encode(strictjson.dumps({**body, "artefact": "innocent"})).decode()
            lines[i] = json.dumps(env, separators=(",", ":")).encode()
        elif op == "drop":
            del lines[i]
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "dup":
            lines.insert(j, lines[i])
        elif op == "foreign":
            lines[i] = signed("C", body)
        elif op == "transplant":  # a signature valid for another line's payload, under that line's keyid
            other = json.loads(lines[j])["signatures"][0] if lines[j].startswith(b"{") else sig
            env = json.loads(lines[i])
            env["signatures"] = [other]
            lines[i] = json.dumps(env, separators=(",", ":")).encode()
        elif op == "collide":  # claims the keyid of trusted A, signed by foreign C
            lines[i] = signed("C", body, claim="A")
    return b"\n".join(lines) + (b"\n" if lines else b"")


@st.composite
def trust(draw: st.DrawFn) -> tuple[list[PublicKeyInfo], dict[str, dt.datetime]]:
    names = draw(st.lists(st.sampled_from("ABCD"), unique=True, max_size=4))
    trusted = [INFO[n] for n in names]
    if draw(st.booleans()) and trusted:  # the same key under a second name
        first = trusted[0]
        trusted.append(PublicKeyInfo.of(first.name + "2", first.key))
    revoked = {
        KEYID[n]: T0 + dt.timedelta(hours=draw(st.integers(0, 10)), minutes=draw(st.sampled_from([0, 30])))
        for n in draw(st.lists(st.sampled_from("ABD"), unique=True, max_size=3))
    }
    return trusted, revoked


@contextmanager
def workers(n: int, batch: int = 2) -> Iterator[None]:
    """Force ``n`` forked workers (0: this process only) with tiny batches, whatever the ledger's length."""
    saved = signers.PARALLEL_MIN, signers.BATCH, signers._worker_count
    signers.PARALLEL_MIN, signers.BATCH = 0, batch
    signers._worker_count = lambda total: n  # type: ignore[assignment]
    try:
        yield
    finally:
        signers.PARALLEL_MIN, signers.BATCH, signers._worker_count = saved  # type: ignore[assignment]


FORK = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")


# ---------------------------------------------------------------- the differential properties


@FORK
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=ledgers(), keys=trust())
def test_verify_says_what_the_old_verify_said(
    data: bytes, keys: tuple[list[PublicKeyInfo], dict[str, dt.datetime]]
) -> None:
    trusted, revoked = keys
    old = OLD.read(data)
    expected = OLD.verify(old, trusted, revoked)
    for n in (0, 1, 2):
        with workers(n):
            assert ledger.verify(ledger.lines_of(data), trusted, revoked) == expected, f"{n} workers"
    lines = ledger.lines_of(data)  # one parse shared by every reader, in any order
    assert ledger.governance(lines) == OLD.governance(old)
    assert ledger.entries(lines) == OLD.entries(old)
    for name in "ABCD":
        assert ledger.signed_before_revocation(lines, KEYID[name], trusted) == OLD.signed_before_revocation(
            old, KEYID[name], trusted
        )
    assert ledger.verify(lines, trusted, revoked) == expected


TRICKY = st.one_of(st.text(max_size=6), st.text(st.sampled_from('a"\\\n\x00\x1f\x7f é/u'), max_size=4))
ENVELOPE_TEXT = st.builds(
    lambda payload, ptype, keyid, sig, sep: json.dumps(
        {"payload": payload, "payloadType": ptype, "signatures": [{"keyid": keyid, "sig": sig}]},
        separators=(",", sep),
        ensure_ascii=False,
    ).encode(),
    st.sampled_from(["", "eyJ9", "eyJ9", "eyJ9", "eyJ", "eyJ9==", "e=yJ9", "eyJ9\n", "ZZZ="]),
    TRICKY,
    TRICKY,
    st.sampled_from(["", "AAAA", "AAAA", "AAA", "AA==", "AA=="]),
    st.sampled_from([":", ":", ": "]),
)


@settings(max_examples=400, deadline=None)
@given(line=st.one_of(ENVELOPE_TEXT, st.binary(max_size=40)))
def test_the_compact_envelope_reader_reads_what_strict_json_reads(line: bytes) -> None:
    def outcome(read: Any) -> Any:
        try:
            return read(line)
        except ValueError as e:
            return type(e), str(e)

    assert outcome(dsse.Envelope.from_json) == outcome(OLD.from_json)


@FORK
@settings(max_examples=25, deadline=None)
@given(
    envs=st.lists(
        st.one_of(
            st.none(),
            st.builds(
                lambda who, claim, body: OLD.from_json(signed(who, {"n": body}, claim=claim)),
                st.sampled_from("ABCD"),
                st.sampled_from("ABCD"),
                st.integers(0, 3),
            ),
        ),
        max_size=30,
    ),
    names=st.lists(st.sampled_from("ABCD"), unique=True),
)
def test_signers_are_verified_by_on_every_path(envs: list[dsse.Envelope | None], names: list[str]) -> None:
    candidates = [INFO[n] for n in names]
    expected = [None if e is None else e.verified_by(candidates) for e in envs]
    for n, batch in ((0, 48), (1, 1), (3, 4)):
        with workers(n, batch):
            got = signers.signers(iter(envs), candidates, total=len(envs))
        assert [g is e for g, e in zip(got, expected, strict=True)] == [True] * len(envs)


# ---------------------------------------------------------------- the attacker's view


def chain(*specs: tuple[str, str, dict[str, Any]], start: int = 1) -> list[bytes]:
    """Lines signed by (key, event, data), chained and numbered, one hour apart."""
    lines, prev = [], GENESIS
    for seq, (key, event, data) in enumerate(specs, start):
        line = ledger.signed_line(seq, prev, event, data, PRIVATE[key], T0 + dt.timedelta(hours=seq)).rstrip(b"\n")
        lines.append(line)
        prev = hashlib.sha256(line).hexdigest()
    return lines


def problems(lines: list[bytes], trusted: list[PublicKeyInfo], revoked: dict[str, dt.datetime] | None = None) -> Any:
    """The problems, the same with workers and without (and the same as the oracle's)."""
    data = b"\n".join(lines) + b"\n"
    out = []
    for n in (0, 2) if hasattr(os, "fork") else (0,):
        with workers(n, batch=1):
            out.append(ledger.verify(ledger.lines_of(data), trusted, revoked or {}))
    assert all(o == out[0] for o in out)
    assert out[0] == OLD.verify(OLD.read(data), trusted, revoked or {})
    return [(p.line, p.message) for p in out[0]]


BAD_SIG = "signature invalid or not by a trusted key (edited entry?)"
CARD = ("card", {"artefact": "m.joblib", "card_sha256": "a" * 64})


def test_a_signature_valid_for_another_payload_does_not_pass() -> None:
    lines = chain(("A", *CARD), ("A", *CARD), ("A", *CARD))
    env = json.loads(lines[2])
    env["signatures"] = json.loads(lines[1])["signatures"]  # a genuine signature by A -- of line 2
    lines[2] = json.dumps(env, separators=(",", ":")).encode()
    assert problems(lines, [INFO["A"]]) == [(3, BAD_SIG)]


def test_a_line_claiming_a_trusted_keyid_but_signed_by_another_key_does_not_pass() -> None:
    lines = chain(("A", *CARD), ("A", *CARD))
    lines[1] = signed("C", payload_of(lines[1]), claim="A")
    assert problems(lines, [INFO["A"]]) == [(2, BAD_SIG)]
    # ... whatever else is trusted, and however often C's key object has been used before
    assert problems(lines, [INFO["A"], INFO["B"]]) == [(2, BAD_SIG)]


def test_duplicate_json_keys_are_unreadable_in_the_envelope_and_in_the_payload() -> None:
    lines = chain(("A", *CARD), ("A", *CARD))
    env = json.loads(lines[1])
    forged = base64.b64encode(strictjson.dumps({**payload_of(lines[1]), "artefact": "evil"})).decode()
    # The signed payload first, a forged one second: readers keeping different keys see different entries.
    sigs = json.dumps(env["signatures"], separators=(",", ":"))
    lines[1] = (
        f'{{"payload":"{env["payload"]}","payload":"{forged}","payloadType":"{PAYLOAD_TYPE}","signatures":{sigs}}}'
    ).encode()
    assert problems(lines, [INFO["A"]])[0] == (2, "unreadable entry (not JSON (duplicate key 'payload'))")
    body = payload_of(chain(("A", *CARD))[0])
    twice = strictjson.dumps(body)[:-1] + b',"artefact":"evil"}'
    assert problems([signed("A", twice)], [INFO["A"]]) == [(1, "unreadable entry (duplicate key 'artefact')")]


def test_key_objects_cached_by_one_verification_let_nothing_through_in_the_next() -> None:
    lines = chain(("A", *CARD), ("C", *CARD), ("B", *CARD), ("B", *CARD))
    everyone = [INFO["A"], INFO["B"], INFO["C"]]
    assert problems(lines, everyone) == []  # C's and B's key objects are now loaded and cached
    assert problems(lines, [INFO["A"], INFO["B"]]) == [(2, BAD_SIG)]  # C no longer trusted
    revoked = {KEYID["B"]: T0 + dt.timedelta(hours=4)}  # B revoked between its two lines
    assert problems(lines, everyone, revoked) == [(4, "signed by key B after it was revoked")]
    assert problems(lines, [INFO["A"]]) == [(2, BAD_SIG), (3, BAD_SIG), (4, BAD_SIG)]


def test_a_key_revoked_inside_the_chain_signs_nothing_after_its_revocation() -> None:
    revoke = ("key-revoke", {"keyid": KEYID["B"], "name": "B", "still_valid": []})
    lines = chain(("B", *CARD), ("A", *revoke), ("B", *CARD))
    assert problems(lines, [INFO["A"], INFO["B"]]) == [(3, "signed by key B after it was revoked")]


@FORK
def test_a_worker_that_dies_or_garbles_costs_speed_not_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = chain(*[("A", *CARD)] * 6, ("C", *CARD), ("A", *CARD))
    data = b"\n".join(lines) + b"\n"
    expected = [LedgerProblem(7, BAD_SIG)]

    def dies(requests: int, results: int, candidates: Any) -> None:
        os._exit(0)

    def garbles(requests: int, results: int, candidates: Any) -> None:
        import pickle

        while header := signers._read_exact(requests, 8):
            signers._read_exact(requests, int.from_bytes(header, "big"))
            answer = pickle.dumps([0])  # one answer for a batch of 2 or 3: refused, the batch checked here
            signers._write_all(results, len(answer).to_bytes(8, "big") + answer)

    for serve in (dies, garbles):
        monkeypatch.setattr(signers, "_serve", serve)
        with workers(2, batch=3):
            assert ledger.verify(ledger.lines_of(data), [INFO["A"]], {}) == expected


def test_verify_reports_progress_up_to_the_total() -> None:
    lines = chain(*[("A", *CARD)] * 5)
    seen: list[tuple[int, int]] = []
    for n in (0, 1) if hasattr(os, "fork") else (0,):
        seen.clear()
        with workers(n, batch=2):
            ledger.verify(
                ledger.lines_of(b"\n".join(lines)), [INFO["A"]], {}, progress=lambda d, t: seen.append((d, t))
            )
        assert seen[-1] == (5, 5) and all(t == 5 and 0 < d <= 5 for d, t in seen)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc\ud800"), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        JSON.map(lambda v: json.dumps(v, ensure_ascii=True)),
        JSON.map(lambda v: json.dumps(v, ensure_ascii=False)),
        JSON.map(lambda v: json.dumps(v)).map(lambda t: t.replace('{"a": ', '{"a": 1, "a": ', 1)),
        st.sampled_from(["\ufeff{}", "1e400", "-1e999", "[NaN]", '{"x": Infinity}', '"\\udc00"', "[1,]", " 7 "]),
        st.text(max_size=12),
    ),
    as_bytes=st.booleans(),
)
def test_strict_json_reads_what_it_read_before(text: str, as_bytes: bool) -> None:
    def outcome(read: Any) -> Any:
        try:
            return ("value", repr(read(text.encode("utf-8", "surrogatepass") if as_bytes else text)))
        except ValueError as e:
            return type(e), str(e)

    assert outcome(strictjson.loads) == outcome(OLD.loads)


# ---------------------------------------------------------------- remembered signers (the sealed cache)


def _cache(tmp: Any) -> Any:
    from provenance.digest import DigestCache

    return DigestCache(tmp / "cache")


@FORK
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    first=ledgers(),
    more=ledgers(),
    how=st.sampled_from(["same", "appended", "edited", "truncated", "other"]),
    keys=trust(),
    other_keys=st.one_of(st.none(), trust()),
    cut=st.integers(0, 40),
)
def test_a_remembered_ledger_is_judged_as_a_fresh_one(  # type: ignore[no-untyped-def]
    tmp_path_factory, first: bytes, more: bytes, how: str, keys, other_keys, cut: int
) -> None:
    """A ledger verified once is remembered (who signed each line, under those keys); the next ledger --
    the same, grown, edited inside the remembered part, cut short, another one, under the same or other
    keys -- must get exactly the problems a fresh verification (and the oracle) gives."""
    cache = _cache(tmp_path_factory.mktemp("memo"))
    trusted, revoked = keys
    with workers(1):
        assert ledger.verify(ledger.lines_of(first), trusted, revoked, memo=cache) == OLD.verify(
            OLD.read(first), trusted, revoked
        )
    old_lines, new_lines = first.splitlines(), more.splitlines()
    if how == "same":
        lines = old_lines
    elif how == "appended":
        lines = old_lines + new_lines
    elif how == "edited" and old_lines:
        lines = list(old_lines)
        lines[cut % len(lines)] = new_lines[cut % len(new_lines)] if new_lines else b"garbage"
    elif how == "truncated":
        lines = old_lines[: cut % (len(old_lines) + 1)]
    else:
        lines = new_lines
    data = b"\n".join(lines) + b"\n"
    if other_keys is not None:
        trusted, revoked = other_keys
    expected = OLD.verify(OLD.read(data), trusted, revoked)
    for n in (0, 1):
        with workers(n):
            assert ledger.verify(ledger.lines_of(data), trusted, revoked, memo=cache) == expected, (how, n)
    assert ledger.verify(ledger.lines_of(data), trusted, revoked) == expected


def _checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the signature checks made in this process (workers: none, see ``workers(0)``)."""
    calls: list[int] = []
    real = dsse.signature_valid

    def counted(*args: Any, **kwargs: Any) -> bool:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(dsse, "signature_valid", counted)
    return calls


def test_a_remembered_ledger_checks_only_its_new_lines(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = _cache(tmp_path)
    calls = _checks(monkeypatch)
    lines = chain(*[("A", *CARD)] * 12)
    with workers(0):
        assert ledger.verify(ledger.lines_of(b"\n".join(lines[:10])), [INFO["A"]], {}, memo=cache) == []
        assert len(calls) == 10
        assert ledger.verify(ledger.lines_of(b"\n".join(lines)), [INFO["A"]], {}, memo=cache) == []
        assert len(calls) == 12  # the two new lines
        assert ledger.verify(ledger.lines_of(b"\n".join(lines)), [INFO["A"]], {}, memo=cache) == []
        assert len(calls) == 12
        # another key list: nothing remembered for it
        assert ledger.verify(ledger.lines_of(b"\n".join(lines)), [INFO["B"], INFO["A"]], {}, memo=cache) == []
        assert len(calls) == 24
        # a revocation is judged every time, remembered signers or not
        revoked = {KEYID["A"]: T0 + dt.timedelta(hours=11)}
        found = ledger.verify(ledger.lines_of(b"\n".join(lines)), [INFO["A"]], revoked, memo=cache)
        assert [p.line for p in found] == [11, 12] and len(calls) == 24


def test_a_forged_memory_hides_no_bad_line(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The attacker's cache row: the right ledger prefix digest, every line claimed as signed by trusted A
    (a foreign-signed line among them), written without this user's secret. It is not believed."""
    import sqlite3

    cache = _cache(tmp_path)
    lines = chain(("A", *CARD), ("A", *CARD), ("A", *CARD))
    foreign = payload_of(lines[1])
    lines[1] = signed("C", foreign, claim="A")
    data = b"\n".join(lines)
    with workers(0):
        expected = ledger.verify(ledger.lines_of(data), [INFO["A"]], {}, memo=cache)
    assert [p.line for p in expected] == [2, 3]  # a bad signature, and the chain broken after it
    cache.flush()
    db = sqlite3.connect(tmp_path / "cache" / "digests.sqlite3")
    rows = db.execute("SELECT key, value FROM facts WHERE kind = 'ledger-signers'").fetchall()
    assert len(rows) == 1 and rows[0][1].endswith(" 0-0")  # tag, then "3 <digest> 0-0"
    tag, _, value = rows[0][1].partition("\n")
    db.execute("UPDATE facts SET value = ? WHERE kind = 'ledger-signers'", (f"{tag}\n{value[:-3]}000",))
    db.commit()
    db.close()
    fresh = _cache(tmp_path)
    calls = _checks(monkeypatch)
    with workers(0):
        assert ledger.verify(ledger.lines_of(data), [INFO["A"]], {}, memo=fresh) == expected
    assert len(calls) == 3  # nothing taken from the forged row
