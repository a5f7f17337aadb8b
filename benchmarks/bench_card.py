"""`prov card` on the bundled example pipeline, without --train, against bare `python -c pass` (issue 16:
<= 25x), and the peak memory of that prov process.

The example is set up the way `examples/hospital/run.sh` does it: a fresh git repository with `PROV_HOME`
inside the temporary directory, `prov init`, `examples/hospital/train.py` (model.joblib), `prov dataset add
--manifest patients-2024.yaml`. Then a first `prov card` must succeed, and interleaved rounds time

    prov card model.joblib --dataset patients-2024 --metric accuracy=0.9 --intended-use x --overwrite

against `python -c pass` (medians). Peak RSS: each timed prov run is reaped with os.wait4, whose rusage is
that child's own (not RUSAGE_CHILDREN, which mixes every child this process ever reaped); the highest.

Run: `python benchmarks/bench_card.py [--rounds 7] [--quick]` with prov installed next to this Python or on PATH.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, bare_python, command, median_interleaved, table

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hospital"
CARD = [
    *("card", "model.joblib", "--dataset", "patients-2024", "--metric", "accuracy=0.9"),
    *("--intended-use", "x", "--overwrite"),
]


def find_prov() -> str:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    prov = shutil.which("prov", path=path)
    if prov is None:
        raise SystemExit("prov is not installed next to this Python or on PATH")
    return prov


def measured(cmd: list[str], cwd: Path, env: dict[str, str], scratch: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS in bytes) of one command that must succeed, reaped with os.wait4."""
    log = scratch / "output"
    with open(log, "wb") as out:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen, so it does not wait again
    if p.returncode != 0:
        said = log.read_text(errors="replace")[-600:]
        raise SystemExit(f"{' '.join(cmd[:3])}... exited {p.returncode}: {said}")
    return elapsed, usage.ru_maxrss * 1024  # Linux: ru_maxrss is in KiB


def setup(work: Path, prov: str, env: dict[str, str]) -> None:
    """examples/hospital/run.sh up to the card: git repository, prov init, train, dataset add."""
    for name in ("train.py", "patients-2024.yaml"):
        if not (EXAMPLE / name).is_file():
            raise SystemExit(f"{EXAMPLE / name} is missing: this benchmark runs the bundled example")
    for cmd in (
        ["git", "init", "-q"],
        ["git", "config", "user.name", "Bench"],
        ["git", "config", "user.email", "bench@example.invalid"],
        ["git", "commit", "-q", "--allow-empty", "-m", "empty start", "--no-verify", "--no-gpg-sign"],
        [prov, "init", "--owner", "Acme Hospital", "--audience", "internal"],
        [sys.executable, str(EXAMPLE / "train.py")],
    ):
        command(cmd, cwd=work, env=env)()
    shutil.copy(EXAMPLE / "patients-2024.yaml", work)
    command([prov, "dataset", "add", "--manifest", "patients-2024.yaml"], cwd=work, env=env)()
    if not (work / "model.joblib").is_file():
        raise SystemExit(f"{EXAMPLE / 'train.py'} wrote no model.joblib")


def rows(quick: bool = False, *, rounds: int | None = None) -> list[Row]:
    rounds = rounds or (3 if quick else 7)
    prov = find_prov()
    with tempfile.TemporaryDirectory(prefix="bench-card-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        env = {**os.environ, "PROV_HOME": str(Path(tmp) / ".prov-home")}
        setup(work, prov, env)
        measured([prov, *CARD], work, env, Path(tmp))  # the first card: it must succeed
        if not (work / "model.joblib.prov.json").is_file():
            raise SystemExit("prov card exited 0 but wrote no model.joblib.prov.json")
        peaks: list[int] = []

        def card() -> None:
            peaks.append(measured([prov, *CARD], work, env, Path(tmp))[1])

        fns: list[Callable[[], object]] = [card, bare_python()]
        t_card, t_pass = median_interleaved(fns, rounds)
    return [
        Row("prov card, example pipeline (no --train)", t_card, "s", "python -c pass", t_pass, limit=25),
        Row("prov card, example pipeline: peak RSS", max(peaks) / 1e6, "MB"),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=None, help="interleaved rounds, medians reported (default 7)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: 3 rounds")
    args = ap.parse_args()
    result = rows(args.quick, rounds=args.rounds)
    print(table(result))
    return 0 if all(r.passed is not False for r in result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
