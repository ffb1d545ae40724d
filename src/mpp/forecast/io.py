"""A forecast directory: its files, the frames they hold and reading it back (the files every later stage and the
analysts read). Writing it is `mpp.flows.forecast.write_forecast`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.data.schema import series_level, split_series_id
from mpp.forecast.engine import ForecastResult

FILES = ("bands_monthly.csv", "bands_annual.csv", "paths.parquet", "history.csv", "fits.csv", "manifest.json")


def paths_frame(result: ForecastResult) -> pd.DataFrame:
    """paths[series, horizon, sample] -> rows (series_id, sample) with one float column per month 'YYYY-MM'."""
    n, h, s = result.paths.shape
    wide = result.paths.transpose(0, 2, 1).reshape(n * s, h)
    df = pd.DataFrame(wide, columns=[str(p) for p in result.periods])
    df.insert(0, "sample", np.tile(np.arange(s), n))
    df.insert(0, "series_id", np.repeat(result.series_ids, s))
    return df


def history_frame(result: ForecastResult) -> pd.DataFrame:
    h = result.history_wide.copy()
    h.index = h.index.astype(str)
    h.index.name = "period"
    long = h.reset_index().melt(id_vars="period", var_name="series_id", value_name="value")
    return long[["series_id", "period", "value"]]


def read_paths(out_dir: str | Path) -> tuple[list[str], pd.PeriodIndex, np.ndarray]:
    """-> (series_ids, periods, paths[series, horizon, sample]) from a forecast directory."""
    df = pd.read_parquet(Path(out_dir) / "paths.parquet")
    month_cols = [c for c in df.columns if c not in ("series_id", "sample")]
    df = df.sort_values(["series_id", "sample"], kind="stable")
    ids = list(dict.fromkeys(df["series_id"]))
    n_samples = int(df["sample"].max()) + 1
    arr = df[month_cols].to_numpy(dtype=float).reshape(len(ids), n_samples, len(month_cols)).transpose(0, 2, 1)
    return ids, pd.PeriodIndex(month_cols, freq="M"), arr


def read_forecast(out_dir: str | Path) -> ForecastResult:
    out = Path(out_dir)
    manifest = json.loads((out / "manifest.json").read_text())
    ids, periods, arr = read_paths(out)
    hist_long = pd.read_csv(out / "history.csv")
    hist = hist_long.pivot(index="period", columns="series_id", values="value")
    hist.index = pd.PeriodIndex(hist.index, freq="M")
    order = manifest.get("series_order") or ids
    idx = [ids.index(s) for s in order]
    return ForecastResult(
        series_ids=list(order),
        levels=[series_level(*split_series_id(s)) for s in order],
        periods=periods,
        paths=arr[idx],
        bands_monthly=pd.read_csv(out / "bands_monthly.csv"),
        bands_annual=pd.read_csv(out / "bands_annual.csv"),
        history_wide=hist[[c for c in order if c in hist.columns]],
        manifest=manifest,
        fits=pd.read_csv(out / "fits.csv") if (out / "fits.csv").exists() else pd.DataFrame(),
    )
