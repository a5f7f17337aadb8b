"""Bad input never becomes an internal error (issue 11): the CLI fuzzed with a fixed seed.

Every command and option click knows, with values that are negative, NaN, infinite, huge, dates that do
not exist, territories and licences that do not exist, paths of every kind; before a third of the
runs one of the files prov reads (manifests, config, keys, revocations, cards, export records, ledger,
CSV tables, the private key) is replaced by random bytes or YAML, mutated in place, truncated, removed,
or changed and validly re-signed. See ``cli_fuzz.py`` for the properties. A longer run with other
seeds: ``python benchmarks/fuzz_cli.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_fuzz import Command, commands, examples, run_example, template_in
from hypothesis import HealthCheck, given, settings

EXAMPLES_PER_COMMAND = 25
COMMANDS = commands()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return template_in(tmp_path_factory.mktemp("fuzz-template"))


def test_every_command_is_fuzzed() -> None:
    labels = {c.label for c in COMMANDS}
    assert {"card", "verify", "export", "audit", "check", "log", "init", "dataset add", "key trust"} <= labels


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.label.replace(" ", "-"))
def test_the_cli_keeps_its_contract(command: Command, template: Path, tmp_path: Path) -> None:
    @settings(
        max_examples=EXAMPLES_PER_COMMAND,
        derandomize=True,  # a fixed seed in CI: the same examples every run
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(examples(command))
    def check(example) -> None:  # type: ignore[no-untyped-def]
        problems = run_example(example, template, tmp_path / "run")
        assert not problems, f"{example}: {problems}"

    check()
