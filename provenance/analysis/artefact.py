"""Artefact facts for the card: format, framework, estimator class and hyper-parameters, and whether
anything in the file would run code when loaded.

Pickle-bearing files (pickle, joblib, PyTorch archives and legacy files, ``.ckpt``, ``.bin``, and any
file whose bytes start a pickle) are read by the one parser (``pickles.reader``) and judged by the
construction table (``pickles.judge``): the facts and the verdict come from the same parse the
loader builds from, which ``ArtefactFacts.inspected`` carries on. ``.skops`` files carry a JSON
schema we read directly. Formats that hold no code (safetensors, ONNX, GGUF) are recognised by their
header; anything else is recorded as *not inspected*, which the export policy treats as unsafe.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..filenames import FORMATS
from ..readings import open_read
from .pickles.nodes import Node, Ref
from .pickles.reader import Limits, is_pickle_member
from .safe_load import Inspected, inspect_pickle
from .zips import open_zip

FORMATS_BY_SUFFIX = {suffix: fmt for suffix, (fmt, _) in FORMATS.items()}
PICKLE_FORMATS = {"joblib", "pickle", "pytorch"}
CODE_FREE = {"safetensors", "onnx", "gguf"}
CONVERT_HINT = "save it as safetensors (weights), skops (scikit-learn) or ONNX, which carry no code"
# ModelProto field tags that may follow ir_version: producer_name/version, domain, model_version, doc_string,
# graph, opset_import, metadata_props, training_info, functions (protobuf wire types 0 and 2).
_ONNX_NEXT_TAGS = {0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42, 0x72, 0x7A, 0x82}
_MAX_DEPTH = 6
_MAX_ITEMS = 50
_MAX_VALUES = 20_000
_MAX_DIRECTORY_FILES = 10_000
_TAR_BLOCK = 512
_NPY_MAGIC = b"\x93NUMPY"
_MAX_TAR_MEMBERS = 100_000
# What torch.load's oldest (tar) format unpickles: it extracts these members and runs pickle.load on them.
_TORCH_TAR_MEMBERS = {"storages", "tensors", "pickle"}


@dataclass
class ArtefactFacts:
    format: str
    framework: str | None = None
    framework_version: str | None = None
    estimator: str | None = None
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    components: list[str] = field(default_factory=list)
    method: str = "none"
    inspected: bool = False  # False: prov could not tell whether loading it runs code
    globals: list[str] = field(default_factory=list)
    untrusted_globals: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parse: Inspected | None = None  # the parse the loader builds from (not serialised)

    @property
    def unsafe(self) -> bool:
        return bool(self.untrusted_globals or self.violations) or not self.inspected


def inspect_artefact(path: Path, limits: Limits | None = None) -> ArtefactFacts:
    facts = _inspect_directory(path, limits) if path.is_dir() else _inspect_file(path, path.name, limits)
    return _as_text(facts)


def _as_text(facts: ArtefactFacts) -> ArtefactFacts:
    """Every string the file supplied (class names, versions, hyper-parameters) as UTF-8 text: a pickle or
    a skops schema can hold a lone surrogate, which no card (strict JSON) can carry. Escaped, not lost."""
    from ..textsafe import as_text

    def clean(v: Any) -> Any:
        if isinstance(v, str):
            return as_text(v)
        if isinstance(v, list):
            return [clean(x) for x in v]
        if isinstance(v, dict):
            return {clean(k): clean(x) for k, x in v.items()}
        return v

    for f in dataclasses.fields(facts):
        value = getattr(facts, f.name)
        if isinstance(value, str | list | dict):
            setattr(facts, f.name, clean(value))
    return facts


def _inspect_file(path: Path, label: str, limits: Limits | None = None) -> ArtefactFacts:
    """The file read as its name (or, for a pickle, its first bytes) says -- and held to what every other
    loader makes of the same bytes (``_other_loaders``): a name picks one reader, an attacker picks another."""
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if not path.is_file():  # a named pipe or a device: reading it could block for ever, and it is no model
        return ArtefactFacts(format=fmt or "unknown", method="none", notes=[f"{label}: not a regular file"])
    head = _head(path)
    facts = _inspect_as_named(path, label, limits, fmt, head)
    return _with_violations(facts, _other_loaders(path, label, head, limits, read_as=facts.format))


def _inspect_as_named(path: Path, label: str, limits: Limits | None, fmt: str | None, head: bytes) -> ArtefactFacts:
    if _looks_like_pickle(head) or (fmt == "pytorch" and head[:4] == b"PK\x03\x04"):
        return _inspect_pickle(path, fmt if fmt in PICKLE_FORMATS else "pickle", limits)
    if fmt in PICKLE_FORMATS:
        return _inspect_pickle(path, fmt, limits)  # compressed joblib, protocol 0/1: the parser decides
    if fmt == "skops":
        return _inspect_skops(path)
    if fmt in ("numpy", "numpy-zip"):
        return _inspect_numpy(path, fmt, label, limits)
    if fmt in CODE_FREE:
        problem = _code_free_header(fmt, path, head)
        if problem is None:
            facts = ArtefactFacts(format=fmt, method=f"{fmt} header read: the format carries no code", inspected=True)
            hidden = _also_a_pickle(path, limits)
            if hidden:
                facts.violations = [f"the bytes also read as a pickle that makes {', '.join(sorted(set(hidden))[:3])}"]
            elif (other := _by_content(path, label, head, limits)) is not None:
                # A header that fits is no proof: the same bytes may be what another loader reads as its own
                # (a tar torch.load unpickles from, a gzip stream joblib.load decompresses into a pickle).
                said = "; ".join([*other.violations, *other.untrusted_globals, *other.notes][:3])
                facts.violations = [f"the bytes also read as {other.format}" + (f": {said}" if said else "")]
            return facts
        return ArtefactFacts(format=fmt, method="none", notes=[f"{label}: {problem}"])
    return ArtefactFacts(
        format=fmt or "unknown",
        method="not inspected",
        notes=[f"{label}: prov cannot tell whether loading {fmt or 'this format'} runs code; {CONVERT_HINT}"],
    )


def _head(path: Path) -> bytes:
    """The first bytes, enough for every header recognised here (a tar's first block is 512)."""
    with open_read(path) as f:
        return f.read(_TAR_BLOCK)


def _looks_like_pickle(head: bytes) -> bool:
    return len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def _code_free_header(fmt: str, path: Path, head: bytes) -> str | None:
    """Recognise the container by its header (a pickle renamed .safetensors is caught here)."""
    if fmt == "gguf":
        version = int.from_bytes(head[4:8], "little") if len(head) >= 8 else 0
        return None if head[:4] == b"GGUF" and 1 <= version <= 3 else "not a GGUF file (no GGUF magic and version)"
    if fmt == "safetensors":
        length = int.from_bytes(head[:8], "little") if len(head) >= 8 else 0
        with open_read(path) as f:
            if not (0 < length <= min(os.fstat(f.fileno()).st_size - 8, 100 << 20)):
                return "not a safetensors file (its header length does not fit the file)"
            f.seek(8)
            header = f.read(length)
        try:
            ok = isinstance(json.loads(header), dict)
        except ValueError:
            ok = False
        return None if ok else "not a safetensors file (its header is not a JSON object)"
    if fmt == "onnx":  # a protobuf ModelProto: field 1 (ir_version, a small varint), then another field's tag
        ok = len(head) >= 3 and head[0] == 0x08 and 1 <= head[1] <= 30 and head[2] in _ONNX_NEXT_TAGS
        return None if ok else "not an ONNX model (no ModelProto header)"
    return "unknown format"


def _also_a_pickle(path: Path, limits: Limits | None, offset: int = 0) -> list[str]:
    """What ``pickle.load`` of these bytes would import or make: nothing, for a file that is not a pickle."""
    return _pickle_reading(path, limits, offset)[0]


def _pickle_reading(
    path: Path, limits: Limits | None, offset: int
) -> tuple[list[str], tuple[list[Any], list[tuple[str, str]]] | str]:
    """(everything ``pickle.load`` would import or make from ``offset`` on, (what it made, the globals it
    imported) -- or, when the bytes cannot be vouched for, why)."""
    from .pickles.reader import ParseError, pickle_reading

    try:
        made, names = pickle_reading(path, limits, offset)
    except ParseError as e:  # a limit, or a refusal pickle.load would read past: cannot vouch for it
        return [f"read as a pickle: {e}"], f"read as a pickle: {e}"
    return [f"{m}.{n}" for m, n in names] + [n.qualname for n in made if isinstance(n, Node)], (made, names)


def _pickle_at(path: Path, limits: Limits | None, offset: int) -> tuple[list[str], list[str]]:
    """(everything ``pickle.load`` would import or make from ``offset`` on, the judge's offenders among it)."""
    from .pickles.judge import judge
    from .pickles.reader import Parse

    found, reading = _pickle_reading(path, limits, offset)
    if isinstance(reading, str):
        return found, [reading]
    made, names = reading
    verdict = judge(Parse(None, "pickle", None, names, 0, 0, 0, roots=[None], made=made))
    return found, verdict.reasons()


def _inspect_numpy(path: Path, fmt: str, label: str, limits: Limits | None) -> ArtefactFacts:
    """``.npy``: numbers are data; an object array is a pickle after the header (np.load(allow_pickle=True)
    runs it), judged like any other. ``.npz``: each member the same; an object member is not inspected."""
    import numpy as np

    if fmt == "numpy-zip":
        try:
            with open_read(path) as f, open_zip(f) as z:
                objects = _npz_objects(z)
        except Exception as e:  # any way Python's zipfile or numpy fails on these bytes: cannot vouch for them
            return ArtefactFacts(format=fmt, method="none", notes=[f"{label}: not a readable .npz ({e})"])
        if objects:
            return ArtefactFacts(format=fmt, method="none", notes=[f"{label}: object arrays ({', '.join(objects)})"])
        return ArtefactFacts(format=fmt, method=".npz headers read: numeric arrays only", inspected=True)
    try:
        with open_read(path) as f:
            version = np.lib.format.read_magic(f)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            dtype = read(f)[2]
            offset = f.tell()
    except (ValueError, OSError) as e:
        return ArtefactFacts(format=fmt, method="none", notes=[f"{label}: not a readable .npy ({e})"])
    facts = ArtefactFacts(format=fmt, method=".npy header read", inspected=True)
    if dtype.hasobject:  # np.load(allow_pickle=True) unpickles what follows the header
        facts.method = ".npy object array: its pickle read and judged by prov"
        facts.violations = _pickle_at(path, limits, offset)[1]
    return facts


def _npz_objects(z: zipfile.ZipFile) -> list[str]:
    """The members ``np.load``'s NpzFile unpickles when asked for them: any whose bytes start with the .npy
    magic, whatever its name (it gives the others as raw bytes), and hold an object array."""
    import numpy as np

    found = []
    for info in z.infolist():
        with z.open(info) as member:
            if member.read(len(_NPY_MAGIC)) != _NPY_MAGIC:
                continue
        with z.open(info) as member:
            version = np.lib.format.read_magic(member)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            if read(member)[2].hasobject:
                found.append(info.filename)
    return found


def _inspect_directory(path: Path, limits: Limits | None) -> ArtefactFacts:
    """Every file of a directory artefact is inspected; its verdict is the worst of theirs."""
    facts = ArtefactFacts(format="directory", method="each file inspected", inspected=True, notes=_dir_notes(path))
    files = _regular_files(path)
    if len(files) > _MAX_DIRECTORY_FILES:
        facts.inspected = False
        facts.notes.append(f"more than {_MAX_DIRECTORY_FILES:,} files: not inspected")
        return facts
    for file in files:
        rel = file.relative_to(path).as_posix()
        if file.suffix.lower() not in FORMATS_BY_SUFFIX and not _looks_like_pickle(head := _head(file)):
            found = _by_content(file, rel, head, limits)
            if found is None:
                continue  # configs, tokenizers, READMEs: data a loader reads, not code it runs
            sub = found
        else:
            sub = _inspect_file(file, rel, limits)
        if not sub.inspected:
            facts.inspected = False
            facts.notes.extend(sub.notes)
        facts.globals.extend(f"{rel}: {g}" for g in sub.globals)
        facts.untrusted_globals.extend(f"{rel}: {g}" for g in sub.untrusted_globals)
        facts.violations.extend(f"{rel}: {v}" for v in sub.violations)
    return facts


def _regular_files(path: Path) -> list[Path]:
    """Every regular file below ``path`` (not a link, nor through a linked directory), in ``Path`` order:
    what ``sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())`` lists (a test holds
    the two together), from the directory entries alone -- no stat per file. Unreadable directories are
    skipped, as rglob skips them."""
    found: list[tuple[str, ...]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(str(path), ())]
    while pending:
        directory, parts = pending.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except PermissionError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, (*parts, entry.name)))
                elif entry.is_file(follow_symlinks=False):
                    found.append((*parts, entry.name))
            except OSError:
                continue
    found.sort()
    return [path.joinpath(*parts) for parts in found]


