"""`robust`: recent level x shrunk seasonal profile, with paths calibrated on the series' own past errors.

Why this family exists: on the real CBS panel, textbook ETS/ARIMA refitted at rolling origins forecast the
next-12-month totals worse than seasonal naive and their model-implied intervals explode on log scale after
the 2015 surge and the 2022 jump. Asylum inflow moves in level shifts (policy, conflicts, COVID) more than in
smooth trends, so this family keeps the point forecast simple and spends its effort on calibration.

Point forecast on log1p scale (`z = log1p(y)`):
  season s[m]  per calendar month: the last `season_years` 12-month blocks, each centred on its own mean,
               averaged per month, then shrunk toward flat by `season_shrink` (few years -> noisy profile);
  level        `level_weight` x (mean of the last `level_months` deseasonalised months)
               + (1 - `level_weight`) x (mean of the last 12 months);
  f[h]         level + s[month of T+h]  (no trend: extrapolated trends were the main source of the big misses).

Paths (an empirical, conformal-style calibration rather than model-implied intervals): at every past origin t
in the last `calibration_origins` months for which the next 12 months are known, the same point method is run on
z[..t] and its error trajectory r[t, 1..12] = z[t+h] - f_t[h] is kept. Each sample path draws one past origin
and adds its whole trajectory (scaled by `spread_inflation`) to today's f, so the spread of path sums equals the
spread of past 12-month errors of this very method on this very series, with their month-to-month dependence.
A common Gaussian jitter keeps the mixture smooth and floors the sd of the 12-month log error at `min_spread`.
Beyond 12 months, yearly blocks are chained: each block adds a fresh trajectory on top of the previous block's
mean error (level shifts persist), so uncertainty grows with the years like a random walk in the annual level.

With `later_years: last_year`, the years after the first restart from the last observed 12-month total instead
of the recent level, and their level shocks are the series' own (centred, mirrored) log-ratios of successive
12-month totals, still added to the path's first-year shock. `later_center: mean` shifts those shocks so that
the last total is their mean rather than their median: sums over many right-skewed series then stay level
instead of drifting up with the horizon. Why: the recent level wins the first year, but
short-term moves of asylum inflow mostly revert; in the rolling-origin backtest on the real CBS panel the
last 12-month total forecast the NEXT calendar year better than any recent-level or trend method (docs/models.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.models.base import (
    SEASON,
    Family,
    FamilyFailed,
    SeriesForecast,
    Transform,
    annual_log_ratios,
    centred_mirrored,
    full_residuals,
    path_cap,
)
from mpp.models.variants import COMMON_SETTINGS, VariantSpec, settings_model

MIN_TRAIN = SEASON + 1  # months needed before an origin for the point method
MIN_CALIBRATION = 6  # past origins needed to calibrate


def seasonal_profile(z: np.ndarray, months: np.ndarray, years: int, shrink: float) -> np.ndarray:
    """Additive log-scale profile per calendar month (index 0..11 = Jan..Dec), mean zero, shrunk toward 0."""
    n_blocks = min(years, len(z) // SEASON)
    if n_blocks == 0:
        return np.zeros(SEASON)
    tail = z[-n_blocks * SEASON :].reshape(n_blocks, SEASON)
    tail_months = months[-n_blocks * SEASON :].reshape(n_blocks, SEASON)
    centred = tail - tail.mean(axis=1, keepdims=True)
    profile = np.zeros(SEASON)
    for m in range(SEASON):
        profile[m] = centred[tail_months == m].mean()
    profile -= profile.mean()
    return (1.0 - shrink) * profile


def point_path(z: np.ndarray, months: np.ndarray, horizon: int, spec: VariantSpec) -> np.ndarray:
    """Log-scale point forecast f[horizon] from history z (calendar months `months`, 0..11)."""
    season = seasonal_profile(z, months, spec.season_years, spec.season_shrink)
    k = min(spec.level_months, len(z))
    recent = float(np.mean(z[-k:] - season[months[-k:]]))
    last_year = float(np.mean(z[-SEASON:] - season[months[-SEASON:]]))
    level = spec.level_weight * recent + (1.0 - spec.level_weight) * last_year
    future_months = (months[-1] + 1 + np.arange(horizon)) % SEASON
    trend = np.zeros(horizon)
    if spec.trend_damping > 0 and len(z) >= SEASON:
        # monthly slope between the last year's mean (centred 6.5 months back) and the recent level
        slope = (recent - last_year) / ((SEASON + 1) / 2.0 - (k - 1) / 2.0 - 0.5 + 1e-9)
        phi = spec.trend_damping
        trend = slope * np.cumsum(phi ** np.arange(1, horizon + 1))
    return level + trend + season[future_months]


def error_trajectories(
    z: np.ndarray, months: np.ndarray, spec: VariantSpec, transform: Transform
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Errors of the point method at past origins.

    Returns (one_step[len(z)] on the working scale, NaN where undefined; annual[origin] = log((A+1)/(F+1)) of
    the next-12-month totals; shapes[origin, 12] = the monthly working-scale error trajectory minus its mean),
    for the last `calibration_origins` origins whose next 12 months are known.
    """
    n = len(z)
    window = spec.window or n
    one_step = np.full(n, np.nan)
    annual, shapes = [], []
    for t in range(MIN_TRAIN, n):  # origin t: history z[:t], forecast z[t:t+12]
        lo = max(0, t - window)
        f = point_path(z[lo:t], months[lo:t], SEASON, spec)
        one_step[t] = z[t] - f[0]
        if t + SEASON <= n:
            total_f = np.maximum(transform.inverse(f), 0.0).sum()
            total_a = transform.inverse(z[t : t + SEASON]).sum()
            annual.append(np.log1p(total_a) - np.log1p(total_f))
            r = z[t : t + SEASON] - f
            shapes.append(r - r.mean())
    k = spec.calibration_origins
    return one_step, np.asarray(annual)[-k:], np.asarray(shapes).reshape(-1, SEASON)[-k:]


