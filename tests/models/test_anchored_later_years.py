"""`later_years: last_year` (the `anchored` default): robust in the first year, later years anchored on the
last observed 12-month total."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.models import forecast_series
from mpp.models.variants import VariantSpec


def _series() -> pd.Series:
    rng = np.random.default_rng(7)
    idx = pd.period_range("2015-01", periods=120, freq="M")
    season = 1 + 0.3 * np.sin(np.arange(120) * 2 * np.pi / 12)
    level = np.exp(np.cumsum(rng.normal(0, 0.08, 120)))
    y = 60 * level * season
    y[-3:] *= 1.8  # a recent jump: the first year follows it, later years revert to the last 12 months
    return pd.Series(5 * np.round(y / 5), index=idx)


def test_first_year_is_exactly_robust():
    y = _series()
    a = forecast_series(y, 12, 500, VariantSpec(family="robust", later_years="last_year"), seed=4)
    r = forecast_series(y, 12, 500, VariantSpec(family="robust"), seed=4)
    np.testing.assert_array_equal(a.paths, r.paths)


def test_later_years_are_anchored_on_the_last_12_months():
    y = _series()
    last = y.iloc[-12:].sum()
    a = forecast_series(y, 36, 4000, VariantSpec(family="robust", later_years="last_year"), seed=1)
    chained = forecast_series(y, 36, 4000, VariantSpec(family="robust"), seed=1)
    year1 = np.median(a.paths[:12].sum(axis=0))
    year3 = np.median(a.paths[24:36].sum(axis=0))
    assert year1 > 1.2 * last  # the recent jump carries the first year
    assert abs(year3 / last - 1) < abs(np.median(chained.paths[24:36].sum(axis=0)) / last - 1)
    assert abs(year3 / last - 1) < 0.2
    assert (a.paths >= 0).all() and np.isfinite(a.paths).all()


def test_mean_centred_later_years_keep_the_mean_total_level():
    y = _series()
    spec = VariantSpec(family="robust", later_years="last_year", later_center="mean")
    median_spec = VariantSpec(family="robust", later_years="last_year")
    a = forecast_series(y, 36, 8000, spec, seed=2)
    m = forecast_series(y, 36, 8000, median_spec, seed=2)
    year2, year3 = a.paths[12:24].sum(axis=0), a.paths[24:36].sum(axis=0)
    # the first-year shock still carries into later years, so compare the growth from year 2 to year 3
    assert abs(year3.mean() / year2.mean() - 1) < 0.05
    assert np.median(year3) < np.median(m.paths[24:36].sum(axis=0))
