"""Fixtures for the national forecast: the real national sources of the packaged snapshot."""

from __future__ import annotations

import pytest

from mpp.national.sources import load_observations
from mpp.spec import load_national_config


@pytest.fixture(scope="session")
def national_dir(real_dir):
    return real_dir  # the packaged snapshot, verified: a missing file fails, never skips


@pytest.fixture(scope="session")
def national_cfg():
    return load_national_config()


@pytest.fixture(scope="session")
def national_obs(national_cfg, national_dir):
    return load_observations(national_cfg, national_dir)