def _by_content(file: Path, rel: str, head: bytes, limits: Limits | None) -> ArtefactFacts | None:
    """A directory's file whose name says nothing, inspected as what a loader would take it for whatever its
    name -- ``np.load`` (.npy and .npz by their bytes), ``torch.load`` (a tar of its oldest format), or
    ``pickle``/``joblib``/``torch.load`` (a pickle, compressed or zipped) -- or None: data no loader runs."""
    if head.startswith(_NPY_MAGIC):  # np.load(allow_pickle=True) of any name unpickles an object array
        facts: ArtefactFacts | None = _inspect_numpy(file, "numpy", rel, limits)
    elif head[:4] == b"PK\x03\x04":
        facts = _zip_by_content(file, rel, limits)
    elif _loadable_as_pickle(file, limits, head):
        facts = _inspect_pickle(file, "pickle", limits)  # a pickle under any name, compressed or archived
    else:
        facts = None
    tar = _torch_tar(file, rel, head)
    if facts is None:
        return ArtefactFacts(format="pytorch", method="none", violations=tar) if tar else None
    return _with_violations(facts, tar)


def _other_loaders(path: Path, label: str, head: bytes, limits: Limits | None, read_as: str) -> list[str]:
    """What loaders other than the one a file was read as make of the same bytes, as violations: a legacy
    torch tar (any file: torch.load tries tar first), and in a zip the .pkl members torch.load unpickles and
    the object .npy members np.load does (whichever of the two the file was not read as). A pickle read as
    one, or a code-free format, was already read as pickle, joblib and torch.load read it (``_inspect_pickle``,
    ``_inspect_as_named``)."""
    if read_as in CODE_FREE:
        return []  # its header check already asked ``_by_content``, which reads the tar and the zip too
    found = _torch_tar(path, label, head)
    if head[:4] == b"PK\x03\x04" and read_as != "zip":
        archive = _zip_by_content(
            path, label, limits, pickles=read_as not in PICKLE_FORMATS, arrays=read_as != "numpy-zip"
        )
        if archive is not None and archive.unsafe:
            said = "; ".join([*archive.violations, *archive.untrusted_globals, *archive.notes][:3])
            found.append(f"{label}: the bytes also read as {archive.format}" + (f": {said}" if said else ""))
    return found


