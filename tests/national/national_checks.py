"""Checks shared by the national tests."""

from __future__ import annotations

import numpy as np


def assert_months_quarters_years(fc) -> None:
    """Every series of a NationalForecast: months sum to its quarters and quarters to its years on every path."""
    quarters, q = fc.quarterly()
    years, y = fc.annual()
    for k, qk in enumerate(quarters):
        np.testing.assert_allclose(q[:, k], fc.paths[:, fc.months.asfreq("Q") == qk].sum(axis=1), atol=1e-6)
    for j, year in enumerate(years):
        np.testing.assert_allclose(y[:, j], q[:, quarters.year == year].sum(axis=1), atol=1e-6)
