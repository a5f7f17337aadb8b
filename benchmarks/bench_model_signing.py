"""prov against OpenSSF `model_signing` on the same multi-file models, measured in one run.

Run: `make bench` (or `python benchmarks/bench_model_signing.py [--quick]` with prov and the test extra
installed). Targets (issue 16), for a model of 10 x 100 MiB files:
`prov card` <= 1.0x `model_signing sign key`; cold `prov verify` (no digest cache) <= 0.9x
`model_signing verify key`; warm `prov verify` <= 0.1x. For 1,000 files of 1 KiB: card and cold verify
each <= 0.8x model_signing's.

Both tools sign with the same ECDSA P-256 key (prov's, PKCS#8 PEM: `model_signing sign key --private_key`)
and verify against its public key (`--public_key`), `model_signing verify key` checking the signature prov
wrote beside the artefact (ARTEFACT.sig). Every file is in the page cache for both (each command ran once
before timing); runs are interleaved and the median taken, so drift on a shared machine hits both alike.
`prov card` and cold `prov verify` run with the digest cache removed: they hash every byte, as model_signing
does. The "hashing only" rows time the in-process digest of the directory (prov's ``Hasher.tree`` without a
cache, model_signing's ``hashing.Config().hash``): what is left of a whole-command gap is start-up and the
card's other work.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, command, median_interleaved, table


def model_signing_cli() -> Path:
    ms = Path(sys.executable).with_name("model_signing")
    if ms.exists():
        return ms
    found = shutil.which("model_signing")
    if found is None:
        raise SystemExit("model_signing not found (pip install model-signing pyOpenSSL): it is the yardstick")
    return Path(found)


def write_safetensors(path: Path, size: int, fill: bytes) -> None:
    """A genuine safetensors file of ``size`` bytes (one U8 tensor, prov inspects its header), written in
    pieces of ``fill``."""
    n = size - 8 - 128
    header = json.dumps({"w": {"dtype": "U8", "shape": [n], "data_offsets": [0, n]}}).encode().ljust(128)
    with open(path, "wb") as f:
        f.write(len(header).to_bytes(8, "little") + header)
        for start in range(0, n, len(fill)):
            f.write(fill[: n - start])


def big_model(where: Path, files: int, mib: int) -> Path:
    """``files`` safetensors shards of ``mib`` MiB, half of them in a subdirectory, and a config.json."""
    model = where / "big"
    (model / "shards").mkdir(parents=True)
    fill = os.urandom(1 << 20)
    for i in range(files):
        write_safetensors((model / "shards" if i % 2 else model) / f"part-{i:03d}.safetensors", mib << 20, fill)
    (model / "config.json").write_text('{"n": 1}')
    return model


def small_model(where: Path, files: int) -> Path:
    """``files`` JSON files of 1 KiB (tokenizer pieces, configs) in ten subdirectories."""
    model = where / "small"
    for i in range(files):
        part = model / f"d{i % 10}" / f"piece-{i:04d}.json"
        part.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"id": i, "data": os.urandom(480).hex()})
        part.write_text(text[:1023].ljust(1023) + "\n")
    return model


class Bench:
    """A prov repository with a dataset and a signing key, and the commands both tools run on a model."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.repo = root / "repo"
        self.repo.mkdir()
        self.env = {**os.environ, "PROV_HOME": str(root / "home"), "GIT_TERMINAL_PROMPT": "0"}
        self.ms = str(model_signing_cli())
        for cmd in (["init", "-q", "-b", "main"], ["config", "user.email", "b@e"], ["config", "user.name", "B"]):
            subprocess.run(["git", *cmd], cwd=self.repo, check=True, capture_output=True)
        self.prov("init", "--owner", "Bench")()
        (self.repo / "data.csv").write_text("a,b\n1,2\n")
        self.prov(
            "dataset", "add", "d", "--file", "data.csv", "--source", "bench", "--owner", "Bench",
            "--licence", "MIT", "--confidentiality", "internal", "--no-personal-data",
        )()  # fmt: skip
        (self.key,) = sorted((root / "home" / "keys").glob("*.key"))
        (self.pub,) = sorted((self.repo / ".prov" / "keys").glob("*.pub"))
        self.cache = self.repo / ".prov" / "cache"
        (root / "ms").mkdir()

    def prov(self, *args: str):  # type: ignore[no-untyped-def]
        return command([sys.executable, "-m", "provenance", *args], cwd=self.repo, env=self.env)

    def cold(self, fn):  # type: ignore[no-untyped-def]
        """``fn`` with prov's digest cache removed first (a few hundred microseconds, timed with it)."""

        def run() -> None:
            shutil.rmtree(self.cache, ignore_errors=True)
            fn()

        return run

    def rows(self, model: Path, label: str, runs: int, *, card: float, cold: float, warm: float | None) -> list[Row]:
        name = model.name
        ms_sign = command(
            [self.ms, "sign", "key", name, "--private_key", str(self.key), "--signature", str(self.root / "ms" / name)],
            cwd=self.repo,
            env=self.env,
        )
        ms_verify = command(
            [self.ms, "verify", "key", name, "--public_key", str(self.pub), "--signature", f"{name}.sig"],
            cwd=self.repo,
            env=self.env,
        )
        prov_card = self.cold(self.prov("card", name, "--dataset", "d", "--overwrite"))
        prov_verify = self.prov("verify", name)
        for fn in (ms_sign, prov_card, ms_verify, prov_verify):  # every file read once: in the page cache
            fn()
        t_sign, t_card = median_interleaved([ms_sign, prov_card], runs)
        t_ms, t_cold, t_warm = median_interleaved([ms_verify, self.cold(prov_verify), prov_verify], runs)
        t_hash, t_ms_hash = median_interleaved([lambda: prov_hash(model), lambda: ms_hash(model)], runs)
        sign, verify = "model_signing sign key", "model_signing verify key"
        out = [
            Row(f"prov card, {label}", t_card, "s", sign, t_sign, limit=card),
            Row(f"prov verify, cold (no digest cache), {label}", t_cold, "s", verify, t_ms, limit=cold),
        ]
        if warm is not None:
            out.append(Row(f"prov verify, warm (digest cache filled), {label}", t_warm, "s", verify, t_ms, limit=warm))
        out.append(
            Row(f"  hashing only (in process, no cache), {label}", t_hash, "s", "model_signing hashing", t_ms_hash)
        )
        return out


