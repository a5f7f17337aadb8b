"""`prov push` against `curl -T` on the same blob and the same registry, in one run; `prov verify REF`.

Run: `python benchmarks/bench_oci_push.py [--mib 1024 --runs 3 --files 100 --file-kib 64] [--quick]` with
prov, httpx and pytest installed, and Debian's `docker-registry` (CNCF Distribution 2.8) and `curl` on PATH
(it stops with a message when either is missing). Targets (issue 15), for a 1 GiB artefact pushed to a
registry on 127.0.0.1:
  - `prov push` throughput >= 0.9x curl's, uploading the same 1 GiB blob to the same registry;
  - peak memory of the prov process during that push < 100 MB;
  - a second push of the same artefact uploads no blob (`uploaded == []` in --json);
  - `prov verify REF` on a model of 100 files downloads the card and signature blobs only, never a weight.

curl does what any client of the distribution API must: `POST /v2/<repo>/blobs/uploads/` for a Location,
then one monolithic `curl -T FILE -X PUT "<Location>&digest=sha256:<hex>"` (the digest is computed once,
before and outside the timing: prov hashes while it sends), then a HEAD outside the timing to check the
blob is there. prov's figure is the whole `prov push` command as a user runs it: start-up, the card
check, the decision, the layer, the card/signature/record referrers, the ledger entry and the tag.
The row "weights on the wire" is the registry's own time (its log's http.response.duration) for the
requests that carried the weights -- prov's PATCH and closing PUT, curl's PUT -- without either client's
start-up, and without prov's card check, referrers and ledger; "push 2 time" is roughly that fixed cost.
Every timed upload goes to a fresh registry (new storage), so neither side is told "already there";
prov and curl runs are interleaved (alternating which goes first) and medians are reported. The weights
are read once before timing, so the page cache holds them for both.

Peak memory: prov runs as a direct child and is reaped with os.wait4, whose rusage is that child's
alone (ru_maxrss: the high-water RSS of the prov process, or of a process it started if one were larger),
not RUSAGE_CHILDREN, which mixes every child this script ever reaped.

The report is a table (`rows()` is what `benchmarks/run.py` collects); run alone, the exit status is 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = "acme/model"

sys.path.insert(0, str(ROOT / "benchmarks"))

from _table import Row, table  # noqa: E402


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:5])}... failed ({r.returncode}): {_why(r.stdout, r.stderr)}")
    return r


def _why(stdout: str, stderr: str) -> str:
    """What a failed command said: the reasons of a refused decision (--json), else the end of its output."""
    try:
        reasons = json.loads(stdout)["decision"]["reasons"]
        return "; ".join(f"{r.get('code')}: {r.get('message')}" for r in reasons) or stderr[-600:]
    except (ValueError, KeyError, TypeError):
        return (stderr or stdout)[-600:]


def _measured(cmd: list[str], cwd: Path, env: dict[str, str], scratch: Path) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in bytes, stdout) of one command, reaped with os.wait4 for its own rusage."""
    out, err = scratch / "stdout", scratch / "stderr"
    with open(out, "wb") as o, open(err, "wb") as e:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=o, stderr=e)
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen, so it does not wait again
    stdout, stderr = out.read_text(), err.read_text()
    out.unlink()
    err.unlink()
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:5])}... failed ({p.returncode}): {_why(stdout, stderr)}")
    return elapsed, usage.ru_maxrss * 1024, stdout  # Linux: ru_maxrss is in KiB


def _safetensors(path: Path, nbytes: int) -> None:
    """A valid safetensors file of one U8 tensor of random bytes (prov reads the header: random bytes under
    .safetensors, or .bin, which is a PyTorch pickle to it, would be refused as unsafe), written 1 MiB at a time."""
    header = json.dumps({"w": {"dtype": "U8", "shape": [nbytes], "data_offsets": [0, nbytes]}}).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(len(header).to_bytes(8, "little") + header)
        for left in range(nbytes, 0, -(1 << 20)):
            f.write(os.urandom(min(left, 1 << 20)))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(4 << 20):
            h.update(chunk)
    return h.hexdigest()


_GO_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "\u00b5s": 1e-6, "ns": 1e-9}


def _upload_seconds(log: Path, hexdigest: str) -> float:
    """Server-side seconds of the requests that carried the weights, from the registry's own log
    (http.response.duration): the longest PATCH (prov's streamed body; none for curl) plus the
    `PUT ...&digest=sha256:<hex>` that closed the upload (curl's whole body; prov's is empty)."""
    patch = put = 0.0
    for line in log.read_text(errors="replace").splitlines():
        method = re.search(r"http\.request\.method=(\w+)", line)
        took = re.search(r"http\.response\.duration=(\S+)", line)
        if method is None or took is None or "/blobs/uploads/" not in line:
            continue
        seconds = sum(float(n) * _GO_UNITS[u] for n, u in re.findall(r"([0-9.]+)(h|ms|us|\u00b5s|ns|m|s)", took[1]))
        if method[1] == "PATCH":
            patch = max(patch, seconds)
        elif method[1] == "PUT" and f"digest=sha256:{hexdigest}" in line:
            put += seconds
    return patch + put


