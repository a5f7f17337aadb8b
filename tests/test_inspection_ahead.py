"""`prov card`'s inspection made ahead, in a forked copy (``card.inspection.Inspection``), gives exactly the
facts and privacy assessment the in-process calls give -- on scikit-learn models of every kind, in every
container, on unsafe pickles, the attacker's models, directories and files that are no model at all.

The comparison runs in a fresh process (a driver script): the copy is only forked by a process that has
not imported numpy yet, as `prov card` has not. The driver first collects every forked result, importing
nothing heavy, then computes each in-process and compares."""

from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
from adversarial_corpus import op_global, payload_ops
from benign_corpus import fitted_models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DRIVER = r"""
import dataclasses, json, sys
from pathlib import Path

from provenance.card.inspection import Inspection, assessed, inspected
from provenance.card.request import CardRequest
from provenance.readings import noting_reads
from provenance.store.repo import require_repo

paths = [Path(p) for p in json.loads(sys.argv[1])]
ahead, forked = [], 0
for path in paths:
    request = CardRequest(path, datasets=("patients-2024",))
    inspection = Inspection.start(request)
    forked += inspection.before is not None
    ahead.append(inspection.results() or (None, None, None))
heavy_in_driver = sorted(m for m in ("numpy", "sklearn", "scipy", "joblib") if m in sys.modules)
out = {"forked": forked, "heavy": heavy_in_driver, "same": 0, "differ": [], "nothing": []}
for path, (facts, privacy, read) in zip(paths, ahead):
    if facts is None or privacy is None:
        out["nothing"].append(path.name)
        continue
    request = CardRequest(path, datasets=("patients-2024",))
    with noting_reads() as here_read:
        here = inspected(request, require_repo(path))
        here_privacy = assessed(request, here)
    mine = {f.name: getattr(facts, f.name) for f in dataclasses.fields(facts) if f.name != "parse"}
    theirs = {f.name: getattr(here, f.name) for f in dataclasses.fields(here) if f.name != "parse"}
    # the same facts and assessment, from the same files (every one the artefact has, by its stamp)
    if mine == theirs and privacy == here_privacy and repr(mine) == repr(theirs) and read == here_read and read:
        out["same"] += 1
    else:
        out["differ"].append(path.name)
print(json.dumps(out))
"""


def _artefacts(project: Path) -> list[Path]:
    from test_shadow import _attackers_models

    warnings.filterwarnings("ignore")
    out: list[Path] = []
    for i, (name, model) in enumerate(fitted_models()):
        if i % 9:
            continue
        for suffix, save in (
            (".joblib", lambda m, p: joblib.dump(m, p)),
            (".p2.pkl", lambda m, p: p.write_bytes(pickle.dumps(m, protocol=2))),
        ):
            path = project / f"{name}{suffix}"
            save(model, path)
            out.append(path)
    for n, model in enumerate(_attackers_models().values()):
        path = project / f"attacker-{n}.joblib"
        joblib.dump(model, path, compress=n % 2)
        out.append(path)
    evil = project / "evil.pkl"
    evil.write_bytes(payload_ops("touch pwned"))
    wrapped = project / "wrapped.joblib"
    wrapped.write_bytes(b"\x80\x04" + op_global("os", "system") + b"\x8c\x05touch\x85R.")
    weights = project / "weights.npy"
    np.save(weights, np.arange(10.0))
    objects = project / "objects.npy"
    np.save(objects, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    folder = project / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "config.json").write_text('{"a": 1}')
    (folder / "sub" / "model.bin").write_bytes(pickle.dumps({"w": [1.0]}))
    (folder / "sub" / "notes.txt").write_text("xylophone")
    text = project / "readme.txt"
    text.write_text("not a model")
    empty = project / "empty.pkl"
    empty.write_bytes(b"")
    return [*out, evil, wrapped, weights, objects, folder, text, empty]


