"""Realised figures to judge forecasts on. Pure functions on tables; reading files is in `mpp.backtest.io`.

Monthly realisations per series come from the canonical table itself (every level of the hierarchy a
forecast made). Annual national totals that the monthly files lack (total asylum inflow, repeat requests)
come from `../shared/data/realised_totals.csv` and the CBS/IND annual files, each row keeping its source.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.data.schema import OTHER, TOTAL, series_level, split_series_id


def bottom_realisations(data: pd.DataFrame, bottom_ids: list[str]) -> pd.DataFrame:
    """period x bottom series id: the canonical table mapped onto a forecast's bottom series.

    A nationality the forecast pooled (not among its bottom ids for that stream) counts as `stream/OTHER`;
    where the data states a stream's TOTAL, the part its nationalities do not cover is OTHER too (as the
    forecast engine does). Months inside the data's range without a row are 0; months after it are absent.
    """
    d = data[["period", "stream", "nationality", "value"]]
    bottom = set(bottom_ids)
    is_total = d["nationality"] == TOTAL
    parts = d.loc[~is_total].copy()
    sid = parts["stream"] + "/" + parts["nationality"]
    parts["series_id"] = np.where(sid.isin(bottom), sid, parts["stream"] + "/" + OTHER)
    wide = parts.pivot_table(index="period", columns="series_id", values="value", aggfunc="sum")
    totals = d.loc[is_total].pivot_table(index="period", columns="stream", values="value", aggfunc="sum")
    months = pd.period_range(d["period"].min(), d["period"].max(), freq="M")
    wide = wide.reindex(months).fillna(0.0)
    for stream in totals.columns:
        covered = wide[[c for c in wide.columns if c.startswith(stream + "/") and c != f"{stream}/{OTHER}"]]
        rest = totals[stream].reindex(months) - covered.sum(axis=1)
        pooled = wide[f"{stream}/{OTHER}"] if f"{stream}/{OTHER}" in wide.columns else 0.0
        # Where the TOTAL is stated, OTHER is all it leaves (pooled nationalities included); elsewhere the
        # pooled rows are all we know.
        wide[f"{stream}/{OTHER}"] = rest.where(rest.notna(), pooled)
    return wide.reindex(columns=list(bottom_ids), fill_value=0.0).astype(float)


def realisations_by_series(data: pd.DataFrame, series_ids: list[str]) -> pd.DataFrame:
    """period x series id for every level: each aggregate is the sum of the bottom series under it."""
    bottom_ids = [s for s in series_ids if series_level(*split_series_id(s)) == "stream_nationality"]
    bottom = bottom_realisations(data, bottom_ids)
    keys = [split_series_id(b) for b in bottom_ids]
    out = {}
    for sid in series_ids:
        stream, nat = split_series_id(sid)
        cols = [
            b
            for b, (bs, bn) in zip(bottom_ids, keys)
            if (stream == TOTAL or bs == stream) and (nat == TOTAL or bn == nat)
        ]
        out[sid] = bottom[cols].sum(axis=1)
    return pd.DataFrame(out, index=bottom.index)
