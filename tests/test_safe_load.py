"""Safe loading: malicious files never execute and are refused; benign models load."""

from __future__ import annotations

from pathlib import Path

import pytest
from pickle_corpus import benign, build

from provenance.analysis import safe_load
from provenance.analysis.safe_load import UnsafePickleError, load_model


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
        with pytest.raises(UnsafePickleError) as info:
            load_model(path)
        assert info.value.offenders, name
        assert not canary.exists(), f"{name} executed"


def test_gate_holds_at_load_time_without_the_prescan(corpus) -> None:  # type: ignore[no-untyped-def]
    """The symbolic pre-scan is a report; the unpickler's find_class refuses on its own."""
    files, canary = corpus
    for name, path in files.items():
        with pytest.raises(UnsafePickleError):
            safe_load._load_joblib(path, trust=False)
        assert not canary.exists(), f"{name} executed with the pre-scan bypassed"


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


def test_trust_pickle_is_the_only_way_round(tmp_path: Path) -> None:
    import pickle

    import numpy as np

    path = tmp_path / "m.pkl"
    path.write_bytes(pickle.dumps({"f": np.save}))  # a reference, harmless here, but not on the list
    with pytest.raises(UnsafePickleError):
        load_model(path)
    assert load_model(path, trust_pickle=True)["f"] is np.save


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
