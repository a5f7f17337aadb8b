"""Bad input is a one-line exit 2 naming the file or flag, never an internal error (issue 11, first cases)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml


def _one_line_bad_input(r) -> None:  # type: ignore[no-untyped-def]
    assert r.code == 2, (r.code, r.err)
    assert "internal error" not in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1, r.err


def test_a_date_that_does_not_exist(project: Path, prov) -> None:
    text = (project / "patients-2024.yaml").read_text().replace("expires: 2027-02-01", "expires: 2026-02-30")
    (project / "bad.yaml").write_text(text)
    r = prov("dataset", "add", "--manifest", "bad.yaml")
    _one_line_bad_input(r)
    assert "bad.yaml" in r.err and "day is out of range" in r.err


def test_yaml_nested_too_deeply(project: Path, prov) -> None:
    (project / "deep.yaml").write_text("[" * 50_000 + "]" * 50_000)
    r = prov("dataset", "add", "--manifest", "deep.yaml")
    _one_line_bad_input(r)
    assert "deep.yaml" in r.err


def test_a_staged_manifest_with_a_bad_date_blocks_the_commit(project: Path, prov) -> None:
    from conftest import git

    git(project, "add", ".prov")
    git(project, "commit", "-q", "--no-verify", "-m", "prov")
    manifest = project / ".prov" / "datasets" / "patients-2024.yaml"
    manifest.write_text(manifest.read_text().replace("2027-02-01", "2026-02-30"))
    git(project, "add", ".prov/datasets/patients-2024.yaml")
    r = prov("check")
    assert r.code == 1 and "MANIFEST_INVALID" in r.out and "internal error" not in r.err


def test_non_finite_metrics_and_dp_budgets(project: Path, prov) -> None:
    for args in (("--metric", "acc=inf"), ("--metric", "acc=nan"), ("--dp-epsilon", "nan"), ("--dp-epsilon", "-1")):
        r = prov("card", "model.joblib", "--dataset", "patients-2024", *args)
        _one_line_bad_input(r)
        assert "http" not in r.err, r.err  # a sentence, not a documentation link
    assert not (project / "model.joblib.prov.json").exists()


def test_a_cache_directory_that_is_a_file_only_costs_time(project: Path, prov) -> None:
    shutil.rmtree(project / ".prov" / "cache", ignore_errors=True)
    (project / ".prov" / "cache").write_text("not a directory\n")
    r = prov("card", "model.joblib", "--dataset", "patients-2024")
    assert r.code == 0, r.err
    assert prov("verify", "model.joblib").code == 0
    cfg = yaml.safe_load((project / ".prov" / "config.yaml").read_text())
    assert cfg["repository"]["owner"]


ALLOWED = ["--recipient", "Research team", "--org", "Acme Hospital", "--purpose", "research", "--territory", "DE"]


def _exports(project: Path) -> list[dict]:  # type: ignore[type-arg]
    from provenance.store import ledger
    from provenance.store.repo import ProvRepo

    return [e.data for e in ledger.entries(ledger.read(ProvRepo(project))) if e.event == "export"]


def test_export_targets_that_cannot_hold_a_bundle(project: Path, prov, tmp_path: Path) -> None:
    import os

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    d = project / "mdir"
    d.mkdir()
    shutil.copy(project / "model.joblib", d / "w.joblib")
    assert prov("card", "mdir", "--dataset", "patients-2024").code == 0
    os.symlink(tmp_path / "nowhere", project / "dangling")
    cases = [
        ("model.joblib", "dangling", "symbolic link"),
        ("mdir", "mdir/out", "inside the artefact"),
        ("model.joblib", ".prov/x", "inside .prov/"),
    ]
    for artefact, to, says in cases:
        r = prov("export", artefact, "--to", to, *ALLOWED)
        _one_line_bad_input(r)
        assert says in r.err, r.err
    assert not (project / ".prov" / "x").exists() and not (d / "out").exists()
    assert _exports(project) == []  # nothing happened, so nothing is recorded


def test_an_allowed_export_that_fails_records_no_allowed_entry(project: Path, prov, monkeypatch) -> None:
    from provenance.api import export as export_api

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0

    def broken(job, to):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(export_api, "write_bundle", broken)
        r = prov("export", "model.joblib", "--to", "out", *ALLOWED)
    assert r.code != 0
    assert not [e for e in _exports(project) if e["allowed"]]
    assert prov("export", "model.joblib", "--to", "out", *ALLOWED).code == 0
    assert [e["allowed"] for e in _exports(project)] == [True]


def test_a_bundle_is_taken_back_when_its_export_cannot_be_recorded(project: Path, prov, monkeypatch) -> None:
    from provenance.store import ledger

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ledger, "append", full)
    assert prov("export", "model.joblib", "--to", "out", *ALLOWED).code != 0
    assert not (project / "out").exists()


def test_a_symlink_loop_in_a_bundle_is_named_not_a_crash(project: Path, prov, tmp_path: Path) -> None:
    import os

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    out = tmp_path / "bundle"
    assert prov("export", "model.joblib", "--to", out, *ALLOWED).code == 0
    os.symlink("la", out / "lb")
    os.symlink("lb", out / "la")
    r = prov("verify", out)
    assert r.code == 1 and "BUNDLE_EXTRA_FILE" in r.err and "internal error" not in r.err
    r = prov("verify", out / "la")
    assert r.code == 1 and "internal error" not in r.err


def test_prov_check_outside_git_says_so_in_one_line(tmp_path: Path, prov, monkeypatch) -> None:
    d = tmp_path / "nogit"
    d.mkdir()
    monkeypatch.chdir(d)
    assert prov("init", "--owner", "Acme").code == 0
    for args in ((), ("--all",)):
        r = prov("check", *args)
        _one_line_bad_input(r)
        assert "not inside a git repository" in r.err and "fatal:" not in r.err


def test_territories_that_do_not_exist(project: Path, prov) -> None:
    text = (project / "patients-2024.yaml").read_text()
    assert "territories: [EU]" in text
    (project / "xx.yaml").write_text(text.replace("territories: [EU]", "territories: [XX]"))
    r = prov("dataset", "add", "--manifest", "xx.yaml")
    _one_line_bad_input(r)
    assert "xx.yaml" in r.err and "territories" in r.err and "'XX'" in r.err
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    for code, says in (("XX", "not an ISO 3166"), ("UK", "write GB"), ("Germany", "not an ISO 3166")):
        args = [*ALLOWED[:-1], code]
        r = prov("export", "model.joblib", "--to", "out", *args)
        _one_line_bad_input(r)
        assert says in r.err and r.err.count(repr(code)) == 1, r.err
    assert not (project / "out").exists() and _exports(project) == []
    assert prov("export", "model.joblib", "--to", "out", *ALLOWED[:-1], "de").code == 0  # case does not matter


def test_the_territory_table_is_iso_3166() -> None:
    """Our table against an independent one: a missing code would refuse a real country, an extra one
    would let a typo through."""
    import pycountry

    from provenance.model.territories import EEA_COUNTRIES, ISO_3166_ALPHA_2

    assert {c.alpha_2 for c in pycountry.countries} == ISO_3166_ALPHA_2
    assert EEA_COUNTRIES <= ISO_3166_ALPHA_2


def test_an_artefact_pattern_that_can_match_nothing_is_refused(project: Path, prov) -> None:
    from conftest import git

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    git(project, "add", "model.joblib", "model.joblib.prov.json")
    config = project / ".prov" / "config.yaml"
    good = config.read_text()
    for pattern, says in (("'[.joblib'", "unclosed '['"), ("'models/*.joblib'", "names a path"), ("''", "non-empty")):
        config.write_text(good.replace("'*.joblib'", pattern))
        for args in (("check", "model.joblib"), ("check",), ("export", "model.joblib", "--to", "out", *ALLOWED)):
            r = prov(*args)
            _one_line_bad_input(r)
            assert "config.yaml" in r.err and "artefacts.patterns" in r.err and says in r.err, r.err
    config.write_text(good.replace("'*.joblib'", "'[m]odel.joblib'"))  # a closed class is a pattern like any
    git(project, "add", ".prov")
    r = prov("check", "model.joblib")
    assert r.code == 0, r.out
    (project / "other.joblib").write_bytes((project / "model.joblib").read_bytes())
    git(project, "add", "other.joblib")
    assert prov("check").code == 0  # other.joblib matches no pattern now, so it is not an artefact


def test_prov_home_that_cannot_be_a_directory(project: Path, prov, monkeypatch, tmp_path: Path) -> None:
    import os

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    afile = tmp_path / "afile"
    afile.write_text("x")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    for home in (afile, afile / "sub", tmp_path / "dangling"):
        monkeypatch.setenv("PROV_HOME", str(home))
        for args in (
            ("key", "list"),
            ("card", "model.joblib", "--dataset", "patients-2024", "--overwrite"),
            ("verify", "model.joblib"),
        ):
            r = prov(*args)
            _one_line_bad_input(r)
            assert "PROV_HOME" in r.err and "is a file or a broken link" in r.err, r.err
    assert afile.read_text() == "x"


def _no_card_for(project: Path, prov, name: str, says: str) -> None:  # type: ignore[no-untyped-def]
    """A copy of the model under ``name``: card, verify and export each refuse it in one line."""
    shutil.copy(project / "model.joblib", project / name)
    for args in (
        ("card", name, "--dataset", "patients-2024"),
        ("verify", name),
        ("export", name, "--to", "out", *ALLOWED),
    ):
        r = prov(*args)
        _one_line_bad_input(r)
        assert says in r.err and len(r.err) < 400, r.err


def test_an_artefact_name_too_long_for_its_card(project: Path, prov) -> None:
    from conftest import git

    long_name = "m" * 243 + ".joblib"  # 250 bytes: the card's name would be 260
    _no_card_for(project, prov, long_name, "at most 245 bytes")
    git(project, "add", long_name)
    r = prov("check")
    assert r.code == 1 and "CARD_MISSING" in r.out and "at most 245 bytes" in r.out and "internal error" not in r.err
    fits = "m" * 238 + ".joblib"  # 245 bytes: the longest name that has a card (temporary files included)
    shutil.copy(project / "model.joblib", project / fits)
    assert prov("card", fits, "--dataset", "patients-2024").code == 0
    assert prov("verify", fits).code == 0


def test_the_file_system_saying_no_is_one_line(project: Path, prov, monkeypatch) -> None:
    """Permissions, a full or read-only disk: the user's to fix, named in one line (exit 2), not exit 3."""
    from provenance.store import atomic

    def denied(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(atomic, "write_bytes", denied)
    r = prov("card", "model.joblib", "--dataset", "patients-2024")
    _one_line_bad_input(r)
    assert "Permission denied" in r.err and "model.joblib" in r.err


def test_click_usage_errors_are_one_line(prov) -> None:
    for args, says in (
        (("dataset", "add", "--overwrite"), "No such option"),
        (("card",), "Missing argument"),
        (("export", "x", "--to"), "requires an argument"),
        (("bogus",), "No such command"),
        (("dataset",), "a command is needed"),
    ):
        r = prov(*args)
        _one_line_bad_input(r)
        assert says in r.err, r.err


def _tables(project: Path) -> tuple[Path, Path]:
    import numpy as np
    from sklearn.datasets import load_breast_cancer

    x, y = load_breast_cancer(return_X_y=True)
    header = ",".join([f"f{i}" for i in range(x.shape[1])] + ["diagnosis"])
    paths = []
    for name, rows in (("train", slice(0, 100)), ("holdout", slice(300, 400))):
        path = project / f"{name}.csv"
        np.savetxt(path, np.c_[x[rows], y[rows]], delimiter=",", header=header, comments="", fmt="%.10g")
        paths.append(path)
    return paths[0], paths[1]


def test_audit_tables_the_model_cannot_read(project: Path, prov) -> None:
    train, holdout = _tables(project)
    assert prov("audit", "model.joblib", "--train", train, "--holdout", holdout).code == 0
    good = train.read_text().splitlines()
    cases = {
        "latin1.csv": ("\n".join(good).replace("f0", "f\xe9", 1).encode("latin-1"), "not UTF-8 text"),
        "nul.csv": ("\n".join([good[0], good[1].replace(",", "\x00,", 1), *good[2:]]).encode(), "cannot score"),
        "huge.csv": (b"a,b\n" + b"x" * 200_000 + b",1\n", "not a CSV table"),
        "narrow.csv": (b"age,diagnosis\n54,1\n61,0\n", "trained on 30"),
        "text.csv": ("\n".join([good[0], "hello" + good[1][good[1].index(",") :], *good[2:]]).encode(), "hello"),
        "nan.csv": ("\n".join([good[0], "nan" + good[1][good[1].index(",") :], *good[2:]]).encode(), "NaN"),
        "random.parquet": (bytes(range(256)) * 4, "not a readable Parquet table"),
        "header-only.csv": (good[0].encode() + b"\n", "empty"),
        "one-column.csv": (b"diagnosis\n1\n0\n", "feature columns besides the target"),  # found by the fuzzer
    }
    for name, (data, says) in cases.items():
        (project / name).write_bytes(data)
        r = prov("audit", "model.joblib", "--train", name, "--holdout", holdout)
        _one_line_bad_input(r)
        assert name in r.err and says in r.err, (name, r.err)
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--train", "narrow.csv", "--holdout", holdout)
    _one_line_bad_input(r)
    assert not (project / "model.joblib.prov.json").exists()


def test_audit_tables_that_differ_from_each_other(project: Path, prov) -> None:
    train, holdout = _tables(project)
    wide = project / "wide.csv"
    wide.write_text("\n".join(line + ",1" for line in holdout.read_text().splitlines()))
    r = prov("audit", "model.joblib", "--train", train, "--holdout", wide)
    _one_line_bad_input(r)
    assert "wide.csv" in r.err


def test_bytes_after_the_pickle_are_not_ignored(project: Path, prov) -> None:
    """A second pickle appended after STOP: `pickle.load` stops early, a second load would run it."""
    import os
    import pickle

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, ("echo pwned",))

    (project / "trail.joblib").write_bytes((project / "model.joblib").read_bytes() + pickle.dumps(Payload()))
    r = prov("audit", "trail.joblib")
    assert r.code in (1, 2) and "follow the end of the pickle" in r.err
    assert len(r.err.strip().splitlines()) == 1 and "internal error" not in r.err
    assert prov("card", "trail.joblib", "--dataset", "patients-2024").code == 0
    r = prov("export", "trail.joblib", "--to", "out", *ALLOWED)
    assert r.code == 1 and "UNSAFE_PICKLE" in r.out and "follow the end" in r.out
    assert not (project / "out").exists()


