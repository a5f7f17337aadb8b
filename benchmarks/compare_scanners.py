"""prov's safe loader against picklescan, modelscan and fickling on the same malicious and benign corpus.

Run: `make compare-scanners` (installs the three scanners into .venv-scanners, not as prov dependencies),
or `python benchmarks/compare_scanners.py --scanners DIR` where DIR holds their executables.

Malicious: the original corpus (tests/pickle_corpus.py) and the adversarial one (tests/adversarial_corpus.py:
desynchronised joblib containers, a joblib/pickle polyglot, library classes with side effects, memory-unsafe
numpy reconstructions and trees, renamed pickles, an opcode bomb). Benign: real fitted models, and every
scikit-learn estimator saved one of the 13 ways (pickle protocols 0-5, joblib plain and compressed) in turn.

A file counts as caught when the tool flags it (exit 1); an error or "clean" on a malicious file is a
miss; a flag on a benign model is a false alarm. prov must catch every file and execute nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import adversarial_corpus
from benign_corpus import fitted_models, saves
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
    try:
        r = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    except subprocess.TimeoutExpired:
        return "error"
    return {0: "clean", 1: "flagged"}.get(r.returncode, "error")


def benign_sample(directory: Path, every: int) -> dict[str, Path]:
    """Every ``every``-th estimator, each saved the next of the 13 ways in turn."""
    directory.mkdir(parents=True, exist_ok=True)
    ways = saves()
    out: dict[str, Path] = {}
    for i, (name, model) in enumerate(fitted_models()):
        if i % every:
            continue
        suffix, save = ways[(i // every) % len(ways)]
        path = directory / f"{name}{suffix}"
        save(model, path)
        out[path.name] = path
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scanners", type=Path, required=True, help="directory with picklescan, modelscan, fickling")
    ap.add_argument("--details", action="store_true", help="print every file's verdicts")
    ap.add_argument("--every", type=int, default=3, help="benign: every N-th estimator (1 = all)")
    args = ap.parse_args()
    tools = {
        "prov": prov_verdict,
        "picklescan": lambda p: scanner_verdict([str(args.scanners / "picklescan"), "-p", str(p)]),
        "modelscan": lambda p: scanner_verdict([str(args.scanners / "modelscan"), "-p", str(p)]),
        "fickling": lambda p: scanner_verdict(  # its JSON report goes beside the file, not into the checkout
            [str(args.scanners / "fickling"), "--check-safety", "--json-output", f"{p}.fickling.json", str(p)]
        ),
    }
    with tempfile.TemporaryDirectory() as tmp:
        canary = Path(tmp) / "CANARY"
        evil = build(Path(tmp) / "evil", canary)
        families = adversarial_corpus.build(Path(tmp) / "adversarial", canary, ("127.0.0.1", 9))
        for files in families.values():
            evil.update(files)
        good = {**benign(Path(tmp) / "benign"), **benign_sample(Path(tmp) / "estimators", args.every)}
        files = {**evil, **good}
        verdicts: dict[str, dict[str, str]] = {"prov": {f: prov_verdict(p) for f, p in files.items()}}
        with ThreadPoolExecutor(4) as pool:
            for name, tool in tools.items():
                if name != "prov":
                    verdicts[name] = dict(zip(files, pool.map(tool, files.values()), strict=True))
        executed = canary.exists()
    if args.details:
        width = max(map(len, files))
        print(f"{'file':<{width}}  " + "  ".join(f"{t:<10}" for t in tools))
        for f in files:
            kind = "evil" if f in evil else "ok"
            print(f"{f:<{width}}  " + "  ".join(f"{verdicts[t][f]:<10}" for t in tools) + f"  ({kind})")
        print()
    print(f"corpus: {len(evil)} malicious files, {len(good)} benign models")
    print(f"{'tool':<12} {'caught':>9} {'missed':>8} {'errors':>8} {'false alarms':>13}")
    for t in tools:
        caught = sum(verdicts[t][f] == "flagged" for f in evil)
        errors = sum(verdicts[t][f] == "error" for f in evil)
        missed = len(evil) - caught
        false = sum(verdicts[t][f] == "flagged" for f in good)
        print(f"{t:<12} {caught:>5}/{len(evil):<3} {missed:>8} {errors:>8} {false:>9}/{len(good)}")
    print(f"payload executed during the comparison: {'YES' if executed else 'no'}")
    ok = (
        all(verdicts["prov"][f] == "flagged" for f in evil)
        and not any(verdicts["prov"][f] != "clean" for f in good)
        and not executed
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
