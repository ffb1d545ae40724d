"""Forecast scores as pure numpy functions on arrays. No pandas, no I/O.

Conventions: `y` is the realised value with any leading shape `[...]`; point forecasts have the same shape;
sample paths carry the samples on the LAST axis, `paths[..., sample]` (e.g. `paths[series, horizon, sample]`).
Scaled errors (MASE, RMSSE) use the in-sample seasonal naive errors of the history known at the origin
(`insample[..., time]`), as in Hyndman & Koehler (2006) and the M5 competition.
"""

from __future__ import annotations

import numpy as np

from mpp.bands import DEFAULT_QUANTILES as BAND_QUANTILES  # the one definition of the four scenario bands


def crps_samples(paths: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Continuous ranked probability score of an ensemble, energy form: mean|X-y| - 0.5 mean|X-X'|.

    `paths[..., sample]`, `y[...]` -> `crps[...]`. The pair term over all N^2 ordered pairs is computed in
    O(N log N) by sorting: sum_{i,j}|x_i-x_j| = 2 sum_i (2i - N - 1) x_(i) with x_(1) <= ... <= x_(N).
    NaN where `y` is NaN.
    """
    x = np.sort(np.asarray(paths, dtype=float), axis=-1)
    y = np.asarray(y, dtype=float)
    n = x.shape[-1]
    term_obs = np.mean(np.abs(x - y[..., None]), axis=-1)
    weights = 2.0 * np.arange(1, n + 1) - n - 1.0
    mean_pair = 2.0 * np.sum(x * weights, axis=-1) / (n * n)
    return term_obs - 0.5 * mean_pair


def pinball(y: np.ndarray, q_pred: np.ndarray, tau: float) -> np.ndarray:
    """Pinball (quantile) loss of the predicted `tau`-quantile: tau*(y-q) if y >= q else (1-tau)*(q-y)."""
    diff = np.asarray(y, dtype=float) - np.asarray(q_pred, dtype=float)
    return np.where(diff >= 0, tau * diff, (tau - 1.0) * diff)


def seasonal_naive_scale(insample: np.ndarray, m: int = 12, power: int = 1) -> np.ndarray:
    """Mean of |y_t - y_{t-m}|**power over the history `insample[..., time]` (NaNs ignored).

    With fewer than m+1 observations the lag falls back to 1 (plain naive). Series whose seasonal
    differences are all zero get NaN, so they drop out of scaled means instead of dividing by zero.
    """
    h = np.asarray(insample, dtype=float)
    lag = m if h.shape[-1] > m else 1
    d = np.abs(h[..., lag:] - h[..., :-lag]) ** power
    with np.errstate(invalid="ignore"):
        scale = np.nanmean(d, axis=-1) if d.shape[-1] else np.full(h.shape[:-1], np.nan)
    return np.where(scale > 0, scale, np.nan)


def scaled_abs_error(y: np.ndarray, f: np.ndarray, scale_mae: np.ndarray) -> np.ndarray:
    """|y - f| / (in-sample seasonal naive MAE): the per-point term whose mean is MASE."""
    return np.abs(np.asarray(y, float) - np.asarray(f, float)) / scale_mae


def scaled_sq_error(y: np.ndarray, f: np.ndarray, scale_mse: np.ndarray) -> np.ndarray:
    """(y - f)^2 / (in-sample seasonal naive MSE): the per-point term whose mean's square root is RMSSE."""
    return (np.asarray(y, float) - np.asarray(f, float)) ** 2 / scale_mse


def mase(y: np.ndarray, f: np.ndarray, insample: np.ndarray, m: int = 12) -> np.ndarray:
    """Mean absolute scaled error over the horizon (last axis of `y`, `f`), one value per series.

    `y[..., horizon]`, `f[..., horizon]`, `insample[..., time]`."""
    scale = seasonal_naive_scale(insample, m, power=1)
    return np.nanmean(scaled_abs_error(y, f, scale[..., None]), axis=-1)


def rmsse(y: np.ndarray, f: np.ndarray, insample: np.ndarray, m: int = 12) -> np.ndarray:
    """Root mean squared scaled error over the horizon (last axis), one value per series (M5 definition)."""
    scale = seasonal_naive_scale(insample, m, power=2)
    return np.sqrt(np.nanmean(scaled_sq_error(y, f, scale[..., None]), axis=-1))


def smape(y: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Symmetric absolute percentage error per point, in percent: 200|y-f|/(|y|+|f|); 0 when both are 0."""
    y = np.asarray(y, float)
    f = np.asarray(f, float)
    den = np.abs(y) + np.abs(f)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, 200.0 * np.abs(y - f) / np.where(den > 0, den, 1.0), 0.0)


def coverage(y: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """1.0 where lower <= y <= upper, else 0.0 (NaN where y is NaN). Averaged, the band's coverage rate."""
    y = np.asarray(y, float)
    inside = (y >= lower) & (y <= upper)
    return np.where(np.isnan(y), np.nan, inside.astype(float))


def exceedance(y: np.ndarray, q_pred: np.ndarray) -> np.ndarray:
    """1.0 where the realised value exceeds the forecast quantile (NaN where y is NaN).

    Averaged: should be ~0.33 for medio (P67) and ~0.50 for the median."""
    y = np.asarray(y, float)
    return np.where(np.isnan(y), np.nan, (y > q_pred).astype(float))


def weighted_abs_error(actual: np.ndarray, forecast: np.ndarray) -> float:
    """sum|F - A| / sum A over all finite pairs (the "weighted absolute percentage error", as a fraction)."""
    a = np.asarray(actual, float).ravel()
    f = np.asarray(forecast, float).ravel()
    ok = np.isfinite(a) & np.isfinite(f)
    total = a[ok].sum()
    return float(np.abs(f[ok] - a[ok]).sum() / total) if total > 0 else float("nan")


def sample_quantiles(paths: np.ndarray, probs: dict[str, float] | None = None) -> dict[str, np.ndarray]:
    """Quantiles of `paths[..., sample]` per band name -> arrays of shape `[...]` (linear interpolation)."""
    probs = BAND_QUANTILES if probs is None else probs
    qs = np.quantile(np.asarray(paths, float), list(probs.values()), axis=-1)
    return {name: qs[i] for i, name in enumerate(probs)}
