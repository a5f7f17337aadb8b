"""The CLI as a user meets it: entry points, help, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import no_traceback


def test_help_and_module_entry_point() -> None:
    r = subprocess.run([sys.executable, "-m", "provenance", "--help"], capture_output=True, text=True, check=False)
    assert r.returncode == 0 and "verify" in r.stdout and "card" in r.stdout


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from provenance.cli.main import main; main(['--help'])\n"
        "heavy = [m for m in ('sklearn', 'numpy', 'git', 'jinja2', 'pydantic') if m in sys.modules]\n"
        "sys.stderr.write(repr(heavy))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.stderr.strip().endswith("[]"), r.stderr


def test_outside_repo_is_exit_2(tmp_path: Path, monkeypatch, prov) -> None:
    monkeypatch.chdir(tmp_path)
    r = prov("dataset", "list")
    assert r.code == 2 and "prov init" in r.err and no_traceback(r.err)


def test_unknown_option_is_exit_2(prov) -> None:
    r = prov("card", "--nope")
    assert r.code == 2


def test_bad_metric_and_missing_artefact(project: Path, prov) -> None:
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--metric", "oops")
    assert r.code == 2 and "NAME=VALUE" in r.err
    r = prov("card", "missing.joblib", "--dataset", "patients-2024")
    assert r.code == 2 and "no such artefact" in r.err
    r = prov("card", "model.joblib", "--dataset", "nope")
    assert r.code == 2 and "no dataset named 'nope'" in r.err
    r = prov("card", "model.joblib")
    assert r.code == 2 and "--dataset" in r.err


@pytest.mark.internal_error
def test_internal_error_is_one_line_exit_3(project: Path, prov, monkeypatch) -> None:
    import provenance.analysis.artefact as artefacts

    monkeypatch.setattr(artefacts, "inspect_artefact", lambda p, limits=None: 1 / 0)
    r = prov("card", "model.joblib", "--dataset", "patients-2024")
    assert r.code == 3
    assert r.err.count("\n") == 1 and "PROV_DEBUG=1" in r.err and no_traceback(r.err)


def test_init_is_idempotent(git_repo: Path, prov) -> None:
    assert prov("init").code == 0
    r = prov("init", "--json")
    assert r.code == 0 and '"generated_key": false' in r.out and '"trusted": false' in r.out
    assert (git_repo / ".prov" / ".gitignore").read_text() == "cache/\n"


def test_key_commands(git_repo: Path, prov) -> None:
    assert prov("init").code == 0
    r = prov("key", "generate", "--name", "default")
    assert r.code == 2 and "already exists" in r.err
    r = prov("key", "export", "--format", "openssh")
    assert r.code == 0 and r.out.startswith("ecdsa-sha2-nistp256 ")
    r = prov("key", "list", "--json")
    assert r.code == 0 and r.out.count('"keyid"') == 2


def test_installed_package_ships_templates_and_schemas() -> None:
    """Under `make test` prov is a non-editable install: the templates must come from inside it."""
    import provenance
    from provenance.card.render import templates_dir

    package = Path(provenance.__file__).resolve().parent
    source_tree = Path(__file__).resolve().parent.parent
    if package.parent == source_tree:
        import pytest

        pytest.skip("running against the source tree (editable install)")
    assert templates_dir() == package / "templates"
    assert (package / "schemas" / "model-card.schema.json").is_file()


def test_fast_top_level_help_equals_clicks(capsys) -> None:  # type: ignore[no-untyped-def]
    """`prov --help` is printed without importing click; it must say exactly what click would."""
    from provenance.cli.commands import top_help
    from provenance.cli.main import main

    capsys.readouterr()
    assert main(["--help"]) == 0
    assert top_help() == capsys.readouterr().out


def test_the_console_script_exits_fast_without_losing_output_codes_or_cache(project: Path, prov) -> None:
    """``entry.run`` ends the process with os._exit after the exit handlers: every byte of output still
    arrives (through a pipe, also when the reader stops early), exit codes are kept, and the digest
    cache's queued writes (an exit handler) are on disk for the next process."""
    import datetime as dt
    import sqlite3

    from provenance.crypto import keys
    from provenance.store import ledger
    from provenance.store.repo import require_repo

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    repo, key, now = require_repo(project), keys.generate("ed25519"), dt.datetime.now(dt.UTC)
    for i in range(400):  # a listing longer than a pipe buffer
        ledger.append(repo, "note", {"n": i, "text": "x" * 100}, key, now)
    cmd = [sys.executable, "-m", "provenance"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*cmd, *args], cwd=project, capture_output=True, text=True)

    listing = run("log", "--json")
    assert listing.returncode == 0 and listing.stdout.rstrip().endswith("]"), listing.stderr
    assert len(listing.stdout) > 65536
    cut = subprocess.run(
        f"{sys.executable} -m provenance log | head -c 10", shell=True, cwd=project, capture_output=True
    )
    assert cut.stdout and b"Traceback" not in cut.stderr
    assert run("verify", "nothing-here").returncode == 1  # CARD_MISSING
    assert run("card", "--no-such-option").returncode == 2
    cache = project / ".prov" / "cache" / "digests.sqlite3"
    for name in ("digests.sqlite3", "digests.sqlite3-wal", "digests.sqlite3-shm"):
        (cache.parent / name).unlink(missing_ok=True)
    assert run("verify", "model.joblib").returncode == 0
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM digests").fetchone()[0] >= 1
    (project / "model.joblib").write_bytes(b"changed")
    assert run("verify", "model.joblib").returncode == 1


