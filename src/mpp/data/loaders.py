"""Read source files into the canonical table of `mpp.data.schema`.

Each reader first builds a `RawTable`: the figures as text, exactly as the source has them, one row per
(period, stream, nationality label) with the 1-based line (or record) number in the source file, plus any
totals the source states itself (CBS `TotaalAsielverzoeken_1`, Eurostat `ASY_APP`, IND `total_asylum_inflow`).
`mpp.data.validation` checks a RawTable and names source rows in its problems; `to_canonical` turns a checked
RawTable into the canonical DataFrame. `mpp.data.load` does both and raises `DataError` listing every
problem that stops a row from being read (bad period, non-number, unknown stream or nationality).

Formats (see ../shared/SOURCES.md):
- tidy CSV: `period` (YYYY-MM), `stream`, `nationality`, `value`; other columns ignored. A stream
  `total_asylum_inflow` (IND reports) is a stated total of first + repeat + nareizigers, not a stream.
- panel CSV (`load_panel_csv`): `period`, a key column, `value` and one stream for the whole file. Used for
  the UNHCR origin panel (key `origin`), the Eurostat 2015 citizenship extract (key `citizenship`) and the
  Eurostat country panel (key `geo`: the *reporting country* sits in the nationality place, so the forecast
  engine can treat countries -> Total like nationalities -> TOTAL; "European Union" is a partial aggregate
  and is dropped).
- CBS StatLine 83102NED: OData JSON (`{"value": [...]}`, a bare list, or a bundle with `TypedDataSet` and
  dimension tables `Nationaliteit`, `Perioden`, ... of `Key`/`Title`) or CSV from the `cbsodata` client.
- Eurostat migr_asyappctzm: TSV bulk download and SDMX-CSV.

Empty cells, CBS `null` and Eurostat `:` mean "no figure published": such cells give no row (never a 0).
"""

from __future__ import annotations

import codecs
import csv
import functools
import os
from pathlib import Path

import pandas as pd

from mpp.data.cbs import (
    read_cbs_83102ned,
)
from mpp.data.eurostat import (
    read_eurostat_sdmx,
    read_eurostat_tsv,
)
from mpp.data.nationalities import lookup
from mpp.data.raw import (
    FIRST,
    NAREIZIGERS,
    RAW_COLUMNS,
    REPEAT,
    STATED_COLUMNS,
    RawTable,
    _detect_rounding,
    _is_blank,
    _raw_frame,
    _read_text_csv,
    _require,
    _stated_frame,
)
from mpp.data.schema import STREAMS, canonical
from mpp.errors import ConfigError, DataError

# Aggregates of citizenships (EU27_2020, EXT_EU27_2020, EU28, EXT_EU28, EA19, ...): sums, not nationalities.
IND_STATED_TOTAL = "total_asylum_inflow"  # IND reports: first + repeat + nareizigers
DEFAULT_MAX_FILE_MB = 100
NEWLINE = b"\n"


# --------------------------------------------------------------------------------------------- tidy CSV
def read_tidy_csv(path: str | Path) -> RawTable:
    """Tidy CSV: period, stream, nationality, value (+ ignored columns). Empty value = no figure."""
    path = Path(path)
    df = _read_text_csv(path)
    _require(df, ("period", "stream", "nationality", "value"), path, "tidy CSV")
    df = df[~_is_blank(df["value"])]
    is_total = df["stream"].str.strip() == IND_STATED_TOTAL
    stated = df[is_total].assign(parts="+".join((FIRST, REPEAT, NAREIZIGERS)))
    raw = df[~is_total]
    notes = (
        [f"{int(is_total.sum())} '{IND_STATED_TOTAL}' rows read as stated totals of first + repeat + nareizigers"]
        if is_total.any()
        else []
    )
    return RawTable(
        frame=_raw_frame(raw[list(RAW_COLUMNS)]),
        file=str(path),
        format="tidy",
        source=_tidy_source(df, path),
        stated_totals=_stated_frame(stated[list(STATED_COLUMNS)]),
        rounding=_detect_rounding(raw["value"]),
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
    df = _read_text_csv(path)
    _require(df, ("period", key_column, "value"), path, f"panel CSV keyed by {key_column!r}")
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
    df = df[~_is_blank(df["value"])].assign(stream=stream)
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
        frame=_raw_frame(df[list(RAW_COLUMNS)]),
        file=str(path),
        format=f"panel:{key_column}",
        source=path.name,
        rounding=_detect_rounding(df["value"]),
        notes=notes,
    )


