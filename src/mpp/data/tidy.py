"""Readers of the tidy CSV (period, stream, nationality, value) and of one-stream panel CSVs (UNHCR origins,
Eurostat citizenships and reporting countries) into a `RawTable` (formats: `mpp.data.loaders`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mpp.data.raw import (
    FIRST,
    NAREIZIGERS,
    RAW_COLUMNS,
    REPEAT,
    STATED_COLUMNS,
    RawTable,
    detect_rounding,
    is_blank,
    raw_frame,
    read_text_csv,
    require,
    stated_frame,
)
from mpp.errors import DataError

IND_STATED_TOTAL = "total_asylum_inflow"  # IND reports: first + repeat + nareizigers


def read_tidy_csv(path: str | Path) -> RawTable:
    """Tidy CSV: period, stream, nationality, value (+ ignored columns). Empty value = no figure."""
    path = Path(path)
    df = read_text_csv(path)
    require(df, ("period", "stream", "nationality", "value"), path, "tidy CSV")
    df = df[~is_blank(df["value"])]
    is_total = df["stream"].str.strip() == IND_STATED_TOTAL
    stated = df[is_total].assign(parts="+".join((FIRST, REPEAT, NAREIZIGERS)))
    raw = df[~is_total]
    notes = (
        [f"{int(is_total.sum())} '{IND_STATED_TOTAL}' rows read as stated totals of first + repeat + nareizigers"]
        if is_total.any()
        else []
    )
    return RawTable(
        frame=raw_frame(raw[list(RAW_COLUMNS)]),
        file=str(path),
        format="tidy",
        source=_tidy_source(df, path),
        stated_totals=stated_frame(stated[list(STATED_COLUMNS)]),
        rounding=detect_rounding(raw["value"]),
        notes=notes,
    )


def _tidy_source(df: pd.DataFrame, path: Path) -> str:
    """The file name, preceded by the file's own `source` when it states one (e.g. "synthetic sample (seed 0)")."""
    stated = set(df["source"].str.strip()) - {""} if "source" in df.columns else set()
    return f"{stated.pop()} ({path.name})" if len(stated) == 1 else path.name


def read_panel_csv(
    path: str | Path,
    key_column: str,
    stream: str,
    *,
    absent_is_zero: bool = False,
    drop_keys: tuple[str, ...] = (),
    suppressed_flag: str | None = None,
) -> RawTable:
    """A panel with one stream: `period`, `key_column` (nationality or reporting country), `value`.

    absent_is_zero: a key-month with no row at all means 0 (UNHCR: origins with no applications are left out).
        Months are filled with "0" between the file's first and last month; the filled rows have row 0.
    drop_keys: key labels that are not nationality codes (e.g. "European Union", a partial aggregate).
    suppressed_flag: a value in a `flag` column marking a figure the publisher hid (UNHCR hides 1-4). Such a
        figure is unknown and cannot be filled without inventing it, so each key keeps only its months after
        its last hidden figure (a shorter series, never a gap); the notes say how many keys were cut.
    """
    path = Path(path)
    df = read_text_csv(path)
    require(df, ("period", key_column, "value"), path, f"panel CSV keyed by {key_column!r}")
    notes: list[str] = []
    df = df.rename(columns={key_column: "nationality"})
    df["nationality"] = df["nationality"].str.strip()
    dropped = df["nationality"].isin(drop_keys)
    if dropped.any():
        notes.append(
            f"dropped {int(dropped.sum())} rows of {', '.join(sorted(set(df.loc[dropped, 'nationality'])))}"
            " (aggregate, not a nationality)"
        )
    df = df[~dropped]
    last_hidden = pd.Series(dtype=str)
    if suppressed_flag is not None and "flag" in df.columns:
        hidden = df["flag"].str.strip() == suppressed_flag
        last_hidden = df[hidden].groupby("nationality")["period"].max()
        if len(last_hidden):
            notes.append(
                f"{len(last_hidden)} keys with figures hidden by the publisher ({int(hidden.sum())} cells "
                f"flagged {suppressed_flag!r}) start after their last hidden month"
            )
    df = df[~is_blank(df["value"])].assign(stream=stream)
    if absent_is_zero and len(df):
        months = pd.PeriodIndex(df["period"], freq="M") if df["period"].str.fullmatch(r"\d{4}-\d{2}").all() else None
        if months is None:
            raise DataError(f"{path}: cannot fill absent months: some periods are not YYYY-MM")
        full = pd.MultiIndex.from_product(
            [sorted(df["nationality"].unique()), pd.period_range(months.min(), months.max(), freq="M").astype(str)],
            names=["nationality", "period"],
        )
        have = pd.MultiIndex.from_frame(df[["nationality", "period"]])
        absent = full.difference(have).to_frame(index=False)
        if len(absent):
            notes.append(f"{len(absent)} absent key-months read as 0 (the source leaves out zero months)")
            df = pd.concat([df, absent.assign(stream=stream, value="0", row=0)], ignore_index=True)
    if len(last_hidden):  # YYYY-MM strings compare in time order
        df = df[~(df["period"] <= df["nationality"].map(last_hidden).fillna(""))]
    df = df.sort_values(["nationality", "period", "row"])
    return RawTable(
        frame=raw_frame(df[list(RAW_COLUMNS)]),
        file=str(path),
        format=f"panel:{key_column}",
        source=path.name,
        rounding=detect_rounding(df["value"]),
        notes=notes,
    )
