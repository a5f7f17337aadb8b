"""``.prov/withdrawals.jsonl``: one signed withdrawal per line (a compact DSSE envelope).

A withdrawal only restricts, so the decision honours every line it can read whoever signed it: a forged
line can only block more, never let more through. Who signed each one is still checked and shown
(``prov status``), and each is also a ledger entry: a line deleted from this file is still in the
hash-chained ledger, and ``prov status`` names it. A file that does not read stops the command (exit 2):
which data was withdrawn would otherwise be unknown, and unknown terms fail closed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .. import strictjson
from ..crypto import dsse
from ..crypto import keys as _keys
from ..errors import ManifestError
from ..model.withdrawal import Withdrawal
from .repo import ProvRepo

PAYLOAD_TYPE = "application/vnd.prov.withdrawal.v1+json"


@dataclass(frozen=True)
class SignedWithdrawal:
    withdrawal: Withdrawal
    envelope: dsse.Envelope
    line_sha256: str

    @property
    def keyids(self) -> list[str]:
        return [kid for kid, _ in self.envelope.signatures]


def parse(raw: bytes, source: str) -> list[SignedWithdrawal]:
    """Every withdrawal in the file's bytes; ManifestError naming the line when one does not read."""
    from pydantic import ValidationError

    out = []
    for number, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            envelope = dsse.Envelope.from_json(line)
            if envelope.payload_type != PAYLOAD_TYPE:
                raise ValueError(f"payloadType is {envelope.payload_type!r}, expected {PAYLOAD_TYPE!r}")
            withdrawal = Withdrawal.model_validate(strictjson.loads(envelope.payload))
        except ValidationError as e:
            first = e.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or "payload"
            raise ManifestError(source, f"line {number}", f"{where}: {first['msg']}") from None
        except ValueError as e:  # strict JSON and envelope errors are ValueErrors
            raise ManifestError(source, f"line {number}", f"not a signed withdrawal ({e})") from None
        out.append(SignedWithdrawal(withdrawal, envelope, hashlib.sha256(line.rstrip(b"\r")).hexdigest()))
    return out


def load(repo: ProvRepo) -> list[SignedWithdrawal]:
    path = repo.withdrawals_file
    if not path.exists() and not path.is_symlink():
        return []
    from ..regularfile import read_regular

    return parse(read_regular(path, limit=1 << 28), str(path))


def by_dataset(items: list[SignedWithdrawal] | list[Withdrawal]) -> dict[str, Withdrawal]:
    """One withdrawal per dataset, merged from every record of it: the earliest time and reason, and the
    union of the files and artefacts any of them names. A record can only add (a forged line that names
    fewer files or artefacts than the real one takes nothing away)."""
    out: dict[str, Withdrawal] = {}
    for item in items:
        w = item.withdrawal if isinstance(item, SignedWithdrawal) else item
        old = out.get(w.dataset)
        if old is None:
            out[w.dataset] = w
            continue
        first = old if old.time <= w.time else w
        out[w.dataset] = first.model_copy(
            update={
                "files": sorted(set(old.files) | set(w.files)),
                "artefacts": sorted(set(old.artefacts) | set(w.artefacts)),
                "content": sorted(set(old.content) | set(w.content)),
                "sizes": sorted(set(old.sizes) | set(w.sizes)),
            }
        )
    return out


def append(repo: ProvRepo, withdrawal: Withdrawal, key: _keys.PrivateKey) -> SignedWithdrawal:
    """Sign and add one line; the file is rewritten atomically (a crash leaves the old file or the new)."""
    from . import atomic

    existing = b""
    if repo.withdrawals_file.exists():
        from ..regularfile import read_regular

        existing = read_regular(repo.withdrawals_file, limit=1 << 28)
        parse(existing, str(repo.withdrawals_file))  # never append to a file that does not read
        if existing and not existing.endswith(b"\n"):
            existing += b"\n"
    payload = strictjson.dumps(withdrawal.model_dump(mode="json", exclude_none=True))
    line = json.dumps(dsse.sign_envelope(PAYLOAD_TYPE, payload, key), separators=(",", ":")).encode()
    atomic.write_bytes(repo.withdrawals_file, existing + line + b"\n")
    return parse(line, str(repo.withdrawals_file))[0]


@dataclass(frozen=True)
class Committed:
    withdrawals: list[SignedWithdrawal]
    revocations: list[Any]  # store.trust.Revocation


def committed(repo: ProvRepo) -> Committed:
    """The withdrawals and revocations git holds (staged and HEAD): they bind whatever the working tree
    says, so deleting a withdrawal or a revocation there lifts nothing. A version that does not read
    stops the command (exit 2): which data was withdrawn, or which key revoked, would be unknown."""
    from .gitblobs import committed_versions
    from .trust import committed_revocations

    withdrawals_rel = repo.relative(repo.withdrawals_file)
    items: list[SignedWithdrawal] = []
    for raw in committed_versions(repo.root, [withdrawals_rel]).get(withdrawals_rel, []):
        items += parse(raw, f"{withdrawals_rel} (as committed or staged)")
    return Committed(items, committed_revocations(repo))


def ledgered(repo: ProvRepo) -> tuple[list[Withdrawal], list[Any]]:
    """The withdrawals and revocations the ledger records (``ledger.governance``); a withdrawal payload
    that does not read as one is skipped (the ledger's own check names it)."""
    from pydantic import ValidationError

    from . import ledger

    payloads, revocations = ledger.governance(ledger.read(repo))
    out = []
    for p in payloads:
        try:
            out.append(Withdrawal.model_validate(p))
        except ValidationError:
            # Edited, or written by a newer prov: what it withdraws still binds, by name (fail closed).
            name = p.get("dataset")
            if isinstance(name, str) and name:
                note = "a ledger record prov could not read in full"
                out.append(Withdrawal(dataset=name, reason="other", time=dt.datetime.now(dt.UTC), note=note))
    return out, revocations


@dataclass(frozen=True)
class Recorded:
    withdrawn: dict[str, Withdrawal]  # merged per dataset from every record
    revocations: list[Any]  # from git's versions and the ledger (the working tree's are the trust root's)


def everywhere(repo: ProvRepo) -> Recorded:
    """Every withdrawal and revocation recorded anywhere -- the working tree, git's index and HEAD, the
    ledger -- merged: the one reading every command that decides or reports uses."""
    committed_ = committed(repo)
    ledger_withdrawals, ledger_revocations = ledgered(repo)
    withdrawn = by_dataset([*load(repo), *committed_.withdrawals, *ledger_withdrawals])
    return Recorded(withdrawn, [*committed_.revocations, *ledger_revocations])
