"""Score one forecast (sample paths at one origin) against what was realised afterwards. Pure: no I/O.

Three kinds of target, one row per (series, target) in a tidy "detail" table:
  month    the value of forecast month h (horizon 1..H),
  next12   the sum of the 12 months after the origin (the figure the acceptance bar is about),
  half     the sum of the 6 months after the origin (the monthly path as a budget reads it), beside the naive
           rules "the last 6 months" (`snaive`) and "half the last 12 months" (`naive_half12`),
  year     a calendar-year total as the MPP publishes it: for the origin's own year the realised months up to
           the origin plus the forecast rest; for the next year the forecast alone (`horizon` = 0 or 1).
A target is scored only when every month it needs has been realised; otherwise it has no row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.backtest.scores import (
    BAND_QUANTILES,
    coverage,
    crps_samples,
    exceedance,
    pinball,
    sample_quantiles,
    scaled_abs_error,
    scaled_sq_error,
    seasonal_naive_scale,
    smape,
)
from mpp.bands import window_sums
from mpp.data.schema import series_level, split_series_id

#: Columns of the detail table, in order.
DETAIL_COLUMNS: tuple[str, ...] = (
    "series_id",
    "level",
    "target",
    "horizon",
    "period",
    "actual",
    "mean",
    "minimum",
    "median",
    "medio",
    "maximum",
    "crps",
    "crps_scaled",
    "pinball_minimum",
    "pinball_median",
    "pinball_medio",
    "pinball_maximum",
    "abs_error",
    "ase",
    "sse",
    "smape",
    "covered",
    "exceed_medio",
    "exceed_median",
    "width",
    "snaive",
    "naive_half12",
)


def _score_block(
    samples: np.ndarray,
    actual: np.ndarray,
    probs: dict[str, float],
    scale_mae: np.ndarray | None,
    scale_mse: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """All scores for `samples[..., sample]` against `actual[...]`."""
    q = sample_quantiles(samples, probs)
    mean = samples.mean(axis=-1)
    nan = np.full(actual.shape, np.nan)
    crps = crps_samples(samples, actual)
    out = {
        "actual": actual,
        "mean": mean,
        **q,
        "crps": crps,
        "crps_scaled": crps / scale_mae if scale_mae is not None else nan,
        **{f"pinball_{b}": pinball(actual, q[b], probs[b]) for b in probs},
        "abs_error": np.abs(q["median"] - actual),
        # MASE uses the median (optimal for absolute error), RMSSE the mean (optimal for squared error).
        "ase": scaled_abs_error(actual, q["median"], scale_mae) if scale_mae is not None else nan,
        "sse": scaled_sq_error(actual, mean, scale_mse) if scale_mse is not None else nan,
        "smape": smape(actual, q["median"]),
        "covered": coverage(actual, q["minimum"], q["maximum"]),
        "exceed_medio": exceedance(actual, q["medio"]),
        "exceed_median": exceedance(actual, q["median"]),
        "width": q["maximum"] - q["minimum"],
    }
    return out


def score_forecast(
    paths: np.ndarray,
    series_ids: list[str],
    periods: pd.PeriodIndex,
    history: pd.DataFrame,
    actual: pd.DataFrame,
    quantiles: dict[str, float] | None = None,
    season: int = 12,
) -> pd.DataFrame:
    """Detail table of scores for one forecast.

    paths      `paths[series, horizon, sample]` following `series_ids`, over forecast months `periods`.
    history    period x series_id: realised values known at the origin (for the seasonal naive scale and
               the realised part of the origin's year). Only this is known at the origin.
    actual     period x series_id: realised values after the origin (what the forecast is judged on); months
               or series it lacks are simply not scored.
    """
    probs = dict(quantiles or BAND_QUANTILES)
    hist = history.reindex(columns=series_ids)
    act = actual.reindex(index=periods, columns=series_ids)
    scale_mae = seasonal_naive_scale(hist.to_numpy(float).T, season, power=1)  # [series]
    scale_mse = seasonal_naive_scale(hist.to_numpy(float).T, season, power=2)
    levels = [series_level(*split_series_id(s)) for s in series_ids]
    n_series, horizon, _ = paths.shape
    cutoff = periods[0] - 1
    blocks: list[pd.DataFrame] = []

    # Monthly targets: arrays [series, horizon].
    y = act.to_numpy(float).T
    s = _score_block(paths, y, probs, scale_mae[:, None], scale_mse[:, None])
    month = pd.DataFrame({k: v.ravel() for k, v in s.items()})
    month.insert(0, "series_id", np.repeat(series_ids, horizon))
    month.insert(1, "level", np.repeat(levels, horizon))
    month.insert(2, "target", "month")
    month.insert(3, "horizon", np.tile(np.arange(1, horizon + 1), n_series))
    month.insert(4, "period", np.tile(periods.astype(str), n_series))
    # The point seasonal naive (the value 12 months earlier, as known at the origin) as a model-free reference.
    lagged = hist.reindex(periods - season)
    known_lag = np.asarray(periods - season <= cutoff)[None, :]  # [1, horizon]
    month["snaive"] = np.where(known_lag, lagged.to_numpy(float).T, np.nan).ravel()
    month["naive_half12"] = np.nan
    blocks.append(month.loc[np.isfinite(month["actual"])])

    # Aggregate targets: the next 12 months and calendar years.
    known = pd.concat([hist, act.dropna(how="any")]) if act.notna().any().any() else hist
    windows = []
    if horizon >= 6:
        windows.append(("half", 6, str(periods[5]), periods[:6]))
    if horizon >= 12:
        windows.append(("next12", 12, str(periods[11]), periods[:12]))
    for k in (0, 1):
        year = cutoff.year + k
        windows.append(("year", k, str(year), pd.period_range(f"{year}-01", f"{year}-12", freq="M")))
    for target, h, label, months in windows:
        if months[-1] > periods[-1]:
            continue  # the forecast does not reach the end of this window
        sums = window_sums(paths, periods, months, hist)
        if sums is None or not all(m in known.index for m in months):
            continue
        realised_total = known.loc[months].to_numpy(float).sum(axis=0)
        if not np.isfinite(realised_total).all():
            continue
        s = _score_block(sums, realised_total, probs, None, None)
        agg = pd.DataFrame(s)
        agg.insert(0, "series_id", series_ids)
        agg.insert(1, "level", levels)
        agg.insert(2, "target", target)
        agg.insert(3, "horizon", h)
        agg.insert(4, "period", label)
        # Point naive rules: a 12-month sum from the 12 months before the origin; a half-year from the last 6
        # months, or from half the last 12.
        n = {"next12": 12, "half": 6}.get(target)
        agg["snaive"] = hist.iloc[-n:].to_numpy(float).sum(axis=0) if n and len(hist) >= n else np.nan
        agg["naive_half12"] = (
            hist.iloc[-12:].to_numpy(float).sum(axis=0) / 2 if target == "half" and len(hist) >= 12 else np.nan
        )
        blocks.append(agg)
    out = pd.concat(blocks, ignore_index=True)
    out["horizon"] = out["horizon"].astype("int64")
    return out[list(DETAIL_COLUMNS)]
