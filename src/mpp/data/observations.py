"""Observations at mixed frequencies: a value can cover a month, a quarter, a half-year or a year.

National asylum figures exist at no single complete frequency: Eurostat months to 2020-08, CBS quarters
2013-Q1..2025-Q2, annual CBS/IND totals, scattered IND and CBS months, press quarters. The readers of
`mpp.data.national_readers` read them all into this one long table; nothing here turns a coarse value into months.

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

import re
from dataclasses import dataclass

import pandas as pd

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