def test_an_artefact_swapped_while_prov_card_reads_it_is_not_signed(project: Path, prov, monkeypatch) -> None:
    """Attacker's case: prov card hashes the artefact on other threads while it inspects it; a file swapped
    in between (a benign pickle inspected, a code-running one hashed) must not give a card whose digest
    and inspection describe different bytes."""
    import os
    import pickle

    import provenance.analysis.artefact as artefact_api

    real = artefact_api.inspect_artefact
    target = project / "model.joblib"

    def swapping(path: Path, limits: object = None):  # type: ignore[no-untyped-def]
        facts = real(path, limits)  # the benign file is inspected...
        other = project / "other.pkl"
        other.write_bytes(pickle.dumps({"weights": [1.0, 2.0]}))
        os.replace(other, target)  # ...and another put in its place
        return facts

    monkeypatch.setattr(artefact_api, "inspect_artefact", swapping)
    r = prov("card", "model.joblib", "--dataset", "patients-2024")
    assert r.code == 2 and "changed while prov card was reading it" in r.err
    assert not (project / "model.joblib.prov.json").exists()


def test_an_artefact_swapped_while_the_inspection_ahead_reads_it_is_not_signed(project: Path) -> None:
    """The same attack on `prov card`'s inspection made ahead, in its forked copy (a fresh process that has
    not imported numpy): the copy inspects the benign file, then swaps in another; nothing is signed."""
    import subprocess
    import sys

    driver = f"""
import os, pickle, sys
from pathlib import Path
import provenance.analysis.artefact as artefact_api
assert "numpy" not in sys.modules
real = artefact_api.inspect_artefact
parent = os.getpid()
def swapping(path, limits=None):
    facts = real(path, limits)
    assert os.getpid() != parent, "inspected in the CLI's own process, not ahead"
    other = Path({str(project)!r}) / "other.pkl"
    other.write_bytes(pickle.dumps({{"weights": [1.0, 2.0]}}))
    os.replace(other, Path({str(project)!r}) / "model.joblib")
    return facts
artefact_api.inspect_artefact = swapping
from provenance.cli.entry import main
sys.exit(main(["card", "model.joblib", "--dataset", "patients-2024"]))
"""
    r = subprocess.run([sys.executable, "-c", driver], cwd=project, capture_output=True, text=True)
    assert r.returncode == 2 and "changed while prov card was reading it" in r.stderr, r.stderr
    assert not (project / "model.joblib.prov.json").exists()


class _RunsCode:
    """Loading this runs a shell command (the attacker's model)."""

    def __reduce__(self) -> tuple[object, ...]:
        import os

        return (os.system, ("true",))


def _boxes(project: Path, trained: dict[str, Path]) -> tuple[Path, Path]:
    """``box/model.joblib`` a benign model; ``other/model.joblib`` a code-running pickle; same name."""
    import pickle
    import shutil

    (project / "box").mkdir()
    (project / "other").mkdir()
    shutil.copy(trained["logreg"], project / "box" / "model.joblib")
    (project / "other" / "model.joblib").write_bytes(pickle.dumps(_RunsCode()))
    return project / "box", project / "other"


def _exchange(a: Path, b: Path) -> None:
    """What renameat2(RENAME_EXCHANGE) does in one step: neither directory's files get another stamp."""
    import os

    os.rename(a, a.with_name("swap"))
    os.rename(b, a)
    os.rename(a.with_name("swap"), b)


