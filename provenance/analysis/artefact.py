"""Artefact facts for the card: format, framework, estimator class and hyper-parameters.

Pickle and joblib files are read symbolically (see ``symbolic_pickle``): no code from the artefact
runs. ``.skops`` files carry a JSON schema we read directly.
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .allowlist import is_trusted
from .symbolic_pickle import Global, Obj, PickleReadError, read_symbolic

FORMATS_BY_SUFFIX = {
    ".joblib": "joblib",
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".sav": "pickle",
    ".skops": "skops",
    ".onnx": "onnx",
    ".safetensors": "safetensors",
    ".pt": "pytorch",
    ".pth": "pytorch",
    ".h5": "keras-h5",
    ".keras": "keras",
    ".gguf": "gguf",
}
_MAX_DEPTH = 6
_MAX_ITEMS = 50


@dataclass
class ArtefactFacts:
    format: str
    framework: str | None = None
    framework_version: str | None = None
    estimator: str | None = None
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    components: list[str] = field(default_factory=list)
    method: str = "none"
    globals: list[str] = field(default_factory=list)
    untrusted_globals: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def inspect_artefact(path: Path) -> ArtefactFacts:
    if path.is_dir():
        return ArtefactFacts(format="directory", method="file listing", notes=_dir_notes(path))
    suffix = path.suffix.lower()
    fmt = FORMATS_BY_SUFFIX.get(suffix)
    if fmt is None:
        fmt = "pickle" if _looks_like_pickle(path) else "unknown"
    if fmt in ("joblib", "pickle"):
        return _inspect_pickle(path, fmt)
    if fmt == "skops":
        return _inspect_skops(path)
    return ArtefactFacts(format=fmt, method="format by file name")


def _dir_notes(path: Path) -> list[str]:
    names = {p.name for p in path.iterdir()} if path.is_dir() else set()
    notes = []
    if "config.json" in names:
        notes.append("directory has config.json (Hugging Face layout)")
    return notes


def _looks_like_pickle(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(2)
    return len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def _inspect_pickle(path: Path, fmt: str) -> ArtefactFacts:
    facts = ArtefactFacts(format=fmt, method="symbolic pickle read (no code executed)")
    try:
        result = read_symbolic(path)
    except PickleReadError as e:
        facts.method = "none"
        facts.notes.append(f"could not read the pickle symbolically: {e}")
        return facts
    facts.globals = result.globals
    facts.untrusted_globals = [g for g in result.globals if not is_trusted(g)]
    facts.notes.extend(result.notes)
    if result.compression:
        facts.notes.append(f"{result.compression}-compressed")
    root = result.root
    if isinstance(root, Obj):
        facts.estimator = root.qualname
        if isinstance(root.state, dict):
            facts.hyperparameters = _params(root.state, 0)
            version = root.state.get("_sklearn_version")
            if isinstance(version, str):
                facts.framework, facts.framework_version = "scikit-learn", version
    if facts.framework is None and any(g.startswith("sklearn.") for g in result.globals):
        facts.framework = "scikit-learn"
    facts.components = _components(root)
    return facts


def _is_estimator(obj: Any) -> bool:
    return isinstance(obj, Obj) and isinstance(obj.state, dict) and "_sklearn_version" in obj.state


def _params(state: dict[Any, Any], depth: int) -> dict[str, Any]:
    """scikit-learn convention: hyper-parameters are the public attributes without a trailing '_'."""
    return {
        str(k): _jsonable(v, depth + 1)
        for k, v in sorted(state.items(), key=lambda kv: str(kv[0]))
        if isinstance(k, str) and not k.startswith("_") and not k.endswith("_")
    }


def _jsonable(value: Any, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return "…"
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        items = [_jsonable(v, depth + 1) for v in value[:_MAX_ITEMS]]
        return [*items, "…"] if len(value) > _MAX_ITEMS else items
    if isinstance(value, dict):
        return {str(k): _jsonable(v, depth + 1) for k, v in list(value.items())[:_MAX_ITEMS]}
    if isinstance(value, Global):
        return value.qualname
    if isinstance(value, Obj):
        if _is_estimator(value):
            return {"class": value.qualname, "params": _params(value.state, depth)}
        scalar = _numpy_scalar(value)
        if scalar is not None:
            return scalar
        if value.qualname in (
            "numpy.ndarray",
            "numpy._core.multiarray._reconstruct",
            "numpy.core.multiarray._reconstruct",
        ):
            return "<array>"
        if value.qualname == "numpy.dtype" and value.args:
            return str(value.args[0])
        return f"<{value.qualname}>"
    return repr(value)


def _numpy_scalar(obj: Obj) -> Any:
    """Decode ``numpy.core.multiarray.scalar(dtype, bytes)`` (e.g. ``alpha=np.float64(1.0)``)."""
    if not obj.qualname.endswith("multiarray.scalar") or len(obj.args) != 2:
        return None
    dtype, raw = obj.args
    if not (isinstance(dtype, Obj) and dtype.args and isinstance(dtype.args[0], str)):
        return None
    if not isinstance(raw, bytes | bytearray | str):
        return None
    import numpy as np

    try:
        spec = dtype.args[0]
        if spec[0] not in "fiub?" or len(spec) > 4:
            return None
        data = raw.encode("latin1") if isinstance(raw, str) else bytes(raw)
        return np.frombuffer(data, dtype=np.dtype(spec))[0].item()
    except (TypeError, ValueError, IndexError):
        return None


def _components(root: Any) -> list[str]:
    """Every estimator class in the object graph (through pipelines, ensembles, column transformers)."""
    found: list[str] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Obj):
            if _is_estimator(node) and node.qualname not in found:
                found.append(node.qualname)
            stack.extend([node.state, *node.args, *node.items, *node.mapping.values()])
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return found


def _inspect_skops(path: Path) -> ArtefactFacts:
    """Read a ``.skops`` file's ``schema.json``: the object tree as data, no code loaded."""
    facts = ArtefactFacts(format="skops", method="skops schema.json (no code executed)")
    try:
        with zipfile.ZipFile(path) as z:
            schema = json.loads(z.read("schema.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        facts.method = "none"
        facts.notes.append(f"not a readable skops file: {e}")
        return facts
    reader = _SkopsReader()
    root = reader.value(schema, 0)
    facts.globals = reader.types
    facts.untrusted_globals = [t for t in reader.types if not is_trusted(t)]
    facts.components = reader.estimators
    if isinstance(root, dict) and "class" in root:
        facts.estimator = root["class"]
        facts.hyperparameters = root.get("params", {})
        facts.framework = "scikit-learn" if reader.estimators else None
        facts.framework_version = reader.root_version
    return facts


class _SkopsReader:
    """Walks skops' node tree (ObjectNode, DictNode, JsonNode, ...) into the same shape as pickles give."""

    def __init__(self) -> None:
        self.types: list[str] = []
        self.estimators: list[str] = []
        self.root_version: str | None = None

    def value(self, node: Any, depth: int) -> Any:
        if not isinstance(node, dict) or depth > _MAX_DEPTH * 3:
            return node if not isinstance(node, dict) else "…"
        loader = node.get("__loader__")
        qual = f"{node.get('__module__', '')}.{node.get('__class__', '')}"
        content = node.get("content")
        if loader == "JsonNode":
            if node.get("is_json") and isinstance(content, str):
                try:
                    return json.loads(content)
                except ValueError:
                    return content
            return content
        if loader == "DictNode" and isinstance(content, dict):
            return {str(k): self.value(v, depth + 1) for k, v in content.items()}
        if loader in ("ListNode", "TupleNode", "SetNode") and isinstance(content, list):
            return [self.value(v, depth + 1) for v in content[:_MAX_ITEMS]]
        if qual not in self.types:
            self.types.append(qual)
        if loader == "ObjectNode":
            state = self.value(content, depth + 1) if content is not None else {}
            if isinstance(state, dict) and "_sklearn_version" in state:
                if qual not in self.estimators:
                    self.estimators.append(qual)
                if depth == 0 and isinstance(state["_sklearn_version"], str):
                    self.root_version = state["_sklearn_version"]
                params = {k: v for k, v in sorted(state.items()) if not k.startswith("_") and not k.endswith("_")}
                return {"class": qual, "params": params}
            return {"class": qual, "params": {}} if depth == 0 else f"<{qual}>"
        if loader in ("NdArrayNode", "SparseMatrixNode"):
            return "<array>"
        return f"<{qual}>"
