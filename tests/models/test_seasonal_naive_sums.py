"""Regression: the seasonal naive reference keeps its point forecast in 12-month sums.

Independent log-scale shocks per month made the median of a path's 12-month sum sit far above last year's
total (538 against 355 on a real series), so the reference lost to everything in the backtest for no reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.models import forecast_series
from mpp.models.variants import VariantSpec


def test_seasonal_naive_median_annual_sum_is_last_years_total():
    rng = np.random.default_rng(4)
    idx = pd.period_range("2015-01", periods=96, freq="M")
    level = np.exp(np.cumsum(rng.normal(0, 0.15, 96)))
    y = pd.Series(5 * np.round(40 * level * (1 + 0.3 * np.sin(np.arange(96) * 2 * np.pi / 12)) / 5), index=idx)
    fc = forecast_series(y, 36, 4000, VariantSpec(family="seasonal_naive"), seed=3)
    last = y.iloc[-12:].sum()
    for year in range(3):
        sums = fc.paths[12 * year : 12 * (year + 1)].sum(axis=0)
        assert abs(np.median(sums) / last - 1) < 0.03
    # uncertainty grows with the years
    widths = [np.subtract(*np.quantile(fc.paths[12 * k : 12 * (k + 1)].sum(axis=0), [0.95, 0.05])) for k in range(3)]
    assert widths[0] < widths[1] < widths[2]


def test_seasonal_naive_months_repeat_last_year_in_the_median():
    idx = pd.period_range("2018-01", periods=60, freq="M")
    pattern = np.array([50, 40, 45, 60, 80, 90, 120, 130, 100, 70, 60, 55], float)
    noise = np.random.default_rng(1).normal(0, 0.1, 60)
    y = pd.Series(np.round(np.tile(pattern, 5) * np.exp(noise)), index=idx)
    fc = forecast_series(y, 12, 4000, VariantSpec(family="seasonal_naive"), seed=0)
    np.testing.assert_allclose(np.median(fc.paths, axis=1), y.iloc[-12:].to_numpy(), rtol=0.08)