def test_submodule_paths_are_judged_without_git_noise(project: Path, prov, tmp_path: Path) -> None:
    from conftest import git

    inner = tmp_path / "inner"
    inner.mkdir()
    git(inner, "init", "-q", "-b", "main")
    (inner / "a.txt").write_text("a")
    git(inner, "add", "a.txt")
    git(inner, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "x")
    git(project, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "sub")
    shutil.copy(project / "model.joblib", project / "sub" / "m.joblib")
    commit = git(inner, "rev-parse", "HEAD").strip()
    git(project, "update-index", "--add", "--cacheinfo", f"160000,{commit},link")  # a gitlink, no .gitmodules
    for args in (("check", "sub"), ("check", "sub/a.txt"), ("check", "link"), ("check", "link/x.pkl"), ("check",)):
        r = prov(*args)
        assert r.code in (0, 1) and "fatal" not in r.err + r.out and "internal error" not in r.err, (args, r)
    r = prov("check", "sub/m.joblib")
    assert r.code == 1 and "CARD_MISSING" in r.out  # named explicitly: judged from the working tree


def test_found_by_the_fuzzer(project: Path, prov, prov_home: Path) -> None:
    """Each case the CLI fuzz suite found, kept as a plain test."""
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    # A NUL byte in an argument (only the Python entry point can pass one).
    _one_line_bad_input(prov("audit", "model.joblib", "--train", "\x00"))
    # `.` as the artefact: the directory itself, by its name (not a crash on an empty name).
    r = prov("export", ".", "--to", "out", *ALLOWED)
    _one_line_bad_input(r)
    # --render --json: the rendering is not a report; say what to use instead.
    r = prov("card", "model.joblib", "--render", "--json")
    _one_line_bad_input(r)
    assert "--format json" in r.err
    # Several targets, the second bad: one line, not the first target's verdict and then an error.
    r = prov("verify", "model.joblib", "..")
    _one_line_bad_input(r)
    assert r.out == ""
    # An output under a file: no directory can be made there.
    for args in (
        ("key", "export", "default", "-o", "model.joblib/sub"),
        ("export", "model.joblib", "--to", "model.joblib/sub", *ALLOWED),
    ):
        r = prov(*args)
        _one_line_bad_input(r)
        assert "is a file, so no directory can be made there" in r.err, r.err
    # A default-key file that does not hold a key name.
    (prov_home / "default-key").write_bytes(b"\x80\xff")
    r = prov("key", "list")
    _one_line_bad_input(r)
    assert "default-key" in r.err