def _torch_tar(path: Path, label: str, head: bytes) -> list[str]:
    """A violation when the bytes are a tar that torch.load's oldest format unpickles members of."""
    if len(head) < _TAR_BLOCK or not (members := _torch_tar_members(path)):
        return []
    return [
        f"{label}: a tar archive holding {', '.join(members)}, which torch.load's oldest format unpickles; prov "
        f"does not read that format, so cannot tell whether loading it runs code; {CONVERT_HINT}"
    ]


def _with_violations(facts: ArtefactFacts, violations: list[str]) -> ArtefactFacts:
    if violations:
        facts.violations = list(dict.fromkeys([*facts.violations, *violations]))
    return facts


def _torch_tar_members(path: Path) -> list[str]:
    """The members of this tar archive (as Python's tarfile, which torch.load uses, reads it) that torch.load
    would unpickle; every name when the archive is too large to list. Empty for a file that is no tar."""
    import tarfile

    names: list[str] = []
    try:
        with open_read(path) as f, tarfile.open(fileobj=f, mode="r:") as tar:
            for n, member in enumerate(tar):
                if n >= _MAX_TAR_MEMBERS:
                    return [f"more than {_MAX_TAR_MEMBERS:,} members"]
                # tarfile matches names normalised ("./storages") in some Python versions: match widely
                if os.path.basename(os.path.normpath(member.name.rstrip("/"))) in _TORCH_TAR_MEMBERS:
                    names.append(member.name)
    except (tarfile.TarError, EOFError, ValueError, UnicodeError):
        pass  # no tar at all -- or one damaged after members another tarfile version may still extract
    return names