# CBS 83102NED: mpp.data.cbs; Eurostat: mpp.data.eurostat; RawTable and shared helpers: mpp.data.raw


# ------------------------------------------------------------------------------------ detection, loading
def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
    delimiter = "\t" if "\t" in first else ","
    return [c.strip() for c in next(csv.reader([first], delimiter=delimiter), [])]


def detect_format(path: str | Path) -> str:
    """Which reader fits a file, from its extension and header."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if path.suffix.lower() == ".json":
        return "cbs_83102ned"
    cols = set(_header(path))
    if any("\\TIME_PERIOD" in c for c in cols):
        return "eurostat_tsv"
    if {"DATAFLOW", "OBS_VALUE", "TIME_PERIOD"} <= cols:
        return "eurostat_sdmx"
    if {"Perioden", "Nationaliteit"} <= cols:
        return "cbs_83102ned"
    if {"period", "stream", "nationality", "value"} <= cols:
        return "tidy"
    if {"period", "origin", "value"} <= cols:
        return "unhcr_panel"
    if {"period", "citizenship", "value"} <= cols:
        return "eurostat_citizenship_panel"
    if {"geo", "period", "value"} <= cols:
        return "eurostat_country_panel"
    raise DataError(f"{path}: unrecognised format (header: {', '.join(sorted(cols)) or 'empty'})")


def max_file_bytes() -> int:
    """Largest data file read (default 100 MB, far above any real panel: the largest is under 1 MB);
    `MPP_MAX_DATA_MB` changes it. Larger files are refused before any of them is read."""
    raw = os.environ.get("MPP_MAX_DATA_MB", "").strip()
    if not raw:
        return DEFAULT_MAX_FILE_MB * 1_000_000
    try:
        mb = float(raw)
    except ValueError:
        raise ConfigError(f"MPP_MAX_DATA_MB={raw!r} is not a number of megabytes") from None
    if not mb > 0:
        raise ConfigError(f"MPP_MAX_DATA_MB={raw!r} must be a positive number of megabytes")
    return int(mb * 1_000_000)


def check_readable(path: str | Path) -> None:
    """Refuse, before parsing, what no loader should try: a missing file or a folder, a file larger than
    `max_file_bytes()` (decided from its size, nothing read), and anything that is not UTF-8 text (binary
    data, UTF-16, Latin-1), named with its line. The text check streams the file in 1 MB chunks."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if not path.is_file():
        raise DataError(f"{path}: not a file")
    size, limit = path.stat().st_size, max_file_bytes()
    if size > limit:
        raise DataError(
            f"{path}: {size / 1e6:,.1f} MB is larger than the {limit / 1e6:,.0f} MB limit for a data "
            "file (real panels are under 1 MB; set MPP_MAX_DATA_MB to raise the limit)"
        )
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    line, offset = 1, 0
    try:
        with open(path, "rb") as f:
            head = f.read(4)
            if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or head[:4] in (
                codecs.BOM_UTF32_LE,
                codecs.BOM_UTF32_BE,
            ):
                raise DataError(f"{path}: UTF-16/UTF-32 text: save it as UTF-8 (CSV UTF-8 in Excel)")
            f.seek(0)
            for chunk in iter(lambda: f.read(1 << 20), b""):
                nul = chunk.find(b"\0")
                try:
                    decoder.decode(chunk[:nul] if nul >= 0 else chunk)
                except UnicodeDecodeError as exc:
                    where, byte = line + chunk.count(NEWLINE, 0, exc.start), exc.object[exc.start]
                    raise DataError(
                        f"{path}:{where}: not UTF-8 text (byte 0x{byte:02x} at byte {offset + exc.start})"
                        "; binary data, or save it as UTF-8"
                    ) from None
                if nul >= 0:
                    where = line + chunk.count(NEWLINE, 0, nul)
                    raise DataError(
                        f"{path}:{where}: binary data (a NUL byte at byte {offset + nul}): not a text "
                        "file, or UTF-16: save it as UTF-8"
                    )
                line += chunk.count(NEWLINE)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise DataError(f"{path}:{line}: not UTF-8 text (the file ends inside a character)") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_file(path: str | Path, format: str = "auto") -> RawTable:
    """Read any supported file into a RawTable (`format` as returned by `detect_format`)."""
    check_readable(path)  # before detection, which reads the header
    fmt = detect_format(path) if format == "auto" else format
    readers = {
        "tidy": read_tidy_csv,
        "cbs_83102ned": read_cbs_83102ned,
        "eurostat_tsv": read_eurostat_tsv,
        "eurostat_sdmx": read_eurostat_sdmx,
        # UNHCR: origins absent in a month had no applications; "*" cells (1-4) are hidden.
        "unhcr_panel": lambda p: read_panel_csv(
            p, "origin", FIRST, absent_is_zero=True, suppressed_flag="suppressed_in_source"
        ),
        # Eurostat 2015 extract: applicant type not recorded; its figures match CBS first requests.
        "eurostat_citizenship_panel": lambda p: read_panel_csv(p, "citizenship", FIRST),
        # All applicants by reporting country; the engine needs a stream, so the panel carries FIRST.
        "eurostat_country_panel": lambda p: read_panel_csv(p, "geo", FIRST, drop_keys=("European Union",)),
    }
    if fmt not in readers:
        raise DataError(f"unknown format {fmt!r}; choose from auto, {', '.join(readers)}")
    return guarded_read(readers[fmt], path, fmt)


