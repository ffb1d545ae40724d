"""Fixtures for the national forecast: the real national sources read by path (never copied)."""

from __future__ import annotations

import pytest

from mpp.national.sources import load_observations
from mpp.spec import load_national_config


@pytest.fixture(scope="session")
def national_dir(real_dir):
    d = real_dir
    if not d.is_dir():
        pytest.skip(f"real data not found at {d}")
    return d


@pytest.fixture(scope="session")
def national_cfg():
    return load_national_config()


@pytest.fixture(scope="session")
def national_obs(national_cfg, national_dir):
    return load_observations(national_cfg, national_dir)
