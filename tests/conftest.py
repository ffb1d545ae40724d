"""Shared test fixtures. Real public data is read by path (never copied here) from the project's reference
data: `$MPP_REFERENCE_DATA`, else `reference_data` of [tool.mpp] in pyproject.toml (../shared/data beside the
checkout). In a git worktree elsewhere, run with MPP_REFERENCE_DATA=/path/to/shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mpp.project import REFERENCE_ENV, Project

REPO = Path(__file__).resolve().parents[1]
REFERENCE = Project.discover(REPO).reference_data or REPO.parent / "shared" / "data"
SHARED = REFERENCE.parent
REAL = REFERENCE / "real"
CBS_MONTHLY_7NAT = REAL / "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"
# Commands run by the tests (also in subprocesses) find the same reference data.
os.environ.setdefault(REFERENCE_ENV, str(REFERENCE))


@pytest.fixture(scope="session")
def real_dir() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"real data not found at {REAL}")
    return REAL


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared folder not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def cbs_monthly_path(real_dir) -> Path:
    return CBS_MONTHLY_7NAT


FAST_VARIANTS_YAML = """default: drift
variants:
  baseline: {family: seasonal_naive}
  drift: {family: drift}
"""


@pytest.fixture()
def make_fast_config(tmp_path, monkeypatch):
    """Factory: an MPP_CONFIG_DIR with a small bottom-up forecast config, the two cheap variants baseline and
    drift, and any extra files ({name: text}); returns the folder."""

    def make(horizon="auto", n_samples=200, extra=None) -> Path:
        d = tmp_path / "config"
        d.mkdir()
        (d / "forecast.yaml").write_text(
            f"horizon: {horizon}\nn_samples: {n_samples}\n"
            "quantiles: {minimum: 0.05, median: 0.5, medio: 0.67, maximum: 0.95}\n"
            "reconciliation: bottom_up\ndependence: false\npooling: {top_n: 15, window_months: 24}\n"
            "parallel: {workers: 1, backend: processes}\n"
        )
        (d / "variants.yaml").write_text(FAST_VARIANTS_YAML)
        for name, text in (extra or {}).items():
            (d / name).write_text(text)
        monkeypatch.setenv("MPP_CONFIG_DIR", str(d))
        return d

    return make