def prov_hash(model: Path) -> str:
    from provenance.digest import Hasher

    return Hasher(None, show_progress=False).tree(model).sha256  # type: ignore[no-any-return]


def ms_hash(model: Path) -> object:
    from model_signing import hashing

    return hashing.Config().hash(model)


def rows(quick: bool = False, *, runs: int | None = None) -> list[Row]:
    runs = runs or (2 if quick else 5)
    big_files, big_mib, small_files = (10, 8, 200) if quick else (10, 100, 1000)
    with tempfile.TemporaryDirectory(prefix="prov-bench-ms-") as tmp:
        bench = Bench(Path(tmp))
        big = big_model(bench.repo, big_files, big_mib)
        small = small_model(bench.repo, small_files)
        out = bench.rows(big, f"{big_files} x {big_mib} MiB", runs, card=1.0, cold=0.9, warm=0.1)
        out += bench.rows(small, f"{small_files:,} x 1 KiB", runs, card=0.8, cold=0.8, warm=None)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a smoke run: 10 x 8 MiB and 200 x 1 KiB, 2 runs")
    ap.add_argument("--runs", type=int, default=None, help="interleaved runs, medians (default 5; --quick: 2)")
    args = ap.parse_args()
    result = rows(args.quick, runs=args.runs)
    print(table(result))
    return 0 if all(r.passed is not False for r in result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
