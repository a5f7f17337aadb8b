"""Runs every way prov meets an artefact on the files named, in this process, and reports each outcome.

Used by tests/test_adversarial.py in a subprocess (so a crash shows as an exit status, not a dead
test run): ``python adversarial_driver.py WORKDIR FILE...``. For each file, one JSON line: the exit
codes and reason codes of ``prov card``, ``prov audit``, ``prov check``, ``prov export``, and what
``provenance.verify`` and ``provenance.load`` said. The working directory becomes a fresh prov repo.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path


def _prov(*args: str) -> tuple[int, str, str]:
    from provenance.cli.entry import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def _setup(work: Path, examples: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    for args in (["init", "-q", "-b", "main"], ["config", "user.email", "t@example.com"], ["config", "user.name", "T"]):
        subprocess.run(["git", *args], cwd=work, check=True, capture_output=True)
    import os

    os.chdir(work)
    assert _prov("init", "--owner", "Acme Hospital")[0] == 0
    (work / "data").mkdir()
    (work / "data" / "patients.csv").write_text("age,diagnosis\n54,1\n61,0\n")
    shutil.copy(examples / "patients-2024.yaml", work / "patients-2024.yaml")
    assert _prov("dataset", "add", "--manifest", "patients-2024.yaml")[0] == 0


def _codes(text: str) -> list[str]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    found = []
    for key in ("reasons", "checked"):
        for item in data.get(key, []) if isinstance(data, dict) else []:
            if "code" in item:
                found.append(item["code"])
            for r in item.get("reasons", []):
                found.append(r["code"])
    decision = data.get("decision") if isinstance(data, dict) else None
    if isinstance(decision, dict):
        found.extend(r["code"] for r in decision.get("reasons", []))
    return found


def run(path: Path) -> dict[str, object]:
    import provenance
    from provenance.errors import ProvError

    name = path.name
    shutil.copy(path, name)
    out: dict[str, object] = {"file": name}
    code, _, _ = _prov("card", name, "--dataset", "patients-2024", "--overwrite")
    card = json.loads(Path(f"{name}.prov.json").read_text()) if code == 0 else None
    if card is not None:
        import base64

        predicate = json.loads(base64.b64decode(card["payload"]))["predicate"]
        inspection = predicate["artefact"]["inspection"] or {}
        out["card_unsafe"] = bool(
            inspection.get("untrusted_globals") or inspection.get("violations") or inspection.get("inspected") is False
        )
    out["card"] = code
    out["audit"] = _prov("audit", name)[0]
    subprocess.run(["git", "add", "-f", name, f"{name}.prov.json"], check=True, capture_output=True)
    code, stdout, _ = _prov("check", name, "--json")
    out["check"], out["check_codes"] = code, _codes(stdout)
    code, stdout, _ = _prov(
        "export", name, "--to", f"out-{name}", "--recipient", "R", "--org", "Acme Hospital", "--purpose", "research",
        "--territory", "DE", "--json",
    )  # fmt: skip
    out["export"], out["export_codes"] = code, _codes(stdout)
    verification = provenance.verify(name)
    out["verify_codes"] = [r.code for r in verification.reasons]
    try:
        provenance.load(name)
        out["load"] = "loaded"
    except ProvError as e:
        out["load"] = e.code
    return out


def main(argv: list[str]) -> int:
    work, files = Path(argv[0]), [Path(a).resolve() for a in argv[1:]]
    _setup(work, Path(__file__).resolve().parent.parent / "examples" / "hospital")
    for f in files:
        print("START", f.name, flush=True)
        print("RESULT", json.dumps(run(f)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