def test_the_inspection_made_ahead_is_the_inspection_made_here(project: Path) -> None:
    paths = _artefacts(project)
    r = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps([str(p) for p in paths])],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout)
    assert out["forked"] == len(paths), out  # every inspection was made ahead, in a copy
    assert out["heavy"] == [], out  # and its results came back without numpy or scikit-learn
    assert out["differ"] == [] and out["nothing"] == [], out
    assert out["same"] == len(paths) > 30


def test_prov_card_inspects_ahead_and_never_imports_numpy(project: Path) -> None:
    """What a user sees: the same card, and the process that signs it imports neither numpy nor the
    scikit-learn the model names (both stay in the copy that inspected it)."""
    probe = (
        "import sys\n"
        "from provenance.cli.entry import main\n"
        "code = main(['card', 'model.joblib', '--dataset', 'patients-2024'])\n"
        "print('IMPORTED', sorted(m for m in ('numpy', 'sklearn', 'scipy') if m in sys.modules), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "IMPORTED []" in r.stderr
    card = (project / "model.joblib.card.md").read_text()
    assert "memorisation" in card.lower()


def test_the_readings_must_meet_the_files_stamped_before(tmp_path: Path) -> None:
    """``described_files_unchanged``: the digest's files and the inspection's readings are held to the
    stamps taken before either read, and every byte read to the hasher's marks; any other file met under an
    artefact's name, a name read twice over two files, other bytes under the same stamp, or a name the
    inspection never read while vouching for the artefact, refuses."""
    import os

    from provenance import readings, stamps
    from provenance.card.inspection import artefact_stamps, described_files_unchanged
    from provenance.digest import Hasher

    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.bin").write_bytes(b"a")
    (folder / "sub" / "b.pkl").write_bytes(pickle.dumps([1]))
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref")  # read by the inspection, left out of the digest
    before = artefact_stamps(folder)
    pending = Hasher().start_tree(folder, marked=True)
    pending.result()
    hashed, marks = pending.seen(), pending.marks()
    assert hashed == before
    with readings.noting_reads() as read:
        for name in ("a.bin", "sub/b.pkl", ".git/HEAD"):
            with readings.open_read(folder / name) as f:
                f.read()
    assert described_files_unchanged(folder, before, hashed, marks, read, inspected=True)

    other = tmp_path / "other.bin"
    other.write_bytes(b"a")
    foreign = stamps.key(os.stat(other))
    a = os.fspath(folder / "a.bin")
    ok = read[a]
    assert ok is not None
    assert not described_files_unchanged(folder, before, {**hashed, "a.bin": foreign}, marks, read, inspected=True)
    assert not described_files_unchanged(folder, before, hashed, marks, {**read, a: (foreign, ok[1])}, inspected=True)
    assert not described_files_unchanged(folder, before, hashed, marks, {**read, a: None}, inspected=True)
    other_bytes = frozenset({(1, hashlib.sha256(b"b").hexdigest())})  # same stamp, other bytes (a mapping)
    assert not described_files_unchanged(folder, before, hashed, marks, {**read, a: (ok[0], other_bytes)}, True)
    assert not described_files_unchanged(folder, before, hashed, {**marks, "a.bin": []}, read, inspected=True)
    unread = {k: v for k, v in read.items() if k != a}
    assert not described_files_unchanged(folder, before, hashed, marks, unread, inspected=True)
    assert described_files_unchanged(folder, before, hashed, marks, unread, inspected=False)  # vouches for nothing
    (folder / "a.bin").write_bytes(b"b")  # changed after both readings
    assert not described_files_unchanged(folder, before, hashed, marks, read, inspected=True)

    # One name opened twice over two files (the second after an exchange) is noted as no file at all,
    # also by an enclosing block.
    single = tmp_path / "m.pkl"
    single.write_bytes(b"x")
    with readings.noting_reads() as outer, readings.noting_reads() as inner:
        readings.open_read(single).close()
        os.replace(other, single)
        readings.open_read(single).close()
    assert inner == {os.fspath(single): None} and outer == inner


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.sampled_from([0, 1, 5000, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 17]),
    reads=st.lists(st.tuples(st.integers(0, 4 << 20), st.integers(0, 3 << 20)), max_size=6),
)
def test_every_reading_is_a_prefix_the_hasher_confirms(tmp_path: Path, size: int, reads: list[tuple[int, int]]) -> None:
    """Differential: a reading (``readings.open_read``) that seeks and reads anywhere, forwards and back,
    serves exactly the file's bytes, and its prefix is confirmed by the marks ``_hash_file`` makes of the
    same file -- and not by those of a file differing in one byte."""
    import os

    from provenance import readings
    from provenance.digest import _hash_file

    data = os.urandom(size)
    path = tmp_path / f"f{size}"
    path.write_bytes(data)
    with readings.noting_reads() as noted, readings.open_read(path) as f:
        for offset, length in reads:
            f.seek(offset)
            assert f.read(length) == data[offset : offset + length]
    marks: list[bytes] = []
    digest = _hash_file(path, marks=marks)[0]
    assert digest == hashlib.sha256(data).hexdigest() and (not data or marks[-1].hex() == digest)
    entry = noted[os.fspath(path)]
    assert entry is not None
    ((length, sha256),) = entry[1]
    assert sha256 == hashlib.sha256(data[:length]).hexdigest()
    assert readings.prefix_confirmed(length, sha256, marks, size)
    if length:
        flipped = bytearray(data)
        flipped[length - 1] ^= 1
        path.write_bytes(bytes(flipped))
        other: list[bytes] = []
        _hash_file(path, marks=other)
        assert not readings.prefix_confirmed(length, sha256, other, size)


