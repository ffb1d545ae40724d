"""Terminal tables shared by the commands."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

BANDS = ("minimum", "median", "medio", "maximum")


def annual_bands_table(bands_annual: pd.DataFrame, title: str, levels=("total", "stream")) -> Table:
    """Annual scenario bands of the total and the streams, rounded to tens like the ministry letters."""
    t = Table(title=title, title_justify="left")
    for col in ("series", "year", *BANDS):
        t.add_column(col, justify="left" if col == "series" else "right")
    df = bands_annual[bands_annual["level"].isin(levels)]
    for _, row in df.sort_values(["level", "series_id", "year"], key=_level_order).iterrows():
        t.add_row(row["series_id"], str(row["year"]), *(f"{round(row[b], -1):,.0f}" for b in BANDS))
    return t


def _level_order(col: pd.Series) -> pd.Series:
    if col.name == "level":
        return col.map({"total": 0, "stream": 1, "nationality": 2, "stream_nationality": 3})
    return col
