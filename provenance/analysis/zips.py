"""Zip archives opened as every loader of them reads them: from the file's first byte.

Python's zipfile finds an archive from its end and forgives bytes before it (a "concatenated" zip, whose
recorded offsets it shifts); ``np.load``, ``pickle.load`` and ``torch.load`` decide what a file is from its
first bytes, and torch's own zip reader takes the recorded offsets as they are. Bytes before the archive,
or offsets that disagree with where the archive lies, can show each reader something else -- an
os.system pickle to ``np.load`` and a valid .npz to prov -- so prov reads no such archive.
"""

from __future__ import annotations

import zipfile
from typing import IO


def open_zip(f: IO[bytes]) -> zipfile.ZipFile:
    """``zipfile.ZipFile(f)`` of an archive that starts at the file's first byte, its central directory
    where its end record says; ``zipfile.BadZipFile`` for any other."""
    f.seek(0)
    if f.read(4) != b"PK\x03\x04":
        raise zipfile.BadZipFile("does not start as a zip archive (other loaders read it from its first byte)")
    f.seek(0)
    z = zipfile.ZipFile(f)
    try:
        end_record = getattr(zipfile, "_EndRecData", None)
        recorded = end_record(f) if end_record is not None else None
        if not recorded or z.start_dir != recorded[zipfile._ECD_OFFSET]:  # type: ignore[attr-defined]
            raise zipfile.BadZipFile("its offsets do not match where it lies (bytes before the archive)")
        _one_zip64_record(f, recorded[zipfile._ECD_LOCATION])  # type: ignore[attr-defined]
    except BaseException:
        z.close()
        raise
    return z


_LOCATOR, _ZIP64_END = b"PK\x06\x07", b"PK\x06\x06"


def _one_zip64_record(f: IO[bytes], end: int) -> None:
    """A zip64 locator before the end record must point at the zip64 end record right before it: Python
    reads that one record only there (and falls back to the 32-bit record when it is not), torch's reader
    goes wherever the locator points -- two central directories, two sets of members."""
    import struct

    if end < 20:
        return
    f.seek(end - 20)
    locator = f.read(20)
    if locator[:4] != _LOCATOR:
        return
    _, _, offset, _ = struct.unpack("<4sIQI", locator)
    f.seek(end - 20 - 56)
    if offset != end - 20 - 56 or f.read(4) != _ZIP64_END:
        raise zipfile.BadZipFile("its zip64 locator points elsewhere than its zip64 end record")
