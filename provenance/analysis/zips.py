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
    except BaseException:
        z.close()
        raise
    return z