@pytest.mark.parametrize("exchanged_while", ["hashing", "inspecting"])
def test_a_parent_directory_exchanged_while_prov_card_reads_is_not_signed(
    project: Path, prov, trained, monkeypatch, exchanged_while: str
) -> None:
    """Attacker's case (found against the stamps looked up by path): the artefact's parent directory is
    exchanged for another holding a code-running file of the same name while one reader reads, and back
    before the next looks. Each file keeps its own stamp, so the paths' stamps before and after agree;
    only the stamps of the files actually read show that the inspection and the digest met two files."""
    import provenance.api.card as card_api
    import provenance.digest as digest

    box, other = _boxes(project, trained)
    real_hash, real_inspected = digest._hash_file, card_api.inspected

    def exchanged(fn):  # type: ignore[no-untyped-def]
        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            _exchange(box, other)
            try:
                return fn(*args, **kwargs)
            finally:
                _exchange(box, other)

        return run

    if exchanged_while == "hashing":  # the benign file inspected, the code-running one hashed
        monkeypatch.setattr(digest, "_hash_file", exchanged(real_hash))
    else:  # the code-running file inspected (unsafe, but of bytes other than those signed)
        monkeypatch.setattr(card_api, "inspected", exchanged(real_inspected))
    r = prov("card", "box/model.joblib", "--dataset", "patients-2024")
    assert r.code == 2 and "changed while prov card was reading it" in r.err, (r.code, r.out, r.err)
    assert not (box / "model.joblib.prov.json").exists() and not (other / "model.joblib.prov.json").exists()
    # Nothing exchanged: the same artefact is carded, and says what it holds.
    monkeypatch.setattr(digest, "_hash_file", real_hash)
    monkeypatch.setattr(card_api, "inspected", real_inspected)
    r = prov("card", "box/model.joblib", "--dataset", "patients-2024")
    assert r.code == 0 and "box/model.joblib.prov.json" in r.err, r.err


def test_a_parent_directory_exchanged_while_the_inspection_ahead_hashes_is_not_signed(project: Path, trained) -> None:
    """The same exchange against the inspection made ahead in a forked copy: the copy reads whichever
    directory is there, the hasher here reads the other; either way the two readings' stamps differ."""
    box, other = _boxes(project, trained)
    driver = f"""
import os, sys
from pathlib import Path
import provenance.digest as digest
assert "numpy" not in sys.modules
box, other = Path({str(box)!r}), Path({str(other)!r})
def exchange():
    os.rename(box, box.with_name("swap")); os.rename(other, box); os.rename(box.with_name("swap"), other)
real = digest._hash_file
def hashing_the_other(*args, **kwargs):
    exchange()
    try:
        return real(*args, **kwargs)
    finally:
        exchange()
digest._hash_file = hashing_the_other
from provenance.cli.entry import main
sys.exit(main(["card", "box/model.joblib", "--dataset", "patients-2024"]))
"""
    r = subprocess.run([sys.executable, "-c", driver], cwd=project, capture_output=True, text=True)
    assert r.returncode == 2 and "changed while prov card was reading it" in r.stderr, r.stderr
    assert not (box / "model.joblib.prov.json").exists() and not (other / "model.joblib.prov.json").exists()