def _zip_by_content(
    file: Path, rel: str, limits: Limits | None, *, pickles: bool = True, arrays: bool = True
) -> ArtefactFacts | None:
    """A zip under any name: ``torch.load`` unpickles its ``.pkl`` members (``pickles``), ``np.load`` (any
    zip is an .npz to it) the object arrays of members that start with the .npy magic (``arrays``); None
    when it holds neither. A zip Python's zipfile cannot read is not vouched for: torch reads zips with a
    reader of its own."""
    try:
        with open_read(file) as f, open_zip(f) as z:
            pickles = pickles and any(is_pickle_member(n) for n in z.namelist())
            objects = _npz_objects(z) if arrays else []
    except Exception as e:  # BadZipFile, names that are not UTF-8, unsupported compression, a bad .npy header
        return ArtefactFacts(
            format="zip",
            method="none",
            notes=[f"{rel}: a zip archive prov cannot read ({type(e).__name__}: {e}); torch.load or np.load might"],
        )
    if objects:
        return ArtefactFacts(format="numpy-zip", method="none", notes=[f"{rel}: object arrays ({', '.join(objects)})"])
    return _inspect_pickle(file, "pickle", limits) if pickles else None


def _loadable_as_pickle(path: Path, limits: Limits | None, head: bytes | None = None) -> bool:
    """Would pickle.load, joblib.load or torch.load read this file (whatever its name) as a pickle?
    ``head``: the file's first bytes (``_head``), when the caller has read them already."""
    from .pickles.reader import JOBLIB_FIRST_BYTES, ParseError, cannot_start_a_pickle, pickle_reading

    head = _head(path) if head is None else head
    if cannot_start_a_pickle(head[:1]) and head[:1] not in JOBLIB_FIRST_BYTES:
        return False  # neither reading below makes anything of these bytes (see both shortcuts)
    if _also_a_pickle(path, limits):
        return True
    if head[:1] not in JOBLIB_FIRST_BYTES:
        # joblib's detection would not decompress these bytes (the reader's own shortcut, held to joblib's
        # registry by a test): joblib.load reads exactly what pickle.load just read, and found nothing in
        return False
    try:
        made, names = pickle_reading(path, limits, decompress=True)
    except ParseError:
        return True
    return bool(made or names)


