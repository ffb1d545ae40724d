"""Fallbacks are recorded and still give good paths; reference values computed independently of the code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.models import FamilyFailed, VariantSpec, forecast_series
from mpp.models import ets as ets_module
from mpp.models import robust as robust_module


def monthly(values, start="2016-01") -> pd.Series:
    return pd.Series(np.asarray(values, float), index=pd.period_range(start, periods=len(values), freq="M"))


def seasonal_series(n=72) -> pd.Series:
    t = np.arange(n)
    return monthly(np.round(200 * np.exp(0.4 * np.sin(2 * np.pi * t / 12)) * (1 + 0.05 * np.cos(t))))


def test_failing_family_falls_back_and_records_why(monkeypatch):
    def broken(*args, **kwargs):
        raise np.linalg.LinAlgError("singular matrix")

    monkeypatch.setattr(ets_module, "fit_ets", broken)
    y = seasonal_series()
    fc = forecast_series(y, 6, 30, VariantSpec(family="ets"), seed=1)
    assert fc.family == "theta"
    assert fc.fallback == "ets failed: FamilyFailed: no ETS form could be fitted; used theta"
    assert fc.paths.shape == (6, 30) and np.isfinite(fc.paths).all() and (fc.paths >= 0).all()


def test_fallback_chain_walks_several_steps(monkeypatch):
    def broken(*args, **kwargs):
        raise FamilyFailed("forced")

    monkeypatch.setattr(robust_module, "point_path", broken)  # robust and theta both use robust's helpers
    monkeypatch.setattr(robust_module, "seasonal_profile", broken)
    fc = forecast_series(seasonal_series(), 6, 30, VariantSpec(family="robust"), seed=1)
    assert fc.family == "seasonal_naive"
    assert fc.fallback.startswith("robust failed: FamilyFailed: forced")


def test_programming_errors_are_not_swallowed(monkeypatch):
    def buggy(*args, **kwargs):
        raise TypeError("a bug")

    monkeypatch.setattr(ets_module, "fit_ets", buggy)
    with pytest.raises(TypeError):
        forecast_series(seasonal_series(), 6, 30, VariantSpec(family="ets"), seed=1)


def test_short_series_falls_back_from_robust():
    fc = forecast_series(monthly(np.arange(13) * 5.0), 4, 10, VariantSpec(family="robust"), seed=0)
    assert fc.family == "seasonal_naive" and "robust failed" in fc.fallback


def test_seasonal_naive_median_is_last_year():
    y = seasonal_series(48)
    fc = forecast_series(y, 12, 2001, VariantSpec(family="seasonal_naive"), seed=2)
    # log1p errors are centred and symmetric-ish: the median path repeats last year's months
    np.testing.assert_allclose(np.median(fc.paths, axis=1), y.iloc[-12:].to_numpy(), rtol=0.03)


def test_naive_on_constant_series_is_exactly_constant():
    fc = forecast_series(monthly(np.full(20, 35.0)), 5, 10, VariantSpec(family="naive"), seed=0)
    np.testing.assert_allclose(fc.paths, 35.0)


def test_ets_mean_path_matches_statsmodels_forecast_for_fixed_form():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = seasonal_series(60)
    spec = VariantSpec(family="ets", damped=True, seasonal=False, transform="none")
    fc = forecast_series(y, 6, 4000, spec, seed=5)
    form = fc.params["form"]
    ref = (
        ETSModel(y.to_numpy(), error="add", trend=form["trend"], damped_trend=form["damped_trend"], seasonal=None)
        .fit(disp=False)
        .forecast(6)
    )
    # additive-error ETS on the raw scale: the simulation mean converges to the point forecast
    np.testing.assert_allclose(fc.paths.mean(axis=1), ref, rtol=0.05)


def test_robust_point_is_recent_level_times_season_computed_by_hand():
    # y = exp(level + season) - 1 exactly, with a level shift 3 months before the cut-off
    months = np.arange(96)
    season = 0.3 * np.sin(2 * np.pi * months / 12)
    level = np.where(months >= 93, np.log(400.0), np.log(200.0))
    y = monthly(np.expm1(level + season))
    spec = VariantSpec(family="robust", season_shrink=0.0, level_months=3, level_weight=1.0)
    z = np.log1p(y.to_numpy())
    # independent estimate: 5 yearly blocks centred on their means, averaged per calendar month
    blocks = z[-60:].reshape(5, 12)
    profile = (blocks - blocks.mean(axis=1, keepdims=True)).mean(axis=0)
    # the cut-off is month 95 -> calendar month index of the last 60 months starts at 36 % 12 = 0
    expected_level = np.mean(z[-3:] - profile[-3:])
    expected = np.expm1(expected_level + profile[:12])
    f = robust_module.point_path(z, (y.index.month.to_numpy() - 1), 12, spec)
    np.testing.assert_allclose(np.expm1(f), expected, rtol=1e-9)
    assert expected.sum() > 1.5 * y.iloc[-12:].sum()  # follows the level shift, unlike seasonal naive


def test_robust_band_reflects_own_past_errors():
    rng = np.random.default_rng(0)
    calm = monthly(np.round(np.exp(np.log(300) + rng.normal(0, 0.05, 96))))
    wild = monthly(np.round(np.exp(np.log(300) + np.cumsum(rng.normal(0, 0.15, 96)))))
    spec = VariantSpec(family="robust")

    def log_width(y):
        sums = forecast_series(y, 12, 2000, spec, seed=1).paths.sum(axis=0)
        return np.log(np.quantile(sums, 0.95) / np.quantile(sums, 0.05))

    assert log_width(calm) < 0.5 < log_width(wild)
