"""Read source files into the canonical table of `mpp.data.schema`.

Each reader first builds a `RawTable`: the figures as text, exactly as the source has them, one row per
(period, stream, nationality label) with the 1-based line (or record) number in the source file, plus any
totals the source states itself (CBS `TotaalAsielverzoeken_1`, Eurostat `ASY_APP`, IND `total_asylum_inflow`).
`mpp.data.validation` checks a RawTable and names source rows in its problems; `to_canonical` turns a checked
RawTable into the canonical DataFrame. The `load_*` functions do both and raise `DataError` listing every
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
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mpp.data.nationalities import lookup
from mpp.data.schema import STREAMS, TOTAL, canonical
from mpp.errors import ConfigError, DataError

FIRST, REPEAT, NAREIZIGERS = "first_asylum_request", "repeat_asylum_request", "nareizigers"
FIRST_PLUS_REPEAT = (FIRST, REPEAT)
RAW_COLUMNS = ("period", "stream", "nationality", "value", "row")
STATED_COLUMNS = ("period", "nationality", "parts", "value", "row")

CBS_MEASURES = {
    "EersteAsielverzoekenPersonen_2": FIRST,
    "VolgendeAsielverzoeken_3": REPEAT,
    "NareizigersPersonen_4": NAREIZIGERS,
}
CBS_STATED_TOTAL = "TotaalAsielverzoeken_1"  # = first + subsequent (nareizigers counted apart)
CBS_ALL_SEXES, CBS_ALL_AGES, TOTAL_KEY = "T001038", "10000", "T001059"
CBS_DIMENSIONS = ("Geslacht", "Leeftijd", "Nationaliteit", "Perioden")
DUTCH_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
EUROSTAT_STREAMS = {"NASY_APP": FIRST, "SUBS_APP": REPEAT}
EUROSTAT_STATED_TOTAL = "ASY_APP"
EUROSTAT_DIMS = ("freq", "unit", "citizen", "sex", "applicant", "age", "geo")
# Aggregates of citizenships (EU27_2020, EXT_EU27_2020, EU28, EXT_EU28, EA19, ...): sums, not nationalities.
EUROSTAT_AGGREGATE = re.compile(r"^(EXT_)?(EU|EA|EFTA)\d*(_\d{4})?$")
IND_STATED_TOTAL = "total_asylum_inflow"  # IND reports: first + repeat + nareizigers
DEFAULT_MAX_FILE_MB = 100
NEWLINE = b"\n"


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


def _raw_frame(records: list[dict] | pd.DataFrame) -> pd.DataFrame:
    return _text_frame(records, RAW_COLUMNS)


def _stated_frame(records: list[dict] | pd.DataFrame) -> pd.DataFrame:
    return _text_frame(records, STATED_COLUMNS)


def _is_blank(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype(str).str.strip().isin(["", ":", "nan", "NaN", "None", "null"])


def _detect_rounding(values: pd.Series) -> int:
    num = pd.to_numeric(values, errors="coerce").dropna()
    return 5 if len(num) and bool(((num % 5) == 0).all()) else 1


def _read_text_csv(path: Path) -> pd.DataFrame:
    """All cells as text, blanks as empty strings, `row` = 1-based line in the file (header is line 1)."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: cannot read as CSV: {str(exc).splitlines()[0]}") from None
    df.columns = [str(c).strip() for c in df.columns]
    df["row"] = range(2, len(df) + 2)
    return df


