"""Loading artefacts without running code that is not on the allow-list.

The gate is enforced at load time, in the unpickler's ``find_class``, for plain pickles and joblib files
alike (we wrap joblib's own unpickler, which handles compression and raw numpy arrays, including the
nested pickle of object arrays). Before loading, the symbolic reader lists every global the file names
(also inside compressed joblib files and object arrays), so a refusal names all offenders at once.
``.skops`` files go through skops' own ``get_untrusted_types`` / ``load(trusted=...)``.
``trust_pickle=True`` (the CLI's ``--trust-pickle``) is the only way around the gate.
"""

from __future__ import annotations

import inspect
import os
import pickle
from pathlib import Path
from typing import Any

from ..errors import CheckFailed, UsageError
from .allowlist import is_trusted, resolve
from .symbolic_pickle import PickleReadError, read_symbolic


class UnsafePickleError(CheckFailed):
    code = "UNSAFE_PICKLE"

    def __init__(self, path: Path, offenders: list[str]) -> None:
        super().__init__(
            f"{path}: refusing to load: it refers to code outside the allow-list ({', '.join(offenders)}); "
            "pass --trust-pickle only if you trust whoever wrote this file"
        )
        self.offenders = offenders


def untrusted_globals(path: Path) -> list[str]:
    """Every global the file names that is not on the allow-list (a report; the gate is at load time)."""
    return [g for g in read_symbolic(path).globals if not is_trusted(g)]


def load_model(path: Path, *, trust_pickle: bool = False) -> Any:
    if path.suffix.lower() == ".skops":
        return _load_skops(path, trust_pickle)
    if not trust_pickle:
        try:
            offenders = untrusted_globals(path)
        except PickleReadError as e:
            raise UsageError(f"{path}: {e}") from None
        if offenders:
            raise UnsafePickleError(path, offenders)
    return _load_joblib(path, trust_pickle)


def _load_skops(path: Path, trust: bool) -> Any:
    try:
        import skops.io as sio
    except ImportError:
        raise UsageError(f"{path}: loading .skops files needs the skops package (pip install skops)") from None
    untrusted = sio.get_untrusted_types(file=path)
    offenders = [t for t in untrusted if not is_trusted(t)]
    if offenders and not trust:
        raise UnsafePickleError(path, offenders)
    return sio.load(path, trusted=untrusted)


def _safe_unpickler_class() -> type:
    from joblib.numpy_pickle import NumpyUnpickler

    class SafeNumpyUnpickler(NumpyUnpickler):  # type: ignore[misc,valid-type]
        """joblib's unpickler (compression, raw arrays, object-array sub-pickles) with a gated find_class."""

        def find_class(self, module: str, name: str) -> Any:
            obj = resolve(module, name)
            if obj is None:
                raise UnsafePickleError(Path(self.filename or "pickle"), [f"{module}.{name}"])
            return obj

    return SafeNumpyUnpickler


def _load_joblib(path: Path, trust: bool) -> Any:
    from joblib import numpy_pickle
    from joblib.numpy_pickle_utils import _validate_fileobject_and_memmap

    if trust:
        return numpy_pickle.load(path)
    cls = _safe_unpickler_class()
    takes_byte_order = "ensure_native_byte_order" in inspect.signature(cls.__init__).parameters
    with open(path, "rb") as f, _validate_fileobject_and_memmap(f, os.fspath(path), None) as (fobj, _):
        if isinstance(fobj, str):
            raise UsageError(f"{path}: joblib files from before joblib 0.10 are not supported")
        args = (os.fspath(path), fobj, True) if takes_byte_order else (os.fspath(path), fobj)
        unpickler = cls(*args, mmap_mode=None)
        try:
            return unpickler.load()
        except UnsafePickleError:
            raise
        except (pickle.UnpicklingError, EOFError, ValueError) as e:
            raise UsageError(f"{path}: not a readable pickle or joblib file ({e})") from None
