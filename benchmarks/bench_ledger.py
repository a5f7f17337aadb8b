"""`prov log --verify`: entries verified per second past the fixed start-up, and that start-up (issue 16).

Builds a repository (`prov init` in a temporary git repo, PROV_HOME inside the temporary directory),
writes ledgers of 100 and 10,000 genuine entries -- each line the exact bytes ``ledger.append`` writes
(``ledger.signed_line``), signed with the repository's own key and chained, cards and exports mixed --
then times `python -m provenance log --verify` on each, interleaved, medians of 3:

- the rate past start-up, (10,000 - 100) / (t10000 - t100) entries/s (target >= 15,000), twice:
  cold -- the repository's cache removed before every run, so every signature is checked (a fresh
  clone, CI) -- and again -- the signers remembered by the run before (``store.ledger._Remembered``),
  so the signatures are not checked again (the chain, order and revocations still are, on every line);
- the start-up, t100, against `python -c pass`;
- `prov log` (the listing) of the 10,000 entries, for reference.

    python benchmarks/bench_ledger.py [--quick] [--code DIR]

``--code DIR`` times the prov package found in DIR (e.g. an export of an earlier commit) on the same
ledgers: a before/after comparison in one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))  # the prov next to this file, in this process and in the timed ones

from _table import Row, bare_python, command, median_interleaved, table  # noqa: E402

TARGET = 15_000  # entries/s past start-up


def build(base: Path, sizes: tuple[int, ...]) -> dict[int, Path]:
    """A repository per size, the same key and ledger prefix in each: {entries: repository root}."""
    from provenance.crypto import keys
    from provenance.store import ledger

    home, first = base / "home", base / f"repo{sizes[0]}"
    first.mkdir(parents=True)
    env = {**os.environ, "PROV_HOME": str(home), "PYTHONPATH": str(ROOT)}
    for cmd in (["git", "init", "-q"], [sys.executable, "-m", "provenance", "init", "--owner", "Bench"]):
        subprocess.run(cmd, cwd=first, env=env, check=True, capture_output=True)
    key = keys.load_private_pem(next((home / "keys").glob("*.key")).read_bytes(), None)
    lines, prev = [], ledger.GENESIS
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for seq in range(1, max(sizes) + 1):
        digest = hashlib.sha256(b"%d" % seq).hexdigest()
        if seq % 5:
            event, data = "card", {"artefact": f"models/m{seq}.joblib", "sha256": digest, "card_sha256": digest}
            data |= {"datasets": ["patients-2024"], "previous_card": None, "oms_sha256": digest}
        else:
            recipient = {"name": "Dr Who", "org": "Acme Research", "purpose": "research", "territory": "DE"}
            data = {"artefact": f"models/m{seq - 1}.joblib", "allowed": True, "reasons": [], "to": "out"}
            data |= {"recipient": recipient, "record_sha256": digest}
            event = "export"
        line = ledger.signed_line(seq, prev, event, data, key, t0 + dt.timedelta(minutes=seq))
        lines.append(line)
        prev = hashlib.sha256(line.rstrip(b"\n")).hexdigest()
    repos = {}
    for n in sizes:
        repo = base / f"repo{n}"
        if repo != first:
            shutil.copytree(first, repo, symlinks=True)
        (repo / ".prov" / "ledger.jsonl").write_bytes(b"".join(lines[:n]))
        repos[n] = repo
    return repos


def rows(quick: bool = False, code: Path = ROOT) -> list[Row]:
    small, large = (100, 2_000) if quick else (100, 10_000)
    runs = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp:
        repos = build(Path(tmp), (small, large))
        env = {**os.environ, "PROV_HOME": str(Path(tmp) / "home"), "PYTHONPATH": str(code)}
        prov = [sys.executable, "-m", "provenance", "log"]

        def timed(n: int, *args: str) -> Callable[[], None]:
            return command([*prov, *args], cwd=repos[n], env=env)

        def cold(n: int) -> Callable[[], None]:
            run = timed(n, "--verify")

            def without_cache() -> None:
                shutil.rmtree(repos[n] / ".prov" / "cache", ignore_errors=True)
                run()

            return without_cache

        runs_of = [cold(small), cold(large), timed(small, "--verify"), timed(large, "--verify"), bare_python()]
        runs_of.append(timed(large))
        median_interleaved(runs_of, 1)  # warm the file cache and prove every command succeeds
        t_small, t_large, t_small_again, t_large_again, t_bare, t_list = median_interleaved(runs_of, runs)
    cold_rate = (large - small) / max(t_large - t_small, 1e-9)
    again_rate = (large - small) / max(t_large_again - t_small_again, 1e-9)
    what = f"entries/s past start-up ({large:,} vs {small} entries)"
    return [
        Row(
            f"prov log --verify, cold (every signature checked), {what}",
            cold_rate,
            "entries/s",
            limit=TARGET,
            higher_is_better=True,
        ),
        Row(
            f"prov log --verify, again (signers remembered), {what}",
            again_rate,
            "entries/s",
            limit=TARGET,
            higher_is_better=True,
        ),
        Row(f"prov log --verify, {small}-entry ledger (start-up, cold)", t_small, "s", "python -c pass", t_bare),
        Row(f"prov log --verify, {large:,} entries, cold", t_large, "s"),
        Row(f"prov log --verify, {large:,} entries, again", t_large_again, "s"),
        Row(f"prov log (listing), {large:,} entries", t_list, "s"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2,000 entries, one run: a smoke test")
    ap.add_argument("--code", type=Path, default=ROOT, help="time the prov package in this directory")
    args = ap.parse_args()
    print(table(rows(args.quick, args.code.resolve())))


if __name__ == "__main__":
    main()
