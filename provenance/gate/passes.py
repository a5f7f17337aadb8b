"""Remembering passed checks, so a commit of unchanged, already-checked artefacts costs one git call.

A pass is remembered under the project's policy inputs (the config, the withdrawals, every dataset
manifest, the trusted keys and revocations, the ledger's size and tail, the prov version and the date:
embargoes, expiries and retention move with it) and the artefact's path; what is stored is the exact
list of index entries (mode, blob id, path) the decision read: the artefact (every file of a directory
artefact), its card, and its parents and their cards. The fast path asks git for the same entries and
compares them, by blob id. Change any byte of any of them, or any policy input, and the full check runs.
Only passes are remembered.

Stdlib only: the pre-commit hook's fast path imports it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

from .._version import __version__
from ..regularfile import read_regular

# The files directly under .prov/ that decisions read (the ledger is not one: it records, never decides).
TOP_LEVEL_INPUTS = ("config.yaml", "withdrawals.jsonl")


def policy_inputs(root: str) -> str:
    h = hashlib.sha256(f"prov {__version__}\n{dt.datetime.now(dt.UTC).date().isoformat()}\n".encode())
    prov = os.path.join(root, ".prov")
    for sub in ("", "datasets", "keys"):
        directory = os.path.join(prov, sub)
        try:
            names = sorted(os.listdir(directory))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            path = os.path.join(directory, name)
            if sub == "" and name not in TOP_LEVEL_INPUTS:
                continue
            if os.path.isfile(path):
                h.update(f"{sub}/{name}\n".encode())
                h.update(read_regular(path))
    # The ledger also holds withdrawals and revocations that bind: a pass remembered before one was
    # appended must not serve after it. Append-only, so its size and its tail tell; not the whole file.
    ledger = os.path.join(prov, "ledger.jsonl")
    try:
        with open(ledger, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            f.seek(max(0, size - 65536))
            h.update(b"ledger\n%d\n" % size + f.read())
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        pass
    return h.hexdigest()


def key(policy: str, artefact: str) -> str:
    return hashlib.sha256(f"{policy}\n{artefact}".encode()).hexdigest()


def covered(path: str, specs: list[str]) -> bool:
    return any(path == s or path.startswith(s + "/") for s in specs)


# The committed policy a pass also depends on (staged blobs; HEAD is recorded by commit id).
POLICY_SPECS = [".prov/config.yaml", ".prov/withdrawals.jsonl", ".prov/datasets", ".prov/keys"]


def entries_text(specs: list[str], entries: list[tuple[str, str, str]], head: str) -> str:
    """The record of a pass: HEAD, the pathspecs, then every index entry (path, mode, blob) they cover."""
    lines = [f"head\t{head}", *(f"spec\t{s}" for s in sorted(set(specs)))]
    lines += sorted(f"{mode} {blob}\t{path}" for path, mode, blob in entries if covered(path, specs))
    return "\n".join(lines)


def specs_of(text: str) -> list[str]:
    return [line[5:] for line in text.split("\n") if line.startswith("spec\t")]
