"""Safe loading: malicious files never execute and are refused; benign models load; the guard holds."""

from __future__ import annotations

import contextlib
import pickle
import socket
from pathlib import Path

import numpy as np
import pytest
from pickle_corpus import benign, build

from provenance.analysis.pickles import guard
from provenance.analysis.pickles.build import BuildError
from provenance.analysis.pickles.build import build as build_graph
from provenance.analysis.pickles.judge import Verdict
from provenance.analysis.pickles.reader import parse_file
from provenance.analysis.safe_load import UnsafePickleError, inspect_pickle, load_model


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], Path]:
    d = tmp_path_factory.mktemp("evil")
    canary = d / "CANARY"
    return build(d, canary), canary


@pytest.fixture(scope="module")
def benign_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return benign(tmp_path_factory.mktemp("benign"))


def test_every_malicious_file_is_refused_and_nothing_runs(corpus) -> None:  # type: ignore[no-untyped-def]
    files, canary = corpus
    assert len(files) >= 25
    for name, path in files.items():
        assert not inspect_pickle(path).safe, name
        with pytest.raises(UnsafePickleError) as info:
            load_model(path)
        assert info.value.offenders, name
        assert not canary.exists(), f"{name} executed"


def test_the_builder_never_builds_what_the_judge_refused(corpus) -> None:  # type: ignore[no-untyped-def]
    """The gate is one: the builder itself refuses a graph whose names are outside the table."""
    files, canary = corpus
    for name, path in files.items():
        try:
            parse = parse_file(path)
        except ValueError:
            continue  # cannot even be parsed exactly
        with pytest.raises(BuildError):
            build_graph(parse, Verdict())
        assert not canary.exists(), f"{name} executed with the judge bypassed"


def test_offenders_are_named(corpus) -> None:  # type: ignore[no-untyped-def]
    files, _ = corpus
    with pytest.raises(UnsafePickleError) as info:
        load_model(files["object_array_after_numeric_c3.joblib"])
    assert "posix.system" in info.value.offenders or "nt.system" in info.value.offenders
    with pytest.raises(UnsafePickleError) as info:
        load_model(files["numpy_load_allow_pickle.pkl"])
    assert info.value.offenders == ["numpy.load"]
    with pytest.raises(UnsafePickleError) as info:
        load_model(files["joblib_load_reentry.pkl"])
    assert "joblib.numpy_pickle.load" in info.value.offenders


def test_benign_models_load_with_no_false_alarm(benign_corpus) -> None:  # type: ignore[no-untyped-def]
    for name, path in benign_corpus.items():
        model = load_model(path)
        assert hasattr(model, "fit") or hasattr(model, "transform"), name


def test_loaded_models_predict_as_the_originals(tmp_path: Path) -> None:
    import joblib
    from sklearn.datasets import load_iris
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.neighbors import KNeighborsClassifier

    x, y = load_iris(return_X_y=True)
    for model in (
        RandomForestClassifier(10, random_state=0).fit(x, y),
        HistGradientBoostingClassifier(max_iter=10).fit(x, y),
        KNeighborsClassifier(algorithm="ball_tree").fit(x, y),
    ):
        for save in (
            lambda p, m=model: joblib.dump(m, p, compress=3),
            lambda p, m=model: p.write_bytes(pickle.dumps(m)),
        ):
            path = tmp_path / "m.bin"
            save(path)
            loaded = load_model(path)
            assert type(loaded) is type(model)
            assert np.array_equal(loaded.predict_proba(x), model.predict_proba(x))


def test_trust_pickle_is_the_only_way_round(tmp_path: Path) -> None:
    path = tmp_path / "m.pkl"
    path.write_bytes(pickle.dumps({"f": np.save}))  # a reference, harmless here, but not in the table
    with pytest.raises(UnsafePickleError):
        load_model(path)
    assert load_model(path, trust_pickle=True)["f"] is np.save


@pytest.mark.parametrize(
    "action",
    [
        lambda: socket.create_connection(("127.0.0.1", 9), timeout=0.1),
        lambda: open("/etc/hostname"),  # noqa: SIM115
        lambda: __import__("subprocess").run(["true"], check=False),
        lambda: exec("1 + 1"),
        lambda: __import__("ctypes").CDLL(None),
        lambda: __import__("os").remove("/nonexistent-prov-test"),
    ],
    ids=["socket", "open", "process", "exec", "ctypes", "remove"],
)
def test_the_guard_refuses_what_a_load_never_needs(action) -> None:  # type: ignore[no-untyped-def]
    with guard.guarded() as tripped, pytest.raises(guard.GuardTripped):
        action()
    assert tripped


def test_the_guard_remembers_a_trip_that_code_swallowed() -> None:
    with guard.guarded() as tripped, contextlib.suppress(Exception):
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)
    assert tripped


def test_the_guard_is_off_outside_a_load_and_in_other_threads() -> None:
    import threading

    with open(__file__, "rb") as f:  # outside: nothing refused
        f.read(1)
    seen: list[bool] = []
    with guard.guarded():
        t = threading.Thread(target=lambda: seen.append(bool(guard._ACTIVE.get())))
        with guard.suspended():
            t.start()
        t.join()
    assert seen == [False]


def test_cli_card_on_malicious_file_runs_nothing(corpus, project: Path, prov) -> None:  # type: ignore[no-untyped-def]
    import shutil

    files, canary = corpus
    shutil.copy(files["os_system_lz4.joblib"], project / "evil.joblib")
    r = prov("card", "evil.joblib", "--dataset", "patients-2024")
    assert not canary.exists()
    assert r.code == 0 and "UNSAFE_PICKLE" in r.err  # signed with the offenders on record, never loaded


def test_prov_audit_refuses_unsafe_pickle_with_one_line(corpus, project: Path, prov) -> None:  # type: ignore[no-untyped-def]
    import shutil

    files, canary = corpus
    shutil.copy(files["numpy_load_allow_pickle.pkl"], project / "evil.pkl")
    r = prov("audit", "evil.pkl")
    assert r.code == 1 and "numpy.load" in r.err and "--trust-pickle" in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert not canary.exists()
