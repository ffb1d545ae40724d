"""Scenario bands from reconciled sample paths: monthly and annual.

The MPP publishes four scenarios per series: *minimum* (about P5), *median* (P50), *medio* (P67: a 33% chance
that the outcome is higher; the planning figure) and *maximum* (about P95). Each is a quantile of the sample
paths. Annual bands are quantiles of each path's annual SUM, never sums of monthly quantiles (the sum of
monthly P95s is far above the P95 of the annual total).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mpp.data.schema import series_level, split_series_id, to_period
from mpp.errors import ConfigError, DataError

BAND_NAMES: tuple[str, ...] = ("minimum", "median", "medio", "maximum")
DEFAULT_QUANTILES: dict[str, float] = {"minimum": 0.05, "median": 0.50, "medio": 0.67, "maximum": 0.95}


def manifest_quantiles(manifest: Mapping) -> dict[str, float]:
    """The band quantiles a forecast's manifest records, in band order (a JSON round trip may sort the keys);
    the defaults when it records none."""
    q = manifest.get("quantiles")
    if isinstance(q, Mapping) and set(q) == set(BAND_NAMES):
        q = {k: q[k] for k in BAND_NAMES}
    return validate_quantiles(q)


def validate_quantiles(quantiles: Mapping[str, float] | None) -> dict[str, float]:
    """The band quantiles, checked: exactly BAND_NAMES in that order, strictly increasing, within (0, 1)."""
    if quantiles is None:
        return dict(DEFAULT_QUANTILES)
    q = dict(quantiles)
    if tuple(q) != BAND_NAMES:
        raise ConfigError(f"quantiles must name exactly {', '.join(BAND_NAMES)} in that order, got {', '.join(q)}")
    values = [float(v) for v in q.values()]
    if not all(0.0 < v < 1.0 for v in values) or any(b <= a for a, b in zip(values, values[1:])):
        raise ConfigError(f"quantiles must be strictly increasing within (0, 1), got {q}")
    return dict(zip(BAND_NAMES, values))


def _check_paths(paths: np.ndarray, series_ids: Sequence[str], n_periods: int) -> np.ndarray:
    paths = np.asarray(paths, dtype=float)
    if paths.ndim != 3 or paths.shape[:2] != (len(series_ids), n_periods):
        raise DataError(
            f"paths must be [{len(series_ids)} series, {n_periods} months, sample], got shape {paths.shape}"
        )
    return paths


def _monthly_index(values) -> pd.PeriodIndex:
    return values.asfreq("M") if isinstance(values, pd.PeriodIndex) else to_period(list(values))


def _monthly_periods(periods) -> pd.PeriodIndex:
    idx = _monthly_index(periods)
    if len(idx) > 1 and not (idx[1:] == idx[:-1] + 1).all():
        raise DataError("forecast periods must be consecutive months")
    return idx


def _band_table(
    values: np.ndarray, series_ids: Sequence[str], time_col: str, times: Sequence, quantiles: dict[str, float]
) -> pd.DataFrame:
    """values[series, time, sample] -> tidy table, one row per (series, time)."""
    q = np.quantile(values, list(quantiles.values()), axis=-1)  # [band, series, time]
    n_series, n_times = values.shape[:2]
    parts = [split_series_id(s) for s in series_ids]
    table = pd.DataFrame(
        {
            "series_id": np.repeat(list(series_ids), n_times),
            "level": np.repeat([series_level(*p) for p in parts], n_times),
            "stream": np.repeat([p[0] for p in parts], n_times),
            "nationality": np.repeat([p[1] for p in parts], n_times),
            time_col: np.tile(np.asarray(list(times), dtype=object), n_series),
        }
    )
    for k, name in enumerate(quantiles):
        table[name] = q[k].reshape(-1)
    return table


def monthly_bands(
    paths: np.ndarray,
    series_ids: Sequence[str],
    periods,
    quantiles: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Bands per series and month: columns series_id, level, stream, nationality, period ('YYYY-MM'),
    minimum, median, medio, maximum. `paths[series, horizon, sample]`, `periods` the horizon's months."""
    quantiles = validate_quantiles(quantiles)
    idx = _monthly_periods(periods)
    paths = _check_paths(paths, series_ids, len(idx))
    return _band_table(paths, series_ids, "period", [str(p) for p in idx], quantiles)


