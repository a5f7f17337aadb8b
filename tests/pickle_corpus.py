"""A corpus of malicious pickle/joblib files, each of which would create a canary file if executed.

Used by the safe-loading tests and by benchmarks/compare_scanners.py. Every payload is a shell
``touch CANARY`` (or a file write), so "zero executions" is checked by the canary never appearing.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
from collections.abc import Callable
from pathlib import Path

import joblib
import numpy as np


class _Reduce:
    """An object whose pickle calls ``func(*args)`` on load."""

    def __init__(self, func: Callable[..., object], *args: object) -> None:
        self.func, self.args = func, args

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (self.func, self.args)


def _op_global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _op_str(s: str) -> bytes:
    data = s.encode()
    return b"X" + struct.pack("<I", len(data)) + data  # BINUNICODE


def build(directory: Path, canary: Path) -> dict[str, Path]:
    """Write the corpus; returns name -> path. Nothing here is executed while building."""
    directory.mkdir(parents=True, exist_ok=True)
    cmd = f"touch {canary}"
    files: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        (directory / name).write_bytes(data)
        files[name] = directory / name

    payload = _Reduce(os.system, cmd)
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        put(f"os_system_p{proto}.pkl", pickle.dumps(payload, protocol=proto))
    for comp in ("zlib", "gzip", "lz4", "xz", "bz2"):
        path = directory / f"os_system_{comp}.joblib"
        joblib.dump({"model": payload}, path, compress=(comp, 3))
        files[path.name] = path
    # The payload in an object array stored after numeric arrays (joblib writes it as a sub-pickle).
    objects = np.empty(2, dtype=object)
    objects[0] = payload
    for comp in (0, 3):
        path = directory / f"object_array_after_numeric_c{comp}.joblib"
        joblib.dump({"coef": np.arange(1000.0), "intercept": np.zeros(3), "extra": objects}, path, compress=comp)
        files[path.name] = path
    # Hand-written opcode chains through builtins.
    put(
        "getattr_import_chain.pkl",
        b"\x80\x02"
        + _op_global("builtins", "getattr")
        + b"("
        + _op_global("builtins", "__import__")
        + b"("
        + _op_str("os")
        + b"tR"
        + _op_str("system")
        + b"tR("
        + _op_str(cmd)
        + b"tR.",
    )
    put(
        "builtins_eval.pkl",
        b"\x80\x02" + _op_global("builtins", "eval") + b"(" + _op_str(f"__import__('os').system({cmd!r})") + b"tR.",
    )
    put(
        "builtins_exec.pkl",
        b"\x80\x02" + _op_global("builtins", "exec") + b"(" + _op_str(f"import os; os.system({cmd!r})") + b"tR.",
    )
    put("protocol0_inst.pkl", b"(ios\nsystem\n(S'" + cmd.encode() + b"'\ntR.")
    put("protocol0_inst_opcode.pkl", b"(S'" + cmd.encode() + b"'\nios\nsystem\n.")
    put(
        "posix_system_stack_global.pkl",
        b"\x80\x04" + _op_str("posix") + _op_str("system") + b"\x93(" + _op_str(cmd) + b"tR.",
    )
    # Through allow-listed packages' dangerous functions.
    inner = directory / "inner_evil.pkl"
    inner.write_bytes(pickle.dumps(payload))
    evil_npy = directory / "inner_evil.npy"
    arr = np.empty(1, dtype=object)
    arr[0] = payload
    np.save(evil_npy, arr, allow_pickle=True)
    put("numpy_load_allow_pickle.pkl", pickle.dumps(_Reduce(np.load, str(evil_npy), None, True)))
    put("joblib_load_reentry.pkl", pickle.dumps(_Reduce(joblib.load, str(inner))))
    put("numpy_fromfile_probe.pkl", pickle.dumps(_Reduce(np.fromfile, "/etc/hostname")))
    put("numpy_savetxt_write.pkl", pickle.dumps(_Reduce(np.savetxt, str(canary), np.zeros(1))))
    # Looks like a model: an sklearn estimator whose hyper-parameter is os.system, called on load.
    from sklearn.preprocessing import FunctionTransformer

    model = FunctionTransformer(func=os.system)
    buf = io.BytesIO()
    pickle.dump({"model": model, "hook": payload}, buf)
    put("sklearn_model_with_hook.pkl", buf.getvalue())
    path = directory / "sklearn_pipeline_hook.joblib"
    joblib.dump({"model": model, "x": np.ones(10), "hook": payload}, path, compress=("gzip", 3))
    files[path.name] = path
    inner.unlink()
    return files


def benign(directory: Path) -> dict[str, Path]:
    """Real fitted models of many estimator families, saved as users save them."""
    import warnings

    from sklearn import (
        cluster,
        decomposition,
        ensemble,
        feature_extraction,
        linear_model,
        neighbors,
        pipeline,
        preprocessing,
        svm,
        tree,
    )
    from sklearn.datasets import load_breast_cancer

    warnings.filterwarnings("ignore")
    directory.mkdir(parents=True, exist_ok=True)
    x, y = load_breast_cancer(return_X_y=True)
    x, y = x[:150], y[:150]
    models = {
        "knn": neighbors.KNeighborsClassifier(3, algorithm="kd_tree").fit(x, y),
        "svc": svm.SVC().fit(x, y),
        "logreg_pipeline": pipeline.make_pipeline(
            preprocessing.StandardScaler(), linear_model.LogisticRegression(max_iter=2000)
        ).fit(x, y),
        "forest": ensemble.RandomForestClassifier(5, random_state=0).fit(x, y),
        "hgb": ensemble.HistGradientBoostingClassifier(max_iter=5).fit(x, y),
        "gb": ensemble.GradientBoostingClassifier(n_estimators=5).fit(x, y),
        "tree": tree.DecisionTreeRegressor().fit(x, y),
        "kmeans": cluster.KMeans(3, n_init=2, random_state=0).fit(x),
        "pca": decomposition.PCA(3).fit(x),
        "log1p": preprocessing.FunctionTransformer(np.log1p).fit(x),
        "vectoriser": feature_extraction.text.TfidfVectorizer().fit(["a b c", "b c d", "the cat"]),
        "encoder": preprocessing.OneHotEncoder().fit(np.array([["a"], ["b"]], dtype=object)),
    }
    files: dict[str, Path] = {}
    for name, model in models.items():
        for suffix, save in (
            (".pkl", lambda m, p: p.write_bytes(pickle.dumps(m))),
            (".joblib", lambda m, p: joblib.dump(m, p, compress=3)),
        ):
            path = directory / f"{name}{suffix}"
            save(model, path)
            files[path.name] = path
    return files
