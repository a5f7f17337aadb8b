# Two entry points, each self-contained on a fresh clone: `make demo` and `make test`.
# Both create .venv (if missing) and install prov into it non-editably, exactly as a user would.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test schemas bench bench-differential bench-gate-differential fuzz-cli compare-scanners clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	PATH="$(CURDIR)/$(BIN):$$PATH" bash examples/hospital/run.sh

test: $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test]"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd $(CURDIR) && $(BIN)/pytest

schemas: $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	$(BIN)/python -m provenance.schemas_export schemas

# One table: every benchmark's rows, prov beside the peer measured in the same run (benchmarks/run.py).
# BENCH_ARGS="--quick" for a smoke run, "--only card,gate" for some of them.
bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[oci]" "model-signing>=1.1" pyOpenSSL pytest \
	  "adversarial-robustness-toolbox>=1.17" packaging
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/run.py $(BENCH_ARGS)

bench-differential: $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test]"
	$(BIN)/python benchmarks/bench_differential.py --examples 20000

fuzz-cli: $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test]"
	$(BIN)/python benchmarks/fuzz_cli.py --examples 400

bench-gate-differential: $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test]"
	$(BIN)/python benchmarks/bench_gate_differential.py --examples 300

# The scanners are compared, not depended on: they live in their own virtual environment.
compare-scanners: $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test]"
	test -x .venv-scanners/bin/python || $(PYTHON) -m venv .venv-scanners
	.venv-scanners/bin/python -m pip install --quiet picklescan modelscan fickling typing_extensions
	$(BIN)/python benchmarks/compare_scanners.py --scanners .venv-scanners/bin

clean:
	rm -rf $(VENV) .venv-scanners build dist examples/hospital/work
