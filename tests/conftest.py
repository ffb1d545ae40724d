"""Shared test fixtures. Real public data is read by path from ../shared/data/real (never copied here)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REAL = SHARED / "data" / "real"
CBS_MONTHLY_7NAT = REAL / "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"


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
