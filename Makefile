# The two set-up commands of the README are `make demo` and `make test`; everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
# Exact versions of every dependency (pip-tools); `make lock` regenerates it after pyproject.toml changes.
LOCK := requirements.lock

.PHONY: install demo test test-all bench system-deps lint lock

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]' -c $(LOCK)
	touch $(STAMP)

install: $(STAMP)

# System packages that some tests need (PostgreSQL for the MLflow server test, Chromium for the report test).
system-deps:
	bash scripts/install-system-deps.sh

# Main job: the monthly pipeline on the packaged snapshot of the public sources (real data, no network): the
# national table (every stream and the total, this year + 2, four bands), the panel bands, occupancy, the report.
demo: install
	$(BIN)/mpp monthly

# Linters and the type checker (configured in pyproject.toml), then the suite.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# CI (.ci/run): lint, type check, then the suite without the slow end-to-end runs (one of each kind stays in) and
# without the tests of the wide panels that the packaged snapshot leaves out. Real data: the packaged snapshot only.
test: install system-deps lint
	$(BIN)/python -m pytest -n 2 -q -m "not slow and not shared_data"

# Everything: the slow end-to-end runs too, and the wide-panel tests (they read ../shared/data/real or $$MPP_REAL_DATA).
test-all: install system-deps lint
	$(BIN)/python -m pytest -n 2 -q

# After adding or changing a dependency in pyproject.toml: regenerate the lock file and commit both.
lock: install
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links -o $(LOCK) pyproject.toml

bench: install
	$(BIN)/python benchmarks/run.py
