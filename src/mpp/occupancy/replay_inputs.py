"""The long replay's realised inputs (mpp.occupancy.history), each month with its source: inflow per stream
assembled from the monthly, quarterly and annual national files, and the procedure inputs (decisions, grant rate,
backlog residual, pending stock) from Eurostat's quarterly figures. Nothing is filled in: a required month missing
in every source is an error. The module docstring of `mpp.occupancy.history` lists the sources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.data.guard import guarded_read
from mpp.data.national_readers import read_realised_totals  # issue 12's reader of this file (unquoted commas)
from mpp.data.schema import STREAMS
from mpp.errors import DataError

EUROSTAT_MONTHLY = "eurostat_migr_asyappctzm_NL_national_monthly_2008_2020-08.csv"
EUROSTAT_PENDING = "eurostat_NL_pending_decisions_temporary_protection_2008_2023.csv"
CBS_MONTHLY = "cbs_monthly_national_2018_2022_with_gaps.csv"
IND_MONTHLY = "ind_monthly_national_2018_2023_with_gaps.csv"
CBS_PANEL = "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"
REALISED_TOTALS = "realised_totals.csv"  # in the folder above `real`
CBS_QUARTERLY = "cbs_first_asylum_requests_quarterly_national_2013_2025Q2.csv"
CBS_ANNUAL = "cbs_annual_national_totals_2015_2024.csv"
EUROSTAT_ANNUAL = "eurostat_migr_asyappctza_NL_annual_by_citizenship_2008_2022.csv"
IND_EXTRA = "ind_monthly_national_extra_months_2020_2022.csv"
IND_MONTHLY_FILES = (IND_MONTHLY, IND_EXTRA)
NAREIZIGERS_PROFILES = ("panel", "flat")

_MEASURES = {
    "pending": "eurostat_migr_asypenctzm_pending_end_of_month",
    "decisions_total": "eurostat_migr_asydcfstq_first_instance_decisions_total",
    "decisions_positive": "eurostat_migr_asydcfstq_first_instance_decisions_positive",
    "tp_stock": "eurostat_migr_asytpsm_temporary_protection_beneficiaries_end_of_month",
    "tp_grants": "eurostat_migr_asytpfm_temporary_protection_grants",
}


def _read(path: Path) -> pd.DataFrame:
    return guarded_read(pd.read_csv, path, "replay input CSV")


def load_eurostat_procedure(path: str | Path) -> dict[str, pd.Series]:
    """Eurostat NL pending/decisions/temporary-protection file -> {'pending': monthly, 'decisions_total':
    quarterly, 'decisions_positive': quarterly, 'tp_stock': monthly, 'tp_grants': monthly} (PeriodIndex)."""
    path = Path(path)
    df = _read(path)
    for col in ("measure", "period", "value"):
        if col not in df.columns:
            raise DataError(f"{path}: missing column {col!r}")
    out = {}
    for key, measure in _MEASURES.items():
        d = df[df["measure"] == measure]
        freq = "Q" if "asydcfstq" in measure else "M"
        values = pd.to_numeric(d["value"], errors="coerce")
        bad = d[values.isna()]
        if len(bad):
            raise DataError(f"{path}: row {bad.index[0] + 2}: value {bad['value'].iloc[0]!r} is not a number")
        idx = pd.PeriodIndex(d["period"].astype(str).str.replace("-Q", "Q"), freq=freq)
        s = pd.Series(values.to_numpy(dtype=float), index=idx, name=key).sort_index()
        if s.index.has_duplicates:
            raise DataError(f"{path}: {measure} lists period {s.index[s.index.duplicated()][0]} twice")
        out[key] = s
    return out


def load_eurostat_monthly_applications(path: str | Path) -> pd.DataFrame:
    """Eurostat migr_asyappctzm NL national monthly -> tidy period, stream, nationality='TOTAL', value with
    first_asylum_request = NASY_APP and repeat_asylum_request = ASY_APP - NASY_APP (months where both exist)."""
    path = Path(path)
    df = _read(path)
    d = df[df["citizen"] == "TOTAL"]
    wide = d.pivot_table(index="period", columns="asyl_app", values="value", aggfunc="first")
    wide = wide.dropna(subset=[c for c in ("ASY_APP", "NASY_APP") if c in wide.columns])
    if not {"ASY_APP", "NASY_APP"} <= set(wide.columns):
        raise DataError(f"{path}: needs ASY_APP and NASY_APP rows for citizen TOTAL")
    rep = wide["ASY_APP"] - wide["NASY_APP"]
    if (rep < 0).any():
        raise DataError(f"{path}: ASY_APP below NASY_APP in {rep[rep < 0].index[0]}")
    rows = [
        pd.DataFrame(
            {
                "period": wide.index,
                "stream": "first_asylum_request",
                "nationality": "TOTAL",
                "value": wide["NASY_APP"].to_numpy(),
            }
        ),
        pd.DataFrame(
            {"period": wide.index, "stream": "repeat_asylum_request", "nationality": "TOTAL", "value": rep.to_numpy()}
        ),
    ]
    return pd.concat(rows, ignore_index=True)


@dataclass
class LongReplayInputs:
    """Everything realised that drives the replay, monthly, with a source per value."""

    periods: pd.PeriodIndex
    inflow: np.ndarray  # [stream, month, 1]
    decisions: pd.Series  # decisions on the merits per month
    grant_rate: pd.Series  # per month (its quarter's positive / total)
    other_exits: pd.Series  # per month, >= 0
    reentries: pd.Series  # per month, >= 0
    pending: pd.Series  # Eurostat pending at month end, incl. the month before the start
    sources: pd.DataFrame  # period, input, value, source
    notes: list[str] = field(default_factory=list)
    ukraine_tp_stock: pd.Series | None = None  # Eurostat temporary protection at month end: NOT a model input


@dataclass(frozen=True)
class Block:
    """A coarse source for one stream: totals per quarter ('Q') or year ('Y') spread over the block's months by
    `shares(block) -> 3 or 12 weights` (an even spread unless stated), each month labelled `label(block)`."""

    freq: str
    totals: pd.Series  # PeriodIndex of freq
    label: Callable[[pd.Period], str]
    shares: Callable[[pd.Period], np.ndarray] | None = None


def _monthly(sources: list[tuple[str, pd.DataFrame]], stream: str, periods: pd.PeriodIndex):
    """First monthly source (in order) that has each month -> (values with NaN, labels)."""
    have = pd.Series(np.nan, index=periods)
    origin = pd.Series("", index=periods, dtype=object)
    for label, df in sources:
        national = df["nationality"].astype(str) == "TOTAL" if "nationality" in df.columns else True  # national files
        d = df[(df["stream"] == stream) & national]
        if d.empty:
            continue
        idx = pd.PeriodIndex(d["period"].astype(str), freq="M")
        vals = pd.Series(pd.to_numeric(d["value"], errors="coerce").to_numpy(dtype=float), index=idx)
        vals = vals.groupby(level=0).last().reindex(periods)
        fill = have.isna() & vals.notna()
        have[fill] = vals[fill]
        origin[fill] = label
    return have, origin


def assemble_stream(
    stream: str,
    periods: pd.PeriodIndex,
    monthly: list[tuple[str, pd.DataFrame]],
    blocks: list[Block],
    block_freq: str,
    required: bool,
) -> tuple[pd.Series, pd.Series, list[str]]:
    """One inflow stream per month, with its source. Per block of months (`block_freq` 'Q' or 'Y'): when every
    month of the block is in a monthly source (in order of preference), those; else the first coarse source
    with the block's total, spread by its stated shares; else, for a required stream, an error naming the
    months (never filled in), and for an optional one the monthly values there are and zero elsewhere, noted."""
    have, origin = _monthly(monthly, stream, periods)
    notes: list[str] = []
    for b in sorted({p.asfreq(block_freq) for p in periods}):
        months = [p for p in periods if p.asfreq(block_freq) == b]
        if have[months].notna().all():
            continue
        full = pd.period_range(b.asfreq("M", how="start"), b.asfreq("M", how="end"), freq="M")
        for blk in blocks:
            if blk.freq != block_freq or b not in blk.totals.index:
                continue
            w = blk.shares(b) if blk.shares is not None else np.full(len(full), 1.0 / len(full))
            spread = pd.Series(float(blk.totals[b]) * np.asarray(w, dtype=float), index=full)
            have[months] = spread[months].to_numpy()
            origin[months] = blk.label(b)
            break
        else:
            miss = [p for p in months if np.isnan(have[p])]
            if required:
                raise DataError(
                    f"long replay: {stream} is missing {len(miss)} month(s) in every source: "
                    f"{', '.join(str(p) for p in miss[:6])}{' ...' if len(miss) > 6 else ''} (not filled in)"
                )
            for p in miss:
                have[p], origin[p] = 0.0, "NO SOURCE: zero (an optional stream; a low bias, noted)"
            notes.append(f"{stream}: no source for {', '.join(map(str, miss))}; replayed as zero")
    return have, origin, notes


def _optional(path: Path) -> pd.DataFrame | None:
    return _read(path) if path.is_file() else None


def _quarterly_first_requests(real: Path) -> list[Block]:
    df = _optional(real / CBS_QUARTERLY)
    if df is None:
        return []
    d = df[(df["stream"] == "first_asylum_request") & (df["nationality"] == "TOTAL")]
    tot = pd.Series(
        d["value"].astype(float).to_numpy(), index=pd.PeriodIndex(d["period"].str.replace("-Q", "Q"), freq="Q")
    )
    return [
        Block(
            "Q",
            tot,
            lambda q: (
                f"CBS quarterly first requests {q} {tot[q]:,.0f} ({CBS_QUARTERLY}, published in thousands) / 3: "
                "even spread (no monthly national figure for every month of the quarter)"
            ),
        )
    ]


def _annual_repeat(real: Path) -> list[Block]:
    df = _optional(real / EUROSTAT_ANNUAL)
    if df is None:
        return []
    d = df[df["citizen"] == "TOTAL"].pivot_table(index="year", columns="asyl_app", values="values", aggfunc="first")
    rep = (d["ASY_APP"] - d["NASY_APP"]).dropna()
    tot = pd.Series(rep.to_numpy(dtype=float), index=pd.PeriodIndex([str(y) for y in rep.index], freq="Y"))
    return [
        Block(
            "Y",
            tot,
            lambda y: (
                f"Eurostat migr_asyappctza {y} ASY_APP - NASY_APP = {tot[y]:,.0f} ({EUROSTAT_ANNUAL}) / 12: "
                "even spread (no monthly national figure for every month of the year)"
            ),
        )
    ]


def _annual_nareizigers(real: Path, totals: Path, profile: str) -> list[Block]:
    """realised_totals.csv (2015-2017) and CBS annual totals (2018-): one annual total per year, spread by the
    stated profile."""
    if profile not in NAREIZIGERS_PROFILES:
        raise DataError(f"nareizigers profile must be one of {NAREIZIGERS_PROFILES}, got {profile!r}")

    rows: dict[int, tuple[float, str]] = {}
    cbs = _optional(real / CBS_ANNUAL)
    if cbs is not None:
        for _, r in cbs[cbs["stream"] == "nareizigers"].iterrows():
            rows[int(r["year"])] = (float(r["value"]), f"CBS annual total ({CBS_ANNUAL})")
    if totals.is_file():
        tot = read_realised_totals(totals)
        for _, r in tot[tot["stream"] == "nareizigers"].iterrows():
            rounded = f", rounded to {int(r['rounding'])}" if r["rounding"] > 1 else ""
            rows.setdefault(
                int(r["period"]), (float(r["value"]), f"{r['publisher']}, {r['file']} row {r['row']}{rounded}")
            )
    if not rows:
        return []
    idx = pd.PeriodIndex([str(y) for y in rows], freq="Y")
    series = pd.Series([v for v, _ in rows.values()], index=idx)
    labels = {str(y): lab for y, (_, lab) in rows.items()}
    panel = _optional(real / CBS_PANEL) if profile == "panel" else None

    def shares(y: pd.Period) -> np.ndarray:
        if profile == "flat":
            return np.full(12, 1 / 12)
        if panel is None:
            raise DataError(f"{real / CBS_PANEL}: the nareizigers panel is missing")
        sub = panel[(panel["stream"] == "nareizigers") & panel["period"].astype(str).str.startswith(f"{y}-")]
        m = sub.groupby("period")["value"].sum()
        if len(m) != 12 or m.sum() <= 0:
            raise DataError(f"{real / CBS_PANEL}: the nareizigers panel lacks months of {y}")
        return (m / m.sum()).to_numpy()

    return [
        Block(
            "Y",
            series,
            lambda y: (
                f"annual total {series[y]:,.0f} ({labels[str(y)]}) x {profile} monthly profile "
                "(ASSUMPTION: no monthly national figure for every month of the year)"
            ),
            shares,
        )
    ]


def long_replay_inputs(
    real_dir: str | Path,
    start: str,
    end: str,
    nareizigers_profile: str = "panel",
    realised_totals: str | Path | None = None,
) -> LongReplayInputs:
    """Assemble the replay's realised inputs for whole quarters start..end (e.g. '2015-01'..'2023-03').

    Inflow per stream (`assemble_stream`): first requests from Eurostat monthly (NASY_APP, to 2020-08), then the
    IND and CBS monthly figures, a quarter without a monthly figure for each of its months from CBS's quarterly
    total / 3; repeat requests from Eurostat monthly (ASY_APP - NASY_APP), the IND monthly reports, then
    Eurostat's annual figure / 12; nareizigers from the CBS and IND monthly figures, a year without every month
    from its annual total x the stated profile. Every month's source is in `sources`."""
    real = Path(real_dir)
    totals = Path(realised_totals) if realised_totals else real.parent / REALISED_TOTALS
    periods = pd.period_range(start, end, freq="M")
    if periods[0].month % 3 != 1 or periods[-1].month % 3 != 0:
        raise DataError(f"the long replay runs on whole quarters (decisions are quarterly): got {start}..{end}")
    apps = load_eurostat_monthly_applications(real / EUROSTAT_MONTHLY)
    proc = load_eurostat_procedure(real / EUROSTAT_PENDING)
    es_label = f"Eurostat migr_asyappctzm ({EUROSTAT_MONTHLY})"
    ind = [(f"IND monthly reports ({f})", d) for f in IND_MONTHLY_FILES if (d := _optional(real / f)) is not None]
    cbs = [(f"CBS monthly ({CBS_MONTHLY})", _read(real / CBS_MONTHLY))]
    plan = {
        "first_asylum_request": ([(es_label + " NASY_APP", apps), *ind, *cbs], _quarterly_first_requests(real), "Q"),
        "repeat_asylum_request": ([(es_label + " ASY_APP - NASY_APP", apps), *ind], _annual_repeat(real), "Y"),
        "nareizigers": ([*cbs, *ind], _annual_nareizigers(real, totals, nareizigers_profile), "Y"),
    }
    x = np.zeros((len(STREAMS), len(periods), 1))
    src_rows = []
    notes = []
    for i, s in enumerate(STREAMS):
        if s not in plan:
            notes.append(f"{s}: no monthly national source for {start}..{end}; replayed as zero inflow")
            continue
        monthly, blocks, freq = plan[s]
        vals, origin, n = assemble_stream(s, periods, monthly, blocks, freq, required=s != "repeat_asylum_request")
        notes += n
        x[i, :, 0] = vals.to_numpy()
        src_rows += [
            {"period": str(p), "input": s, "value": float(v), "source": o} for p, v, o in zip(periods, vals, origin)
        ]
    dec_m, gr_m, ex_m, re_m, pending, rows = _procedure_inputs(proc, periods, x)
    src_rows += rows
    tp = proc["tp_stock"]
    tp = tp[(tp.index >= periods[0]) & (tp.index <= periods[-1])]
    if len(tp):
        notes.append(
            f"Ukrainian displaced (temporary protection, Eurostat migr_asytpsm: {tp.iloc[-1]:,.0f} at the end of "
            f"{tp.index[-1]}) are kept apart: they live in municipal reception (GOO), not in COA asylum reception, "
            "and COA's figures do not count them; they enter the replay only if they file an asylum request "
            "(then they are in Eurostat's applications)"
        )
        src_rows += [
            {
                "period": str(p),
                "input": "ukraine_tp_stock (not a model input)",
                "value": float(v),
                "source": "Eurostat migr_asytpsm temporary protection beneficiaries at month end",
            }
            for p, v in tp.items()
        ]
    return LongReplayInputs(
        ukraine_tp_stock=tp,
        periods=periods,
        inflow=x,
        decisions=dec_m,
        grant_rate=gr_m,
        other_exits=ex_m,
        reentries=re_m,
        pending=pending,
        sources=pd.DataFrame(src_rows),
        notes=notes,
    )