def forecast_robust(
    y: pd.Series, horizon: int, n_samples: int, spec: VariantSpec, rng: np.random.Generator
) -> SeriesForecast:
    transform = Transform.fit(spec.transform, y.to_numpy())
    z = transform.forward(y.to_numpy())
    months = (y.index.month.to_numpy() - 1).astype(int)
    one_step, annual, shapes = error_trajectories(z, months, spec, transform)
    if len(annual) < MIN_CALIBRATION:
        raise FamilyFailed(f"needs {MIN_TRAIN + SEASON + MIN_CALIBRATION - 1} months to calibrate, got {len(y)}")
    window = spec.window or len(z)
    n_blocks = -(-horizon // SEASON)
    f = point_path(z[-window:], months[-window:], n_blocks * SEASON, spec)
    point = np.maximum(transform.inverse(f), 0.0)  # [months of whole years], point forecast in persons

    # log errors of 12-month totals: optionally centred (the point forecast is then the median), scaled
    errors = annual - (np.median(annual) if spec.center_errors else 0.0)
    errors = spec.spread_inflation * errors
    annual_sd = float(np.std(errors))
    jitter_sd = float(np.sqrt(max(spec.min_spread**2 - annual_sd**2, 0.0) + (spec.jitter * annual_sd) ** 2))
    shapes = np.clip(shapes, -spec.shape_clip, spec.shape_clip)

    later_errors = None
    if spec.later_years == "last_year" and n_blocks > 1:
        last_total = float(y.to_numpy()[-SEASON:].sum())
        later_errors = centred_mirrored(annual_log_ratios(y.to_numpy()))
        if spec.later_center == "mean":
            later_errors = later_errors - np.log(np.mean(np.exp(later_errors)))

    paths = np.empty((n_blocks * SEASON, n_samples))  # [horizon (whole years), sample]
    log_level = np.zeros(n_samples)  # cumulated log error of the yearly level (level shifts persist)
    for b in range(n_blocks):
        block = slice(b * SEASON, (b + 1) * SEASON)
        j = rng.integers(0, len(errors), size=n_samples)
        if b > 0 and later_errors is not None and later_errors.size:
            log_level = log_level + rng.choice(later_errors, size=n_samples)
            total = last_total * np.exp(log_level)
        else:
            log_level = log_level + errors[j] + rng.normal(0.0, jitter_sd, size=n_samples)
            total = point[block].sum() * np.exp(log_level)  # [sample]
        shape = point[block, None] * np.exp(shapes[j].T)  # [12, sample], the within-year pattern
        paths[block] = shape / np.maximum(shape.sum(axis=0), 1e-12) * total
    paths = np.minimum(paths[:horizon], path_cap(y))
    if not np.isfinite(paths).all():
        raise FamilyFailed("simulated paths are not finite")
    params = {
        **transform.as_params(),
        "level_months": spec.level_months,
        "level_weight": spec.level_weight,
        "season_years": spec.season_years,
        "season_shrink": spec.season_shrink,
        "calibration_origins_used": int(len(errors)),
        "annual_log_error_sd": annual_sd,
        "annual_log_error_median": float(np.median(annual)),
        "jitter_sd": jitter_sd,
        "point_12m_total": float(point[:SEASON].sum()),
    }
    return SeriesForecast(paths, "robust", params, None, full_residuals(y, one_step))


FAMILY = Family(
    "robust",
    forecast_robust,
    fallback="seasonal_naive",
    settings=settings_model(
        "robust",
        *COMMON_SETTINGS,
        "level_months",
        "level_weight",
        "season_years",
        "season_shrink",
        "trend_damping",
        "calibration_origins",
        "spread_inflation",
        "min_spread",
        "jitter",
        "center_errors",
        "shape_clip",
        "later_years",
        "later_center",
    ),
)