def _require(df: pd.DataFrame, columns, path: Path, what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{path}: not a {what} file: missing column(s) {', '.join(missing)}")


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


# ------------------------------------------------------------------------------------------ CBS 83102NED
def _cbs_period(text: str) -> str | None:
    """'2024MM05' or title '2024 mei' (CBS marks provisional with '*') -> '2024-05'; quarters/years -> None.

    Anything else is returned unchanged so validation reports it as an unparseable period.
    """
    t = text.strip().rstrip("*").strip()
    m = re.fullmatch(r"(\d{4})MM(\d{2})", t)
    if m:
        return f"{m[1]}-{m[2]}"
    if re.fullmatch(r"\d{4}(KW\d{2}|JJ00)", t) or re.fullmatch(r"\d{4}( \d(e|ste|de) kwartaal)?", t):
        return None
    m = re.fullmatch(r"(\d{4}) ([a-z]+)", t.lower())
    if m and m[2] in DUTCH_MONTHS:
        return f"{m[1]}-{DUTCH_MONTHS.index(m[2]) + 1:02d}"
    return t


def _cbs_records(path: Path) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Data rows (text cells, `row` = record or line number) and any dimension tables (Key, Title)."""
    if path.suffix.lower() == ".json":
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: not valid JSON: {exc}") from None
        dims: dict[str, pd.DataFrame] = {}
        if isinstance(payload, dict) and "TypedDataSet" in payload:
            for name in CBS_DIMENSIONS:
                table = payload.get(name)
                if table is not None:
                    table = table["value"] if isinstance(table, dict) else table
                    dims[name] = pd.DataFrame(table)[["Key", "Title"]].astype(str)
            payload = payload["TypedDataSet"]
        rows = payload["value"] if isinstance(payload, dict) and "value" in payload else payload
        if not isinstance(rows, list):
            raise DataError(f"{path}: expected an OData 'value' list of records")
        df = pd.DataFrame(rows)
        df = df.astype(object).where(df.notna(), "")
        df = df.astype(str)
        df["row"] = range(1, len(df) + 1)
        return df, dims
    return _read_text_csv(path), {}


def read_cbs_83102ned(path: str | Path, dimensions: dict[str, pd.DataFrame] | None = None) -> RawTable:
    """CBS 83102NED TypedDataSet rows: keep months, all sexes and ages; measures become streams."""
    path = Path(path)
    df, dims = _cbs_records(path)
    dims.update(dimensions or {})
    _require(df, (*CBS_DIMENSIONS, *CBS_MEASURES), path, "CBS 83102NED")
    for dim in CBS_DIMENSIONS:
        df[dim] = df[dim].str.strip()
    # Keys look like T001038, 10000, T001059, 2024MM05; titles are Dutch words. Say which we saw.
    key_like = df["Perioden"].str.fullmatch(r"\d{4}(MM|KW|JJ)\d{2}").mean() > 0.5
    form = "keys" if key_like else "titles"
    notes = [f"dimension columns hold {form}"]
    if form == "keys":
        sexes_ok, ages_ok = df["Geslacht"] == CBS_ALL_SEXES, df["Leeftijd"] == CBS_ALL_AGES
        if "Nationaliteit" in dims:
            titles = dict(zip(dims["Nationaliteit"]["Key"].str.strip(), dims["Nationaliteit"]["Title"].str.strip()))
            titles[TOTAL_KEY] = TOTAL
            df["Nationaliteit"] = df["Nationaliteit"].map(lambda k: titles.get(k, k))
            notes.append("nationality keys mapped to titles with the Nationaliteit dimension table")
    else:
        sexes_ok = df["Geslacht"].str.lower().str.startswith("totaal")
        ages_ok = df["Leeftijd"].str.lower().str.startswith("totaal")
        df.loc[df["Nationaliteit"].str.lower().str.startswith("totaal"), "Nationaliteit"] = TOTAL
    df = df[sexes_ok & ages_ok]
    df = df.assign(period=df["Perioden"].map(_cbs_period))
    n_sums = int(df["period"].isna().sum())
    if n_sums:
        notes.append(f"dropped {n_sums} quarter/year rows (sums of months, not months)")
    df = df[df["period"].notna()].rename(columns={"Nationaliteit": "nationality"})
    long = df.melt(
        id_vars=["period", "nationality", "row"], value_vars=list(CBS_MEASURES), var_name="measure", value_name="value"
    )
    long = long[~_is_blank(long["value"])].assign(stream=long["measure"].map(CBS_MEASURES))
    stated = (
        df[["period", "nationality", "row", CBS_STATED_TOTAL]].rename(columns={CBS_STATED_TOTAL: "value"})
        if CBS_STATED_TOTAL in df.columns
        else pd.DataFrame(columns=["period", "nationality", "row", "value"])
    )
    stated = stated[~_is_blank(stated["value"])].assign(parts="+".join(FIRST_PLUS_REPEAT))
    return RawTable(
        frame=_raw_frame(long.sort_values(["row", "stream"])[list(RAW_COLUMNS)]),
        file=str(path),
        format=f"cbs_83102ned:{form}",
        source=f"CBS StatLine 83102NED ({path.name})",
        stated_totals=_stated_frame(stated[list(STATED_COLUMNS)]),
        rounding=5,
        notes=notes,
    )


# -------------------------------------------------------------------------------------------- Eurostat
def _eurostat_cell(text: str) -> str:
    """'1235 p' -> '1235'; ': c' and ':' -> '' (not available); flags dropped."""
    t = str(text).strip()
    if t.startswith(":"):
        return ""
    return t.split(" ")[0] if " " in t else t


def _eurostat_select(df: pd.DataFrame, path: Path, fmt: str) -> RawTable:
    """Common part of both Eurostat formats: df has the dimension columns, period, value (text), row."""
    notes = []
    for c in EUROSTAT_DIMS:
        df[c] = df[c].astype(str).str.strip()
    keep = (df["geo"] == "NL") & (df["sex"] == "T") & (df["age"] == "TOTAL") & (df["unit"] == "PER")
    df = df[keep]
    aggregate = df["citizen"].str.fullmatch(EUROSTAT_AGGREGATE.pattern)
    if aggregate.any():
        notes.append(f"skipped citizenship aggregates {', '.join(sorted(set(df.loc[aggregate, 'citizen'])))}")
    df = df[~aggregate].rename(columns={"citizen": "nationality"})
    df = df.assign(period=df["period"].str.strip(), value=df["value"].map(_eurostat_cell))
    df = df[~_is_blank(df["value"])]
    df = _sum_stateless(df, notes)
    parts = df[df["applicant"].isin(list(EUROSTAT_STREAMS))].assign(
        stream=lambda d: d["applicant"].map(EUROSTAT_STREAMS)
    )
    stated = df[df["applicant"] == EUROSTAT_STATED_TOTAL].assign(parts="+".join(FIRST_PLUS_REPEAT))
    return RawTable(
        frame=_raw_frame(parts.sort_values(["row", "period"])[list(RAW_COLUMNS)]),
        file=str(path),
        format=fmt,
        source=f"Eurostat migr_asyappctzm ({path.name})",
        stated_totals=_stated_frame(stated[list(STATED_COLUMNS)]),
        rounding=5,
        notes=notes,
    )


def _sum_stateless(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Eurostat's RNC (recognised non-citizens) and STLS (stateless) are one code here (XXA): where a month has
    both with numeric values they become one STLS row with their sum (keeping the STLS row's number), so they
    are not reported as duplicates. Non-numeric values are left alone for validation to report."""
    stls, rnc = df[df["nationality"] == "STLS"], df[df["nationality"] == "RNC"]
    if rnc.empty or stls.empty:
        return df
    keys = ["applicant", "period"]
    pairs = stls.reset_index().merge(rnc.reset_index()[keys + ["index", "value"]], on=keys, suffixes=("", "_rnc"))
    a = pd.to_numeric(pairs["value"], errors="coerce")
    b = pd.to_numeric(pairs["value_rnc"], errors="coerce")
    pairs = pairs[a.notna() & b.notna()].assign(value=(a + b).round().astype("int64").astype(str))
    if pairs.empty:
        return df
    out = df.drop(index=pairs["index_rnc"])
    out.loc[pairs["index"], "value"] = pairs["value"].to_numpy()
    notes.append(f"summed RNC (recognised non-citizens) into STLS (stateless) for {len(pairs)} month(s): both are XXA")
    return out


def read_eurostat_tsv(path: str | Path) -> RawTable:
    """Eurostat bulk TSV: first column 'freq,unit,...,geo\\TIME_PERIOD', one column per month."""
    path = Path(path)
    try:
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read as Eurostat TSV: {str(exc).splitlines()[0]}") from None
    first = df.columns[0]
    dims = first.split("\\")[0].split(",")
    if tuple(d.strip() for d in dims) != EUROSTAT_DIMS:
        raise DataError(f"{path}: not a migr_asyappctzm TSV: first header cell is {first!r}")
    df["row"] = range(2, len(df) + 2)
    codes = df[first].str.split(",", expand=True)
    codes.columns = list(EUROSTAT_DIMS)
    months = [c for c in df.columns if c not in (first, "row")]
    wide = pd.concat([codes, df[months].rename(columns=lambda c: c.strip()), df[["row"]]], axis=1)
    long = wide.melt(id_vars=[*EUROSTAT_DIMS, "row"], var_name="period", value_name="value")
    return _eurostat_select(long, path, "eurostat_tsv")


def read_eurostat_sdmx(path: str | Path) -> RawTable:
    """Eurostat SDMX-CSV: one observation per line (TIME_PERIOD, OBS_VALUE, OBS_FLAG)."""
    path = Path(path)
    df = _read_text_csv(path)
    _require(df, (*EUROSTAT_DIMS, "TIME_PERIOD", "OBS_VALUE"), path, "Eurostat SDMX-CSV")
    df = df.rename(columns={"TIME_PERIOD": "period", "OBS_VALUE": "value"})
    return _eurostat_select(df, path, "eurostat_sdmx")


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
