"""Problems in a source file, named by file, row, column and reason.

Two layers:
- row checks, declared as one pandera `DataFrameSchema` over the raw text table and run with `lazy=True` so
  every failure is collected: unparseable period, period after the declared vintage (a future month),
  unknown stream, unknown nationality, non-numeric / negative / non-integer count, and duplicate
  (period, stream, nationality) after names are mapped to codes;
- cross-row checks pandera does not express well, done with grouped pandas operations on the rows that
  passed: missing months inside a series (a *gap* between its first and last month), nationalities summing
  above the TOTAL row of the same month and stream, and parts that disagree with a total the source states
  itself (CBS `TotaalAsielverzoeken_1` = first + repeat, Eurostat `ASY_APP` = first + subsequent, IND
  `total_asylum_inflow` = first + repeat + nareizigers).

Rounding tolerance: CBS and Eurostat round every cell to a multiple of 5, so a sum of n rounded parts may
differ from the rounded total by up to 2.5 * (n + 1). We allow `rounding * n_parts` (5 per part) for rounded
sources and 0 for unrounded ones (IND, UNHCR): an unrounded source must add up exactly.

Gaps are problems on purpose: the vintage store feeds models that need contiguous monthly series, and months
must never be invented. The real national monthly files (`*_with_gaps.csv`) are therefore rejected with the
gap months named, which is the correct answer for them; every gap-free monthly file passes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from mpp.data.loaders import RawTable, read_file, to_canonical
from mpp.data.nationalities import try_lookup
from mpp.data.schema import KEY_COLUMNS, STREAMS, TOTAL
from mpp.errors import ConfigError, DataError
from mpp.strict import current_month, parse_month

PERIOD_PATTERN = r"\d{4}-(0[1-9]|1[0-2])"
THOUSANDS_PATTERN = r"\d{1,3}(\.\d{3})+"  # 1.000, 12.500, 1.000.000: Dutch thousands separators
DEFAULT_MAX_COUNT = 1_000_000
MAX_LISTED = 50  # problems shown in a DataError message; all are kept on the exception


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file. `row` is the 1-based line (or JSON record) in the source, None if none."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        return f"{where}: {self.column}={self.value!r}: {self.reason}" if self.column else f"{where}: {self.reason}"


class DataProblems(DataError):
    """A file has problems; `.problems` lists all of them."""

    def __init__(self, file: str, problems: list[Problem]):
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:MAX_LISTED])
        more = f"; ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        super().__init__(f"{file}: {len(problems)} problem(s): {shown}{more}")


# ------------------------------------------------------------------------------------------ row checks
def _numbers(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.str.strip(), errors="coerce")


def max_count_default() -> int:
    """The plausibility bound on one monthly count of one series: `MPP_MAX_COUNT`, else 1,000,000 (the whole
    Dutch asylum inflow is about 5,000 a month; the largest month on record in any EU country about 100,000)."""
    raw = os.environ.get("MPP_MAX_COUNT", "").strip()
    if not raw:
        return DEFAULT_MAX_COUNT
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"MPP_MAX_COUNT={raw!r} is not a positive whole number")
    return int(raw)


def _row_schema(vintage: pd.Period, max_count: int) -> pa.DataFrameSchema:
    """Checks per row of the raw text table. Check names double as the reasons shown to users."""

    def not_future(s: pd.Series) -> pd.Series:
        ok = s.str.fullmatch(PERIOD_PATTERN).fillna(False)
        later = pd.Series(False, index=s.index)
        later[ok] = pd.PeriodIndex(s[ok], freq="M") > vintage
        return ~later

    period_checks = [
        pa.Check(
            lambda s: s.str.fullmatch(PERIOD_PATTERN).fillna(False),
            name="unparseable period (expected a month YYYY-MM)",
        )
    ]
    period_checks.append(pa.Check(not_future, name=f"period after the vintage {vintage} (future month)"))
    return pa.DataFrameSchema(
        {
            "period": pa.Column(str, period_checks),
            "stream": pa.Column(
                str,
                pa.Check(
                    lambda s: s.str.strip().isin(STREAMS), name=f"unknown stream (expected one of {', '.join(STREAMS)})"
                ),
            ),
            "code": pa.Column(
                str,
                pa.Check(
                    lambda s: s != "",
                    name="unknown nationality (no ISO 3166 code or "
                    "alias; add it to mpp/resources/nationality_aliases.csv)",
                ),
            ),
            "value": pa.Column(
                str,
                [
                    pa.Check(
                        lambda s: _numbers(s).notna() | s.str.strip().str.fullmatch(THOUSANDS_PATTERN),
                        name="count is not a number",
                    ),
                    pa.Check(
                        lambda s: ~s.str.strip().str.fullmatch(THOUSANDS_PATTERN).fillna(False),
                        name="count written with a thousands separator ('1.000' is one thousand in Dutch notation, "
                        "1.0 in English): write whole counts without separators, e.g. 1000",
                    ),
                    pa.Check(lambda s: ~(_numbers(s) < 0), name="negative count"),
                    pa.Check(lambda s: ~((_numbers(s) % 1) != 0), name="count is not a whole number"),
                    pa.Check(
                        lambda s: ~(_numbers(s) > max_count),
                        name=f"count above the plausibility bound of "
                        f"{max_count:,} per month and series (MPP_MAX_COUNT or --max-count changes it)",
                    ),
                ],
            ),
        },
        unique=["period", "stream", "code"],
        report_duplicates="all",
    )


def _row_problems(raw: RawTable, frame: pd.DataFrame, vintage: pd.Period, max_count: int) -> list[Problem]:
    try:
        _row_schema(vintage, max_count).validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
    problems = []
    for index, group in fc.dropna(subset=["index"]).groupby("index", sort=True):
        for check, g in group.groupby("check", sort=False):
            rec = frame.loc[int(index)]
            if check == "multiple_fields_uniqueness":
                column, value = "period,stream,nationality", f"{rec['period']},{rec['stream']},{rec['nationality']}"
                reason = "duplicate (period, stream, nationality)"
            else:
                column = str(g["column"].iloc[0])
                shown = "nationality" if column == "code" else column
                column, value, reason = shown, str(rec[shown]), str(check)
            problems.append(Problem(raw.file, int(rec["row"]) or None, column, value, reason))
    return problems


# ---------------------------------------------------------------------------------------- cross-row checks
def _month_ranges(months: list[pd.Period]) -> str:
    """[2019-04, 2019-05, 2019-06, 2019-10] -> '2019-04..2019-06, 2019-10'."""
    runs: list[list[pd.Period]] = []
    for m in months:
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}..{r[-1]}" for r in runs)


def gap_problems(df: pd.DataFrame, rows: pd.Series, file: str) -> list[Problem]:
    """Missing months between a series' first and last month; the problem names the row after each gap."""
    d = df.assign(_row=rows.to_numpy(), _m=df["period"].map(lambda p: p.ordinal) if len(df) else [])
    span = d.groupby(["stream", "nationality"])["_m"].agg(["min", "max", "nunique"])
    gapped = span[span["max"] - span["min"] + 1 > span["nunique"]]
    problems = []
    for (stream, nat), _ in gapped.iterrows():  # one pass per gapped series, not per row
        s = d[(d["stream"] == stream) & (d["nationality"] == nat)].sort_values("_m")
        have = set(s["_m"])
        missing = [m for m in range(s["_m"].min(), s["_m"].max() + 1) if m not in have]
        missing_p = [pd.Period(ordinal=m, freq="M") for m in missing]
        # group missing months into runs and point at the first row after each run
        for run in _month_ranges(missing_p).split(", "):
            last = pd.Period(run.split("..")[-1], freq="M")
            after = s[s["_m"] > last.ordinal].iloc[0]
            problems.append(
                Problem(
                    file,
                    int(after["_row"]) or None,
                    "period",
                    run,
                    f"missing month(s) inside series {stream}/{nat} "
                    f"({s['period'].iloc[0]}..{s['period'].iloc[-1]}): gap",
                )
            )
    return problems


