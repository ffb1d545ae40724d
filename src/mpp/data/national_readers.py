"""Readers of the national sources (config/national.yaml `sources`): each file -> rows of the mixed-frequency
observation table of `mpp.data.observations`. They are records of the reader registry (`mpp.data.readers`),
chosen by the `reader` name a source states; `mpp.national.sources` loads every configured source with them."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.data.guard import guarded
from mpp.data.observations import make_observations
from mpp.errors import DataError

PANEL = "PANEL7"  # nationality code of the 7-nationality CBS panel summed (a partial national figure)
GRANTS, DECISIONS = "asylum_grants", "first_instance_decisions"
# Eurostat migr_asydcfstq measures of the decisions file -> observation streams (persons, first instance)
EUROSTAT_DECISION_MEASURES = {
    "eurostat_migr_asydcfstq_first_instance_decisions_positive": GRANTS,
    "eurostat_migr_asydcfstq_first_instance_decisions_total": DECISIONS,
}


def _read_table(path: Path, columns: tuple[str, ...], dtype: dict) -> pd.DataFrame:
    """A CSV with the named columns and `line` (its 1-based line in the file); a DataError naming the file."""
    try:
        df = pd.read_csv(path, dtype=dtype)
    except (OSError, pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    df["line"] = np.arange(2, len(df) + 2)
    return df


@guarded("CBS panel")
def read_panel_sum(path: str | Path, source: str, rounding: float = 5) -> pd.DataFrame:
    """The CBS 7-nationality monthly panel (period, nationality, stream, value): per month and stream, the sum
    over the nationalities, as nationality PANEL7 (derived: a sum of published cells)."""
    path = Path(path)
    df = _read_table(path, ("period", "nationality", "stream", "value"), {"value": float})
    g = df.groupby(["period", "stream"]).agg(value=("value", "sum"), n=("value", "size"), row=("line", "min"))
    rows = [
        dict(
            period=p,
            stream=s,
            nationality=PANEL,
            value=r.value,
            rounding=rounding * r.n,
            source=source,
            publisher="CBS 83102NED",
            file=path.name,
            row=int(r.row),
            derived=f"sum of {int(r.n)} nationalities",
        )
        for (p, s), r in g.iterrows()
    ]
    return make_observations(rows)


@guarded("Eurostat decisions")
def read_eurostat_decisions(path: str | Path, source: str, rounding: float = 5) -> pd.DataFrame:
    """Eurostat first-instance decisions per quarter (measure, period, value): positive decisions as stream
    asylum_grants, all decisions as first_instance_decisions; the file's other measures (pending, temporary
    protection) are not national flows of this model and are skipped."""
    path = Path(path)
    df = _read_table(path, ("measure", "period", "value"), {"measure": str, "period": str})
    df = df[df["measure"].isin(list(EUROSTAT_DECISION_MEASURES)) & df["value"].notna()]
    rows = [
        dict(
            period=r.period,
            stream=EUROSTAT_DECISION_MEASURES[r.measure],
            value=float(r.value),
            rounding=rounding,
            source=source,
            publisher="Eurostat migr_asydcfstq",
            file=path.name,
            row=int(r.line),
        )
        for r in df.itertuples(index=False)
    ]
    return make_observations(rows)


@guarded("CBS permits")
def read_cbs_permits(path: str | Path, source: str, rounding: float = 5) -> pd.DataFrame:
    """CBS 85400NED first-instance asylum permits per year (year, nationality, permit_type, value): the national
    total granted (the file's sum of the three permit types) as stream asylum_grants."""
    path = Path(path)
    df = _read_table(path, ("year", "nationality", "permit_type", "value"), {"nationality": str, "permit_type": str})
    df = df[(df["nationality"] == "Total") & (df["permit_type"] == "total_granted") & df["value"].notna()]
    rows = [
        dict(
            period=str(int(r.year)),
            stream=GRANTS,
            value=float(r.value),
            rounding=3 * rounding,
            source=source,
            publisher="CBS 85400NED",
            file=path.name,
            row=int(r.line),
            derived="sum of 3 permit types",
        )
        for r in df.itertuples(index=False)
    ]
    return make_observations(rows)


def _number(text) -> float | None:
    t = str(text).strip()
    if t in ("", "nan", "None") or t.startswith(":"):
        return None
    m = re.fullmatch(r"([0-9.]+)\s*thousand", t)
    if m:
        return float(m.group(1)) * 1000
    try:
        return float(t)
    except ValueError:
        return None


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV read as text. The shared files' last column is free text that may hold unquoted commas: a line
    with more fields than the header gives the rest of the line to the last column. Blank lines are skipped
    but counted, so `_line` is the 1-based line number in the file."""

    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from None
    if not lines:
        raise DataError(f"{path}: empty file")
    header = next(csv.reader([lines[0]]))
    rows, numbers = [], []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = next(csv.reader([line]))
        if len(fields) > len(header):
            fields = fields[: len(header) - 1] + [",".join(fields[len(header) - 1 :])]
        elif len(fields) < len(header):
            fields = fields + [""] * (len(header) - len(fields))
        rows.append(fields)
        numbers.append(number)
    df = pd.DataFrame(rows, columns=header, dtype=str)
    df["_line"] = numbers
    return df


def _require(df: pd.DataFrame, cols, path: Path) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")


@guarded("Eurostat TSV")
def read_eurostat_tsv_national(
    path: str | Path, source: str = "eurostat_monthly", geo: str = "NL", vintage: str = ""
) -> pd.DataFrame:
    """Eurostat migr_asyappctzm TSV as downloaded (key column 'freq,unit,citizen,sex,age,asyl_app,geo\\TIME_PERIOD',
    one column per month, ':' for missing, flags such as 'p' after the number): the national TOTAL citizen rows
    for `geo`. NASY_APP -> first requests; ASY_APP - NASY_APP -> repeat requests (derived, rounding 10)."""
    path = Path(path)
    try:
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read as Eurostat TSV: {str(exc).splitlines()[0]}") from None
    key = df.columns[0]
    dims = [d.strip() for d in key.split("\\")[0].split(",")]
    needed = {"citizen", "asyl_app", "geo", "sex", "age", "unit"}
    if not needed <= set(dims):
        raise DataError(f"{path}: not a migr_asyappctzm TSV: first header cell is {key!r}")
    codes = df[key].str.split(",", expand=True)
    codes.columns = dims
    df = pd.concat([codes, df.drop(columns=[key])], axis=1)
    df["_line"] = np.arange(2, len(df) + 2)
    keep = (
        (df["geo"].str.strip() == geo)
        & (df["citizen"] == "TOTAL")
        & (df["sex"] == "T")
        & (df["age"] == "TOTAL")
        & (df["unit"] == "PER")
    )
    df = df[keep]
    months = [c for c in df.columns if re.fullmatch(r"\s*\d{4}-\d{2}\s*", c)]
    values: dict[str, dict[str, tuple[float, int, str]]] = {}
    for _, r in df.iterrows():
        for c in months:
            cell = str(r[c]).strip()
            v = _number(cell.split(" ")[0]) if cell else None
            if v is None:
                continue
            flag = cell.split(" ", 1)[1].strip() if " " in cell else ""
            values.setdefault(r["asyl_app"], {})[c.strip()] = (v, int(r["_line"]), flag)
    rows = []
    publisher = "Eurostat migr_asyappctzm"
    for month, (v, line, flag) in values.get("NASY_APP", {}).items():
        rows.append(
            dict(
                period=month,
                stream="first_asylum_request",
                value=v,
                rounding=5,
                source=source,
                publisher=publisher + (f" (flag {flag})" if flag else ""),
                file=path.name,
                row=line,
                vintage=vintage,
            )
        )
    for month, (v_all, line, flag) in values.get("ASY_APP", {}).items():
        first = values.get("NASY_APP", {}).get(month)
        if first is None:
            continue
        rows.append(
            dict(
                period=month,
                stream="repeat_asylum_request",
                value=v_all - first[0],
                rounding=10,
                source=source,
                publisher=publisher,
                file=path.name,
                row=line,
                vintage=vintage,
                derived=f"ASY_APP - NASY_APP (lines {line} and {first[1]})",
            )
        )
    return make_observations(rows)


@guarded("tidy national")
def read_tidy_national(
    path: str | Path,
    source: str,
    rounding: float = 1,
    publisher: str = "",
    streams: tuple[str, ...] | None = None,
    value_thousands_rounding: float | None = None,
) -> pd.DataFrame:
    """A tidy file with `period` (or `year`), `stream`, `value` and optional `nationality`, `source`, `note`,
    `value_thousands`: the TOTAL rows. A value published in thousands gets rounding `value_thousands_rounding`;
    rows whose value is not a number are skipped (they are not national counts)."""
    path = Path(path)
    df = _read_csv(path)
    if "year" in df.columns and "period" not in df.columns:
        df = df.rename(columns={"year": "period"})
    _require(df, ("period", "stream", "value"), path)
    if "nationality" in df.columns:
        df = df[df["nationality"].isin(["TOTAL", ""])]
    rows = []
    for _, r in df.iterrows():
        v = _number(r["value"])
        if v is None or (streams is not None and r["stream"] not in streams):
            continue
        text = str(r.get("source", "")) or str(r.get("note", ""))
        pub = publisher or _publisher(text)
        rnd = rounding
        if "value_thousands" in df.columns and str(r.get("value_thousands", "")).strip():
            rnd = value_thousands_rounding or 10
        elif "(rounded" in text or "thousand" in text or "duizend" in text:
            rnd = max(rnd, 100)
        rows.append(
            dict(
                period=r["period"],
                stream=r["stream"],
                value=v,
                rounding=rnd,
                source=source,
                publisher=pub,
                file=path.name,
                row=int(r["_line"]),
            )
        )
    return make_observations(rows)


@guarded("realised totals")
def read_realised_totals(path: str | Path, source: str = "realised_totals") -> pd.DataFrame:
    """../shared/data/realised_totals.csv: quantity, year, value, approx, source. `approx = yes` -> rounding 100."""
    path = Path(path)
    df = _read_csv(path)
    _require(df, ("quantity", "year", "value", "approx", "source"), path)
    rows = []
    for _, r in df.iterrows():
        v = _number(r["value"])
        if v is None:
            continue
        rows.append(
            dict(
                period=r["year"],
                stream=r["quantity"],
                value=v,
                rounding=100 if r["approx"].strip() == "yes" else 1,
                source=source,
                publisher=_publisher(r["source"]),
                file=path.name,
                row=int(r["_line"]),
            )
        )
    return make_observations(rows)


def _publisher(text: str) -> str:
    t = str(text)
    for name in ("Eurostat", "CBS", "IND", "Rijksoverheid", "Ministry", "Rapportage Vreemdelingenketen"):
        if name in t:
            return name
    return t.split(" ")[0] if t else ""
