"""The recipient's path and the gate's start-up, in one run (issue 10 targets in brackets):

- `prov --help` against bare `python -c pass` (<= 4x);
- the hook's fast path for a commit touching no artefact (`prov check README.md`) (<= 2x);
- warm `prov verify` of a cached 1 GiB artefact (<= 4x `python -c pass`);
- `prov verify` of 1,000 small cards in one call (>= 500 cards/s).

Start-up figures are medians of interleaved rounds (the machine drifts; the ratios hold). Run:
`python benchmarks/bench_gate.py [--cards N] [--gib G] [--rounds R] [--quick]` with prov installed next to
this Python; `rows()` is what `benchmarks/run.py` (`make bench`) collects.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, bare_python, command, median_interleaved, table
from _timing import best

DATA = ("--licence", "CC0-1.0", "--confidentiality", "public", "--no-personal-data")


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)


def ok(r: subprocess.CompletedProcess[bytes]) -> None:
    if r.returncode:
        raise SystemExit(f"failed: {r.args}\n{r.stdout.decode()}{r.stderr.decode()}")


def safetensors(path: Path, size: int) -> None:
    header = json.dumps({"w": {"dtype": "U8", "shape": [size], "data_offsets": [0, size]}}).encode()
    header += b" " * (-len(header) % 8)
    block = os.urandom(1 << 20)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header)
        for i in range(size >> 20):
            f.write(block[i % 97 :] + block[: i % 97])


def many_cards(repo: Path, n: int, env: dict[str, str]) -> list[str]:
    """n small artefacts with genuine cards: one signed by `prov card`, the rest re-signed copies of its
    statement with each artefact's own name and digest (signing 1,000 through the CLI would take minutes)."""
    code = """
import base64, hashlib, json, sys
from pathlib import Path
from provenance.crypto import dsse
from provenance.model.card import PAYLOAD_TYPE
from provenance.store import userkeys
root = Path(sys.argv[1]); n = int(sys.argv[2])
env = json.loads((root / "small0000.safetensors.prov.json").read_text())
statement = json.loads(base64.b64decode(env["payload"]))
name = userkeys.default_name(); key = userkeys.load_private(name)
for i in range(1, n):
    art = root / f"small{i:04d}.safetensors"
    data = (root / "small0000.safetensors").read_bytes()[:-8] + i.to_bytes(8, "little")
    art.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    statement["subject"] = [{"name": art.name, "digest": {"sha256": digest}}]
    statement["predicate"]["artefact"]["name"] = art.name
    statement["predicate"]["artefact"]["sha256"] = digest
    payload = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()
    (root / (art.name + ".prov.json")).write_text(json.dumps(dsse.sign_envelope(PAYLOAD_TYPE, payload, key)))
"""
    safetensors(repo / "small0000.safetensors", 1 << 20)
    ok(run(["prov", "card", "small0000.safetensors", "--dataset", "bench-data"], repo, env))
    ok(run([sys.executable, "-c", code, str(repo), str(n)], repo, env))
    return [f"small{i:04d}.safetensors" for i in range(n)]


def rows(
    quick: bool = False, *, cards: int | None = None, gib: float | None = None, rounds: int | None = None
) -> list[Row]:
    cards = cards or (100 if quick else 1000)
    gib = gib or (1 / 16 if quick else 1.0)
    rounds = rounds or (5 if quick else 31)
    bindir = str(Path(sys.executable).parent)
    if shutil.which("prov", path=bindir) is None:
        raise SystemExit("prov is not installed next to this Python")
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}", "PROV_HOME": f"{tmp}/home"}
        ok(run(["git", "init", "-q"], repo, env))
        ok(run(["prov", "init", "--owner", "Bench"], repo, env))
        ok(
            run(
                [*("prov", "dataset", "add", "bench-data", "--source", "synthetic", "--owner", "Bench"), *DATA],
                repo,
                env,
            )
        )
        (repo / "README.md").write_text("hello\n")
        ok(run(["git", "add", ".prov"], repo, env))
        env_git = {**env, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b"}
        ok(run(["git", "commit", "-qm", "prov", "--no-verify"], repo, {**env_git, "GIT_COMMITTER_EMAIL": "b@b"}))
        ok(run(["git", "add", "README.md"], repo, env))
        safetensors(repo / "big.safetensors", int(gib * (1 << 30)))
        ok(run(["prov", "card", "big.safetensors", "--dataset", "bench-data"], repo, env))
        ok(run(["prov", "verify", "big.safetensors"], repo, env))  # warms the digest cache
        names = many_cards(repo, cards, env)

        ok(run(["prov", "verify", *names], repo, env))  # first run hashes; the timed runs are warm
        # Interleaved rounds, medians: the machine drifts, the ratios hold.
        t_pass, t_help, t_hook, t_big = median_interleaved(
            [
                bare_python(),
                command(["prov", "--help"], cwd=repo, env=env),
                command(["prov", "check", "README.md"], cwd=repo, env=env),
                command(["prov", "verify", "big.safetensors"], cwd=repo, env=env),
            ],
            rounds,
        )
        t_many = best(command(["prov", "verify", *names], cwd=repo, env=env), 3)
    peer = "python -c pass"
    return [
        Row("prov --help", t_help, "s", peer, t_pass, limit=4),
        Row("prov check README.md (hook, no artefact)", t_hook, "s", peer, t_pass, limit=2),
        Row(f"prov verify, cached {gib:g} GiB artefact", t_big, "s", peer, t_pass, limit=4),
        Row(f"prov verify, {cards:,} small cards in one call", cards / t_many, "cards/s", limit=500,
            higher_is_better=True),
    ]  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cards", type=int, default=None, help="default 1000 (--quick: 100)")
    ap.add_argument("--gib", type=float, default=None, help="default 1 (--quick: 1/16)")
    ap.add_argument("--rounds", type=int, default=None, help="interleaved rounds, medians (default 31; --quick: 5)")
    ap.add_argument("--quick", action="store_true", help="a smoke run at small sizes")
    args = ap.parse_args()
    result = rows(args.quick, cards=args.cards, gib=args.gib, rounds=args.rounds)
    print(table(result))
    return 0 if all(r.passed is not False for r in result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