def window_sums(
    paths: np.ndarray, periods: pd.PeriodIndex, months: pd.PeriodIndex, realised: pd.DataFrame | None
) -> np.ndarray | None:
    """Per-path totals over `months` (a year, the next 12 months): the one definition of a sum over a partly
    realised window. Months in `periods` come from `paths[series, horizon, sample]`, earlier ones from
    `realised` (monthly period index x series, same column order as the paths), added to every path. Returns
    `sums[series, sample]`; NaN for a series with a missing realised value; None when a month is neither
    forecast nor in `realised` (no figure is invented)."""
    fc = [periods.get_loc(m) for m in months if m in periods]
    past = [m for m in months if m not in periods]
    sums = paths[:, fc, :].sum(axis=1) if fc else np.zeros((paths.shape[0], paths.shape[2]))
    if past:
        if realised is None or any(m not in realised.index for m in past):
            return None
        values = realised.loc[past].to_numpy(dtype=float)  # [month, series]
        complete = ~np.isnan(values).any(axis=0)
        sums = sums + np.where(complete, np.nan_to_num(values).sum(axis=0), np.nan)[:, None]
    return sums


def annual_paths(
    paths: np.ndarray,
    series_ids: Sequence[str],
    periods,
    realised: pd.DataFrame | None = None,
) -> tuple[list[int], np.ndarray]:
    """Annual sums of every path: returns (years, annual[series, year, sample]).

    `realised` (wide: monthly period index x series id, actual values up to the cut-off) fills the months of a
    year before the first forecast month, and that realised amount is added to every path; realised months
    from the first forecast month on are ignored. Only years whose 12 months are all covered (realised for the
    series, or forecast) are returned: a year that starts before the realised data, or that runs past the
    horizon, gets no annual figure. A series without realised values for the current year's earlier months
    gets NaN for that year (no figure is invented).
    """
    idx = _monthly_periods(periods)
    paths = _check_paths(paths, series_ids, len(idx))
    real = None
    if realised is not None:
        real = realised.set_axis(_monthly_index(realised.index), axis=0).reindex(columns=list(series_ids))
    years: list[int] = []
    sums: list[np.ndarray] = []
    for year in sorted(set(idx.year)):
        months = pd.period_range(f"{year}-01", f"{year}-12", freq="M")
        if months[-1] > idx[-1]:
            continue  # the horizon stops before December
        annual = window_sums(paths, idx, months, real)
        if annual is None:
            continue
        years.append(int(year))
        sums.append(annual)
    if not years:
        return [], np.empty((len(series_ids), 0, paths.shape[2]))
    return years, np.stack(sums, axis=1)


def annual_bands(
    paths: np.ndarray,
    series_ids: Sequence[str],
    periods,
    quantiles: Mapping[str, float] | None = None,
    realised: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Bands of annual totals: columns series_id, level, stream, nationality, year, minimum, median, medio,
    maximum. Quantiles of each path's annual sum (see `annual_paths` for which years are covered)."""
    quantiles = validate_quantiles(quantiles)
    years, annual = annual_paths(paths, series_ids, periods, realised)
    table = _band_table(annual, series_ids, "year", years, quantiles)
    table["year"] = table["year"].astype("int64")
    return table.dropna(subset=list(quantiles)).reset_index(drop=True)


def compare_bands(
    current: pd.DataFrame, previous: pd.DataFrame, keys: Sequence[str] = ("series_id", "year")
) -> pd.DataFrame:
    """Two band tables -> one long table: `keys`, scenario, current, previous; only key rows present in both.
    The one definition of a revision (how a forecast's bands moved since the previous one)."""
    long = []
    for df, name in ((current, "current"), (previous, "previous")):
        m = df[[*keys, *BAND_NAMES]].melt(
            id_vars=list(keys), value_vars=list(BAND_NAMES), var_name="scenario", value_name=name
        )
        if "year" in keys:
            m["year"] = m["year"].astype(int)
        long.append(m)
    return long[0].merge(long[1], on=[*keys, "scenario"], how="inner")