def _dir_notes(path: Path) -> list[str]:
    names = {p.name for p in path.iterdir()} if path.is_dir() else set()
    notes = []
    if "config.json" in names:
        notes.append("directory has config.json (Hugging Face layout)")
    return notes


def _inspect_pickle(path: Path, fmt: str, limits: Limits | None) -> ArtefactFacts:
    inspected = inspect_pickle(path, limits)
    facts = ArtefactFacts(format=fmt, method="parsed by prov's pickle reader (no code executed)", parse=inspected)
    parse = inspected.parse
    if parse is None:
        facts.method = "none"
        facts.violations = [inspected.error or "cannot be read exactly"]
        facts.notes.append(f"not loadable safely: {inspected.error}")
        facts.inspected = True  # it was inspected: the answer is "cannot be read exactly", which is unsafe
        return facts
    facts.inspected = True
    # What the bytes are, not what the name says: a pickle saved as .bin is a pickle.
    facts.format = "pytorch" if parse.container.startswith("pytorch") else parse.container
    if facts.format == "pytorch":
        facts.framework = "pytorch"
    facts.globals = [f"{m}.{n}" for m, n in parse.globals]
    facts.untrusted_globals = inspected.untrusted
    facts.violations = inspected.violations
    facts.notes.extend(parse.notes)
    root = parse.root
    if _is_estimator(root):
        facts.estimator = root.qualname
        facts.hyperparameters = _params(root.state, 0, [_MAX_VALUES])
        version = root.state.get("_sklearn_version")
        if isinstance(version, str):
            facts.framework, facts.framework_version = "scikit-learn", version
    elif isinstance(root, Node) and root.op != "array":
        facts.estimator = root.qualname
    if facts.framework is None and any(g.startswith("sklearn.") for g in facts.globals):
        facts.framework = "scikit-learn"
    facts.components = _components(root)
    return facts


def _is_estimator(obj: Any) -> bool:
    return isinstance(obj, Node) and isinstance(obj.state, dict) and "_sklearn_version" in obj.state


def _params(state: dict[Any, Any], depth: int, budget: list[int]) -> dict[str, Any]:
    """scikit-learn convention: hyper-parameters are the public attributes without a trailing '_'."""
    return {
        str(k): _jsonable(v, depth + 1, budget)
        for k, v in sorted(state.items(), key=lambda kv: str(kv[0]))
        if isinstance(k, str) and not k.startswith("_") and not k.endswith("_")
    }


