"""Observations at mixed frequencies: a value can cover a month, a quarter, a half-year or a year.

National asylum figures exist at no single complete frequency: Eurostat months to 2020-08, CBS quarters
2013-Q1..2025-Q2, annual CBS/IND totals, scattered IND and CBS months, press quarters. This module reads them
all into one long table and never turns a coarse value into months.

Observation table (one row per published value):
  period     label as published: '2024-07' (month), '2024-Q3' (quarter), '2024-H1' (half-year), '2024' (year)
  freq       'M', 'Q', 'H' or 'Y'
  start, end first and last month covered (pandas Period[M])
  stream, nationality   as in `mpp.data.schema` (nationality 'TOTAL' for national figures)
  value      float (a figure published in thousands keeps its rounding in `rounding`)
  rounding   the unit the publisher rounded to (5 for CBS/Eurostat cells, 10 for 'x.xx thousand', 1 for IND)
  source     short key of the source (config/national.yaml `sources`), e.g. 'eurostat_monthly'
  publisher  e.g. 'Eurostat migr_asyappctzm', 'CBS', 'IND'
  file, row  the file name and its 1-based line (header = line 1) the value was read from
  vintage    publication month when the source states it, else ''
  derived    '' for a published value; otherwise how it was computed (e.g. 'ASY_APP - NASY_APP')

`validate_observations` compares a set of months with the quarter/half/year they make up (and quarters with
years), across sources, and names file, row and both sources when they disagree beyond a tolerance.
`resolve` keeps one value per (stream, nationality, freq, period) by the precedence stated in config and adds
coarser sums of complete finer periods (recorded as derived); it never disaggregates.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.data.loaders import guarded
from mpp.errors import DataError

OBS_COLUMNS = (
    "period",
    "freq",
    "start",
    "end",
    "stream",
    "nationality",
    "value",
    "rounding",
    "source",
    "publisher",
    "file",
    "row",
    "vintage",
    "derived",
)
FREQ_MONTHS = {"M": 1, "Q": 3, "H": 6, "Y": 12}
_PATTERNS = (
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "M"),
    (re.compile(r"^(\d{4})-?Q([1-4])$"), "Q"),
    (re.compile(r"^(\d{4})-?H([12])$"), "H"),
    (re.compile(r"^(\d{4})$"), "Y"),
)


def parse_period(text: str) -> tuple[str, str, pd.Period, pd.Period]:
    """'2024-07' | '2024-Q3' | '2024Q3' | '2024-H1' | '2024' -> (canonical label, freq, first month, last month)."""
    t = str(text).strip()
    for pattern, freq in _PATTERNS:
        m = pattern.match(t)
        if not m:
            continue
        year = int(m.group(1))
        if freq == "M":
            start = pd.Period(t, freq="M")
            return t, freq, start, start
        if freq == "Y":
            return str(year), freq, pd.Period(f"{year}-01", freq="M"), pd.Period(f"{year}-12", freq="M")
        k = int(m.group(2))
        size = FREQ_MONTHS[freq]
        start = pd.Period(f"{year}-{(k - 1) * size + 1:02d}", freq="M")
        return f"{year}-{freq}{k}", freq, start, start + size - 1
    raise ValueError(f"not a month, quarter, half-year or year: {text!r}")


def period_label(freq: str, start: pd.Period) -> str:
    """The label of the period of `freq` that starts at month `start`."""
    if freq == "M":
        return str(start)
    if freq == "Y":
        return str(start.year)
    return f"{start.year}-{freq}{(start.month - 1) // FREQ_MONTHS[freq] + 1}"


def empty_observations() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in OBS_COLUMNS})


def make_observations(rows: list[dict]) -> pd.DataFrame:
    """Rows with at least period, stream, value, source, file, row -> an observation table (typed, sorted)."""
    if not rows:
        return empty_observations()
    out = []
    for r in rows:
        label, freq, start, end = parse_period(r["period"])
        out.append(
            {
                "nationality": "TOTAL",
                "rounding": 1,
                "publisher": "",
                "vintage": "",
                "derived": "",
                **r,
                "period": label,
                "freq": freq,
                "start": start,
                "end": end,
            }
        )
    df = pd.DataFrame(out)[list(OBS_COLUMNS)]
    df["value"] = df["value"].astype(float)
    df["row"] = df["row"].astype(int)
    df["rounding"] = df["rounding"].astype(float)
    return df.sort_values(["stream", "nationality", "start", "freq", "source"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ readers
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


# ------------------------------------------------------------------------------------------- validation
@dataclass(frozen=True)
class Finding:
    """A disagreement between a set of finer values and the coarser value they make up, or between two
    sources for the same period."""

    kind: str
    stream: str
    period: str
    value_a: float
    source_a: str
    where_a: str
    value_b: float
    source_b: str
    where_b: str
    difference: float
    tolerance: float

    def message(self) -> str:
        rel = self.difference / self.value_b if self.value_b else float("nan")
        return (
            f"{self.stream} {self.period}: {self.where_a} ({self.source_a}) gives {self.value_a:,.0f}, "
            f"{self.where_b} ({self.source_b}) gives {self.value_b:,.0f}: differ by {self.difference:+,.0f} "
            f"({rel:+.1%}), tolerance {self.tolerance:,.0f} [{self.kind}]"
        )


def _where(rows: pd.DataFrame) -> str:
    files = sorted(set(rows["file"]))
    parts = []
    for f in files:
        lines = sorted(set(rows.loc[rows["file"] == f, "row"].astype(int)))
        span = (
            f"row {lines[0]}"
            if len(lines) == 1
            else (
                f"rows {lines[0]}-{lines[-1]}"
                if lines == list(range(lines[0], lines[-1] + 1))
                else "rows " + ",".join(map(str, lines))
            )
        )
        parts.append(f"{f} {span}")
    return " + ".join(parts)


def _tolerance(fine: pd.DataFrame, coarse_value: float, coarse_rounding: float, rel_tol: float) -> float:
    rounding = coarse_rounding / 2 + fine["rounding"].sum() / 2
    return max(rounding, rel_tol * abs(coarse_value))


def validate_observations(obs: pd.DataFrame, rel_tol: float = 0.01) -> list[Finding]:
    """Months (of one source) that add up to a stated quarter/half/year of any source, quarters to years, and
    the same period from two sources: every disagreement beyond max(rounding, rel_tol * value) is a finding
    naming file, row and both sources. Derived values are checked like published ones."""
    findings: list[Finding] = []
    for (stream, nat), g in obs.groupby(["stream", "nationality"], sort=False):
        # same period, two sources
        for (freq, label), same in g.groupby(["freq", "period"], sort=False):
            if same["source"].nunique() < 2:
                continue
            first = same.iloc[0]
            for _, other in same.iloc[1:].iterrows():
                if other["source"] == first["source"]:
                    continue
                diff = other["value"] - first["value"]
                tol = max((first["rounding"] + other["rounding"]) / 2, rel_tol * abs(first["value"]))
                if abs(diff) > tol:
                    findings.append(
                        Finding(
                            "same period, two sources",
                            stream,
                            label,
                            other["value"],
                            other["source"],
                            _where(same.loc[[other.name]]),
                            first["value"],
                            first["source"],
                            _where(same.loc[[first.name]]),
                            diff,
                            tol,
                        )
                    )
        # finer periods of one source against each coarser value
        for fine_freq in ("M", "Q"):
            fine_all = g[g["freq"] == fine_freq]
            if fine_all.empty:
                continue
            coarse = g[g["freq"].map(FREQ_MONTHS) > FREQ_MONTHS[fine_freq]]
            for fine_source, fine in fine_all.groupby("source", sort=False):
                fine = fine.drop_duplicates("period")
                by_start = fine.set_index("start")
                for idx, c in coarse.iterrows():
                    starts = pd.period_range(c["start"], c["end"], freq="M")[:: FREQ_MONTHS[fine_freq]]
                    if not all(s in by_start.index for s in starts):
                        continue
                    parts = by_start.loc[list(starts)]
                    total = float(parts["value"].sum())
                    diff = total - c["value"]
                    tol = _tolerance(parts, c["value"], c["rounding"], rel_tol)
                    if abs(diff) > tol:
                        what = "months" if fine_freq == "M" else "quarters"
                        findings.append(
                            Finding(
                                f"{what} contradict their {c['freq']} total",
                                stream,
                                c["period"],
                                total,
                                fine_source,
                                _where(parts),
                                c["value"],
                                c["source"],
                                _where(g.loc[[idx]]),
                                diff,
                                tol,
                            )
                        )
    return findings


# -------------------------------------------------------------------------------------------- resolving
def resolve(obs: pd.DataFrame, precedence: dict[str, dict[str, list[str]]]) -> pd.DataFrame:
    """One value per (stream, nationality, freq, period): the first source in `precedence[stream][freq]` that
    has it (sources not listed for that stream and frequency are not used). Then coarser periods that no
    listed source states are added as sums of complete finer periods (months -> quarters -> years), recorded
    with `derived` = 'sum of 3 months' and the sources used. Never disaggregates: a month appears only if a
    source published it."""
    chosen = []
    for (stream, freq), g in obs.groupby(["stream", "freq"], sort=False):
        order = precedence.get(stream, {}).get(freq, [])
        if not order:
            continue
        rank = {s: i for i, s in enumerate(order)}
        g = g[g["source"].isin(order)].assign(_rank=lambda d: d["source"].map(rank))
        g = g.sort_values(["_rank", "row"]).drop_duplicates(["nationality", "period"], keep="first")
        chosen.append(g.drop(columns="_rank"))
    res = pd.concat(chosen, ignore_index=True) if chosen else empty_observations()
    for coarse, fine, n in (("Q", "M", 3), ("Y", "Q", 4)):
        add = []
        for (stream, nat), g in res.groupby(["stream", "nationality"], sort=False):
            fine_rows = g[g["freq"] == fine]
            if fine_rows.empty:
                continue
            by_start = {r.start: r for r in fine_rows.itertuples(index=False)}
            have = set(g.loc[g["freq"] == coarse, "period"])
            step = FREQ_MONTHS[fine]
            for start in sorted({s.asfreq(coarse).asfreq("M", how="start") for s in by_start}):
                label = period_label(coarse, start)
                if label in have:
                    continue
                parts = [by_start.get(start + step * i) for i in range(n)]
                if any(p is None for p in parts):
                    continue
                add.append(
                    dict(
                        period=label,
                        freq=coarse,
                        start=start,
                        end=start + FREQ_MONTHS[coarse] - 1,
                        stream=stream,
                        nationality=nat,
                        value=float(sum(p.value for p in parts)),
                        rounding=float(sum(p.rounding for p in parts)),
                        source=_join(p.source for p in parts),
                        publisher=_join(p.publisher for p in parts),
                        file=_join(p.file for p in parts),
                        row=int(parts[0].row),
                        vintage="",
                        derived=f"sum of {n} {'months' if fine == 'M' else 'quarters'}",
                    )
                )
        if add:
            res = pd.concat([res, pd.DataFrame(add)[list(OBS_COLUMNS)]], ignore_index=True)
    return res.sort_values(["stream", "nationality", "start", "freq"]).reset_index(drop=True)


def _join(values) -> str:
    return "+".join(dict.fromkeys(p for v in values for p in str(v).split("+")))


def before(obs: pd.DataFrame, cutoff) -> pd.DataFrame:
    """The observations whose whole period lies at or before the cut-off month (what was knowable then,
    up to revisions: the files hold the latest published vintage of each value)."""
    cutoff = pd.Period(str(cutoff), freq="M")
    return obs[obs["end"].map(lambda e: e <= cutoff)].reset_index(drop=True)


def series(resolved: pd.DataFrame, stream: str, freq: str, nationality: str = "TOTAL") -> pd.Series:
    """A resolved series at one frequency, indexed by Period[freq] (Q, Y) or Period[M]."""
    g = resolved[(resolved["stream"] == stream) & (resolved["freq"] == freq) & (resolved["nationality"] == nationality)]
    pfreq = {"M": "M", "Q": "Q", "Y": "Y"}[freq]
    idx = pd.PeriodIndex([s.asfreq(pfreq) for s in g["start"]], freq=pfreq)
    return pd.Series(g["value"].to_numpy(float), index=idx).sort_index()


def stored_table(obs: pd.DataFrame) -> pd.DataFrame:
    """The observation table as written to CSV (periods as text)."""
    out = obs.copy()
    out["start"] = out["start"].astype(str)
    out["end"] = out["end"].astype(str)
    return out
