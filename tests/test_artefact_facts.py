"""Artefact facts come from the one parse: code named in a pickle is reported, never run, whatever the
file is called; formats that carry no code are recognised by their header; others are not inspected."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import attack_round3
import joblib
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.analysis.artefact import inspect_artefact


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("compress", [0, 3, ("gzip", 3), ("bz2", 3), ("xz", 3)])
def test_payload_in_object_array_after_numeric_arrays_is_reported_not_run(tmp_path: Path, compress) -> None:
    marker = tmp_path / "pwned"
    objects = np.empty(2, dtype=object)
    objects[0] = _Payload(marker)
    joblib.dump({"weights": np.arange(1000.0), "extra": objects}, tmp_path / "m.joblib", compress=compress)
    facts = inspect_artefact(tmp_path / "m.joblib")
    assert not marker.exists()
    assert "posix.system" in facts.untrusted_globals or "nt.system" in facts.untrusted_globals


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_plain_pickle_all_protocols(tmp_path: Path, trained, protocol: int) -> None:
    model = joblib.load(trained["logreg"])
    with open(tmp_path / "m.pkl", "wb") as f:
        pickle.dump(model, f, protocol=protocol)
    facts = inspect_artefact(tmp_path / "m.pkl")
    assert facts.estimator == "sklearn.pipeline.Pipeline"
    assert facts.framework == "scikit-learn" and facts.framework_version
    assert facts.untrusted_globals == []


def test_numpy_scalar_hyperparameters_are_decoded(tmp_path: Path) -> None:
    from sklearn.linear_model import Ridge

    joblib.dump(Ridge(alpha=np.float64(2.5), max_iter=np.int64(7)), tmp_path / "r.joblib")
    facts = inspect_artefact(tmp_path / "r.joblib")
    assert facts.hyperparameters["alpha"] == 2.5 and facts.hyperparameters["max_iter"] == 7


def test_not_a_pickle_is_a_note_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "m.pkl").write_bytes(b"\x80\x04garbage")
    facts = inspect_artefact(tmp_path / "m.pkl")
    assert facts.estimator is None and facts.method == "none" and facts.notes


def test_skops_file_gives_the_same_facts_as_joblib(tmp_path: Path, trained) -> None:
    import skops.io

    model = joblib.load(trained["logreg"])
    skops.io.dump(model, tmp_path / "m.skops")
    from_skops = inspect_artefact(tmp_path / "m.skops")
    from_joblib = inspect_artefact(trained["logreg"])
    assert from_skops.format == "skops" and from_skops.estimator == "sklearn.pipeline.Pipeline"
    assert from_skops.hyperparameters == from_joblib.hyperparameters
    assert sorted(from_skops.components) == sorted(from_joblib.components)
    assert from_skops.framework_version == from_joblib.framework_version
    assert from_skops.untrusted_globals == []


def test_not_a_pickle_is_unsafe_not_silent(tmp_path: Path) -> None:
    """A file prov cannot read exactly is never "no untrusted code"."""
    from provenance.model.card import Inspection

    (tmp_path / "m.joblib").write_bytes(b"\x80\x04\x95garbage")
    facts = inspect_artefact(tmp_path / "m.joblib")
    assert facts.unsafe and facts.violations
    inspection = Inspection(method=facts.method, inspected=facts.inspected, violations=facts.violations)
    assert inspection.unsafe_reasons


@pytest.mark.parametrize("suffix", [".pt", ".pth", ".bin", ".ckpt", ".safetensors", ".model"])
def test_a_pickle_is_read_as_a_pickle_whatever_its_name(tmp_path: Path, suffix: str) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / f"m{suffix}"
    path.write_bytes(pickle.dumps(_Payload(marker), protocol=4))
    facts = inspect_artefact(path)
    assert not marker.exists()
    assert facts.format == "pickle" and facts.unsafe
    assert "posix.system" in facts.untrusted_globals or "nt.system" in facts.untrusted_globals


def _torch_zip(path: Path, data_pkl: bytes) -> None:
    """torch.save's layout: archive/data.pkl (+ version, byteorder, data/0 storage) in a zip."""
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/version", "3\n")
        z.writestr("archive/data/0", b"\0" * 16)


