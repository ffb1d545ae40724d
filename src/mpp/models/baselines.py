"""Benchmarks: naive, seasonal naive and drift, simulated on the working scale (log1p by default).

Each is a random walk with lag L (1 for naive/drift, 12 for seasonal naive): z[T+h] = z[T+h-L] + drift + e,
where e is drawn with replacement from the model's own centred in-sample L-differences (a residual bootstrap),
so uncertainty grows with every seasonal cycle / month ahead as the textbook prediction intervals do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.models.base import (
    SEASON,
    SeriesForecast,
    bootstrap_errors,
    finish_paths,
    full_residuals,
    path_cap,
    working_series,
)
from mpp.models.variants import VariantSpec


def lag_walk_paths(z: np.ndarray, lag: int, drift: float, errors: np.ndarray, horizon: int, n_samples: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Simulate z[T+h] = z[T+h-lag] + drift + e on the working scale; returns [horizon, sample]."""
    shocks = bootstrap_errors(errors, (horizon, n_samples), rng)
    history = np.repeat(z[-lag:, None], n_samples, axis=1)  # [lag, sample], the last observed cycle
    out = np.empty((horizon, n_samples))
    for h in range(horizon):
        previous = history[h] if h < lag else out[h - lag]
        out[h] = previous + drift + shocks[h]
    return out


def _lag_model(y: pd.Series, horizon: int, n_samples: int, spec: VariantSpec, rng: np.random.Generator,
               lag: int, with_drift: bool, family: str) -> SeriesForecast:
    # naive works from one month on (a flat path without spread); seasonal naive needs a year plus one month
    yw, transform, z = working_series(y, spec.window, spec.transform, 1 if lag == 1 else lag + 1,
                                      need_variation=False)
    diffs = z[lag:] - z[:-lag]
    drift = float(diffs.mean()) if with_drift and diffs.size else 0.0
    working = lag_walk_paths(z, lag, drift, diffs - drift, horizon, n_samples, rng)
    paths = finish_paths(working, transform, cap=path_cap(y))
    residuals = full_residuals(y, diffs - drift)
    params = {**transform.as_params(), "lag": lag, "drift": drift, "window": len(yw),
              "error_sd": float(np.std(diffs)) if diffs.size else 0.0}
    return SeriesForecast(paths, family, params, None, residuals)


def forecast_naive(y, horizon, n_samples, spec, rng) -> SeriesForecast:
    return _lag_model(y, horizon, n_samples, spec, rng, lag=1, with_drift=False, family="naive")


def forecast_drift(y, horizon, n_samples, spec, rng) -> SeriesForecast:
    return _lag_model(y, horizon, n_samples, spec, rng, lag=1, with_drift=True, family="drift")


def forecast_seasonal_naive(y, horizon, n_samples, spec, rng) -> SeriesForecast:
    return _lag_model(y, horizon, n_samples, spec, rng, lag=SEASON, with_drift=False, family="seasonal_naive")
