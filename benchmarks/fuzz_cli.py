"""The CLI fuzz suite at length: every command, many more examples than CI runs, a seed of your choice.

Run: `make fuzz-cli` (or `python benchmarks/fuzz_cli.py --examples 400 --seed 1`). Findings are
collected rather than stopped at, and printed at the end with the example that produced each, grouped by
what went wrong; the exit status is 1 when there is any. The properties and the generators are those of
``tests/test_cli_fuzz.py`` (``tests/cli_fuzz.py``).
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from cli_fuzz import commands, examples, run_example, template_in
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as with_seed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--examples", type=int, default=400, help="examples per command")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", help="fuzz only commands whose label contains this")
    args = ap.parse_args()
    findings: dict[str, list[str]] = collections.defaultdict(list)
    counts: collections.Counter[str] = collections.Counter()
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        template = template_in(Path(tmp) / "template")
        for command in commands():
            if args.only and args.only not in command.label:
                continue

            t = time.monotonic()
            _fuzzer(command, args, template, Path(tmp) / "run", counts, findings)()
            print(f"{command.label:16} {counts[command.label]:6} examples  {time.monotonic() - t:6.1f} s", flush=True)
    total = sum(counts.values())
    print(f"\n{total} examples over {len(counts)} commands in {time.monotonic() - start:.0f} s (seed {args.seed})")
    if not findings:
        print("no findings: every run exited 0, 1 or 2 with clean output and touched only its declared outputs")
        return 0
    for kind, items in sorted(findings.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{len(items)} x {kind}")
        for item in items[:5]:
            print(f"  - {item}")
    return 1


def _fuzzer(command, args, template, scratch, counts, findings):  # type: ignore[no-untyped-def]
    @with_seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(examples(command))
    def fuzz(example) -> None:  # type: ignore[no-untyped-def]
        counts[command.label] += 1
        for problem in run_example(example, template, scratch):
            kind = problem.split(":")[0][:80]
            findings[kind].append(f"{example}\n      {problem[:400]}")

    return fuzz


if __name__ == "__main__":
    raise SystemExit(main())