def _state_dict_pickle(extra: bytes = b"") -> bytes:
    """What torch.save({"w": tensor}) writes: OrderedDict, _rebuild_tensor_v2 and a persistent storage id."""
    from adversarial_corpus import op_global, op_int, op_str

    storage = b"(" + op_str("storage") + op_global("torch", "FloatStorage") + op_str("0") + op_str("cpu") + op_int(4)
    storage += b"tQ"  # TUPLE, BINPERSID
    tensor = op_global("torch._utils", "_rebuild_tensor_v2") + b"(" + storage + op_int(0) + op_int(4) + b"\x85"
    tensor += op_int(1) + b"\x85\x89" + op_global("collections", "OrderedDict") + b")R" + b"tR"
    body = op_global("collections", "OrderedDict") + b")R" + op_str("w") + tensor + b"s" + extra
    return b"\x80\x02" + body + b"."


def test_pytorch_archive_with_weights_only_is_inspected_and_safe(tmp_path: Path) -> None:
    _torch_zip(tmp_path / "m.pt", _state_dict_pickle())
    facts = inspect_artefact(tmp_path / "m.pt")
    assert facts.format == "pytorch" and facts.inspected
    assert "torch._utils._rebuild_tensor_v2" in facts.globals
    assert facts.untrusted_globals == [] and facts.violations == []


def test_pytorch_archive_with_code_is_unsafe_without_importing_torch(tmp_path: Path) -> None:
    import sys

    from adversarial_corpus import payload_ops

    _torch_zip(tmp_path / "m.ckpt", _state_dict_pickle(extra=payload_ops("touch x") + b"0"))
    facts = inspect_artefact(tmp_path / "m.ckpt")
    assert facts.format == "pytorch" and "os.system" in facts.untrusted_globals
    assert "torch" not in sys.modules


def test_pytorch_legacy_format_is_read(tmp_path: Path) -> None:
    magic = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
    parts = [magic, pickle.dumps(1001, protocol=2), pickle.dumps({"little_endian": True}, protocol=2)]
    parts += [_state_dict_pickle(), pickle.dumps(["0"], protocol=2), b"\0" * 16]
    (tmp_path / "m.pth").write_bytes(b"".join(parts))
    facts = inspect_artefact(tmp_path / "m.pth")
    assert facts.format == "pytorch" and facts.inspected and not facts.unsafe


@pytest.mark.parametrize(
    ("name", "content", "inspected"),
    [
        ("m.safetensors", (2).to_bytes(8, "little") + b"{}", True),
        ("m.safetensors", b"not safetensors at all", False),
        ("m.gguf", b"GGUF\x03\x00\x00\x00", True),
        ("m.onnx", b"\x08\x07\x12\x04test", True),
        ("m.onnx", b"\x08this is not a protobuf model at all", False),
        ("m.h5", b"\x89HDF\r\n\x1a\n", False),
        ("m.keras", b"PK\x03\x04", False),
        ("m.weird", b"\x00\x01", False),
    ],
)
def test_formats_without_code_are_recognised_others_are_not_inspected(
    tmp_path: Path, name: str, content: bytes, inspected: bool
) -> None:
    (tmp_path / name).write_bytes(content)
    facts = inspect_artefact(tmp_path / name)
    assert facts.inspected is inspected
    assert facts.unsafe is not inspected
    if not inspected:
        assert any("safetensors" in n or "not a" in n for n in facts.notes)


def test_directory_artefact_inspects_every_file(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    d = tmp_path / "model"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "model.safetensors").write_bytes((2).to_bytes(8, "little") + b"{}")
    (d / "pytorch_model.bin").write_bytes(pickle.dumps(_Payload(marker), protocol=2))
    facts = inspect_artefact(d)
    assert facts.unsafe and any(g.startswith("pytorch_model.bin: ") for g in facts.untrusted_globals)
    assert not marker.exists()
    (d / "pytorch_model.bin").unlink()
    assert not inspect_artefact(d).unsafe


def test_policy_blocks_a_card_from_before_inspection_existed_for_an_uninspected_format() -> None:
    from provenance.model.card import Inspection

    assert Inspection(method="format by file name").unsafe_reasons  # an old card for a .pt file
    assert not Inspection(method="symbolic pickle read (no code executed)").unsafe_reasons


