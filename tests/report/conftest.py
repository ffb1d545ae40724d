"""Fixtures of the report tests: synthetic run directories made from lognormal sample paths (see runfixture.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from runfixture import make_run, stub_charts  # noqa: E402


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """A run with every optional part: occupancy, backtest, MLflow run id."""
    return make_run(tmp_path_factory.mktemp("run") / "2025-06", seed=1, cutoff="2025-06", horizon=30)


@pytest.fixture(scope="session")
def previous_run_dir(tmp_path_factory) -> Path:
    """The previous run, half a year earlier, without optional parts; its horizon ends mid-2027."""
    return make_run(
        tmp_path_factory.mktemp("run") / "2024-12", seed=2, cutoff="2024-12", horizon=30, with_optional=False
    )


@pytest.fixture(scope="session")
def minimal_run_dir(tmp_path_factory) -> Path:
    """A run with only the required files (no history, occupancy, backtest)."""
    d = make_run(tmp_path_factory.mktemp("run") / "minimal", seed=3, with_optional=False)
    (d / "history.csv").unlink()
    return d


@pytest.fixture()
def no_charts(monkeypatch):
    """Charts are not drawn (see runfixture.stub_charts): for tests of the text of a page."""
    stub_charts(monkeypatch)
