"""Read a pickle or joblib file *symbolically*: build a graph of placeholders, run nothing.

``find_class`` never imports: every global becomes a ``Global`` placeholder, and every call the
pickle asks for (REDUCE, NEWOBJ, BUILD) becomes an ``Obj`` recording the callable, its arguments and
its state. So a malicious ``os.system`` in a pickle is only *named*, never called, and we can still
read an estimator's class, hyper-parameters and library version.

joblib stores numpy arrays as raw bytes *after* a ``NumpyArrayWrapper`` in the pickle stream (and
object arrays as a nested pickle there). We skip the raw bytes and read nested pickles symbolically,
so payloads hidden in object arrays are seen too.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import pickle
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar

_MAX_NESTED = 64


class PickleReadError(ValueError):
    """The file is not a pickle we can read symbolically."""


@dataclass(eq=False)
class Global:
    module: str
    name: str

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"

    def __repr__(self) -> str:
        return f"<global {self.qualname}>"


@dataclass(eq=False)
class Obj:
    """The result of calling (or instantiating) ``callable`` with ``args``: nothing was called."""

    callable: Global | Any
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    state: Any = None
    items: list[Any] = field(default_factory=list)
    mapping: dict[Any, Any] = field(default_factory=dict)

    @property
    def qualname(self) -> str:
        c = self.callable
        return c.qualname if isinstance(c, Global) else type(c).__name__

    # Protocol hooks the pickle machinery uses on the objects it builds (APPENDS, SETITEMS).
    def append(self, item: Any) -> None:
        self.items.append(item)

    def extend(self, items: Any) -> None:
        self.items.extend(items)

    def __setitem__(self, key: Any, value: Any) -> None:
        self.mapping[key] = value

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<{self.qualname}>"


@dataclass
class SymbolicResult:
    root: Any
    globals: list[str]
    notes: list[str]
    compression: str | None


_JOBLIB_WRAPPERS = {"joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper"}
_DTYPE_STR = re.compile(r"^[a-zA-Z?][a-zA-Z]?\d*$")


class _SymbolicUnpickler(pickle._Unpickler):  # type: ignore[name-defined,misc]
    dispatch: ClassVar[dict[int, Any]] = dict(pickle._Unpickler.dispatch)  # type: ignore[attr-defined]

    def __init__(self, file: IO[bytes], seen: list[str], notes: list[str], depth: int = 0) -> None:
        super().__init__(file, encoding="latin1")
        self._stream = file
        self._seen = seen
        self._notes = notes
        self._depth = depth

    def find_class(self, module: str, name: str) -> Global:
        if self.proto < 3:  # Python 2 names, as pickle's own find_class maps them
            import _compat_pickle

            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            elif module in _compat_pickle.IMPORT_MAPPING:
                module = _compat_pickle.IMPORT_MAPPING[module]
        qual = f"{module}.{name}"
        if qual not in self._seen:
            self._seen.append(qual)
        return Global(module, name)

    def persistent_load(self, pid: Any) -> Obj:
        self._notes.append("pickle uses persistent ids; their objects were not read")
        return Obj(Global("<persistent>", str(pid)))

    def _instantiate(self, klass: Any, args: Any) -> None:  # protocol 0/1 INST and OBJ
        self.append(Obj(klass, tuple(args)))

    def load_reduce(self) -> None:
        args = self.stack.pop()
        func = self.stack[-1]
        if isinstance(func, Global) and func.qualname in ("copyreg._reconstructor", "copy_reg._reconstructor"):
            self.stack[-1] = Obj(args[0] if args else func)
        else:
            self.stack[-1] = Obj(func, tuple(args) if isinstance(args, tuple | list) else (args,))

    dispatch[pickle.REDUCE[0]] = load_reduce

    def load_newobj(self) -> None:
        args = self.stack.pop()
        cls = self.stack.pop()
        self.append(Obj(cls, tuple(args)))

    dispatch[pickle.NEWOBJ[0]] = load_newobj

    def load_newobj_ex(self) -> None:
        kwargs = self.stack.pop()
        args = self.stack.pop()
        cls = self.stack.pop()
        self.append(Obj(cls, tuple(args), dict(kwargs) if isinstance(kwargs, dict) else {}))

    dispatch[pickle.NEWOBJ_EX[0]] = load_newobj_ex

    def load_build(self) -> None:
        state = self.stack.pop()
        inst = self.stack[-1]
        if isinstance(inst, Obj):
            inst.state = state
            if inst.qualname in _JOBLIB_WRAPPERS:
                self.stack[-1] = self._skip_joblib_array(inst)

    dispatch[pickle.BUILD[0]] = load_build

    def _skip_joblib_array(self, wrapper: Obj) -> Obj:
        """Step over the array data joblib wrote after the wrapper; read a nested object pickle."""
        state = wrapper.state if isinstance(wrapper.state, dict) else {}
        shape = state.get("shape", ())
        dtype = state.get("dtype")
        itemsize, hasobject = _dtype_facts(dtype)
        array = Obj(Global("numpy", "ndarray"), state={"shape": shape, "dtype": _dtype_name(dtype)})
        if hasobject:
            if self._depth >= _MAX_NESTED:
                raise PickleReadError("too many nested pickles")
            nested = _SymbolicUnpickler(self._stream, self._seen, self._notes, self._depth + 1)
            array.items.append(nested.load())
            return array
        if itemsize is None:
            raise PickleReadError(f"cannot size a joblib array of dtype {_dtype_name(dtype)!r}")
        if state.get("numpy_array_alignment_bytes") is not None:
            pad = self.read(1)
            if pad:
                self.read(int.from_bytes(pad, "little"))
        count = 1
        for n in shape if isinstance(shape, tuple | list) else ():
            count *= int(n)
        _skip(self, count * itemsize)
        return array


def _skip(unpickler: Any, nbytes: int) -> None:
    read = unpickler.read
    while nbytes > 0:
        chunk = read(min(nbytes, 16 * 1024 * 1024))
        if not chunk:
            raise PickleReadError("file ends inside a joblib array")
        nbytes -= len(chunk)


def _dtype_name(dtype: Any) -> str:
    if isinstance(dtype, Obj) and dtype.args:
        return str(dtype.args[0])
    return repr(dtype)


def _dtype_facts(dtype: Any) -> tuple[int | None, bool]:
    """(itemsize, has Python objects) from a symbolic ``numpy.dtype(...)`` with its BUILD state."""
    if not isinstance(dtype, Obj) or not dtype.args:
        return None, False
    spec = dtype.args[0]
    state = dtype.state if isinstance(dtype.state, tuple) else ()
    flags = state[7] if len(state) > 7 and isinstance(state[7], int) else 0
    if spec == "O" or flags & 0x01:
        return None, True
    elsize = state[5] if len(state) > 5 and isinstance(state[5], int) else -1
    if elsize > 0:
        return elsize, False
    if isinstance(spec, str) and _DTYPE_STR.match(spec):
        import numpy as np

        return int(np.dtype(spec).itemsize), False
    return None, False


_MAGIC = [
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ", "xz"),
    (b"\x5d\x00\x00", "lzma"),
    (b"\x04\x22\x4d\x18", "lz4"),
]


def _open_stream(path: Path) -> tuple[IO[bytes], str | None]:
    raw = open(path, "rb")  # noqa: SIM115 - returned to caller
    head = raw.read(8)
    raw.seek(0)
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if name == "gzip":
                return gzip.GzipFile(fileobj=raw), name
            if name == "bz2":
                return bz2.BZ2File(raw), name
            if name in ("xz", "lzma"):
                return lzma.LZMAFile(raw), name
            try:
                import lz4.frame
            except ImportError:
                raw.close()
                raise PickleReadError("lz4-compressed: reading it needs the lz4 package (pip install lz4)") from None
            return lz4.frame.LZ4FrameFile(raw), name
    if head[:1] == b"\x78" and len(head) > 1 and (head[0] * 256 + head[1]) % 31 == 0:
        return _ZlibReader(raw), "zlib"
    if head.startswith(b"ZF"):
        raw.close()
        raise PickleReadError("joblib files from before joblib 0.10 (ZF format) are not supported")
    return raw, None


class _ZlibReader(io.RawIOBase):
    """A readable stream over a raw zlib stream (what joblib writes for compress='zlib' / True)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._d = zlib.decompressobj()
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf:
            chunk = self._raw.read(1024 * 1024)
            if not chunk:
                self._buf = self._d.flush()
                if not self._buf:
                    return 0
                break
            self._buf = self._d.decompress(chunk)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def read_symbolic(path: Path) -> SymbolicResult:
    """Parse ``path`` into placeholders. Raises PickleReadError for anything not a readable pickle."""
    stream, compression = _open_stream(path)
    seen: list[str] = []
    notes: list[str] = []
    try:
        buffered = io.BufferedReader(stream, 1024 * 1024) if isinstance(stream, io.RawIOBase) else stream
        root = _SymbolicUnpickler(buffered, seen, notes).load()  # type: ignore[arg-type]
    except PickleReadError:
        raise
    except (
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        IndexError,
        KeyError,
        AttributeError,
        OSError,
        zlib.error,
        lzma.LZMAError,
        RecursionError,
    ) as e:
        raise PickleReadError(f"not a readable pickle ({type(e).__name__}: {e})") from None
    finally:
        stream.close()
    return SymbolicResult(root, seen, notes, compression)
