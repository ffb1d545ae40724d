"""Benchmarks: naive, seasonal naive and drift, simulated on the working scale (log1p by default).

Naive and drift are random walks z[T+h] = z[T+h-1] + drift + e, where e is drawn with replacement from the
model's own centred in-sample differences (a residual bootstrap), as the textbook prediction intervals do.

Seasonal naive repeats last year's months. Its paths must keep that point forecast where the MPP reads it, in
12-month sums: with an independent log-scale shock per month, the sum of 12 skewed months has a median well above
last year's total (the reference would then lose to anything, unfairly). So each forecast year k gets one
shock of its level, a random walk of draws from the series' own centred log-ratios of successive 12-month
totals (centred and mirrored), and each month a centred seasonal-difference shock that only redistributes the year's total over its
months. The median 12-month sum is then last year's total, and its spread is the series' own record.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.models.base import (
    SEASON,
    Family,
    SeriesForecast,
    annual_log_ratios,
    bootstrap_errors,
    centred_mirrored,
    finish_paths,
    full_residuals,
    path_cap,
    working_series,
)
from mpp.models.variants import COMMON_SETTINGS, VariantSpec, settings_model


def lag_walk_paths(
    z: np.ndarray, lag: int, drift: float, errors: np.ndarray, horizon: int, n_samples: int, rng: np.random.Generator
) -> np.ndarray:
    """Simulate z[T+h] = z[T+h-lag] + drift + e on the working scale; returns [horizon, sample]."""
    shocks = bootstrap_errors(errors, (horizon, n_samples), rng)
    history = np.repeat(z[-lag:, None], n_samples, axis=1)  # [lag, sample], the last observed cycle
    out = np.empty((horizon, n_samples))
    for h in range(horizon):
        previous = history[h] if h < lag else out[h - lag]
        out[h] = previous + drift + shocks[h]
    return out


def _lag_model(
    y: pd.Series,
    horizon: int,
    n_samples: int,
    spec: VariantSpec,
    rng: np.random.Generator,
    lag: int,
    with_drift: bool,
    family: str,
) -> SeriesForecast:
    # naive works from one month on (a flat path without spread); seasonal naive needs a year plus one month
    yw, transform, z = working_series(y, spec.window, spec.transform, 1 if lag == 1 else lag + 1, need_variation=False)
    diffs = z[lag:] - z[:-lag]
    drift = float(diffs.mean()) if with_drift and diffs.size else 0.0
    working = lag_walk_paths(z, lag, drift, diffs - drift, horizon, n_samples, rng)
    paths = finish_paths(working, transform, cap=path_cap(y))
    residuals = full_residuals(y, diffs - drift)
    params = {
        **transform.as_params(),
        "lag": lag,
        "drift": drift,
        "window": len(yw),
        "error_sd": float(np.std(diffs)) if diffs.size else 0.0,
    }
    return SeriesForecast(paths, family, params, None, residuals)


def forecast_naive(y, horizon, n_samples, spec, rng) -> SeriesForecast:
    return _lag_model(y, horizon, n_samples, spec, rng, lag=1, with_drift=False, family="naive")


def forecast_drift(y, horizon, n_samples, spec, rng) -> SeriesForecast:
    return _lag_model(y, horizon, n_samples, spec, rng, lag=1, with_drift=True, family="drift")


def seasonal_naive_paths(
    last_year: np.ndarray,
    annual_errors: np.ndarray,
    month_errors: np.ndarray,
    horizon: int,
    n_samples: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Paths [horizon, sample] in persons: last_year[12] repeated, year k scaled by exp(sum of k annual draws),
    months reshuffled within the year by month_errors while keeping the year's total."""
    n_blocks = -(-horizon // SEASON)
    out = np.empty((n_blocks * SEASON, n_samples))
    log_level = np.zeros(n_samples)
    base = np.maximum(last_year, 0.0)
    for b in range(n_blocks):
        log_level = log_level + bootstrap_errors(annual_errors, (n_samples,), rng)
        shape = (base[:, None] + 1.0) * np.exp(bootstrap_errors(month_errors, (SEASON, n_samples), rng)) - 1.0
        shape = np.maximum(shape, 0.0)
        sums = shape.sum(axis=0)
        total = base.sum() * np.exp(log_level)
        out[b * SEASON : (b + 1) * SEASON] = (
            np.where(sums > 0, shape / np.where(sums > 0, sums, 1.0), 1.0 / SEASON) * total
        )
    return out[:horizon]


def forecast_seasonal_naive(y, horizon, n_samples, spec, rng) -> SeriesForecast:
    yw, transform, z = working_series(y, spec.window, spec.transform, SEASON + 1, need_variation=False)
    diffs = z[SEASON:] - z[:-SEASON]
    values = yw.to_numpy(dtype=float)
    annual = annual_log_ratios(values)  # defined for the 12-month totals ending at month 23 on
    # the part of month t's seasonal difference (t = 12 + i) that is not its year's level change
    months = diffs[SEASON - 1 :] - annual
    # centred and mirrored: the reference has no direction, and the median 12-month sum stays last year's
    # total in every forecast year (a sum of k symmetric draws has median zero)
    annual = centred_mirrored(annual)
    paths = np.minimum(
        seasonal_naive_paths(
            values[-SEASON:], annual, months - months.mean() if months.size else months, horizon, n_samples, rng
        ),
        path_cap(y),
    )
    params = {
        **transform.as_params(),
        "lag": SEASON,
        "window": len(yw),
        "annual_log_error_sd": float(np.std(annual)) if annual.size else 0.0,
        "last_12m_total": float(values[-SEASON:].sum()),
    }
    return SeriesForecast(paths, "seasonal_naive", params, None, full_residuals(y, diffs))


FAMILIES = (
    Family("naive", forecast_naive, fallback=None, settings=settings_model("naive", *COMMON_SETTINGS)),
    Family("drift", forecast_drift, fallback="naive", settings=settings_model("drift", *COMMON_SETTINGS)),
    Family(
        "seasonal_naive",
        forecast_seasonal_naive,
        fallback="naive",
        settings=settings_model("seasonal_naive", *COMMON_SETTINGS),
    ),
)
