# The two set-up commands of the README are `make demo` and `make test`; everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp

.PHONY: install demo test bench system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# System packages that some tests need (PostgreSQL for the MLflow server test, Chromium for the report test).
system-deps:
	bash scripts/install-system-deps.sh

# Main job: the monthly pipeline on the bundled sample data, ending with the bands table.
demo: install
	$(BIN)/mpp monthly

test: install system-deps
	$(BIN)/python -m pytest -n 2 -q

bench: install
	$(BIN)/python benchmarks/run.py