def test_a_refused_init_leaves_nothing(git_repo: Path, prov) -> None:
    for args, says in ((("--owner", " "), "--owner"), (("--key-name", "þGI"), "key name")):
        r = prov("init", *args)
        _one_line_bad_input(r)
        assert says in r.err and not (git_repo / ".prov").exists()


@pytest.mark.parametrize("level", ["dir", "parent"])
def test_a_target_swapped_for_a_link_after_the_check_is_refused(project: Path, prov, level: str) -> None:
    """The attacker's race: --to names a real directory when checked, then becomes a link into .prov/
    while the bundle is staged. Nothing may land in .prov/ and the ledger may not say ALLOWED."""
    import os

    from provenance.api.export import export
    from provenance.card.bundle_writer import copy_file
    from provenance.errors import UsageError
    from provenance.model.decision import Recipient

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    (project / "race").mkdir()
    to = project / "race" if level == "dir" else project / "race" / "sub"
    before = sorted(p.name for p in (project / ".prov").iterdir())

    def swap_then_copy(src: Path, dst: Path) -> None:
        os.rename(project / "race", project / "race.real")
        os.symlink(".prov", project / "race")
        copy_file(src, dst)

    recipient = Recipient(name="Team", org="Acme Hospital", purpose="research", territory="DE")
    # The directory itself: refused when the bundle is moved in. Its parent: the staging path (under the
    # link now) is gone, or the pinned parent no longer matches; either way nothing is exported.
    with pytest.raises((UsageError, FileNotFoundError)) as refused:
        export(project / "model.joblib", to, recipient, copy=swap_then_copy)
    if level == "dir":
        assert "changed while the bundle was made" in str(refused.value)
    assert sorted(p.name for p in (project / ".prov").iterdir()) == before
    assert not [e for e in _exports(project) if e["allowed"]]


