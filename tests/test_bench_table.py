"""benchmarks/_table.py (ratio, verdict both ways, alignment) and benchmarks/run.py's exit status, with fake
benchmark modules: no real benchmark runs here."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


run = _load("bench_run", BENCH / "run.py")  # puts benchmarks/ on sys.path and imports _table from there
_table = sys.modules["_table"]
Row, table = _table.Row, _table.table


# --- Row ---------------------------------------------------------------------------------------------


def test_ratio_is_prov_over_peer_and_absent_without_a_peer_value() -> None:
    assert Row("start-up", 0.08, "s", "python -c pass", 0.02).ratio == pytest.approx(4.0)
    assert Row("push", 50.0, "MB/s", "curl", 100.0, higher_is_better=True).ratio == pytest.approx(0.5)
    assert Row("scan", 1.0, "s").ratio is None
    assert Row("scan", 1.0, "s", "peer", None).ratio is None
    assert Row("scan", 1.0, "s", "peer", 0.0).ratio is None


def test_lower_is_better_against_a_peer_the_limit_is_on_the_ratio() -> None:
    assert Row("help", 2.0, "s", "python -c pass", 0.5, limit=4).passed is True  # exactly at the limit
    assert Row("help", 2.1, "s", "python -c pass", 0.5, limit=4).passed is False
    assert Row("help", 0.1, "s", "python -c pass", 0.5, limit=4).passed is True
    # prov's own figure is far above 4, but the target is on the ratio
    assert Row("card", 10.0, "s", "python -c pass", 5.0, limit=4).passed is True


def test_higher_is_better_against_a_peer() -> None:
    assert Row("push", 90.0, "MB/s", "curl", 100.0, limit=0.9, higher_is_better=True).passed is True
    assert Row("push", 80.0, "MB/s", "curl", 100.0, limit=0.9, higher_is_better=True).passed is False
    assert Row("push", 120.0, "MB/s", "curl", 100.0, limit=0.9, higher_is_better=True).passed is True


def test_without_a_peer_the_limit_is_on_prov_s_figure_both_ways() -> None:
    assert Row("cards", 600.0, "cards/s", limit=500, higher_is_better=True).passed is True
    assert Row("cards", 400.0, "cards/s", limit=500, higher_is_better=True).passed is False
    assert Row("warm", 0.4, "s", limit=0.5).passed is True
    assert Row("warm", 0.6, "s", limit=0.5).passed is False
    assert Row("blobs", 0, "blobs", limit=0).passed is True
    assert Row("blobs", 1, "blobs", limit=0).passed is False


def test_no_verdict_without_a_limit_or_without_the_peer_s_figure() -> None:
    assert Row("scan", 3.0, "s").passed is None
    assert Row("audit", 3.0, "s", "ART", 1.0).passed is None
    assert Row("help", 3.0, "s", "python -c pass", None, limit=4).passed is None


def test_target_text() -> None:
    assert Row("help", 1.0, "s", "python -c pass", 0.5, limit=4).target() == "<= 4x"
    assert Row("push", 1.0, "MB/s", "curl", 1.0, limit=0.9, higher_is_better=True).target() == ">= 0.9x"
    assert Row("cards", 1.0, "cards/s", limit=500, higher_is_better=True).target() == ">= 500 cards/s"
    assert Row("warm", 1.0, "s", limit=0.5).target() == "<= 0.5 s"
    assert Row("scan", 1.0, "s").target() == ""


# --- table -------------------------------------------------------------------------------------------

ROWS = [
    Row("prov --help", 0.0273, "s", "python -c pass", 0.0218, limit=4),
    Row("prov verify, 1,000 small cards in one call", 397.0, "cards/s", limit=500, higher_is_better=True),
    Row("x", 12345.678, "MB/s", "curl -T", 123.4, limit=0.9, higher_is_better=True),
    Row("verbatim scan", 3.2, "s"),
]


def _spans(rule: str) -> list[tuple[int, int]]:
    spans, i = [], 0
    for dashes in rule.split("  "):
        spans.append((i, i + len(dashes)))
        i += len(dashes) + 2
    return spans


def test_table_columns_line_up() -> None:
    lines = table(ROWS).splitlines()
    head, rule, *body = lines
    assert len(body) == len(ROWS)
    assert head.split()[:2] == ["benchmark", "prov"]
    spans = _spans(rule)
    assert len(spans) == 7
    right = {1, 3, 4}  # prov, peer value, ratio
    for line in [head, *body]:
        assert len(line) <= len(rule)
        padded = line.ljust(len(rule))
        for column, (start, end) in enumerate(spans):
            cell = padded[start:end]
            if column + 1 < len(spans):
                assert padded[end : end + 2] == "  ", (line, column)  # the gap between columns is blank
            if not cell.strip():
                continue
            if column in right:
                assert not cell.endswith(" "), (line, column)
            else:
                assert not cell.startswith(" "), (line, column)
    help_line, cards_line, x_line, scan_line = body
    ratio = spans[4]
    assert help_line[ratio[0] : ratio[1]].strip() == "1.25x"
    assert help_line.rstrip().endswith("<= 4x           PASS")
    assert cards_line.rstrip().endswith(">= 500 cards/s  FAIL")
    assert x_line[spans[1][0] : spans[1][1]].strip() == "12,346 MB/s"
    assert x_line.rstrip().endswith("PASS")
    assert scan_line.rstrip().endswith("3.20 s")  # no peer, no target, no verdict


# --- run.py ------------------------------------------------------------------------------------------

FAKES = {
    "bench_ok": """
