"""Reading inflow paths in the forecast directory format (and, for scenario inputs, the table to write).

A forecast directory holds `paths.parquet` (rows `series_id, sample`; one float column per month 'YYYY-MM')
and `manifest.json`. The occupancy model needs the stream totals `"<stream>/TOTAL"`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mpp.data.schema import STREAMS, TOTAL, series_id
from mpp.errors import DataError

_MONTH_COL = re.compile(r"^\d{4}-\d{2}$")


def read_stream_paths(forecast_dir: str | Path) -> tuple[tuple[str, ...], pd.PeriodIndex, np.ndarray, dict[str, Any]]:
    """-> (streams, periods, paths[stream, horizon, sample], manifest).

    `streams` is always STREAMS; a stream whose `s/TOTAL` series is absent becomes zero inflow and a warning
    is added to `manifest["occupancy_warnings"]` (a copy of the manifest is returned; the file is untouched).
    """
    d = Path(forecast_dir)
    ppath, mpath = d / "paths.parquet", d / "manifest.json"
    for p in (ppath, mpath):
        if not p.is_file():
            raise DataError(f"forecast directory {d} has no {p.name}")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{mpath}: not valid JSON ({exc})") from None
    df = pd.read_parquet(ppath)
    for col in ("series_id", "sample"):
        if col not in df.columns:
            raise DataError(f"{ppath}: missing column {col!r}")
    month_cols = sorted(c for c in df.columns if _MONTH_COL.match(str(c)))
    if not month_cols:
        raise DataError(f"{ppath}: no month columns 'YYYY-MM'")
    periods = pd.PeriodIndex(month_cols, freq="M")
    if len(periods) > 1 and not (np.diff(periods.asi8) == 1).all():
        raise DataError(f"{ppath}: month columns are not contiguous ({month_cols[0]}..{month_cols[-1]})")
    samples = np.sort(df["sample"].unique())
    paths = np.zeros((len(STREAMS), len(periods), len(samples)))
    warnings: list[str] = []
    for i, s in enumerate(STREAMS):
        sub = df[df["series_id"] == series_id(s, TOTAL)]
        if sub.empty:
            warnings.append(f"stream {s!r} has no '{series_id(s, TOTAL)}' paths: treated as zero inflow")
            continue
        sub = sub.set_index("sample").reindex(samples)
        values = sub[month_cols].to_numpy(dtype=np.float64)
        if np.isnan(values).any():
            raise DataError(f"{ppath}: '{series_id(s, TOTAL)}' has missing values or samples")
        if (values < 0).any():
            raise DataError(f"{ppath}: '{series_id(s, TOTAL)}' has negative inflow")
        paths[i] = values.T
    manifest = dict(manifest)
    manifest["occupancy_warnings"] = warnings
    return STREAMS, periods, paths, manifest


def stream_paths_frame(streams: tuple[str, ...], periods: pd.PeriodIndex, paths: np.ndarray) -> pd.DataFrame:
    """`paths[stream, horizon, sample]` as the rows of a forecast directory's paths.parquet (stream totals plus
    TOTAL/TOTAL); `mpp.flows.occupancy.write_stream_paths` writes it."""
    cols = [str(p) for p in periods]
    n = paths.shape[2]
    frames = []
    for sid, arr in [
        *((series_id(s, TOTAL), paths[i]) for i, s in enumerate(streams)),
        (series_id(TOTAL, TOTAL), paths.sum(axis=0)),
    ]:
        f = pd.DataFrame(arr.T, columns=cols)
        f.insert(0, "sample", np.arange(n))
        f.insert(0, "series_id", sid)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)
