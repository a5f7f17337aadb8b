"""The pre-commit hook's cost, in one run:

1. a commit touching no artefact (`prov check README.md`) against bare `python -c pass` (target <= 2x;
   medians of interleaved rounds);
2. 100 staged, signed 10 MiB artefacts with a warm stat cache (target <= 0.5 s);
3. the same with a cold cache (every artefact hashed).

Run: `make bench` (or `python benchmarks/bench_hook.py [--artefacts N] [--mib M] [--quick]` with prov installed).
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


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
    if r.returncode:
        raise SystemExit(f"{' '.join(cmd[:4])}... exited {r.returncode}: {(r.stderr or r.stdout).decode()[-600:]}")
    return r


def rows(
    quick: bool = False, *, artefacts: int | None = None, mib: int | None = None, rounds: int | None = None
) -> list[Row]:
    artefacts = artefacts or (10 if quick else 100)
    mib = mib or (1 if quick else 10)
    rounds = rounds or (5 if quick else 11)
    prov = shutil.which("prov", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if prov is None:
        raise SystemExit("prov is not installed next to this Python")
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        env = {
            **os.environ,
            "PROV_HOME": str(Path(tmp) / "home"),
            "GIT_AUTHOR_NAME": "b",
            "GIT_AUTHOR_EMAIL": "b@b",
            "GIT_COMMITTER_NAME": "b",
            "GIT_COMMITTER_EMAIL": "b@b",
        }
        for cmd in (
            ["git", "init", "-q"],
            [prov, "init", "--owner", "Bench"],
            [
                prov,
                "dataset",
                "add",
                "bench-data",
                "--source",
                "synthetic",
                "--owner",
                "Bench",
                "--licence",
                "CC0-1.0",
                "--confidentiality",
                "public",
                "--no-personal-data",
            ],
        ):
            run(cmd, repo, env)
        (repo / "README.md").write_text("hello\n")
        block = os.urandom(1 << 20)
        names = []
        for i in range(artefacts):
            name = f"model{i:03d}.safetensors"
            size = mib << 20
            # A genuine safetensors header (prov inspects it; a code-free format is safe to share).
            header = json.dumps({"w": {"dtype": "U8", "shape": [size], "data_offsets": [0, size]}}).encode()
            header += b" " * (-len(header) % 8)
            with open(repo / name, "wb") as f:
                f.write(struct.pack("<Q", len(header)) + header)
                for j in range(mib):
                    f.write(block[j + 4 :] + block[: j + 4][:-4] + i.to_bytes(4, "little"))
            names.append(name)
        for name in names:
            run([prov, "card", name, "--dataset", "bench-data"], repo, env)
        # The committed policy: the hook trusts keys and manifests as HEAD, the index and the tree agree on.
        run(["git", "add", ".prov"], repo, env)
        run(["git", "commit", "-qm", "prov", "--no-verify"], repo, env)
        run(["git", "add", "README.md", *names, *(n + ".prov.json" for n in names)], repo, env)

        # Start-up against bare python: interleaved rounds, medians (drift hits both alike).
        t_pass, t_none = median_interleaved(
            [bare_python(), command([prov, "check", "README.md"], cwd=repo, env=env)], rounds
        )
        staged = [*names, *(n + ".prov.json" for n in names)]
        check = command([prov, "check", *staged], cwd=repo, env=env)
        check()  # it must pass, and it warms the stat cache
        t_warm = best(check, 3 if quick else 5)

        def cold() -> None:
            shutil.rmtree(repo / ".prov" / "cache", ignore_errors=True)
            check()

        t_cold = best(cold, 2 if quick else 3)
    staged_what = f"{artefacts} x {mib} MiB artefacts"
    return [
        Row("prov check, no artefact staged (hook)", t_none, "s", "python -c pass", t_pass, limit=2),
        Row(f"prov check, {staged_what}, warm cache", t_warm, "s", limit=0.5),
        Row(f"prov check, {staged_what}, cold cache", t_cold, "s"),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--artefacts", type=int, default=None, help="default 100 (--quick: 10)")
    ap.add_argument("--mib", type=int, default=None, help="size of each artefact, default 10 (--quick: 1)")
    ap.add_argument("--rounds", type=int, default=None, help="interleaved start-up rounds (default 11; --quick: 5)")
    ap.add_argument("--quick", action="store_true", help="a smoke run at small sizes")
    args = ap.parse_args()
    result = rows(args.quick, artefacts=args.artefacts, mib=args.mib, rounds=args.rounds)
    print(table(result))
    return 0 if all(r.passed is not False for r in result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