def test_bytes_changed_between_two_readings_of_one_opening_are_refused(tmp_path: Path) -> None:
    """A block read again is held to its first reading: bytes changed in place under the open file (as a
    shared mapping changes them, without a new stamp) stop the reading, they are not served."""
    import os

    from provenance import readings
    from provenance.errors import UsageError

    path = tmp_path / "m.bin"
    path.write_bytes(b"A" * (3 << 20))
    with readings.open_read(path) as f:
        assert f.read(10) == b"A" * 10
        f.seek(2 << 20)
        f.read(10)  # the first pass went on to the third block
        with open(path, "r+b") as w:
            w.write(b"B")
        f.seek(0)
        with pytest.raises(UsageError, match="changed while prov read it"):
            f.read(10)
    os.remove(path)


def test_the_block_of_readings_and_of_the_hasher_marks_are_one() -> None:
    from provenance import digest, readings

    assert digest._MARK_BLOCK == readings.BLOCK


def test_the_hasher_notes_the_files_it_hashed(tmp_path: Path) -> None:
    """``Pending.seen``: the stamp of the file each digest came from -- read now or given by the cache."""
    from provenance.card.inspection import artefact_stamps
    from provenance.digest import DigestCache, Hasher

    model = tmp_path / "model.pkl"
    model.write_bytes(pickle.dumps({"w": 1}))
    folder = tmp_path / "folder"
    folder.mkdir()
    for i in range(20):  # past the cache's bulk lookup
        (folder / f"{i}.bin").write_bytes(bytes([i]) * 100)
    import os
    import time

    old = time.time() - 60
    for p in [model, *folder.iterdir()]:
        os.utime(p, (old, old))
    time.sleep(0.05)  # ctime settled: the digests are cached
    cache = DigestCache(tmp_path / "cache")
    for artefact in (model, folder):
        for again in (False, True):  # hashed, then from the cache
            pending = Hasher(cache, show_progress=False).start_tree(artefact)
            pending.result()
            assert (pending.todo_bytes == 0) == again
            assert pending.seen() == artefact_stamps(artefact)