LAYOUT_ERRORS = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    OverflowError,
    RecursionError,
    csv.Error,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
)


def guarded_read(reader, path: str | Path, what: str, *args, **kwargs):
    """`reader(path, ...)` for a file a user gave: first `check_readable`, then any error from a file whose
    layout the reader cannot follow (ragged rows, missing parts, wrong nesting) becomes a DataError naming the
    file and the format, instead of a library's exception and a traceback."""
    check_readable(path)
    try:
        return reader(path, *args, **kwargs)
    except DataError:
        raise
    except LAYOUT_ERRORS as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{path}: does not have the layout of a {what} file ({detail})") from None


def guarded(what: str):
    """Decorator form of `guarded_read` for a reader whose first argument is the path."""

    def wrap(reader):
        @functools.wraps(reader)
        def read(path, *args, **kwargs):
            return guarded_read(reader, path, what, *args, **kwargs)

        return read

    return wrap


def to_canonical(raw: RawTable) -> pd.DataFrame:
    """RawTable whose rows all parse -> canonical DataFrame (codes, Period[M], int64, source)."""
    f = raw.frame
    codes = {name: lookup(name) for name in f["nationality"].unique()}
    out = pd.DataFrame(
        {
            "period": pd.PeriodIndex(f["period"], freq="M"),
            "stream": f["stream"].str.strip(),
            "nationality": f["nationality"].map(codes),
            "value": pd.to_numeric(f["value"]).astype("int64"),
            "source": raw.source,
        }
    )
    return canonical(out)


__all__ = [
    "RawTable",
    "detect_format",
    "read_file",
    "read_tidy_csv",
    "read_panel_csv",
    "read_cbs_83102ned",
    "read_eurostat_tsv",
    "read_eurostat_sdmx",
    "to_canonical",
    "STREAMS",
]
