"""Calibration of the national backtest's bands: the PIT of each case, quantile levels fitted per group of cases
(chosen on tuning origins by `scripts/national_backtest.py`, leave one origin year out), the bands at those levels
with their scores, and the exceedance table. Split from `mpp.national.backtest`, which scores the cases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.backtest.protocol import paired_bootstrap

QUANTILES = {"minimum": 0.05, "median": 0.5, "medio": 0.67, "maximum": 0.95}

#: Calibration candidates: the groups of cases that share one set of calibrated levels (None: nominal levels).
CALIBRATIONS: dict[str, list[str] | None] = {
    "nominal levels": None,
    "per horizon": ["horizon"],
    "per horizon and quantity": ["horizon", "series_id"],
}


def pit(sums: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Probability integral transform of each case: the share of samples below the outcome (ties half)."""
    a = np.asarray(actual, float)[:, None]
    return (sums < a).mean(axis=1) + 0.5 * (sums == a).mean(axis=1)


def fit_levels(frame: pd.DataFrame, keys: list[str] | None) -> dict:
    """Calibrated quantile levels per group of `keys`: for each band, the level at which the cases' PITs
    reach its nominal level (a band at that sample quantile is exceeded as often as its name says on these
    cases). {group: {band: level}}; {} for nominal levels."""
    if keys is None:
        return {}
    out = {}
    for key, g in frame.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        out[key] = {b: float(np.quantile(g["pit"], p)) for b, p in QUANTILES.items()}
    return out


def apply_levels(frame: pd.DataFrame, sums: np.ndarray, keys: list[str] | None, levels: dict) -> pd.DataFrame:
    """The bands of every case at its group's calibrated levels (nominal where the group has none), with
    the band scores: exceedance of each band, pinball loss relative to the outcome, abs error of the median,
    min-max coverage. `sums` rows align with `frame` rows."""
    out = frame.copy()
    a = out["actual"].to_numpy(float)
    bands = {b: np.empty(len(out)) for b in QUANTILES}
    for i, r in enumerate(out.itertuples(index=False)):
        key = tuple(getattr(r, k) for k in keys) if keys else None
        lv = levels.get(key, QUANTILES) if keys else QUANTILES
        q = np.quantile(sums[i], [lv[b] for b in QUANTILES])
        for b, v in zip(QUANTILES, q):
            bands[b][i] = v
    loss = np.zeros(len(out))
    for b, p in QUANTILES.items():
        out[b] = bands[b]
        out[f"{b}_exceeded"] = a > bands[b]
        loss += ((a < bands[b]).astype(float) - p) * (bands[b] - a)
    out["pinball_rel"] = loss / len(QUANTILES) / a
    out["abs_error"] = np.abs(out["median"] - a)
    out["covered"] = (a >= out["minimum"]) & (a <= out["maximum"])
    return out


def cross_validated(tuning: pd.DataFrame, sums: np.ndarray, keys: list[str] | None) -> pd.DataFrame:
    """The tuning cases with bands calibrated without their own origin year: levels fitted on the other
    years' tuning origins (leave one origin year out), so the criterion is not in-sample. Tuning rows only."""
    years = tuning["origin"].str.slice(0, 4)
    parts = []
    for year in sorted(years.unique()):
        held = (years == year).to_numpy()
        levels = fit_levels(tuning.loc[~held], keys)
        parts.append(apply_levels(tuning.loc[held], sums[held], keys, levels))
    return pd.concat(parts).loc[tuning.index]


def calibration_criterion(frame: pd.DataFrame) -> float:
    """Mean pinball loss of the four bands relative to the outcome (a proper score of the bands)."""
    return float(frame["pinball_rel"].mean())


def band_exceedance_table(calibrated: pd.DataFrame, n_boot: int = 2000) -> pd.DataFrame:
    """Per series x role x horizon: how often each band was exceeded (expected: 1 - its level) with the
    bootstrap SE (whole origins resampled), the WAPE of the median vs the naive rule with the SE of the
    difference, and the mean relative pinball loss."""
    rows = []
    for (sid, role, horizon), g in calibrated.groupby(["series_id", "role", "horizon"], sort=False):
        origins = g["origin"].to_numpy()
        zeros = np.zeros(len(g))
        row = dict(series_id=sid, role=role, horizon=horizon, n=len(g))
        for b in QUANTILES:
            row[f"{b}_exceeded"], row[f"{b}_se"] = paired_bootstrap(origins, g[f"{b}_exceeded"], zeros, None, n_boot)
        den = g["actual"].to_numpy(float)
        row["wape"] = g["abs_error"].sum() / den.sum()
        row["wape_naive"] = g["naive_abs_error"].sum() / den.sum()
        row["wape_diff"], row["wape_diff_se"] = paired_bootstrap(
            origins, g["abs_error"], g["naive_abs_error"], den, n_boot
        )
        row["pinball_rel"] = g["pinball_rel"].mean()
        rows.append(row)
    return pd.DataFrame(rows)
