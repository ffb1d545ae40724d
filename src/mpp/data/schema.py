"""The canonical table of monthly realisations, and the series keys every later stage uses.

Canonical realisations: one row per (period, stream, nationality) with columns
  period       pandas Period[M] (a calendar month)
  stream       one of STREAMS
  nationality  stable code: ISO 3166-1 alpha-3 (e.g. "SYR"), or the reserved TOTAL / OTHER / UNKNOWN
  value        non-negative int64 count of persons
Metadata travels in the columns `source` (where the figures come from) and `vintage` (the month the data was
published, a Period[M]); display names come from `mpp.data.nationalities`.

A *series* is a (stream, nationality) pair; TOTAL in either place means "summed over it". Its id is
"stream/nationality", e.g. "first_asylum_request/SYR", "TOTAL/SYR", "nareizigers/TOTAL", "TOTAL/TOTAL".
"""

from __future__ import annotations

import pandas as pd

STREAMS: tuple[str, ...] = (
    "first_asylum_request",  # eerste asielverzoeken
    "repeat_asylum_request",  # herhaalde / volgende asielverzoeken
    "nareizigers",  # family members following a status holder
    "resettlement",  # hervestigers (UNHCR resettlement)
)
TOTAL = "TOTAL"
OTHER = "OTHER"
UNKNOWN = "UNKNOWN"
RESERVED_NATIONALITIES: tuple[str, ...] = (TOTAL, OTHER, UNKNOWN)

KEY_COLUMNS: tuple[str, ...] = ("period", "stream", "nationality")
CANONICAL_COLUMNS: tuple[str, ...] = ("period", "stream", "nationality", "value")
META_COLUMNS: tuple[str, ...] = ("source", "vintage")

LEVELS: tuple[str, ...] = ("total", "stream", "nationality", "stream_nationality")


def series_id(stream: str, nationality: str) -> str:
    return f"{stream}/{nationality}"


def split_series_id(sid: str) -> tuple[str, str]:
    stream, nationality = sid.split("/", 1)
    return stream, nationality


def series_level(stream: str, nationality: str) -> str:
    """Which level of the hierarchy a series sits on."""
    if stream == TOTAL and nationality == TOTAL:
        return "total"
    if nationality == TOTAL:
        return "stream"
    if stream == TOTAL:
        return "nationality"
    return "stream_nationality"


def to_period(values) -> pd.PeriodIndex:
    """Parse 'YYYY-MM' strings, timestamps or periods into monthly periods."""
    return pd.PeriodIndex(pd.Series(values).astype(str).str.slice(0, 7), freq="M")


def canonical(df: pd.DataFrame) -> pd.DataFrame:
    """Coerce dtypes to the canonical shape and sort by key. Does not validate: see mpp.data.validation."""
    out = df.copy()
    out["period"] = (
        pd.PeriodIndex(out["period"], freq="M")
        if not isinstance(out["period"].dtype, pd.PeriodDtype)
        else out["period"]
    )
    out["stream"] = out["stream"].astype(str)
    out["nationality"] = out["nationality"].astype(str)
    out["value"] = out["value"].astype("int64")
    cols = list(CANONICAL_COLUMNS) + [c for c in META_COLUMNS if c in out.columns]
    return out[cols].sort_values(list(KEY_COLUMNS)).reset_index(drop=True)


def wide_by_series(df: pd.DataFrame) -> pd.DataFrame:
    """Canonical table -> wide frame indexed by period with one column per series id (bottom series only)."""
    w = df.assign(series_id=df["stream"] + "/" + df["nationality"]).pivot_table(
        index="period", columns="series_id", values="value", aggfunc="sum"
    )
    return w.sort_index()