def parts_above_total_problems(df: pd.DataFrame, rows: pd.Series, file: str, rounding: int) -> list[Problem]:
    """Nationalities of one month and stream summing above that month's TOTAL row (beyond rounding)."""
    d = df.assign(_row=rows.to_numpy())
    is_total = d["nationality"] == TOTAL
    parts = d[~is_total].groupby(["period", "stream"])["value"].agg(["sum", "count"])
    both = d[is_total].set_index(["period", "stream"]).join(parts, how="inner")
    tol = 0 if rounding <= 1 else rounding * both["count"]
    bad = both[both["sum"] > both["value"] + tol]
    return [
        Problem(
            file,
            int(r["_row"]) or None,
            "value",
            str(r["value"]),
            f"nationalities sum to {r['sum']} ({r['count']} parts) above the stated TOTAL {r['value']} for {p} {s}",
        )
        for (p, s), r in bad.iterrows()
    ]


def stated_total_problems(df: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Parts that disagree with a total the source states itself (where every part has a figure)."""
    st = raw.stated_totals
    if st.empty:
        return []
    st = st.assign(
        code=st["nationality"].map(lambda n: try_lookup(n) or ""), total=pd.to_numeric(st["value"], errors="coerce")
    )
    st = st[st["period"].str.fullmatch(PERIOD_PATTERN).fillna(False) & st["total"].notna() & (st["code"] != "")]
    if st.empty:
        return []
    st = st.assign(period=pd.PeriodIndex(st["period"], freq="M"))
    values = df.set_index(list(KEY_COLUMNS))["value"]
    problems = []
    for parts_label, group in st.groupby("parts"):
        parts = parts_label.split("+")
        found = [
            values.reindex(pd.MultiIndex.from_arrays([group["period"], [p] * len(group), group["code"]])).to_numpy(
                dtype=float
            )
            for p in parts
        ]
        stacked = np.vstack(found)
        complete = ~np.isnan(stacked).any(axis=0)
        sums = np.nansum(stacked, axis=0)
        tol = 0 if raw.rounding <= 1 else raw.rounding * len(parts)
        bad = complete & (np.abs(sums - group["total"].to_numpy()) > tol)
        for (_, r), s in zip(group[bad].iterrows(), sums[bad]):
            problems.append(
                Problem(
                    raw.file,
                    int(r["row"]) or None,
                    "value",
                    str(r["value"]),
                    f"{' + '.join(parts)} = {int(s)} for {r['period']} {r['code']} disagrees with "
                    f"the stated total {int(r['total'])} (tolerance {tol})",
                )
            )
    return problems


# ---------------------------------------------------------------------------------------------- entry points
def check_raw(
    raw: RawTable, vintage: str | pd.Period | None = None, max_count: int | None = None
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """All problems of a raw table, and its canonical frame (None when rows could not be read).

    Periods after `vintage` (default: the current month) are problems: nobody can have published them.
    Counts above `max_count` (default `max_count_default()`) are problems naming their row and value.
    A table without rows is a problem: an empty vintage must never become "latest"."""
    vint = parse_month(vintage, "vintage", error=DataError) if vintage is not None else current_month()
    if vint > current_month():
        raise DataError(
            f"vintage {vint} is later than the current month {current_month()}: a future vintage "
            "cannot have been published"
        )
    max_count = max_count_default() if max_count is None else max_count
    if raw.frame.empty:
        return None, [
            Problem(raw.file, None, "", "", "no data rows (only a header, or no figure in any row): nothing to store")
        ]
    frame = raw.frame.assign(code=raw.frame["nationality"].map(lambda n: try_lookup(n) or ""))
    problems = _row_problems(raw, frame, vint, max_count)
    if problems:
        return None, sorted(problems, key=lambda p: (p.row or 0, p.column))
    df = to_canonical(raw)
    # to_canonical sorts by key: carry source rows along in the same order
    order = raw.frame.assign(
        period=pd.PeriodIndex(raw.frame["period"], freq="M"),
        nationality=frame["code"],
        stream=raw.frame["stream"].str.strip(),
    )
    rows = order.sort_values(list(KEY_COLUMNS), kind="stable")["row"].reset_index(drop=True)
    problems = (
        gap_problems(df, rows, raw.file)
        + parts_above_total_problems(df, rows, raw.file, raw.rounding)
        + stated_total_problems(df, raw)
    )
    return df, sorted(problems, key=lambda p: (p.row or 0, p.column))


def find_problems(
    df: pd.DataFrame,
    file: str = "<frame>",
    vintage: str | pd.Period | None = None,
    rounding: int = 1,
    max_count: int | None = None,
) -> list[Problem]:
    """Problems of an already canonical table (rows are its 1-based positions)."""
    raw = RawTable(
        frame=pd.DataFrame(
            {
                "period": df["period"].astype(str),
                "stream": df["stream"].astype(str),
                "nationality": df["nationality"].astype(str),
                "value": df["value"].astype(str),
                "row": np.arange(1, len(df) + 1, dtype="int64"),
            }
        ),
        file=file,
        format="frame",
        source=str(df["source"].iloc[0]) if "source" in df and len(df) else file,
        rounding=rounding,
    )
    return check_raw(raw, vintage, max_count)[1]


def inspect_file(
    path: str | Path, format: str = "auto", vintage: str | pd.Period | None = None, max_count: int | None = None
) -> tuple[pd.DataFrame | None, list[Problem], RawTable]:
    """Read and check a file: (canonical frame or None, problems, the raw table with the loader's notes)."""
    raw = read_file(path, format)
    frame, problems = check_raw(raw, vintage, max_count)
    return frame, problems, raw


def raise_for_problems(problems: list[Problem], file: str | Path) -> None:
    if problems:
        raise DataProblems(str(file), problems)


def check_file(path: str | Path, format: str = "auto", vintage: str | pd.Period | None = None) -> pd.DataFrame:
    """The canonical table of a file with no problems; otherwise DataProblems listing all of them."""
    frame, problems, _ = inspect_file(path, format, vintage)
    raise_for_problems(problems, path)
    return frame
