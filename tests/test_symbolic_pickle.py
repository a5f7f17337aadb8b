"""Artefact facts come from a symbolic read: code named in a pickle is reported, never run."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import joblib
import numpy as np
import pytest

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
