"""Readers of Eurostat migr_asyappctzm (asylum applicants by citizenship, monthly): the TSV and the SDMX-CSV
layouts."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from mpp.data.raw import (
    FIRST,
    FIRST_PLUS_REPEAT,
    RAW_COLUMNS,
    REPEAT,
    STATED_COLUMNS,
    RawTable,
    is_blank,
    raw_frame,
    read_text_csv,
    require,
    stated_frame,
)
from mpp.errors import DataError

EUROSTAT_STREAMS = {"NASY_APP": FIRST, "SUBS_APP": REPEAT}
EUROSTAT_STATED_TOTAL = "ASY_APP"
EUROSTAT_DIMS = ("freq", "unit", "citizen", "sex", "applicant", "age", "geo")
EUROSTAT_AGGREGATE = re.compile(r"^(EXT_)?(EU|EA|EFTA)\d*(_\d{4})?$")


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
    df = df[~is_blank(df["value"])]
    df = _sum_stateless(df, notes)
    parts = df[df["applicant"].isin(list(EUROSTAT_STREAMS))].assign(
        stream=lambda d: d["applicant"].map(EUROSTAT_STREAMS)
    )
    stated = df[df["applicant"] == EUROSTAT_STATED_TOTAL].assign(parts="+".join(FIRST_PLUS_REPEAT))
    return RawTable(
        frame=raw_frame(parts.sort_values(["row", "period"])[list(RAW_COLUMNS)]),
        file=str(path),
        format=fmt,
        source=f"Eurostat migr_asyappctzm ({path.name})",
        stated_totals=stated_frame(stated[list(STATED_COLUMNS)]),
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
    df = read_text_csv(path)
    require(df, (*EUROSTAT_DIMS, "TIME_PERIOD", "OBS_VALUE"), path, "Eurostat SDMX-CSV")
    df = df.rename(columns={"TIME_PERIOD": "period", "OBS_VALUE": "value"})
    return _eurostat_select(df, path, "eurostat_sdmx")
