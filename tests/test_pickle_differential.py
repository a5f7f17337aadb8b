"""Differential: whenever the card's inspection says safe, plain joblib.load of the same bytes resolves
nothing outside the construction table and does not crash (see tests/differential.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from differential import PlainLoader, check_one, mutated, opcode_streams, seeds
from hypothesis import HealthCheck, given, settings

EXAMPLES = int(os.environ.get("PROV_DIFFERENTIAL_EXAMPLES", "300"))
_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def loader() -> Iterator[PlainLoader]:
    plain = PlainLoader()
    yield plain
    plain.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    return seeds(tmp_path_factory.mktemp("seeds"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("differential") / "case.joblib"


def test_seeds_are_safe_and_agree(base: list[bytes], scratch: Path, loader: PlainLoader) -> None:
    assert all(check_one(data, scratch, loader) == "safe" for data in base)


def test_mutated_real_files(base: list[bytes], scratch: Path, loader: PlainLoader) -> None:
    outcomes: list[str] = []

    @_SETTINGS
    @given(data=mutated(base))
    def run(data: bytes) -> None:
        outcomes.append(check_one(data, scratch, loader))

    run()
    assert "safe" in outcomes and "refused" in outcomes  # the property was exercised both ways


def test_generated_opcode_streams(scratch: Path, loader: PlainLoader) -> None:
    outcomes: list[str] = []

    @_SETTINGS
    @given(data=opcode_streams())
    def run(data: bytes) -> None:
        outcomes.append(check_one(data, scratch, loader))

    run()
    assert "safe" in outcomes and "refused" in outcomes
