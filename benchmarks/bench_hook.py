"""The pre-commit hook's cost, in one run:

1. a commit touching no artefact (`prov check README.md`) against bare `python -c pass` (target <= 2x);
2. 100 staged, signed 10 MiB artefacts with a warm stat cache (target <= 0.5 s);
3. the same with a cold cache (every artefact hashed).

Run: `make bench` (or `python benchmarks/bench_hook.py [--artefacts N] [--mib M]` with prov installed).
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

from _timing import best


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--artefacts", type=int, default=100)
    ap.add_argument("--mib", type=int, default=10)
    args = ap.parse_args()
    prov = shutil.which("prov", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if prov is None:
        print("prov is not installed next to this Python", file=sys.stderr)
        return 2
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
            r = run(cmd, repo, env)
            if r.returncode:
                print(r.stderr.decode(), file=sys.stderr)
                return 1
        (repo / "README.md").write_text("hello\n")
        block = os.urandom(1 << 20)
        names = []
        for i in range(args.artefacts):
            name = f"model{i:03d}.safetensors"
            size = args.mib << 20
            # A genuine safetensors header (prov inspects it; a code-free format is safe to share).
            header = json.dumps({"w": {"dtype": "U8", "shape": [size], "data_offsets": [0, size]}}).encode()
            header += b" " * (-len(header) % 8)
            with open(repo / name, "wb") as f:
                f.write(struct.pack("<Q", len(header)) + header)
                for j in range(args.mib):
                    f.write(block[j + 4 :] + block[: j + 4][:-4] + i.to_bytes(4, "little"))
            names.append(name)
        for name in names:
            r = run([prov, "card", name, "--dataset", "bench-data"], repo, env)
            if r.returncode:
                print(r.stderr.decode(), file=sys.stderr)
                return 1
        # The committed policy: the hook trusts keys and manifests as HEAD, the index and the tree agree on.
        run(["git", "add", ".prov"], repo, env)
        run(["git", "commit", "-qm", "prov", "--no-verify"], repo, env)
        run(["git", "add", "README.md", *names, *(n + ".prov.json" for n in names)], repo, env)

        t_pass = best(lambda: run([sys.executable, "-c", "pass"], repo, env), 10)
        t_none = best(lambda: run([prov, "check", "README.md"], repo, env), 10)
        staged = [*names, *(n + ".prov.json" for n in names)]
        r = run([prov, "check", *staged], repo, env)
        assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
        t_warm = best(lambda: run([prov, "check", *staged], repo, env), 5)

        def cold() -> None:
            shutil.rmtree(repo / ".prov" / "cache", ignore_errors=True)
            run([prov, "check", *staged], repo, env)

        t_cold = best(cold, 3)
    print(f"python -c pass                         {t_pass * 1000:8.1f} ms")
    print(f"prov check, no artefact staged         {t_none * 1000:8.1f} ms  ratio {t_none / t_pass:.2f}x (target <= 2)")
    print(f"prov check, {args.artefacts} x {args.mib} MiB artefacts, warm  {t_warm:8.3f} s   (target <= 0.5 s)")
    print(f"prov check, {args.artefacts} x {args.mib} MiB artefacts, cold  {t_cold:8.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
