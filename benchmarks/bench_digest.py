"""Digest speed against `openssl dgst -sha256` on one large file, the warm stat cache, and start-up.

Run: `make bench` (or `python benchmarks/bench_digest.py [--quick] [--size-mib N]` with prov installed).
Targets (issue 16): cold `prov verify` of a 1 GiB file (the whole command: start-up, hashing, the card's
checks, with no digest cache) <= 1.5x `openssl dgst -sha256` on it; the in-process digest alone <= 1.15x
(issue 3); a digest answered by the warm stat cache <= 0.05x. `prov --help` is shown against bare
`python -c pass`: the fixed cost every command pays.

The file is in the page cache for both tools (each read it once before timing); runs are interleaved and
the median taken, so drift on a shared machine hits both sides alike.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, bare_python, command, median_interleaved, table
from bench_model_signing import write_safetensors


def _repo(root: Path) -> tuple[Path, dict[str, str]]:
    repo = root / "repo"
    repo.mkdir()
    env = {**os.environ, "PROV_HOME": str(root / "home"), "GIT_TERMINAL_PROMPT": "0"}
    for cmd in (["init", "-q", "-b", "main"], ["config", "user.email", "b@e"], ["config", "user.name", "B"]):
        subprocess.run(["git", *cmd], cwd=repo, check=True, capture_output=True)
    prov = [sys.executable, "-m", "provenance"]
    command([*prov, "init", "--owner", "Bench"], cwd=repo, env=env)()
    (repo / "data.csv").write_text("a,b\n1,2\n")
    command(
        [*prov, "dataset", "add", "d", "--file", "data.csv", "--source", "bench", "--owner", "Bench",
         "--licence", "MIT", "--confidentiality", "internal", "--no-personal-data"],
        cwd=repo, env=env,
    )()  # fmt: skip
    return repo, env


def rows(quick: bool = False, *, size_mib: int | None = None, runs: int | None = None) -> list[Row]:
    from provenance.digest import DigestCache, Hasher

    size_mib = size_mib or (64 if quick else 1024)
    runs = runs or (2 if quick else 5)
    if shutil.which("openssl") is None:
        raise SystemExit("openssl not found: it is the yardstick")
    with tempfile.TemporaryDirectory(prefix="prov-bench-digest-") as tmp:
        repo, env = _repo(Path(tmp))
        blob = repo / "model.safetensors"
        write_safetensors(blob, size_mib << 20, os.urandom(1 << 20))
        prov = [sys.executable, "-m", "provenance"]
        command([*prov, "card", blob.name, "--dataset", "d"], cwd=repo, env=env)()
        cache = repo / ".prov" / "cache"

        def cold_verify() -> None:
            shutil.rmtree(cache, ignore_errors=True)
            verify()

        verify = command([*prov, "verify", blob.name], cwd=repo, env=env)
        openssl = command(["openssl", "dgst", "-sha256", str(blob)])
        ours = Hasher(None, show_progress=False).file(blob)[0]
        out = subprocess.run(["openssl", "dgst", "-sha256", "-r", str(blob)], capture_output=True, text=True)
        assert out.stdout.split()[0] == ours, "prov and openssl disagree on the digest"

        t_ssl, t_verify = median_interleaved([openssl, cold_verify], runs)
        t_ssl2, t_hash = median_interleaved([openssl, lambda: Hasher(None, show_progress=False).file(blob)], runs)
        warm = Hasher(DigestCache(Path(tmp) / "cache"), show_progress=False)
        warm.file(blob)  # fill it
        t_ssl3, t_warm = median_interleaved([openssl, lambda: warm.file(blob)], runs)
        t_pass, t_help = median_interleaved([bare_python(), command([*prov, "--help"], env=env)], runs * 2)
    size = f"{size_mib / 1024:g} GiB file" if size_mib >= 1024 else f"{size_mib} MiB file"
    ssl = "openssl dgst -sha256"
    return [
        Row(f"prov verify, cold (whole command), {size}", t_verify, "s", ssl, t_ssl, limit=1.5),
        Row(f"  hashing only (in process, no cache), {size}", t_hash, "s", ssl, t_ssl2, limit=1.15),
        Row(f"digest from the warm stat cache, {size}", t_warm * 1000, "ms", ssl, t_ssl3 * 1000, limit=0.05),
        Row("prov --help (start-up)", t_help * 1000, "ms", "python -c pass", t_pass * 1000),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a smoke run: a 64 MiB file, 2 runs")
    ap.add_argument("--size-mib", type=int, default=None, help="file size (default 1024; --quick: 64)")
    ap.add_argument("--runs", type=int, default=None, help="interleaved runs, medians (default 5; --quick: 2)")
    args = ap.parse_args()
    result = rows(args.quick, size_mib=args.size_mib, runs=args.runs)
    print(table(result))
    return 0 if all(r.passed is not False for r in result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
