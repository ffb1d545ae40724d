"""The shape of the hierarchy: which bottom series exist, how they add up, and small nationalities pooled.

The asylum panel is a *grouped* structure, not a tree: the bottom series are stream x nationality
("first_asylum_request/SYR") and they are summed along two crossing directions, over nationalities into stream
totals ("first_asylum_request/TOTAL") and over streams into nationality totals ("TOTAL/SYR"); both meet in the
grand total ("TOTAL/TOTAL"). The summing matrix `S[n_all, n_bottom]` (0/1) maps bottom values to every series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mpp.data.schema import OTHER, TOTAL, series_id, series_level, split_series_id, wide_by_series
from mpp.errors import DataError


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """All series of a grouped hierarchy and its summing matrix.

    series_ids  every series, ordered total, streams ("s/TOTAL"), nationalities ("TOTAL/n"), bottom ("s/n");
                each group sorted
    bottom_ids  the bottom series (the last `len(bottom_ids)` entries of `series_ids`)
    levels      level of each entry of `series_ids` (see `mpp.data.schema.LEVELS`)
    S           S[n_all, n_bottom] of 0/1: row i says which bottom series add up to series i
    """

    series_ids: list[str]
    bottom_ids: list[str]
    levels: list[str]
    S: np.ndarray

    @property
    def n_all(self) -> int:
        return len(self.series_ids)

    @property
    def n_bottom(self) -> int:
        return len(self.bottom_ids)

    def position(self, sid: str) -> int:
        """Row of `sid` in `series_ids` (and in `S` and in paths[series, ...])."""
        return self.series_ids.index(sid)


def build_hierarchy(bottom_ids: list[str]) -> Hierarchy:
    """Summing structure from bottom ids "stream/nationality" (neither part TOTAL).

    Degenerate panels keep every level: with one stream only, the stream row equals the total row and each
    "TOTAL/n" equals its single bottom series; S stays correct, the duplicated rows are simply redundant.
    """
    bottom = sorted(set(bottom_ids))
    if not bottom:
        raise DataError("a hierarchy needs at least one bottom series")
    if len(bottom) != len(bottom_ids):
        raise DataError("bottom series ids are not unique")
    pairs = []
    for sid in bottom:
        if "/" not in sid:
            raise DataError(f"bottom series id {sid!r} is not of the form 'stream/nationality'")
        stream, nat = split_series_id(sid)
        if TOTAL in (stream, nat) or not stream or not nat:
            raise DataError(f"bottom series id {sid!r} must name one stream and one nationality (not TOTAL)")
        pairs.append((stream, nat))
    streams = sorted({s for s, _ in pairs})
    nats = sorted({n for _, n in pairs})
    series_ids = (
        [series_id(TOTAL, TOTAL)]
        + [series_id(s, TOTAL) for s in streams]
        + [series_id(TOTAL, n) for n in nats]
        + bottom
    )
    S = np.zeros((len(series_ids), len(bottom)), dtype=float)
    S[0, :] = 1.0
    stream_row = {s: 1 + i for i, s in enumerate(streams)}
    nat_row = {n: 1 + len(streams) + i for i, n in enumerate(nats)}
    first_bottom = 1 + len(streams) + len(nats)
    for j, (stream, nat) in enumerate(pairs):
        S[stream_row[stream], j] = 1.0
        S[nat_row[nat], j] = 1.0
        S[first_bottom + j, j] = 1.0
    levels = [series_level(*split_series_id(s)) for s in series_ids]
    return Hierarchy(series_ids=series_ids, bottom_ids=bottom, levels=levels, S=S)


def pool_small_nationalities(
    df: pd.DataFrame, top_n: int, window_months: int = 12, min_share: float = 0.0
) -> pd.DataFrame:
    """Keep, per stream, the `top_n` nationalities by volume over the last `window_months`; sum the rest as OTHER.

    Input and output are canonical tables (period, stream, nationality, value [, source, vintage]).
    - The window is the last `window_months` months of the whole table (not per stream), so every stream is
      ranked on the same months. Ties in volume are broken by nationality code (alphabetical), so the result
      does not depend on row order.
    - A nationality whose share of its stream's volume in the window is below `min_share` is pooled even when
      it is inside the top N.
    - Rows with nationality TOTAL (or stream TOTAL) are aggregates, not bottom series: they are dropped.
    - Rows already labelled OTHER are always part of OTHER. UNKNOWN competes like any other code.
    - A stream without rows in the window has no recent volume: all its nationalities become OTHER.
    - Values are summed over the rows that exist; no month is invented for a nationality without a row.
    Metadata: `source` of a pooled row lists the distinct sources joined by "+", `vintage` is the latest one.
    """
    if top_n < 0:
        raise DataError(f"top_n must be >= 0, got {top_n}")
    if window_months < 1:
        raise DataError(f"window_months must be >= 1, got {window_months}")
    if not 0.0 <= min_share < 1.0:
        raise DataError(f"min_share must be in [0, 1), got {min_share}")
    rows = df.loc[(df["nationality"] != TOTAL) & (df["stream"] != TOTAL)]
    if rows.empty:
        return rows.reset_index(drop=True)
    last = rows["period"].max()
    recent = rows.loc[rows["period"] > last - window_months]
    volume = recent.groupby(["stream", "nationality"])["value"].sum()
    keep: set[tuple[str, str]] = set()
    for stream, vol in volume.groupby(level="stream"):
        vol = vol.droplevel("stream")
        vol = vol.drop(OTHER, errors="ignore")
        total = float(vol.sum())
        ranked = sorted(vol.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]
        keep.update((stream, nat) for nat, v in ranked if total == 0 or v / total >= min_share)
    kept = pd.Series(list(zip(rows["stream"], rows["nationality"])), index=rows.index).isin(keep)
    out = rows.assign(nationality=rows["nationality"].where(kept, OTHER))
    keys = ["period", "stream", "nationality"]
    agg: dict[str, object] = {"value": "sum"}
    if "source" in out.columns:
        agg["source"] = lambda s: "+".join(sorted(set(map(str, s))))
    if "vintage" in out.columns:
        agg["vintage"] = "max"
    pooled = out.groupby(keys, as_index=False, sort=True).agg(agg)
    pooled["value"] = pooled["value"].astype("int64")
    return pooled.reset_index(drop=True)


def aggregate_history(df: pd.DataFrame, hierarchy: Hierarchy) -> pd.DataFrame:
    """Realised history of every series: wide (period x `hierarchy.series_ids`), aggregates summed through S.

    Only rows of the hierarchy's bottom series count (TOTAL rows in `df` are ignored: aggregates are re-derived
    from the bottom so history is coherent). The index holds the months that have at least one row. A bottom
    series without a row in such a month counts as 0 there (canonical tables may omit zero cells; gaps are the
    validation stage's business, not re-summing's).
    """
    bottom_rows = df.loc[(df["nationality"] != TOTAL) & (df["stream"] != TOTAL)]
    wide = wide_by_series(bottom_rows)
    unknown = sorted(set(wide.columns) - set(hierarchy.bottom_ids))
    if unknown:
        raise DataError(f"history has series outside the hierarchy: {', '.join(unknown[:5])}")
    bottom = wide.reindex(columns=hierarchy.bottom_ids).fillna(0.0).astype(float)
    values = bottom.to_numpy() @ hierarchy.S.T  # [period, n_all]
    return pd.DataFrame(values, index=bottom.index, columns=list(hierarchy.series_ids))
