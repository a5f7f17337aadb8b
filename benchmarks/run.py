"""`make bench`: every benchmark's rows in one table, each prov figure beside the peer measured in the same
run (bare python, openssl, model_signing, joblib.load, ART, curl ...) and the ratio.

Each module named in MODULES exposes ``rows(quick: bool = False) -> list[Row]`` (benchmarks/_table.py).
They run one after the other, in that order; progress goes to stderr, and stdout gets one table, grouped by
module, then a summary line. A module that is missing, fails, or lacks its peer tool (it stops with
SystemExit and a message) is a NOT RUN line in the table, and the others still run.

Exit status: 0 every row with a target passed; 1 some row FAILed; 2 a module could not run (2 wins over 1,
and the summary line says both).

    python benchmarks/run.py [--quick] [--only bench_card,gate,...]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _table import Row, table  # noqa: E402

MODULES = (
    "bench_card",
    "bench_digest",
    "bench_model_signing",
    "bench_ledger",
    "bench_gate",
    "bench_hook",
    "bench_load",
    "bench_privacy",
    "bench_attacks",
    "bench_governance",
    "bench_oci_push",
)


@dataclass
class Outcome:
    name: str
    rows: list[Row] = field(default_factory=list)
    error: str | None = None  # why the module could not run
    seconds: float = 0.0


def _why(e: BaseException) -> str:
    if isinstance(e, SystemExit):
        code = e.code
        return f"exited with status {code}" if code is None or isinstance(code, int) else str(code)
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Both Python's stdout and file descriptor 1 (what a child process inherits) go to stderr."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 1)
        os.close(saved)


def run_module(name: str, quick: bool, directory: Path = HERE) -> Outcome:
    """Import ``directory/name.py`` and collect ``rows(quick)``; whatever goes wrong is the outcome's error.
    The process's environment and working directory are put back afterwards, and anything the module
    prints goes to stderr (stdout is the table's)."""
    path = directory / f"{name}.py"
    if not path.is_file():
        return Outcome(name, error=f"{path.name} does not exist")
    environ, cwd = dict(os.environ), os.getcwd()
    t = time.perf_counter()
    try:
        with _stdout_to_stderr():
            spec = importlib.util.spec_from_file_location(name, path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            collect = getattr(module, "rows", None)
            if not callable(collect):
                return Outcome(name, error=f"{path.name} has no rows(quick)")
            rows = list(collect(quick))
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # SystemExit (a missing tool, a failed command), pytest's skip, any error
        return Outcome(name, error=_why(e), seconds=time.perf_counter() - t)
    finally:
        os.environ.clear()
        os.environ.update(environ)
        os.chdir(cwd)
    seconds = time.perf_counter() - t
    if not rows:
        return Outcome(name, error="it returned no rows", seconds=seconds)
    if not all(isinstance(r, Row) for r in rows):
        return Outcome(name, error="rows() returned something other than _table.Row", seconds=seconds)
    return Outcome(name, rows, seconds=seconds)


def status(outcomes: Sequence[Outcome]) -> int:
    if any(o.error for o in outcomes):
        return 2
    return 1 if any(r.passed is False for o in outcomes for r in o.rows) else 0


def report(outcomes: Sequence[Outcome]) -> str:
    """One table of every module's rows, each group under its module's name; a module that did not run
    is one NOT RUN line; a summary line last."""
    head, rule, *body = table([r for o in outcomes for r in o.rows]).splitlines()
    lines = [head, rule.rstrip()]
    body_lines = iter(body)
    for o in outcomes:
        if o.error:
            first = o.error.strip().splitlines()[0] if o.error.strip() else o.error
            lines.append(f"[{o.name}] NOT RUN: {first[:200]}")
        else:
            lines.append(f"[{o.name}]")
            lines.extend(next(body_lines) for _ in o.rows)
    rows = [r for o in outcomes for r in o.rows]
    passed = sum(r.passed is True for r in rows)
    failed = [r.what for r in rows if r.passed is False]
    missing = [o.name for o in outcomes if o.error]
    untargeted = len(rows) - passed - len(failed)
    summary = f"{len(rows)} rows: {passed} PASS, {len(failed)} FAIL, {untargeted} without a target"
    if missing:
        summary += f"; not run: {', '.join(missing)}"
    return "\n".join([*lines, "", summary])


def main(argv: Sequence[str] | None = None, modules: Sequence[str] = MODULES, directory: Path = HERE) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a smoke run: every benchmark at small sizes")
    ap.add_argument("--only", metavar="NAME[,NAME]", help="run these modules only (bench_card or card ...)")
    args = ap.parse_args(argv)
    names = list(modules)
    if args.only:
        wanted = {w if w.startswith("bench_") else f"bench_{w}" for w in args.only.replace(" ", "").split(",") if w}
        unknown = wanted - set(modules)
        if unknown or not wanted:
            ap.error(f"--only: unknown {', '.join(sorted(unknown)) or 'nothing'}; known: {', '.join(modules)}")
        names = [n for n in modules if n in wanted]
    outcomes = []
    for i, name in enumerate(names, 1):
        print(f"[{i}/{len(names)}] {name} ...", file=sys.stderr, flush=True)
        o = run_module(name, args.quick, directory)
        if o.error:
            print(f"[{i}/{len(names)}] {name}: NOT RUN ({o.seconds:.1f} s): {o.error}", file=sys.stderr, flush=True)
        else:
            print(f"[{i}/{len(names)}] {name}: {len(o.rows)} rows in {o.seconds:.1f} s", file=sys.stderr, flush=True)
        outcomes.append(o)
    print(report(outcomes), flush=True)
    return status(outcomes)


if __name__ == "__main__":
    raise SystemExit(main())