def test_pydantic_plugin_loader_stand_in_covers_what_pydantic_takes_from_it() -> None:
    """`prov` gives pydantic (plugins disabled) a plugin loader that does not import importlib.metadata
    (cli.entry._plugin_loader_without_discovery). Every name pydantic's own code takes from its loader must
    be one the stand-in answers as pydantic would with plugins disabled; anything else goes to the real one."""
    import re

    import pydantic

    root = Path(pydantic.__file__).parent
    taken: set[str] = set()
    for source in root.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for names in re.findall(r"from \S*_loader import (\([^)]*\)|[^\n]+)", text):
            taken |= {n for n in re.split(r"[\s,()]+", names) if n}
        taken |= set(re.findall(r"_loader\.(\w+)", text))
    assert taken == {"get_plugins"}, taken
    code = (
        "import os, sys\n"
        "from provenance.cli import entry\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'\n"
        "entry._plugin_loader_without_discovery()\n"
        "import pydantic\n"
        "class M(pydantic.BaseModel):\n"
        "    x: list[int] = []\n"
        "assert M(x=[1]).x == [1]\n"
        "stand_in = sys.modules[entry.PLUGIN_LOADER]\n"
        "assert list(stand_in.get_plugins()) == []\n"
        "assert 'importlib.metadata' not in sys.modules, 'the stand-in imported it'\n"
        "assert callable(stand_in.get_plugins) and stand_in.PYDANTIC_ENTRY_POINT_GROUP == 'pydantic'\n"
        "assert sys.modules[entry.PLUGIN_LOADER] is not stand_in  # another name: the real loader took over\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "ok", r.stderr
    # what the stand-in answers is what the real loader, disabled, answers
    os_env = {**__import__("os").environ, "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    r = subprocess.run(
        [sys.executable, "-c", "import os; from pydantic.plugin import _loader; print(list(_loader.get_plugins()))"],
        capture_output=True,
        text=True,
        env=os_env,
    )
    assert r.stdout.strip() == "[]", r.stderr


def test_no_model_field_defaults_to_a_builtin_factory() -> None:
    """pydantic asks inspect.signature of each default factory; a builtin's (list, dict) is parsed with
    tokenize, whose first use costs 10-30 ms of each command (model._base.new_list / new_dict instead)."""
    import importlib
    import pkgutil

    from pydantic import BaseModel

    import provenance.model as models

    builtin = []
    for info in pkgutil.iter_modules(models.__path__):
        module = importlib.import_module(f"provenance.model.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__:
                for name, field in value.model_fields.items():
                    if field.default_factory in (list, dict, set, tuple):
                        builtin.append(f"{value.__name__}.{name}")
    assert builtin == []


def _mapped_pickles(path: Path) -> tuple[object, bytes, bytes]:
    """``path`` written through a shared writable mapping: (the mapping, M an os.system pickle, B a harmless
    one of the same size). After the first store, stores through the mapping change the bytes without a new
    mtime or ctime (until writeback, ~30 s): the attacker's way to change a file without moving its stamp."""
    import mmap
    import os

    bad = b"S'" + b"p" * 60 + b"'\n0" + b"cos\nsystem\n(S'true'\ntR."
    head, tail = b"(dp0\nS'w'\np1\nS'", b"'\np2\ns."
    good = head + b"x" * (len(bad) - len(head) - len(tail)) + tail
    path.write_bytes(b"\0" * len(bad))
    fd = os.open(path, os.O_RDWR)
    mapping = mmap.mmap(fd, len(bad))
    os.close(fd)
    mapping[:] = bad  # the one store that gives the file a new mtime and ctime
    return mapping, bad, good


def test_bytes_changed_through_a_mapping_while_prov_card_reads_are_not_signed(project: Path, prov, monkeypatch) -> None:
    """Attack round 3 (F): the file's bytes flipped through a shared mapping -- its stamp does not move -- to
    a harmless pickle while the inspection reads, and back before anything else looks. The digest is of the
    code-running bytes; the inspection's readings are held to the hasher's marks, not to stamps."""
    import os
    import threading
    import time

    import provenance.api.card as card_api
    import provenance.digest as digest

    target = project / "mapped.pkl"
    mapping, bad, good = _mapped_pickles(target)
    time.sleep(0.05)
    stamp = os.stat(target)
    lock = threading.Lock()
    real_hash, real_inspected = digest._hash_file, card_api.inspected

    def hashing(*args, **kwargs):  # type: ignore[no-untyped-def]
        with lock:  # never while the bytes are flipped: the digest is of the code-running bytes
            return real_hash(*args, **kwargs)

    def inspecting(*args, **kwargs):  # type: ignore[no-untyped-def]
        with lock:
            mapping[:] = good  # type: ignore[index]
            try:
                return real_inspected(*args, **kwargs)
            finally:
                mapping[:] = bad  # type: ignore[index]

    monkeypatch.setattr(digest, "_hash_file", hashing)
    monkeypatch.setattr(card_api, "inspected", inspecting)
    r = prov("card", "mapped.pkl", "--dataset", "patients-2024")
    after = os.stat(target)
    assert (after.st_mtime_ns, after.st_ctime_ns, after.st_ino) == (stamp.st_mtime_ns, stamp.st_ctime_ns, stamp.st_ino)
    assert r.code == 2 and "changed while prov card was reading it" in r.err, (r.code, r.err)
    assert not (project / "mapped.pkl.prov.json").exists()
    mapping.close()  # type: ignore[attr-defined]


def test_a_card_made_after_a_mapped_flip_describes_the_bytes_it_inspected(project: Path, prov) -> None:
    """Attack round 3 (F, as found): M carded (unsafe, its digest cached), flipped to B through the mapping
    (stamp unchanged), carded again: the card may say B is safe, but its digest must be B's -- prov card
    takes no digest from the cache -- so flipping back to M breaks the card."""
    import hashlib
    import json
    import time

    target = project / "mapped.pkl"
    mapping, bad, good = _mapped_pickles(target)
    time.sleep(0.05)
    r = prov("card", "mapped.pkl", "--dataset", "patients-2024")
    assert r.code == 0, r.err
    mapping[:] = good  # type: ignore[index]
    r = prov("card", "mapped.pkl", "--dataset", "patients-2024", "--overwrite", "--json")
    assert r.code == 0, r.err
    card = json.loads((project / "mapped.pkl.prov.json").read_text())
    statement = json.loads(__import__("base64").b64decode(card["payload"]))
    digests = json.dumps(statement)
    assert hashlib.sha256(good).hexdigest() in digests and hashlib.sha256(bad).hexdigest() not in digests
    mapping[:] = bad  # type: ignore[index]
    import shutil

    # Read afresh (the digest cache believes stamps, which a mapping does not move: see the README)
    shutil.rmtree(project / ".prov" / "cache", ignore_errors=True)
    assert prov("verify", "mapped.pkl").code == 1  # the signed bytes are not these
    mapping.close()  # type: ignore[attr-defined]
