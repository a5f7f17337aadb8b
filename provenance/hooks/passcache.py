"""Remembering passed checks, so a commit of unchanged, already-checked artefacts costs a stat and a lookup.

The key covers every input of the decision: the staged artefact's digest, the staged card's bytes, the
project policy, every dataset manifest, the trusted keys and revocations, the prov version and the
date (embargoes, expiries and retention move with it). Change any of them and the full check runs.
Only passes are remembered; a failure is always re-evaluated so its message is current.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

from .._version import __version__


def policy_inputs(root: str) -> str:
    h = hashlib.sha256(f"prov {__version__}\n{dt.datetime.now(dt.UTC).date().isoformat()}\n".encode())
    prov = os.path.join(root, ".prov")
    for sub in ("", "datasets", "keys"):
        directory = os.path.join(prov, sub)
        try:
            names = sorted(os.listdir(directory))
        except FileNotFoundError:
            continue
        for name in names:
            path = os.path.join(directory, name)
            if sub == "" and name != "config.yaml":
                continue
            if os.path.isfile(path):
                h.update(f"{sub}/{name}\n".encode())
                with open(path, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


def key(policy: str, path: str, artefact_sha256: str, card: bytes) -> str:
    return hashlib.sha256(
        f"{policy}\n{path}\n{artefact_sha256}\n{hashlib.sha256(card).hexdigest()}".encode()
    ).hexdigest()
