"""prov's safe loader against picklescan and modelscan on the same malicious and benign corpus.

Run: `make compare-scanners` (installs the two scanners into .venv-scanners, not as prov dependencies),
or `python benchmarks/compare_scanners.py --scanners DIR` where DIR holds their executables.
A file counts as caught when the tool flags it (exit 1); an error or "clean" on a malicious file is a
miss; a flag on a benign model is a false alarm. prov must catch every file and execute nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pickle_corpus import benign, build

from provenance.analysis.safe_load import UnsafePickleError, load_model


def prov_verdict(path: Path) -> str:
    try:
        load_model(path)
    except UnsafePickleError:
        return "flagged"
    except Exception:
        return "error"
    return "clean"


def scanner_verdict(command: list[str]) -> str:
    r = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    return {0: "clean", 1: "flagged"}.get(r.returncode, "error")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scanners", type=Path, required=True, help="directory with picklescan and modelscan")
    ap.add_argument("--details", action="store_true", help="print every file's verdicts")
    args = ap.parse_args()
    tools = {
        "prov": prov_verdict,
        "picklescan": lambda p: scanner_verdict([str(args.scanners / "picklescan"), "-p", str(p)]),
        "modelscan": lambda p: scanner_verdict([str(args.scanners / "modelscan"), "-p", str(p)]),
    }
    with tempfile.TemporaryDirectory() as tmp:
        canary = Path(tmp) / "CANARY"
        evil = build(Path(tmp) / "evil", canary)
        good = benign(Path(tmp) / "benign")
        verdicts = {name: {f: tool(p) for f, p in {**evil, **good}.items()} for name, tool in tools.items()}
        executed = canary.exists()
    if args.details:
        width = max(map(len, {**evil, **good}))
        print(f"{'file':<{width}}  " + "  ".join(f"{t:<10}" for t in tools))
        for f in [*evil, *good]:
            kind = "evil" if f in evil else "ok"
            print(f"{f:<{width}}  " + "  ".join(f"{verdicts[t][f]:<10}" for t in tools) + f"  ({kind})")
        print()
    print(f"corpus: {len(evil)} malicious files, {len(good)} benign models")
    print(f"{'tool':<12} {'caught':>8} {'missed':>8} {'errors':>8} {'false alarms':>13}")
    for t in tools:
        caught = sum(verdicts[t][f] == "flagged" for f in evil)
        errors = sum(verdicts[t][f] == "error" for f in evil)
        missed = len(evil) - caught
        false = sum(verdicts[t][f] == "flagged" for f in good)
        print(f"{t:<12} {caught:>5}/{len(evil):<2} {missed:>8} {errors:>8} {false:>9}/{len(good)}")
    print(f"payload executed during the comparison: {'YES' if executed else 'no'}")
    ok = (
        all(verdicts["prov"][f] == "flagged" for f in evil)
        and not any(verdicts["prov"][f] == "flagged" for f in good)
        and not executed
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
