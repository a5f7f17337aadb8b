"""Digest speed against `openssl dgst -sha256`, the warm stat cache, and `prov --help` start-up.

Run: `make bench` (or `python benchmarks/bench_digest.py [--size-mib N]` with prov installed).
Targets (issue 3): cold digest <= 1.15x openssl's time; warm cache <= 5% of it.
Each timing is the best of several runs, with the file in the page cache for both tools.
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

from _timing import best

from provenance.digest import DigestCache, Hasher, sha256_file


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if shutil.which("openssl") is None:
        print("openssl not found: it is the yardstick", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        blob = Path(tmp) / "blob.bin"
        chunk = os.urandom(1 << 20)
        with open(blob, "wb") as f:
            for _ in range(args.size_mib):
                f.write(chunk)
        ours_digest = sha256_file(blob)
        ssl = subprocess.run(
            ["openssl", "dgst", "-sha256", "-r", str(blob)], capture_output=True, text=True, check=True
        )
        assert ssl.stdout.split()[0] == ours_digest, "digests differ"

        t_ssl = best(
            lambda: subprocess.run(["openssl", "dgst", "-sha256", str(blob)], capture_output=True, check=True),
            args.runs,
        )
        t_ours = best(lambda: sha256_file(blob), args.runs)
        cache = DigestCache(Path(tmp) / "cache")
        hasher = Hasher(cache, show_progress=False)
        hasher.file(blob)  # fill the cache
        t_warm = best(lambda: hasher.file(blob), args.runs * 10)

        t_pass = best(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 5)
        prov = [sys.executable, "-m", "provenance", "--help"]
        t_help = best(lambda: subprocess.run(prov, capture_output=True, check=True), 5)

    mib = args.size_mib
    print(f"file size                 {mib} MiB")
    print(f"openssl dgst -sha256      {t_ssl:8.3f} s  ({mib / 1024 / t_ssl:.2f} GiB/s)")
    print(
        f"prov sha256_file (cold)   {t_ours:8.3f} s  ({mib / 1024 / t_ours:.2f} GiB/s)  "
        f"ratio {t_ours / t_ssl:.3f}x openssl (target <= 1.15)"
    )
    print(f"prov with warm stat cache {t_warm * 1000:8.3f} ms  {100 * t_warm / t_ours:.3f}% of cold (target <= 5%)")
    print(f"python -c pass            {t_pass * 1000:8.1f} ms")
    print(f"prov --help               {t_help * 1000:8.1f} ms  ratio {t_help / t_pass:.2f}x bare python")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
