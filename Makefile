# The two set-up commands of the README are `make demo` and `make test`; everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
# Exact versions of every dependency (pip-tools); `make lock` regenerates it after pyproject.toml changes.
LOCK := requirements.lock

.PHONY: install demo test bench system-deps lint lock

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]' -c $(LOCK)
	touch $(STAMP)

install: $(STAMP)

# System packages that some tests need (PostgreSQL for the MLflow server test, Chromium for the report test).
system-deps:
	bash scripts/install-system-deps.sh

# Main job: the monthly pipeline on the bundled sample data, ending with the bands table.
demo: install
	$(BIN)/mpp monthly

# Linters and the type checker (configured in pyproject.toml), then the suite.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install system-deps lint
	$(BIN)/python -m pytest -n 2 -q

# After adding or changing a dependency in pyproject.toml: regenerate the lock file and commit both.
lock: install
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links -o $(LOCK) pyproject.toml

bench: install
	$(BIN)/python benchmarks/run.py
