"""The README's main job: the bundled hospital example runs end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hospital" / "run.sh"


@pytest.mark.slow
def test_hospital_example_runs() -> None:
    bindir = Path(sys.executable).parent
    if not (bindir / "prov").exists():
        pytest.skip("the prov console script is not installed next to this Python")
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PROV_HOME", None)
    r = subprocess.run(["bash", str(EXAMPLE)], env=env, capture_output=True, text=True, check=False, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    out = r.stdout + r.stderr
    assert "REFUSED: model.joblib may not go to Data Science (Globex Pharma)" in out
    assert "EXPORTED: model.joblib to Oncology research team (Acme Hospital)" in out
    assert "OK bundle" in out and "OK ledger verified" in out
    assert "PERSONAL_DATA_MEMORISED" in out  # the k-NN recorded from Python is refused for the partner