def _curl_push(host: str, blob: Path, hexdigest: str) -> float:
    """POST for an upload session, one monolithic PUT of the file with its digest: seconds for both."""
    base = f"http://{host}"
    t = time.perf_counter()
    post = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-D", "-", "-X", "POST", f"{base}/v2/{REPOSITORY}/blobs/uploads/"],
        capture_output=True,
        text=True,
        check=True,
    )
    status, *lines = post.stdout.splitlines()
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    if status.split()[1:2] != ["202"] or "location" not in headers:
        raise SystemExit(f"curl POST of an upload answered {status!r}")
    location = headers["location"]
    if location.startswith("/"):
        location = base + location
    sep = "&" if "?" in location else "?"
    put = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-T", str(blob), "-X", "PUT",
         f"{location}{sep}digest=sha256:{hexdigest}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - t
    if put.stdout.strip() != "201":
        raise SystemExit(f"curl PUT answered {put.stdout.strip()}: {put.stderr[-300:]}")
    head = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-I",
         f"{base}/v2/{REPOSITORY}/blobs/sha256:{hexdigest}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    if head.stdout.strip() != "200":
        raise SystemExit(f"after curl's upload, HEAD of the blob answered {head.stdout.strip()}")
    return elapsed


def rows(
    quick: bool = False,
    *,
    mib: int | None = None,
    runs: int | None = None,
    files: int | None = None,
    file_kib: int | None = None,
) -> list[Row]:
    mib = mib or (64 if quick else 1024)
    runs = runs or (1 if quick else 3)
    files = files or (10 if quick else 100)
    file_kib = file_kib or (16 if quick else 64)
    for tool, package in (("docker-registry", "docker-registry"), ("curl", "curl")):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found (Debian package {package}): this benchmark needs it")
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from registry import registry  # tests/registry.py: Distribution 2.8 on 127.0.0.1, storage of our own
    except ImportError as e:  # it imports tests/tools.py, which needs pytest (the test extra)
        raise SystemExit(f"cannot import tests/registry.py ({e}): install pytest (the test extra)") from None

    prov = [sys.executable, "-m", "provenance"]
    with tempfile.TemporaryDirectory(prefix="bench-oci-") as tmp:
        root = Path(tmp)
        repo = root / "repo"
        repo.mkdir()
        scratch = root / "scratch"
        scratch.mkdir()
        env = {**os.environ, "PROV_HOME": str(root / "home"), "GIT_TERMINAL_PROMPT": "0"}
        for cmd in (["init", "-q", "-b", "main"], ["config", "user.email", "b@e"], ["config", "user.name", "B"]):
            subprocess.run(["git", *cmd], cwd=repo, check=True, capture_output=True)
        _run([*prov, "init", "--owner", "Bench"], repo, env)
        (repo / "data.csv").write_text("a,b\n1,2\n")
        _run([*prov, "dataset", "add", "d", "--file", "data.csv", "--source", "bench", "--owner", "Bench",
              "--licence", "MIT", "--confidentiality", "internal", "--no-personal-data"], repo, env)  # fmt: skip
        big = repo / "model"
        big.mkdir()
        weights = big / "model.safetensors"
        _safetensors(weights, mib << 20)
        many = repo / "many"
        many.mkdir()
        for i in range(files):
            _safetensors(many / f"part-{i:03d}.safetensors", file_kib << 10)
        _run([*prov, "card", "model", "--dataset", "d"], repo, env)
        _run([*prov, "card", "many", "--dataset", "d"], repo, env)
        hexdigest = _sha256(weights)  # once, outside any timing; it also puts the file in the page cache
        config = repo / ".prov" / "config.yaml"
        config_text = "".join(line for line in config.read_text().splitlines(True) if line.strip() != "registries: []")
        if "registries:" in config_text:
            raise SystemExit(f"{config} already lists registries: this script writes its own")

        def point_at(host: str) -> None:
            entry = f"registries:\n- url: {host}/**\n  owner: Bench\n  audience: internal\n"
            config.write_text(config_text.rstrip("\n") + "\n" + entry)

        def prov_push(host: str) -> tuple[float, int, dict[str, Any]]:
            cmd = [*prov, "push", "model", f"{host}/{REPOSITORY}:v1", "--json"]
            elapsed, rss, out = _measured(cmd, repo, env, scratch)
            return elapsed, rss, json.loads(out)

        t_prov: list[float] = []
        t_curl: list[float] = []
        t_again: list[float] = []
        s_prov: list[float] = []  # server-side seconds of the weights' upload requests (the registry's log)
        s_curl: list[float] = []
        peaks: list[int] = []
        again_uploaded: list[list[str]] = []
        for i in range(runs):
            for side in ("prov", "curl") if i % 2 == 0 else ("curl", "prov"):
                where = root / f"registry-{side}-{i}"
                os.sync()  # no writeback of an earlier run's files competes with this one
                with registry(where) as reg:
                    if side == "curl":
                        t_curl.append(_curl_push(reg.host, weights, hexdigest))
                    else:
                        point_at(reg.host)
                        elapsed, rss, data = prov_push(reg.host)
                        if not data.get("allowed") or data.get("uploaded") != [f"sha256:{hexdigest}"]:
                            raise SystemExit(f"the first push did not upload the weights: {data}")
                        t_prov.append(elapsed)
                        peaks.append(rss)
                        elapsed, _, data = prov_push(reg.host)
                        t_again.append(elapsed)
                        again_uploaded.append(list(data.get("uploaded", [])))
                    if f"sha256:{hexdigest}" not in reg.blobs():
                        raise SystemExit(f"{side}: the registry does not store the weights after the upload")
                    (s_curl if side == "curl" else s_prov).append(_upload_seconds(reg.log, hexdigest))
                shutil.rmtree(where)

        # prov verify REF on a model of many small files, pushed once.
        where = root / "registry-verify"
        with registry(where) as reg:
            point_at(reg.host)
            ref = f"{reg.host}/acme/many:v1"
            pushed = json.loads(_run([*prov, "push", "many", ref, "--json"], repo, env).stdout)
            layers = set(pushed["uploaded"]) | set(pushed["already_there"])
            if len(layers) != files:
                raise SystemExit(f"pushing {files} files gave {len(layers)} layers")
            t_verify: list[float] = []
            gets: list[list[str]] = []  # the blobs each verify fetched with GET
            for _ in range(max(runs, 3)):
                before = len(reg.blob_gets())
                elapsed, _, out = _measured([*prov, "verify", ref, "--json"], repo, env, scratch)
                if not json.loads(out).get("verified"):
                    raise SystemExit(f"prov verify {ref} did not verify: {out[-400:]}")
                t_verify.append(elapsed)
                gets.append(reg.blob_gets()[before:])
        shutil.rmtree(where)

    size = mib << 20
    m_prov, m_curl, m_again, m_verify = (statistics.median(x) for x in (t_prov, t_curl, t_again, t_verify))
    ms_prov, ms_curl = statistics.median(s_prov), statistics.median(s_curl)
    peak = max(peaks) / 1e6
    weight_gets = [g for run in gets for g in run if g in layers]
    resent = sum(len(u) for u in again_uploaded)
    print(
        f"bench_oci_push: {mib} MiB in one file, {runs} interleaved runs per side, medians; prov push runs (s): "
        f"{' '.join(f'{t:.2f}' for t in t_prov)}; curl runs (s): {' '.join(f'{t:.2f}' for t in t_curl)}; "
        f"verify REF: {files} x {file_kib} KiB, median of {len(t_verify)}",
        file=sys.stderr,
    )
    curl = "curl -T (POST + PUT)"
    what = f"{mib:,} MiB"
    return [
        Row(f"prov push, {what}: time", m_prov, "s", curl, m_curl),
        Row(f"prov push, {what}: throughput", size / m_prov / 1e6, "MB/s", curl, size / m_curl / 1e6, limit=0.9,
            higher_is_better=True),
        Row(f"prov push, {what}: weights on the wire (registry's log)", ms_prov, "s", curl, ms_curl),
        Row(f"prov push, {what}: peak RSS of prov", peak, "MB", limit=100),
        Row("prov push again: blobs uploaded", resent, "blobs", limit=0),
        Row("prov push again: time", m_again, "s"),
        Row(f"prov verify REF, {files} files: time", m_verify, "s"),
        Row(f"prov verify REF, {files} files: blobs fetched per run (most)", max(len(g) for g in gets), "blobs"),
        Row(f"prov verify REF, {files} files: weight blobs fetched", len(weight_gets), "blobs", limit=0),
    ]  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mib", type=int, default=None, help="size of the pushed weights file (MiB), default 1024")
    ap.add_argument("--runs", type=int, default=None, help="timed runs of each side (medians reported), default 3")
    ap.add_argument("--files", type=int, default=None, help="files in the model `prov verify REF` checks, default 100")
    ap.add_argument("--file-kib", type=int, default=None, help="size of each of those files (KiB), default 64")
    ap.add_argument("--quick", action="store_true", help="a smoke run: 64 MiB, 1 run, 10 x 16 KiB files")
    args = ap.parse_args()
    result = rows(args.quick, mib=args.mib, runs=args.runs, files=args.files, file_kib=args.file_kib)
    print(table(result))
    return 0 if all(r.passed is not False for r in result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