def test_attacker_files_that_are_not_files(project: Path, prov) -> None:
    """Named pipes and devices: reading one waits for ever (or never ends). Refused in one line."""
    import os
    import subprocess
    import sys

    os.mkfifo(project / "pipe.yaml")
    os.mkfifo(project / "pipe.joblib")
    cases = [
        ("dataset", "add", "--manifest", "pipe.yaml"),
        ("key", "trust", "pipe.yaml"),
        ("export", "model.joblib", "--to", "out", "--recipient-file", "pipe.yaml"),
        ("audit", "pipe.joblib"),
        ("card", "pipe.joblib", "--dataset", "patients-2024"),
        ("audit", "model.joblib", "--train", "/dev/zero", "--holdout", "pipe.yaml"),
    ]
    for args in cases:
        # In a child with a time limit: a regression here hangs rather than fails.
        code = "import sys; from provenance.cli.entry import main; sys.exit(main(sys.argv[1:]))"
        r = subprocess.run([sys.executable, "-c", code, *args], cwd=project, capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
        assert "named pipe" in r.stderr or "character device" in r.stderr or "regular file" in r.stderr, r.stderr
    config = project / ".prov" / "config.yaml"
    config.unlink()
    os.mkfifo(config)
    r = subprocess.run(
        [sys.executable, "-c", code, "check", "--all"], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert r.returncode in (1, 2) and "internal error" not in r.stderr


def test_attacker_names_that_are_not_utf8(project: Path, prov) -> None:
    import os

    from conftest import git

    name = os.fsdecode(b"bad\xff\xfe.joblib")
    _no_card_for(project, prov, name, "bad\\xff\\xfe.joblib: not UTF-8")
    git(project, "add", "--", name)
    r = prov("check")
    assert r.code == 1 and "bad\\xff\\xfe.joblib: BLOCK CARD_MISSING" in r.out
    r = prov("check", "--all", "--json")
    assert r.code == 1 and "bad\\\\xff" in r.out
    (project / "dm").mkdir()
    shutil.copy(project / "model.joblib", project / "dm" / os.fsdecode(b"q\xff"))
    _one_line_bad_input(prov("card", "dm", "--dataset", "patients-2024"))


def test_attacker_odd_values(project: Path, prov, prov_home: Path, monkeypatch) -> None:
    big = "0x" + "f" * 5000
    text = (project / "patients-2024.yaml").read_text()
    for field, value in (("name: patients-2024", f"name: {big}"), ("commercial_use: false", f"commercial_use: {big}")):
        (project / "hx.yaml").write_text(text.replace(field, value))
        r = prov("dataset", "add", "--manifest", "hx.yaml")
        _one_line_bad_input(r)
        assert "integer of 20000 bits" in r.err
    for territory in ("\ufb01", "\u017fe", "\u0131e"):  # ﬁ, ſe, ıe: FI, SE, IE after Unicode upper-casing
        _one_line_bad_input(prov("export", "model.joblib", "--to", "o", *ALLOWED[:-1], territory))
    config = project / ".prov" / "config.yaml"
    good = config.read_text()
    for pattern in ("'*.[z-a]'", "'[b-a]*'", "'.'", "'..'", "'" + "x" * 300 + "'", "'[Z-a]x'"):
        config.write_text(good.replace("'*.joblib'", pattern))
        _one_line_bad_input(prov("check", "--all"))
    config.write_text(good)
    _one_line_bad_input(prov("card", "model.joblib", "--dataset", "patients-2024", "--metric", "acc\u202ex=0.9"))
    # Outputs where the file system cannot make a directory.
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    for args in (
        ("card", "model.joblib", "--render", "-o", "/proc/x/y.md"),
        ("key", "export", "default", "-o", "/proc/x"),
    ):
        _one_line_bad_input(prov(*args))
    monkeypatch.setenv("PROV_HOME", "/proc/x")
    _one_line_bad_input(prov("key", "generate", "--name", "zz"))


def test_attacker_ledger_tricks(project: Path, prov) -> None:
    import base64
    import json

    from provenance.crypto import dsse
    from provenance.store import ledger, userkeys

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    path = project / ".prov" / "ledger.jsonl"
    good = path.read_bytes()
    last = json.loads(base64.b64decode(json.loads(good.splitlines()[-1])["payload"]))
    naive = {**last, "seq": last["seq"] + 1, "time": "2026-11-26T05:00:00"}
    key = userkeys.load_private(userkeys.default_name())
    signed = dsse.sign_envelope(ledger.PAYLOAD_TYPE, json.dumps(naive).encode(), key)
    path.write_bytes(good + json.dumps(signed).encode() + b"\n")
    assert prov("key", "revoke", "default", "--reason", "test").code in (0, 1)
    r = prov("log", "--verify")
    assert r.code == 1 and "no UTC offset" in r.err and "internal error" not in r.err


def test_a_ledger_that_is_a_link_is_not_appended_to(project: Path, prov, tmp_path: Path) -> None:
    import os

    path = project / ".prov" / "ledger.jsonl"
    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    path.unlink()
    os.symlink(tmp_path / "elsewhere.jsonl", path)
    r = prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite")
    assert r.code == 2 and "symbolic link" in r.err
    assert not (tmp_path / "elsewhere.jsonl").exists()


def test_a_failed_record_puts_the_previous_model_back(project: Path) -> None:
    import joblib
    from sklearn.linear_model import LogisticRegression

    import provenance
    from provenance.errors import ProvError

    before = (project / "model.joblib").read_bytes()
    card = provenance.record(
        joblib.load(project / "model.joblib"), project / "model.joblib", datasets=["patients-2024"], overwrite=True
    )
    assert provenance.verify(project / "model.joblib").verified, card
    before = (project / "model.joblib").read_bytes()
    other = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    for kwargs in ({"datasets": ["nope"]}, {"datasets": ["patients-2024"], "key_name": "nope"}):
        with pytest.raises(ProvError):
            provenance.record(other, project / "model.joblib", overwrite=True, **kwargs)
        assert (project / "model.joblib").read_bytes() == before
        assert provenance.verify(project / "model.joblib").verified
    assert not list(project.glob(".model.joblib.prov-previous"))


def _run_child(project: Path, *args: str) -> tuple[int, str]:
    """The CLI in a child with a time limit: a regression to waiting on a pipe fails instead of hanging."""
    import subprocess
    import sys

    code = "import sys; from provenance.cli.entry import main; sys.exit(main(sys.argv[1:]))"
    r = subprocess.run([sys.executable, "-c", code, *args], cwd=project, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stderr


def test_second_round_pipes_where_prov_keeps_files(project: Path, prov, prov_home: Path) -> None:
    import os

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0

    def piped(path: Path, *args: str) -> None:
        keep = path.with_name(path.name + ".keep")
        os.rename(path, keep)
        os.mkfifo(path)
        try:
            code, err = _run_child(project, *args)
            assert code in (1, 2) and "internal error" not in err and len(err.strip().splitlines()) <= 2, (args, err)
        finally:
            path.unlink()
            os.rename(keep, path)

    piped(project / "model.joblib.prov.json", "verify", "model.joblib")
    piped(project / ".prov" / "ledger.jsonl", "log")
    piped(project / ".prov" / "ledger.jsonl", "export", "model.joblib", "--to", "out", *ALLOWED)
    piped(project / ".prov" / ".gitignore", "init", "--owner", "X")
    piped(project / ".prov" / "config.yaml", "check", "model.joblib")
    piped(prov_home / "keys" / "default.pub", "key", "list")
    piped(prov_home / "keys" / "default.key", "card", "model.joblib", "--dataset", "patients-2024", "--overwrite")
    assert not (project / "out").exists()


def test_second_round_values_and_files(project: Path, prov, prov_home: Path) -> None:
    import os
    import zipfile

    import joblib

    bad = os.fsdecode(b"a\xffb")
    for args in (("--intended-use", bad), ("--metric", f"acc={bad}"), ("--licence-link", f"http://a/{bad}")):
        _one_line_bad_input(prov("card", "model.joblib", "--dataset", "patients-2024", *args))
    _one_line_bad_input(prov("export", "model.joblib", "--to", f"o{bad}", *ALLOWED))
    # A model whose attribute holds a lone surrogate: escaped into the card, which stays strict JSON.
    model = joblib.load(project / "model.joblib")
    model.steps[-1][1].random_state = "\udc80x"
    joblib.dump(model, project / "sur.joblib")
    assert prov("card", "sur.joblib", "--dataset", "patients-2024").code == 0
    assert prov("verify", "sur.joblib").code == 0
    # A skops file nested too deeply to read: one line, not a crash.
    with zipfile.ZipFile(project / "deep.skops", "w") as z:
        z.writestr("schema.json", "[" * 200_000 + "]" * 200_000)
    r = prov("card", "deep.skops", "--dataset", "patients-2024")
    _one_line_bad_input(r)
    assert "nested too deeply" in r.err
    # A card that is a link to itself; a keys directory that is a file.
    os.symlink("loop.joblib.prov.json", project / "loop.joblib.prov.json")
    shutil.copy(project / "model.joblib", project / "loop.joblib")
    r = prov("card", "loop.joblib", "--dataset", "patients-2024")
    assert r.code == 0 and not (project / "loop.joblib.prov.json").is_symlink()  # the link is replaced
    shutil.rmtree(prov_home / "keys")
    (prov_home / "keys").write_text("x")
    _one_line_bad_input(prov("init", "--owner", "X"))


def test_second_round_outputs_that_are_not_ours_to_replace(project: Path, prov) -> None:
    import os

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    os.mkfifo(project / "pipe")
    kept = {p: (project / p).read_bytes() for p in ("model.joblib", "model.joblib.prov.json", ".prov/config.yaml")}
    for out in (*kept, ".prov/ledger.jsonl", "pipe", "/dev/null", "."):
        r = prov("card", "model.joblib", "--render", "-o", out)
        _one_line_bad_input(r)
    assert {p: (project / p).read_bytes() for p in kept} == kept
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    assert prov("card", "model.joblib", "--render", "-o", "card.md").code == 0
    assert prov("card", "model.joblib", "--render", "-o", "card.md").code == 0  # its own output: replaced


def test_a_ledger_edited_after_it_was_remembered_fails_verification(project: Path, prov) -> None:
    """`prov log --verify` remembers who signed the lines it checked (sealed cache); an edit made after
    that, in the remembered part, is still found, with and without --recheck."""
    import base64
    import json

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    assert prov("card", "model.joblib", "--dataset", "patients-2024", "--overwrite").code == 0
    assert prov("log", "--verify").code == 0
    assert prov("log", "--verify").code == 0  # from what it remembered
    path = project / ".prov" / "ledger.jsonl"
    lines = path.read_bytes().splitlines()
    env = json.loads(lines[0])
    body = json.loads(base64.b64decode(env["payload"]))
    env["payload"] = base64.b64encode(json.dumps({**body, "artefact": "innocent.joblib"}).encode()).decode()
    path.write_bytes(b"\n".join([json.dumps(env, separators=(",", ":")).encode(), *lines[1:]]) + b"\n")
    for args in ((), ("--recheck",)):
        r = prov("log", "--verify", *args)
        assert r.code == 1 and "line 1: signature invalid" in r.err, (args, r.err)
    r = prov("log", "--recheck")
    assert r.code == 2 and "--recheck goes with --verify" in r.err