from _table import Row
def rows(quick=False):
    return [Row(f"fast thing quick={quick}", 1.0, "s", "python -c pass", 0.5, limit=4), Row("no target", 2.0, "s")]
""",
    "bench_fail": """
from _table import Row
def rows(quick=False):
    return [Row("slow thing", 9.0, "s", "python -c pass", 0.5, limit=4)]
""",
    "bench_boom": """
def rows(quick=False):
    raise RuntimeError("the benchmark broke")
""",
    "bench_nopeer": """
def rows(quick=False):
    raise SystemExit("openssl not found: it is the yardstick")
""",
    "bench_norows": """
def rows(quick=False):
    return []
""",
    "bench_noapi": """
def main():
    return 0
""",
    "bench_noisy": """
import os
from _table import Row
def rows(quick=False):
    print("chatter that is not the table")
    os.system("echo child chatter")
    os.environ["PROV_BENCH_LEAK"] = "1"
    os.chdir("/")
    return [Row("noisy", 1.0, "s", limit=2)]
""",
}


@pytest.fixture
def fakes(tmp_path: Path) -> Path:
    for name, text in FAKES.items():
        (tmp_path / f"{name}.py").write_text(text)
    return tmp_path


def _main(fakes: Path, *names: str, quick: bool = False) -> int:
    argv = ["--quick"] if quick else []
    return run.main(argv, modules=names, directory=fakes)


def test_all_rows_pass_is_0(fakes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(fakes, "bench_ok", quick=True) == 0
    out, err = capsys.readouterr()
    assert "[bench_ok]" in out
    assert "fast thing quick=True" in out
    assert "2 rows: 1 PASS, 0 FAIL, 1 without a target" in out
    assert "bench_ok: 2 rows" in err


def test_a_failed_row_is_1(fakes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(fakes, "bench_ok", "bench_fail") == 1
    out = capsys.readouterr().out
    assert "FAIL" in out
    assert out.index("[bench_ok]") < out.index("fast thing") < out.index("[bench_fail]") < out.index("slow thing")


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("bench_boom", "RuntimeError: the benchmark broke"),
        ("bench_nopeer", "openssl not found: it is the yardstick"),
        ("bench_norows", "no rows"),
        ("bench_noapi", "has no rows(quick)"),
        ("bench_missing", "bench_missing.py does not exist"),
    ],
)
def test_a_module_that_cannot_run_is_2_and_the_others_still_run(
    fakes: Path, capsys: pytest.CaptureFixture[str], name: str, why: str
) -> None:
    assert _main(fakes, name, "bench_ok") == 2
    out, err = capsys.readouterr()
    assert f"[{name}] NOT RUN: " in out
    assert why in out
    assert why in err
    assert "fast thing" in out
    assert f"not run: {name}" in out


def test_not_run_wins_over_a_failed_row(fakes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(fakes, "bench_fail", "bench_boom") == 2
    out = capsys.readouterr().out
    assert "1 FAIL" in out
    assert "not run: bench_boom" in out


def test_a_module_s_chatter_goes_to_stderr_and_its_environment_is_put_back(
    fakes: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    cwd = os.getcwd()
    assert _main(fakes, "bench_noisy") == 0
    out, err = capfd.readouterr()
    assert "chatter" not in out
    assert "chatter that is not the table" in err
    assert "child chatter" in err
    assert "[bench_noisy]" in out
    assert "PROV_BENCH_LEAK" not in os.environ
    assert os.getcwd() == cwd


def test_only_picks_modules_in_the_driver_s_order(fakes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["--only", "fail,bench_ok"], modules=("bench_ok", "bench_boom", "bench_fail"), directory=fakes) == 1
    out = capsys.readouterr().out
    assert "bench_boom" not in out
    assert out.index("[bench_ok]") < out.index("[bench_fail]")
    with pytest.raises(SystemExit) as e:
        run.main(["--only", "nosuch"], modules=("bench_ok",), directory=fakes)
    assert e.value.code == 2


def test_the_driver_lists_every_benchmark() -> None:
    assert run.MODULES == (
        "bench_card",
        "bench_digest",
        "bench_model_signing",
        "bench_ledger",
        "bench_gate",
        "bench_hook",
        "bench_load",
        "bench_privacy",
        "bench_attacks",
        "bench_governance",
        "bench_oci_push",
    )