def test_directory_pickles_under_any_name_and_object_npy_are_found(tmp_path: Path) -> None:
    """Found by an attacker: protocol-0 pickles named model.p, and a .npy of pickled objects."""
    d = tmp_path / "model"
    d.mkdir()
    (d / "config.json").write_text('{"model_type": "sklearn"}')
    (d / "model.p").write_bytes(b"cposix\nsystem\n(Vtouch x\ntR.")
    np.save(d / "weights.npy", np.array([_Payload(tmp_path / "pwned")], dtype=object), allow_pickle=True)
    np.save(d / "labels.npy", np.array(["a", None], dtype=object), allow_pickle=True)  # benign objects
    np.save(d / "coef.npy", np.arange(3.0))
    facts = inspect_artefact(d)
    bad = facts.untrusted_globals + facts.violations
    assert any(b.startswith("model.p: ") for b in bad) and any(b.startswith("weights.npy: ") for b in bad), bad
    assert not any(b.startswith(("labels.npy", "coef.npy", "config.json")) for b in bad), bad
    assert not (tmp_path / "pwned").exists()


def test_directory_compressed_and_archived_pickles_under_any_name_are_found(tmp_path: Path) -> None:
    """Found in a second attack round: a gzip joblib named model.joblib.gz, a zlib one named model."""
    import gzip

    d = tmp_path / "model"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "vocab.json.gz").write_bytes(gzip.compress(b'{"a": 1}'))
    (d / "notes.txt").write_text("xylophone: a word that starts with x (zlib's magic byte)")
    assert not inspect_artefact(d).unsafe
    joblib.dump({"hook": _Payload(tmp_path / "pwned")}, d / "model.joblib.gz", compress=("gzip", 3))
    joblib.dump({"hook": _Payload(tmp_path / "pwned")}, d / "model", compress=3)
    _torch_zip(d / "weights", _state_dict_pickle(b""))
    bad = inspect_artefact(d).untrusted_globals
    assert {b.split(":")[0] for b in bad} == {"model.joblib.gz", "model"}, bad
    assert not (tmp_path / "pwned").exists()


