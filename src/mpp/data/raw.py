"""The raw text table every reader returns, and the helpers the readers share (streams, text frames,
rounding, required columns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mpp.errors import DataError

FIRST, REPEAT, NAREIZIGERS = "first_asylum_request", "repeat_asylum_request", "nareizigers"
FIRST_PLUS_REPEAT = (FIRST, REPEAT)
RAW_COLUMNS = ("period", "stream", "nationality", "value", "row")
STATED_COLUMNS = ("period", "nationality", "parts", "value", "row")


@dataclass
class RawTable:
    """A source file's figures as read, before validation.

    frame: columns period (str, "YYYY-MM" where the source had a month), stream (str), nationality (the
        source's label or code, str), value (str as published, flags stripped), row (int, 1-based line in a
        text file or record number in a JSON list; 0 for rows the loader adds, e.g. UNHCR's implicit zeros).
    stated_totals: columns period, nationality, parts (streams joined by "+"), value, row: totals the
        source states for the sum of `parts`, to check the parts against.
    rounding: the multiple counts are rounded to (5 for CBS and Eurostat, 1 for unrounded sources).
    notes: what the loader decided about this file (keys or titles seen, rows dropped and why).
    """

    frame: pd.DataFrame
    file: str
    format: str
    source: str
    stated_totals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(STATED_COLUMNS)))
    rounding: int = 1
    notes: list[str] = field(default_factory=list)


def _text_frame(records: list[dict] | pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A frame of text cells plus an int64 `row` column, in the given column order."""
    df = pd.DataFrame(records, columns=list(columns))
    for c in columns:
        df[c] = df[c].astype("int64") if c == "row" else df[c].astype(str)
    return df.reset_index(drop=True)


def raw_frame(records: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Records as a text frame with the raw observation columns (RAW_COLUMNS), for the per-source readers."""
    return _text_frame(records, RAW_COLUMNS)


def stated_frame(records: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Records as a text frame with the stated-figure columns (STATED_COLUMNS)."""
    return _text_frame(records, STATED_COLUMNS)


def is_blank(values: pd.Series) -> pd.Series:
    """True where a cell holds no figure (empty, ':', nan, None, null)."""
    return values.isna() | values.astype(str).str.strip().isin(["", ":", "nan", "NaN", "None", "null"])


def detect_rounding(values: pd.Series) -> int:
    """5 when every number is a multiple of 5 (a source that rounds to fives), else 1."""
    num = pd.to_numeric(values, errors="coerce").dropna()
    return 5 if len(num) and bool(((num % 5) == 0).all()) else 1


def read_text_csv(path: Path) -> pd.DataFrame:
    """All cells as text, blanks as empty strings, `row` = 1-based line in the file (header is line 1)."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: cannot read as CSV: {str(exc).splitlines()[0]}") from None
    df.columns = [str(c).strip() for c in df.columns]
    df["row"] = range(2, len(df) + 2)
    return df


def require(df: pd.DataFrame, columns, path: Path, what: str) -> None:
    """DataError naming the file and the missing columns unless `df` has all of `columns`."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{path}: not a {what} file: missing column(s) {', '.join(missing)}")