def _jsonable(value: Any, depth: int, budget: list[int]) -> Any:
    """A JSON rendering of a hyper-parameter; the whole rendering shares one budget of values, so a value
    shared many times over (a DAG) costs no more than the budget."""
    budget[0] -= 1
    if depth > _MAX_DEPTH or budget[0] < 0:
        return "…"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1 << 63:
        return f"<int of {value.bit_length()} bits>"  # JSON readers (and Python's str) choke on huge ints
    if value is None or isinstance(value, bool | int | str):
        return value[:1000] + "…" if isinstance(value, str) and len(value) > 1000 else value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        items = [_jsonable(v, depth + 1, budget) for v in value[:_MAX_ITEMS]]
        return [*items, "…"] if len(value) > _MAX_ITEMS else items
    if isinstance(value, dict):
        return {str(k): _jsonable(v, depth + 1, budget) for k, v in list(value.items())[:_MAX_ITEMS]}
    if isinstance(value, Ref):
        return value.qualname
    if isinstance(value, Node):
        if _is_estimator(value):
            return {"class": value.qualname, "params": _params(value.state, depth, budget)}
        scalar = _numpy_scalar(value)
        if scalar is not None:
            return scalar
        if value.op in ("array", "objarray") or value.qualname.endswith(("_reconstruct", "_frombuffer")):
            return "<array>"
        if value.qualname == "numpy.dtype" and isinstance(value.args, tuple) and value.args:
            return str(value.args[0])
        return f"<{value.qualname}>"
    return repr(value)


def _numpy_scalar(node: Node) -> Any:
    """``numpy scalar(dtype, bytes)`` (e.g. ``alpha=np.float64(1.0)``), decoded with the checked dtype."""
    from .pickles.rules import Scalar
    from .pickles.values import SCALAR, NotValid, key_of

    if key_of(node.func) not in SCALAR:
        return None
    try:
        import numpy as np

        dtype, raw = Scalar()._parts(node)
        if dtype.kind not in "fiub":
            return None
        value = np.frombuffer(raw, dtype=dtype)[0].item()
    except (NotValid, ValueError, TypeError):
        return None
    return value if not isinstance(value, float) or math.isfinite(value) else repr(value)


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
        if isinstance(node, Node):
            if _is_estimator(node) and node.qualname not in found:
                found.append(node.qualname)
            args = node.args if isinstance(node.args, tuple | list) else (node.args,)
            stack.extend([node.state, *args, *node.items, *(v for _, v in node.pairs)])
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return found


def _inspect_skops(path: Path) -> ArtefactFacts:
    """Read a ``.skops`` file's ``schema.json``: the object tree as data, no code loaded."""
    from .safe_load import skops_offenders

    facts = ArtefactFacts(format="skops", method="skops schema.json (no code executed)")
    try:
        with open_read(path) as f, open_zip(f) as z:
            schema = json.loads(z.read("schema.json"))
    except RecursionError:
        facts.method = "none"
        facts.notes.append("schema.json is nested too deeply")
        return facts
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        facts.method = "none"
        facts.notes.append(f"not a readable skops file: {e}")
        return facts
    reader = _SkopsReader()
    root = reader.value(schema, 0)
    types = _skops_types(schema)  # every type in the file, not only what the summary above shows
    if types is None:
        facts.notes.append("more nodes than a model holds: not inspected")
        return facts
    facts.inspected = True
    facts.globals = types
    facts.untrusted_globals = skops_offenders(types)
    facts.components = reader.estimators
    if isinstance(root, dict) and "class" in root:
        facts.estimator = root["class"]
        facts.hyperparameters = _jsonable(root.get("params", {}), 0, [_MAX_VALUES])  # finite, bounded
        facts.framework = "scikit-learn" if reader.estimators else None
        facts.framework_version = reader.root_version
    return facts


def _skops_types(schema: Any) -> list[str] | None:
    """Every type a skops schema names, at any depth and position (None past a million nodes)."""
    found: dict[str, None] = {}
    todo = [schema]
    seen = 0
    while todo:
        node = todo.pop()
        seen += 1
        if seen > 1_000_000:
            return None
        if isinstance(node, dict):
            if node.get("__loader__") not in (None, "JsonNode", "DictNode", "ListNode", "TupleNode", "SetNode"):
                found.setdefault(f"{node.get('__module__', '')}.{node.get('__class__', '')}", None)
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return list(found)


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
