"""Theta method (Assimakopoulos & Nikolopoulos; Hyndman & Billah's SES-with-drift form), statsmodels
`ThetaModel`, on a transformed scale.

Seasonality is removed first with an additive calendar-month profile on the working scale (when two full years
exist and the variant allows it) and added back to the forecast. The point forecast is statsmodels' theta=2
forecast; paths add simulated SES deviations e[h] + alpha * sum(e[<h]) with e bootstrapped from the one-step
SES errors, the state-space form behind the theta method's prediction intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.models.base import (
    SEASON,
    Family,
    FamilyFailed,
    SeriesForecast,
    bootstrap_errors,
    finish_paths,
    full_residuals,
    path_cap,
    quiet_fitting,
    working_series,
)
from mpp.models.robust import seasonal_profile
from mpp.models.variants import COMMON_SETTINGS, VariantSpec, settings_model

MIN_MONTHS = 6


def ses_errors(z: np.ndarray, alpha: float) -> np.ndarray:
    """One-step errors of simple exponential smoothing started at the first value (first error undefined)."""
    errors = np.full(len(z), np.nan)
    level = z[0]
    for t in range(1, len(z)):
        errors[t] = z[t] - level
        level += alpha * errors[t]
    return errors


def forecast_theta(
    y: pd.Series, horizon: int, n_samples: int, spec: VariantSpec, rng: np.random.Generator
) -> SeriesForecast:
    from statsmodels.tsa.forecasting.theta import ThetaModel

    yw, transform, z = working_series(y, spec.window, spec.transform, MIN_MONTHS, need_variation=False)
    months = (yw.index.month.to_numpy() - 1).astype(int)
    use_season = spec.seasonal is not False and len(z) >= 2 * SEASON
    season = seasonal_profile(z, months, len(z) // SEASON, 0.0) if use_season else np.zeros(SEASON)
    adjusted = z - season[months]
    if np.ptp(adjusted) == 0:
        raise FamilyFailed("constant series: no variation to fit")
    with quiet_fitting():
        res = ThetaModel(adjusted, period=1, deseasonalize=False).fit()
        point = np.asarray(res.forecast(horizon, theta=2), float)
    alpha = float(np.clip(res.params["alpha"], 1e-4, 1.0))
    errors = ses_errors(adjusted, alpha)
    shocks = bootstrap_errors(errors[1:], (horizon, n_samples), rng)  # [horizon, sample]
    carried = alpha * (np.cumsum(shocks, axis=0) - shocks)  # level moves from earlier shocks
    future_months = (months[-1] + 1 + np.arange(horizon)) % SEASON
    working = (point + season[future_months])[:, None] + shocks + carried
    paths = finish_paths(working, transform, cap=path_cap(y))
    params = {
        **transform.as_params(),
        "window": len(yw),
        "alpha": alpha,
        "b0": float(res.params["b0"]),
        "seasonal": bool(use_season),
    }
    return SeriesForecast(paths, "theta", params, None, full_residuals(y, errors))


FAMILY = Family(
    "theta", forecast_theta, fallback="seasonal_naive", settings=settings_model("theta", *COMMON_SETTINGS, "seasonal")
)
