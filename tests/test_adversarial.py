"""Files built to get past a safe loader: every path through prov refuses them, nothing runs.

For each file of ``adversarial_corpus`` (desynchronised joblib containers, library classes with
side effects, memory-unsafe numpy reconstructions and trees, renamed pickles, an opcode bomb):
``prov card`` records UNSAFE_PICKLE, ``prov audit``, ``prov check`` and ``prov export`` refuse,
``provenance.verify`` warns and ``provenance.load`` refuses. The canary file never appears, the
listener on 127.0.0.1 counts zero connections, and the process running it all exits normally. The
corpus is checked to be live: plain ``joblib.load`` of each attack does what it was built to do.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


class Listener:
    """Counts TCP connections to 127.0.0.1 (and closes each at once)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self) -> tuple[str, int]:
        return self.sock.getsockname()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    srv = Listener()
    yield srv
    srv.sock.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, listener: Listener) -> tuple[dict[str, dict[str, Path]], Path]:
    sys.path.insert(0, str(HERE))
    import adversarial_corpus

    d = tmp_path_factory.mktemp("adversarial")
    canary = d / "CANARY"
    return adversarial_corpus.build(d / "files", canary, listener.address), canary


def _drive(files: list[Path], work: Path, home: Path) -> tuple[int, list[dict[str, object]], str]:
    env = {**os.environ, "PROV_HOME": str(home), "PYTHONPATH": str(HERE)}
    r = subprocess.run(
        [sys.executable, str(HERE / "adversarial_driver.py"), str(work), *map(str, files)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    results = [json.loads(line[7:]) for line in r.stdout.splitlines() if line.startswith("RESULT ")]
    last = [line for line in r.stdout.splitlines() if line.startswith("START ")][-1:]
    return r.returncode, results, f"{last} {r.stderr[-2000:]}"


@pytest.mark.parametrize("family", ["desync", "side_effect", "memory", "toctou", "other"])
def test_every_path_refuses_and_nothing_runs(family: str, corpus, listener: Listener, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    families, canary = corpus
    files = sorted(families[family].values())
    assert len(files) >= 4
    before = listener.connections
    code, results, diag = _drive(files, tmp_path / "work", tmp_path / "home")
    time.sleep(0.2)  # let the listener thread count a late connection, if there were one
    assert code == 0, f"the process running prov died (exit {code}) at {diag}"
    assert len(results) == len(files), diag
    assert not canary.exists(), "a payload ran"
    assert listener.connections == before, "a socket connection was attempted"
    for r in results:
        name = r["file"]
        assert r["card"] == 0 and r["card_unsafe"], f"{name}: the card must record UNSAFE_PICKLE"
        assert r["audit"] == 1, f"{name}: prov audit must refuse"
        if not name.endswith(".npy"):  # .npy is data, not an artefact pattern, unless a project adds *.npy
            assert r["check"] == 1 and "UNSAFE_PICKLE" in r["check_codes"], f"{name}: prov check {r}"
        assert r["export"] == 1 and "UNSAFE_PICKLE" in r["export_codes"], f"{name}: prov export {r}"
        assert "INSPECTION_UNSAFE" in r["verify_codes"], f"{name}: provenance.verify must warn"
        assert r["load"] == "UNSAFE_PICKLE", f"{name}: provenance.load must refuse"


_LIVE = {
    "desync": "dtype_without_state_hides_object_array.joblib",
    "desync-2": "shape_not_a_tuple.gzip.joblib",
    "desync-3": "array_inside_a_frame.joblib",
    "desync-4": "dtype_state_lies_about_itemsize.xz.joblib",
    "side_effect": "sklearn_setstate_connects.p4.pkl",
    "memory": "reconstruct_object_dtype_no_refs.p5.pkl",
    "memory-2": "scalar_object_dtype_no_refs.lz4.joblib",
    "desync-5": "numbers_for_joblib_code_for_pickle.pkl",  # the victim is pickle.load, not joblib.load
    "desync-6": "pickle_load_ignores_frames.joblib",  # the victim is pickle.load
    "toctou": "scipy_template_swap.gzip.joblib",
    "toctou-2": "dtype_fields_swap.pkl",
    "other": "polyglot.safetensors",  # the victim is pickle.load
    "other-2": "refusal_pickle_load_reads_past.joblib",  # the victim is pickle.load
    "other-3": "bytearray_append.gguf",  # the victim is pickle.load
}


@pytest.mark.parametrize("kind", sorted(_LIVE))
def test_the_corpus_is_live_plain_joblib_load_falls_for_it(kind: str, corpus, listener: Listener) -> None:  # type: ignore[no-untyped-def]
    """The attacker's files are real: the ordinary loader runs the payload, connects or crashes."""
    families, canary = corpus
    path = families[kind.split("-")[0]][_LIVE[kind]]
    before = listener.connections
    by_pickle = kind in ("desync-5", "desync-6", "other", "other-2", "other-3")
    load = "pickle.load(open(p, 'rb'))" if by_pickle else "joblib.load(p)"
    code = f"import joblib, numpy, pickle; p = {str(path)!r}; x = {load}; print(repr(x))"
    try:
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False)
        died = r.returncode < 0
    except subprocess.TimeoutExpired:
        died = True
    time.sleep(0.2)
    effect = canary.exists() or died or listener.connections > before
    canary.unlink(missing_ok=True)
    assert effect, f"{path.name}: plain joblib.load did nothing harmful, so the file no longer tests anything"


def test_record_of_a_model_carrying_a_hook_records_unsafe(corpus, project: Path) -> None:  # type: ignore[no-untyped-def]
    """``provenance.record`` saves what it is given; the card then says what loading it would do."""
    import os as _os

    from adversarial_corpus import Reduce

    import provenance
    from provenance.errors import CheckFailed

    _, canary = corpus
    model = {"model": "looks fine", "hook": Reduce(_os.system, (f"touch {canary}",))}
    result = provenance.record(model, project / "hooked.joblib", datasets=["patients-2024"])
    assert result.card.artefact.inspection.untrusted_globals
    assert not canary.exists()
    with pytest.raises(CheckFailed) as info:
        provenance.load(project / "hooked.joblib")
    assert info.value.code == "UNSAFE_PICKLE"
    assert not canary.exists()


def test_audit_starts_no_worker_processes(project: Path, tmp_path: Path) -> None:
    """A file chooses its hyper-parameters (n_jobs=-1); prov's audit must not start processes for it."""
    import joblib
    import numpy as np
    from sklearn.ensemble import RandomForestClassifier

    rng = np.random.RandomState(0)
    x = rng.rand(60, 4)
    y = (x[:, 0] > 0.5).astype(int)
    joblib.dump(RandomForestClassifier(n_estimators=4, n_jobs=-1, random_state=0).fit(x, y), tmp_path / "rf.joblib")
    rows = "\n".join(",".join(map(str, [*r, t])) for r, t in zip(x, y, strict=True))
    (tmp_path / "train.csv").write_text("a,b,c,d,y\n" + rows)
    fresh = rng.rand(60, 4)
    held = "\n".join(",".join(map(str, [*r, int(r[0] > 0.5)])) for r in fresh)
    (tmp_path / "hold.csv").write_text("a,b,c,d,y\n" + held)  # rows the model never saw
    script = (
        "import sys\n"
        "events = []\n"
        "sys.addaudithook(lambda e, a: events.append(e) if e in ('subprocess.Popen', 'os.fork', 'os.posix_spawn',"
        " '_posixsubprocess.fork_exec', 'os.exec') else None)\n"
        "from provenance.cli.entry import main\n"
        f"code = main(['audit', {str(tmp_path / 'rf.joblib')!r}, '--train', {str(tmp_path / 'train.csv')!r},"
        f" '--holdout', {str(tmp_path / 'hold.csv')!r}, '--target', 'y'])\n"
        "print('EVENTS', events, 'CODE', code)\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert "EVENTS [] CODE 0" in r.stdout, r.stdout + r.stderr
