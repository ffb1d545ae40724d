"""Shared test fixtures. Real public data is read from the snapshot that ships inside the package
(src/mpp/resources/snapshot/<date>/, verified against its sha256s once per session): `make test` needs nothing
outside the repository, and a missing snapshot file is a failure, never a skip. The wide cross-learning panels
that the snapshot leaves out are read from ../shared/data/real (or $MPP_REAL_DATA) by tests marked `shared_data`,
which run in `make test-all` and skip elsewhere with the reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mpp.data.snapshot import packaged_snapshot, verify_snapshot

REPO = Path(__file__).resolve().parents[1]
REFERENCE = packaged_snapshot()
REAL = REFERENCE / "real"
CBS_MONTHLY_7NAT = REAL / "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"
#: the full shared real data (wide panels); only tests marked shared_data read it
SHARED_REAL = Path(os.environ.get("MPP_REAL_DATA") or REPO.parent / "shared" / "data" / "real")


@pytest.fixture(scope="session")
def real_dir() -> Path:
    verify_snapshot(REFERENCE)  # a missing or changed file fails here, naming it
    return REAL


@pytest.fixture(scope="session")
def reference_dir(real_dir) -> Path:
    """The snapshot in the reference-data layout (real/, mpp_published.csv, realised_totals.csv, ...)."""
    return REFERENCE


@pytest.fixture(scope="session")
def shared_real_dir() -> Path:
    """The wide panels outside the snapshot (tests marked shared_data: make test-all)."""
    if not SHARED_REAL.is_dir():
        pytest.skip(f"wide real panels not found at {SHARED_REAL} (outside the packaged snapshot; make test-all)")
    return SHARED_REAL


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
