"""`prov verify` against `model_signing verify key` on the same multi-file model, in one run.

Run: `make bench` (or `python benchmarks/bench_model_signing.py [--files 12 --file-mib 88]` with prov and
the test extra installed). Targets (issue 14), for a model of about 1 GiB in 10+ files:
cold `prov verify` (no digest cache) <= 1.0x model_signing's time; warm (digest cache filled) <= 0.1x.

Both tools verify the same files against signatures prov wrote (the card, and ARTEFACT.sig for
model_signing), with the files in the page cache for both. Runs are interleaved and the median taken,
so drift on a shared machine hits both sides alike.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed ({r.returncode}): {(r.stderr or r.stdout)[-400:]}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=12)
    ap.add_argument("--file-mib", type=int, default=88)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    ms = Path(sys.executable).with_name("model_signing")
    if not ms.exists():
        found = shutil.which("model_signing")
        if found is None:
            print("model_signing not found (pip install model-signing pyOpenSSL): it is the yardstick", file=sys.stderr)
            return 2
        ms = Path(found)
    prov = [sys.executable, "-m", "provenance"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo = root / "repo"
        repo.mkdir()
        env = {**os.environ, "PROV_HOME": str(root / "home"), "GIT_TERMINAL_PROMPT": "0"}
        for cmd in (["init", "-q", "-b", "main"], ["config", "user.email", "b@e"], ["config", "user.name", "B"]):
            subprocess.run(["git", *cmd], cwd=repo, check=True, capture_output=True)
        _run([*prov, "init", "--owner", "Bench"], repo, env)
        (repo / "data.csv").write_text("a,b\n1,2\n")
        _run([*prov, "dataset", "add", "d", "--file", "data.csv", "--source", "bench", "--owner", "Bench",
              "--licence", "MIT", "--confidentiality", "internal", "--no-personal-data"], repo, env)  # fmt: skip
        model = repo / "model"
        (model / "shards").mkdir(parents=True)
        chunk = os.urandom(1 << 20)
        for i in range(args.files):
            where = model / "shards" if i % 2 else model
            with open(where / f"part-{i:03d}.safetensors", "wb") as f:
                for _ in range(args.file_mib):
                    f.write(chunk)
        (model / "config.json").write_text('{"n": 1}')
        t_card = _run([*prov, "card", "model", "--dataset", "d"], repo, env)
        (pub,) = sorted((repo / ".prov" / "keys").glob("*.pub"))
        verify_ms = [str(ms), "verify", "key", "model", "--public_key", str(pub), "--signature", "model.sig"]
        verify_prov = [*prov, "verify", "model"]
        cache = repo / ".prov" / "cache"
        _run(verify_ms, repo, env)  # both read the files once: the page cache holds them for both
        _run(verify_prov, repo, env)
        t_ms, t_cold, t_warm = [], [], []
        for _ in range(args.runs):
            t_ms.append(_run(verify_ms, repo, env))
            shutil.rmtree(cache, ignore_errors=True)
            t_cold.append(_run(verify_prov, repo, env))
            t_warm.append(_run(verify_prov, repo, env))
    size = args.files * args.file_mib
    m_ms, m_cold, m_warm = (statistics.median(x) for x in (t_ms, t_cold, t_warm))
    print(f"model                         {size} MiB in {args.files + 1} files (median of {args.runs} runs)")
    print(f"prov card (sign)              {t_card:8.3f} s  (one run, hashing included)")
    print(f"model_signing verify key      {m_ms:8.3f} s")
    print(f"prov verify, cold cache       {m_cold:8.3f} s  ratio {m_cold / m_ms:.3f}x model_signing (target <= 1.0)")
    print(f"prov verify, warm cache       {m_warm:8.3f} s  ratio {m_warm / m_ms:.3f}x model_signing (target <= 0.1)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
