"""The card's inspection against the ordinary loader, on bytes nobody wrote on purpose.

Whenever prov's inspection of a file says "safe" (no name outside the table, no refused
construction, read exactly), a plain ``joblib.load`` of the same bytes, in another process, must
resolve no global outside the table and must not crash. ``PlainLoader`` is that process: it loads
each file it is sent under an audit hook that records every ``pickle.find_class`` (and refuses
process, network and file-writing events, so a finding cannot harm the machine running it).

Used by tests/test_pickle_differential.py (a few hundred examples, fixed seed in CI) and
benchmarks/bench_differential.py (tens of thousands).
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

_WORKER = r"""
import json, sys
names = []
BLOCK = ("os.system", "subprocess.", "socket.connect", "os.exec", "os.posix_spawn", "os.fork", "os.remove",
         "os.rename", "shutil.", "os.mkdir")
def hook(event, args):
    if event == "pickle.find_class":
        names.append([args[0], args[1]])
    elif event.startswith(BLOCK) or (event == "open" and len(args) > 1 and args[1] not in (None, "r", "rb")):
        raise RuntimeError("blocked " + event)
import joblib, numpy, sklearn
sys.addaudithook(hook)
for line in sys.stdin:
    del names[:]
    error = None
    try:
        joblib.load(line.rstrip("\n"))
    except BaseException as e:
        error = type(e).__name__
    print(json.dumps({"globals": names, "error": error}), flush=True)
"""


class PlainLoader:
    """A long-lived subprocess running plain ``joblib.load`` (restarted after a crash)."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )

    def load(self, path: Path) -> dict[str, Any]:
        """{"globals": [[module, name], ...], "error": str | None}, or {"crashed": exit status}."""
        if self._proc is None or self._proc.poll() is not None:
            self._proc = self._start()
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(f"{path}\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            code = self._proc.wait()
            self._proc = None
            return {"crashed": code}
        return json.loads(line)

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.stdin.close()  # type: ignore[union-attr]
            self._proc.wait(timeout=30)


def check_one(data: bytes, path: Path, loader: PlainLoader) -> str:
    """Write ``data`` to ``path``; if prov calls it safe, plain joblib.load must agree. Returns the outcome."""
    from provenance.analysis.pickles import table
    from provenance.analysis.safe_load import inspect_pickle

    path.write_bytes(data)
    inspected = inspect_pickle(path)
    if not inspected.safe:
        return "refused"
    result = loader.load(path)
    assert "crashed" not in result, f"prov called it safe, plain joblib.load crashed ({result}): {data!r}"
    outside = [f"{m}.{n}" for m, n in result["globals"] if table.lookup(*_py3_name(m, n)) is None]
    assert not outside, f"prov called it safe, plain joblib.load resolved {outside}: {data!r}"
    return "safe"


def _py3_name(module: str, name: str) -> tuple[str, str]:
    """The audit event names a global before pickle maps Python 2 names (protocols 0-2) to Python 3 ones."""
    import _compat_pickle

    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


# --- inputs -----------------------------------------------------------------------------------------


def seeds(directory: Path) -> list[bytes]:
    """Small real files of the kinds users save: pickles of every protocol, joblib plain and compressed."""
    import joblib
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    x = np.random.RandomState(0).rand(20, 3)
    y = (x[:, 0] > 0.5).astype(int)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
    encoder = OneHotEncoder().fit(np.array([["a"], ["b"]], dtype=object))
    out = [pickle.dumps(model, protocol=p) for p in range(pickle.HIGHEST_PROTOCOL + 1)]
    out.append(pickle.dumps(encoder, protocol=4))
    for i, (obj, compress) in enumerate(((model, 0), (encoder, 0), (model, ("zlib", 1)), ({"w": np.arange(4.0)}, 0))):
        path = directory / f"seed{i}.joblib"
        joblib.dump(obj, path, compress=compress)
        out.append(path.read_bytes())
    return out


_SNIPPETS = [
    b"N", b"0", b"2", b".", b"(", b"t", b")", b"]", b"}", b"R", b"b", b"\x81", b"\x93", b"\x94", b"e", b"u",
    b"s", b"a", b"\x85", b"\x86", b"\x87", b"h\x00", b"h\x01", b"h\x03", b"q\x00", b"\x88", b"\x89",
    b"K\x01", b"J\xff\xff\xff\xff", b"C\x01b", b"\x95\x05\x00\x00\x00\x00\x00\x00\x00",
    b"cos\nsystem\n", b"cbuiltins\ngetattr\n", b"cnumpy\ndtype\n", b"cbuiltins\nset\n",
    b"\x8c\x05numpy\x94\x8c\x05dtype\x94\x93", b"\x8c\x02O8", b"\x8c\x02f8",
    b"cjoblib.numpy_pickle\nNumpyArrayWrapper\n",
    b"ccopyreg\n_reconstructor\n", b"c__builtin__\neval\n", b"\x80\x02", b"\x80\x05",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, base: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(base)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "snippet", "duplicate"]))
        if kind == "flip":
            data[pos] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[pos:pos] = bytes([draw(st.integers(0, 255))])
        elif kind == "delete":
            del data[pos : pos + draw(st.integers(1, 16))]
        elif kind == "snippet":
            data[pos:pos] = draw(st.sampled_from(_SNIPPETS))
        else:
            end = min(len(data), pos + draw(st.integers(1, 64)))
            data[pos:pos] = data[pos:end]
    return bytes(data)


def _global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


_NAMES = [
    ("numpy", "dtype"), ("numpy._core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"), ("builtins", "set"), ("builtins", "getattr"), ("collections", "OrderedDict"),
    ("_codecs", "encode"), ("copyreg", "_reconstructor"), ("builtins", "object"), ("os", "system"),
    ("sklearn.linear_model._logistic", "LogisticRegression"), ("numpy.random._pickle", "__bit_generator_ctor"),
    ("builtins", "eval"), ("joblib.numpy_pickle", "NumpyArrayWrapper"), ("numpy", "float64"),
]  # fmt: skip


@st.composite
def opcode_streams(draw: st.DrawFn) -> bytes:
    """Short programs for the pickle machine from a grammar of pushes, globals and constructions."""
    ops = [draw(st.sampled_from([b"\x80\x02", b"\x80\x04", b"\x80\x05", b""]))]
    for _ in range(draw(st.integers(1, 30))):
        kind = draw(st.sampled_from(["push", "global", "op", "op", "snippet"]))
        if kind == "push":
            ops.append(
                draw(
                    st.sampled_from(
                        [b"N", b"\x88", b"\x89", b"K\x02", b"K\x00", b"\x8c\x02f8", b"\x8c\x01b", b"\x8c\x01|",
                         b"C\x01b", b"C\x08AAAAAAAA", b"]", b"}", b")", b"(", b"J\xff\xff\xff\xff"]
                    )
                )
            )  # fmt: skip
        elif kind == "global":
            ops.append(_global(*draw(st.sampled_from(_NAMES))))
        elif kind == "op":
            ops.append(
                draw(st.sampled_from([b"R", b"b", b"\x81", b"t", b"\x85", b"\x86", b"\x87", b"e", b"u", b"s",
                                      b"a", b"\x94", b"h\x00", b"h\x01", b"2", b"0"]))
            )  # fmt: skip
        else:
            ops.append(draw(st.sampled_from(_SNIPPETS)))
    ops.append(b".")
    return b"".join(ops)