def _legacy_torch_tar(path: Path, storages: bytes) -> None:
    """torch.load's oldest format: a tar whose 'storages', 'tensors' and 'pickle' members it unpickles."""
    import io
    import tarfile

    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in (("version", b"1"), ("storages", storages), ("tensors", pickle.dumps(0)), ("pickle", b"N.")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _saved_as(path: Path, suffix: str, array: np.ndarray) -> None:
    """np.save / np.savez, then renamed to ``path`` (numpy adds its suffix to any other name)."""
    saved = path.parent / f"saved{suffix}"
    if suffix == ".npy":
        np.save(saved, array, allow_pickle=True)
    else:
        np.savez(saved, a=array)
    saved.rename(path)


@pytest.mark.parametrize(
    "name, make",
    [
        # Attack round 3: what a loader reads by its bytes, saved under a name that says nothing.
        ("checkpoint", lambda p, bad: _legacy_torch_tar(p, pickle.dumps(bad))),
        ("weights.data", lambda p, bad: _saved_as(p, ".npy", np.array([bad], dtype=object))),
        ("arrays", lambda p, bad: _saved_as(p, ".npz", np.array([bad], dtype=object))),
    ],
)
def test_directory_files_loaders_read_by_their_bytes_are_inspected(tmp_path: Path, name: str, make) -> None:  # type: ignore[no-untyped-def]
    """A legacy PyTorch tar checkpoint (torch.load unpickles its 'storages' member), an .npy or .npz of
    objects (np.load(allow_pickle=True) unpickles them) -- each under a name without its suffix -- in a
    directory artefact: not "safe". prov reads no tar checkpoint, so says it cannot vouch for it."""
    d = tmp_path / "model"
    d.mkdir()
    (d / "config.json").write_text("{}")
    make(d / name, _Payload(tmp_path / "pwned"))
    facts = inspect_artefact(d)
    assert facts.unsafe, facts
    assert any(x.startswith(f"{name}") for x in facts.notes + facts.violations + facts.untrusted_globals), facts
    assert not (tmp_path / "pwned").exists()


def test_directory_npy_and_tars_that_run_nothing_stay_safe(tmp_path: Path) -> None:
    """The same containers holding only data: numbers in an .npy or .npz under any name, a tar of texts."""
    import tarfile

    d = tmp_path / "model"
    d.mkdir()
    _saved_as(d / "weights.data", ".npy", np.arange(5.0))
    _saved_as(d / "arrays", ".npz", np.arange(3))
    with tarfile.open(d / "texts", "w") as tar:
        tar.add(d / "weights.data", arcname="notes/storage.txt")
    (d / "big.json").write_text('{"a": "' + "x" * 2000 + '"}')
    facts = inspect_artefact(d)
    assert not facts.unsafe, facts


def test_a_compressed_pickle_prov_cannot_decompress_is_not_vouched_for(tmp_path: Path) -> None:
    """Attack round 3: an lz4 joblib under another name, carded where the lz4 package is missing --
    joblib.load (with lz4) runs it; prov cannot read it, so it is "cannot vouch", never "nothing in it"."""
    import subprocess
    import sys

    d = tmp_path / "model"
    d.mkdir()
    (d / "config.json").write_text("{}")
    joblib.dump({"hook": _Payload(tmp_path / "pwned")}, d / "weights", compress="lz4")
    probe = (
        "import sys; sys.modules['lz4'] = None\n"  # as if lz4 were not installed
        "from pathlib import Path\n"
        "from provenance.analysis.artefact import inspect_artefact\n"
        f"facts = inspect_artefact(Path({str(d)!r}))\n"
        "print(facts.unsafe, facts.violations, facts.notes)\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("True") and "lz4" in r.stdout, r.stdout
    assert inspect_artefact(d).untrusted_globals, "with lz4 installed its pickle is read and judged"
    assert not (tmp_path / "pwned").exists()


def test_a_named_pipe_swapped_in_is_refused_not_waited_on(tmp_path: Path) -> None:
    """A file replaced by a named pipe after the directory was listed: the inspection's open refuses it
    (no writer would ever come, and `prov card` would hang)."""
    import subprocess
    import sys

    fifo = tmp_path / "weights"
    os.mkfifo(fifo)
    probe = (
        "from pathlib import Path\n"
        "from provenance.analysis.artefact import _head\n"
        "from provenance.errors import UsageError\n"
        "try:\n"
        f"    _head(Path({str(fifo)!r}))\n"
        "except UsageError as e:\n"
        "    print(e)\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=20)
    assert "not a regular file" in r.stdout, (r.stdout, r.stderr)


def test_huge_ints_in_hyperparameters_do_not_break_the_card(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression()
    model.C = 10**5000
    (tmp_path / "m.pkl").write_bytes(pickle.dumps(model))
    assert inspect_artefact(tmp_path / "m.pkl").hyperparameters["C"] == "<int of 16610 bits>"


_NAMES = ["a", "b", "B", "a-b", "a.b", ".hidden", "z", "é"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4),
            st.sampled_from(["file", "dir", "link-file", "link-dir", "dangling"]),
        ),
        max_size=14,
    )
)
def test_the_directory_listing_is_what_rglob_lists(tmp_path_factory: pytest.TempPathFactory, layout) -> None:  # type: ignore[no-untyped-def]
    """``_regular_files`` (one scandir per directory, no stat per file) lists exactly what the rglob
    reading it replaced lists, in the same order: regular files only, never through a linked directory."""
    from provenance.analysis.artefact import _regular_files

    root = tmp_path_factory.mktemp("tree")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.pkl").write_bytes(b"x")
    for parts, kind in layout:
        target = root.joinpath(*parts)
        if target.exists() or target.is_symlink() or any(p.is_file() or p.is_symlink() for p in target.parents):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "file":
            target.write_bytes(b"{}")
        elif kind == "dir":
            target.mkdir()
        elif kind == "link-file":
            target.symlink_to(outside / "secret.pkl")
        elif kind == "link-dir":
            target.symlink_to(outside, target_is_directory=True)
        else:
            target.symlink_to(root / "no-such-thing")
    expected = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    assert _regular_files(root) == expected


def test_a_file_joblib_would_not_decompress_is_read_once_as_a_pickle(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A directory's JSON file is not read at all: its first byte is no opcode, and joblib's detection
    would hand joblib.load the same bytes. A text starting with an opcode is read as a plain pickle
    only; one starting with a byte that begins a joblib magic number is read both ways."""
    from provenance.analysis import artefact
    from provenance.analysis.pickles import reader

    calls: list[bool] = []
    real = reader.pickle_reading

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(bool(kwargs.get("decompress")))
        return real(*args, **kwargs)

    monkeypatch.setattr(reader, "pickle_reading", counting)
    (tmp_path / "config.json").write_text('{"a": 1}')
    (tmp_path / "notes.txt").write_text("xylophone")
    (tmp_path / "README").write_text("apples (a pickle's APPEND opcode)")
    assert not artefact._loadable_as_pickle(tmp_path / "config.json", None)
    assert calls == []
    assert not artefact._loadable_as_pickle(tmp_path / "README", None)
    assert calls == [False]
    calls.clear()
    assert not artefact._loadable_as_pickle(tmp_path / "notes.txt", None)
    assert calls == [False, True]


@pytest.mark.parametrize("name", sorted(attack_round3.CODE_FREE_TAR_NAMES))
def test_a_tar_checkpoint_under_a_code_free_header_is_not_code_free(tmp_path: Path, name: str) -> None:
    """Attack round 3 (B): a legacy torch tar whose first block passes the GGUF/ONNX/safetensors header
    check -- alone and in a directory."""
    path = tmp_path / name
    path.write_bytes(attack_round3.tar_under_a_code_free_header(attack_round3.CODE_FREE_TAR_NAMES[name], tmp_path))
    facts = inspect_artefact(path)
    assert facts.unsafe and any("tar" in v for v in facts.violations), facts
    assert inspect_artefact(tmp_path).unsafe


def test_a_safetensors_that_is_also_a_gzip_pickle_is_not_code_free(tmp_path: Path) -> None:
    """Attack round 3 (C): the header length and JSON are also a gzip stream joblib.load decompresses."""
    path = tmp_path / "model.safetensors"
    path.write_bytes(attack_round3.safetensors_that_is_gzip(f"touch {tmp_path / 'pwned'}"))
    facts = inspect_artefact(path)
    assert facts.unsafe and "also read as" in " ".join(facts.violations), facts
    assert "system" in " ".join(facts.violations), facts.violations


def test_a_pickle_only_other_encodings_read_is_not_data(tmp_path: Path) -> None:
    """Attack round 3 (A): a file in a directory whose first STRING pickle.load cannot decode as ASCII --
    torch.load (UTF-8) reads on into os.system. Cannot vouch for it."""
    d = tmp_path / "model"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "weights").write_bytes(attack_round3.non_ascii_string_first(f"touch {tmp_path / 'pwned'}"))
    facts = inspect_artefact(d)
    assert facts.unsafe and any("weights" in x for x in facts.violations + facts.notes), facts


@pytest.mark.parametrize(
    "make", [attack_round3.zip_with_an_unnamed_object_npy, attack_round3.zip_with_names_python_cannot_decode]
)
def test_zips_loaders_read_otherwise_than_their_names_say_are_not_data(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    """Attack round 3 (D, E): an object .npy member named without .npy (np.load reads members by their
    bytes), and a zip whose names Python's zipfile refuses (torch's reader does not decode them)."""
    d = tmp_path / "model"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "embeddings").write_bytes(make(tmp_path / "pwned"))
    facts = inspect_artefact(d)
    assert facts.unsafe, facts
    single = tmp_path / "weights.pt"
    single.write_bytes(make(tmp_path / "pwned"))
    assert inspect_artefact(single).unsafe  # as a .pt: refused, with one line, not an internal error
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    "name, prefix",
    [
        ("model.pt", attack_round3.torch_legacy_prefix),  # a clean legacy checkpoint to prov's pickle reading
        ("model.joblib", attack_round3.xz_joblib_prefix),  # a benign xz joblib to joblib.load
        ("weights.npy", attack_round3.numeric_npy_prefix),  # numbers to np.load
        ("weights", attack_round3.torch_legacy_prefix),  # in a directory, named nothing
    ],
)
def test_a_file_that_is_also_a_torch_tar_is_not_safe(tmp_path: Path, name: str, prefix) -> None:  # type: ignore[no-untyped-def]
    """Attack round 4 (F1, F1b, F3): the first 100 bytes -- a tar's first member name -- read cleanly as what
    the name says; torch.load(weights_only=False) tries its tar format first and unpickles 'storages'."""
    d = tmp_path / "model"
    d.mkdir()
    (d / name).write_bytes(attack_round3.tar_whose_first_name_is(prefix(), tmp_path / "pwned"))
    facts = inspect_artefact(d / name)
    assert facts.unsafe and any("tar archive" in v for v in facts.violations), facts
    assert inspect_artefact(d).unsafe


@pytest.mark.parametrize(
    "name, members",
    [
        # (a) numeric .npy members and a torch archive's data.pkl: np.load sees numbers, torch.load runs code
        (
            "model.npz",
            lambda m: [
                ("archive/version", b"3\n"),
                ("archive/data.pkl", attack_round3.pickle_os_system(m)),
                ("w.npy", attack_round3.numeric_npy()),
            ],
        ),
        # (c) a genuine torch zip plus an object .npy member: torch.load sees weights, np.load runs code
        (
            "model.pt",
            lambda m: [
                ("archive/version", b"3\n"),
                ("archive/data.pkl", pickle.dumps({"w": [1.0]}, protocol=2)),
                ("evil.npy", attack_round3.object_npy(m)),
            ],
        ),
    ],
)
def test_a_zip_read_by_its_name_is_also_read_as_other_loaders_read_it(tmp_path: Path, name: str, members) -> None:  # type: ignore[no-untyped-def]
    """Attack round 4 (F2): a zip's suffix picks one reader (np.load's .npz, torch.load's archive); the other
    loader of the same bytes runs a pickle -- alone and in a directory."""
    path = tmp_path / "model" / name
    path.parent.mkdir()
    path.write_bytes(attack_round3.zip_of(members(tmp_path / "pwned")))
    assert inspect_artefact(path).unsafe, inspect_artefact(path)
    assert inspect_artefact(path.parent).unsafe
    assert not (tmp_path / "pwned").exists()


def test_a_skops_file_holding_a_torch_archive_or_object_arrays_is_not_safe(tmp_path: Path, trained) -> None:
    """Attack round 4 (F2b): a valid skops schema, plus a torch data.pkl and an object .npy member."""
    import zipfile

    skops = pytest.importorskip("skops.io")
    from sklearn.linear_model import LogisticRegression

    plain = tmp_path / "plain.skops"
    skops.dump(LogisticRegression(), plain)
    assert not inspect_artefact(plain).unsafe
    with zipfile.ZipFile(plain) as z:
        original = [(i.filename, z.read(i)) for i in z.infolist()]
    for extra in (
        [("archive/data.pkl", attack_round3.pickle_os_system(tmp_path / "pwned"))],
        [("evil.npy", attack_round3.object_npy(tmp_path / "pwned"))],
    ):
        path = tmp_path / "model.skops"
        path.write_bytes(attack_round3.zip_of(extra[:1] + original))
        facts = inspect_artefact(path)
        assert facts.unsafe and any("also read as" in v for v in facts.violations), facts


@pytest.mark.parametrize("name", ["weights.npz", "model.skops", "archive"])
def test_a_zip_with_bytes_before_it_is_not_read_past_them(tmp_path: Path, name: str, trained) -> None:
    """Attack round 4 (F5): an os.system pickle with a genuine .npz or skops archive appended. Python's
    zipfile finds the archive from the end; np.load, pickle.load and torch.load read the file from its
    first byte -- the pickle. Also an archive whose recorded offsets are shifted (a concatenated zip)."""
    import io
    import zipfile

    import numpy as np

    archive = io.BytesIO()
    if name == "model.skops":
        skops = pytest.importorskip("skops.io")
        from sklearn.linear_model import LogisticRegression

        archive.write(skops.dumps(LogisticRegression()))
    else:
        np.savez(archive, w=np.arange(3.0))
    d = tmp_path / "model"
    d.mkdir()
    path = d / name
    path.write_bytes(b"cposix\nsystem\n(S'touch " + str(tmp_path / "pwned").encode() + b"'\ntR." + archive.getvalue())
    facts = inspect_artefact(path)
    assert facts.unsafe, facts
    assert inspect_artefact(d).unsafe
    # The same archive, starting at byte 0 but with its central directory's recorded offset shifted: Python
    # would look where the end record's position says, another reader where the offset says.
    data = bytearray(archive.getvalue())
    end = data.rfind(b"PK\x05\x06")
    offset = int.from_bytes(data[end + 16 : end + 20], "little")
    data[end + 16 : end + 20] = (offset - 4).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile):
        from provenance.analysis.zips import open_zip

        with open(path, "rb") as f:
            open_zip(f)
    assert inspect_artefact(path).unsafe
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    "maker, name",
    [
        ("make_f1", "model.joblib"),  # a torch legacy magic root: joblib's reading was dropped for torch's
        ("make_f2", "model.pt"),  # archive/data.PKL: torch's zip reader finds members whatever their case
        ("make_f3", "model.joblib"),  # an object array with allow_mmap: joblib.load(mmap_mode=...) skips it
        ("make_f4", "model.pt"),  # a zip64 locator pointing to another central directory than Python reads
    ],
)
def test_attack_round_5_files_are_not_safe(tmp_path: Path, maker: str, name: str) -> None:
    """Attack round 5: each file runs os.system under one loader while its other readings were clean."""
    import attack_round5

    path = tmp_path / name
    getattr(attack_round5, maker)(str(path), tmp_path / "pwned")
    facts = inspect_artefact(path)
    assert facts.unsafe, facts
    assert not (tmp_path / "pwned").exists()