def _procedure_inputs(proc: dict[str, pd.Series], periods: pd.PeriodIndex, x: np.ndarray) -> tuple:
    """The procedure inputs per month from Eurostat's quarterly figures: decisions (the quarter's total / 3), the
    grant rate, the backlog residual as other exits or re-entries (/ 3) and the pending stock from the month before
    the first, with a row per month and input saying where each came from. A missing pending month or decision
    quarter is an error (never filled in). `x` is the assembled inflow (streams x months x 1)."""
    quarters = pd.period_range(periods[0].asfreq("Q"), periods[-1].asfreq("Q"), freq="Q")
    pend = proc["pending"]
    need_pend = pd.PeriodIndex([periods[0] - 1, *periods], freq="M")
    miss = [p for p in need_pend if p not in pend.index]
    if miss:
        raise DataError(f"long replay: Eurostat pending is missing {', '.join(map(str, miss[:6]))} (not filled in)")
    for key in ("decisions_total", "decisions_positive"):
        missq = [q for q in quarters if q not in proc[key].index]
        if missq:
            raise DataError(f"long replay: Eurostat {key} is missing {', '.join(map(str, missq[:6]))} (not filled in)")
    apps_m = pd.Series(
        x[STREAMS.index("first_asylum_request"), :, 0] + x[STREAMS.index("repeat_asylum_request"), :, 0], index=periods
    )
    dec_m, gr_m, ex_m, re_m = (pd.Series(0.0, index=periods) for _ in range(4))
    rows: list[dict] = []
    for q in quarters:
        months = pd.period_range(q.asfreq("M", how="start"), q.asfreq("M", how="end"), freq="M")
        total, pos = proc["decisions_total"][q], proc["decisions_positive"][q]
        resid = pend[months[0] - 1] + apps_m[months].sum() - total - pend[months[-1]]
        dec_m[months] = total / 3.0
        gr_m[months] = pos / total if total > 0 else 0.0
        ex_m[months] = max(resid, 0.0) / 3.0
        re_m[months] = max(-resid, 0.0) / 3.0
        for p in months:
            rows += [
                {
                    "period": str(p),
                    "input": "decisions_merits",
                    "value": total / 3.0,
                    "source": f"Eurostat migr_asydcfstq {q} total {total:,.0f} / 3 (even spread in the quarter)",
                },
                {
                    "period": str(p),
                    "input": "grant_rate",
                    "value": gr_m[p],
                    "source": f"Eurostat migr_asydcfstq {q} positive {pos:,.0f} / total {total:,.0f}",
                },
                {
                    "period": str(p),
                    "input": "other_exits" if resid >= 0 else "reentries",
                    "value": abs(resid) / 3.0,
                    "source": f"backlog residual {q}: Eurostat pending {months[0] - 1} + applications - decisions "
                    f"- pending {months[-1]} = {resid:,.0f}, / 3",
                },
                {
                    "period": str(p),
                    "input": "pending_end_of_month",
                    "value": float(pend[p]),
                    "source": "Eurostat migr_asypenctzm",
                },
            ]
    return dec_m, gr_m, ex_m, re_m, pend[need_pend], rows
