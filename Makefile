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

bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/bench_digest.py
	$(BIN)/python benchmarks/bench_privacy.py
	$(BIN)/python benchmarks/bench_attacks.py
	$(BIN)/python benchmarks/bench_hook.py
	$(BIN)/python benchmarks/bench_load.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/bench_gate.py
	$(BIN)/python benchmarks/bench_governance.py
	$(BIN)/python -m pip install --quiet "model-signing>=1.1" pyOpenSSL
	$(BIN)/python benchmarks/bench_model_signing.py
	$(BIN)/python -m pip install --quiet ".[oci]" pytest
	$(BIN)/python benchmarks/bench_oci_push.py

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
