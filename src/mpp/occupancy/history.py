"""The long replay (2015 onward): COA occupancy driven by realised inflow, realised IND decisions and grant
rates, and the realised backlog, each month with its source.

Inputs (all read by path; nothing is filled in: a required month missing in every source is an error):
- first and repeat requests per month: Eurostat `migr_asyappctzm` national monthly, first-time applicants
  (`NASY_APP`) and all applicants minus first-time (`ASY_APP - NASY_APP`);
- nareizigers per month: CBS monthly national table (2018-01..2020-03), then the IND monthly reports; before 2018
  only annual totals exist (`realised_totals.csv`), spread over the months by a STATED profile (`panel`: the
  monthly shape of the CBS 7-nationality panel's nareizigers in the same year; `flat`: 1/12) - an assumption
  whose effect the replay's sensitivity run shows;
- decisions on the merits per quarter, total and positive (Eurostat `migr_asydcfstq`): a month gets a third of
  its quarter (an even spread inside the quarter; quarterly sums exact), the grant rate of its quarter;
- persons with a pending application at month end (Eurostat `migr_asypenctzm`): sets the starting backlog, and
  per quarter the backlog identity pending[q-1] + applications[q] - decisions[q] - pending[q] gives the realised
  exits other than a decision on the merits (Dublin decisions, withdrawals, departures; spread evenly over the
  quarter's months; a negative residual enters as re-entries), so the model's backlog equals Eurostat's at every
  quarter end.
"""

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
from mpp.occupancy.assumptions import Assumptions, Param, Step
from mpp.occupancy.model import Stocks, project_occupancy
from mpp.occupancy.replay import (
    MEASURE_TO_QUANTITY,
    Calibration,
    Replay,
    compare_with_observations,
    error_summary,
    minimise,
    weighted_loss,
    with_values,
)

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
    # procedure: decisions and grant rate per quarter, backlog residual per quarter
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
    for q in quarters:
        months = pd.period_range(q.asfreq("M", how="start"), q.asfreq("M", how="end"), freq="M")
        total, pos = proc["decisions_total"][q], proc["decisions_positive"][q]
        resid = pend[months[0] - 1] + apps_m[months].sum() - total - pend[months[-1]]
        dec_m[months] = total / 3.0
        gr_m[months] = pos / total if total > 0 else 0.0
        ex_m[months] = max(resid, 0.0) / 3.0
        re_m[months] = max(-resid, 0.0) / 3.0
        for p in months:
            src_rows += [
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
        pending=pend[need_pend],
        sources=pd.DataFrame(src_rows),
        notes=notes,
    )


def _schedule(series: pd.Series, unit: str, source: str) -> Param:
    steps = tuple(Step(start=str(p), value=float(round(v, 9))) for p, v in series.items())
    return Param(schedule=steps, unit=unit, source=source)


def long_replay_assumptions(
    base: Assumptions, inp: LongReplayInputs, start_occupancy: float, start_occupancy_source: str
) -> Assumptions:
    """`base` (intake shares, housing hazard, departure hazard, ...) with the realised procedure inputs of `inp`
    and initial stocks for the day before the replay: the backlog = Eurostat pending (in COA by the first-request
    intake share); the rest of COA's observed occupancy split between status holders and rejected residents in
    the steady-state ratio of the start quarter's grants / housing hazard to rejections / departure hazard."""
    p = base.procedure
    proc = p.model_copy(
        update={
            "ind_decision_capacity": _schedule(
                inp.decisions,
                "persons per month",
                "realised: Eurostat migr_asydcfstq decisions on the merits / 3 per month",
            ),
            "grant_rate": _schedule(inp.grant_rate, "fraction", "realised: Eurostat migr_asydcfstq positive / total"),
            "grant_rate_repeat": None,
            "dublin_share": Param(
                value=0.0,
                unit="fraction",
                source=(
                    "Dublin decisions are not decisions on the merits in Eurostat's count: they are in other_exits"
                ),
            ),
            "min_lead_time": Param(value=0.0, unit="months", source="realised decisions are taken as counted"),
            "other_outflow_rate": Param(value=0.0, unit="per month", source="replaced by the realised other_exits"),
            "other_exits": _schedule(
                inp.other_exits, "persons per month", "realised: Eurostat backlog residual per quarter / 3"
            ),
            "reentries": _schedule(
                inp.reentries, "persons per month", "realised: negative backlog residual per quarter / 3"
            ),
        }
    )
    a = base.model_copy(update={"procedure": proc})
    share = a.intake_share.first_asylum_request.values()[0]
    backlog0 = float(inp.pending.iloc[0])
    A0 = share * backlog0
    g0 = float(inp.grant_rate.iloc[0])
    d0 = float(inp.decisions.iloc[0])
    hs = a.housing.hazard.values()[0] if a.housing.hazard is not None else 0.1
    hr = a.departure.hazard.values()[0]
    s_w, r_w = share * d0 * g0 / max(hs, 1e-6), share * d0 * (1 - g0) / max(hr, 1e-6)
    rest = max(start_occupancy - A0, 0.0)
    S0 = rest * s_w / (s_w + r_w) if s_w + r_w > 0 else 0.0
    R0 = rest - S0
    day = str(inp.periods[0].start_time.date())
    how = (
        f"steady-state split of {start_occupancy:,.0f} ({start_occupancy_source}) - asylum_seekers: "
        "grants/housing hazard vs rejections/departure hazard in the first quarter"
    )
    stocks = a.initial_stocks.model_copy(
        update={
            "date": day,
            "asylum_seekers": Param(
                value=A0,
                unit="persons",
                source=f"Eurostat pending {inp.periods[0] - 1} ({backlog0:,.0f}) x first-request intake share {share}",
            ),
            "pending_outside_coa": Param(
                value=backlog0 - A0, unit="persons", source="Eurostat pending - asylum_seekers"
            ),
            "status_holders": Param(value=S0, unit="persons", source=how),
            "rejected": Param(value=R0, unit="persons", source=how),
        }
    )
    return a.model_copy(update={"initial_stocks": stocks})


def start_occupancy(observations: pd.DataFrame, inp: LongReplayInputs) -> tuple[float, str]:
    """COA's persons-in-reception figure on the day before the replay starts (the first firm annual figure
    dated that day), with its source."""
    day = str((inp.periods[0].start_time - pd.Timedelta(days=1)).date())
    o = observations[
        (observations["measure"] == "persons_in_coa_reception_total") & (observations["date"].astype(str) == day)
    ]
    if o.empty:
        raise DataError(f"no COA persons-in-reception figure on {day} to start the long replay from")
    row = o.iloc[0]
    return float(row["value"]), f"COA on {day}, {row['source']}"


def run_long_replay(
    base: Assumptions, inp: LongReplayInputs, observations: pd.DataFrame, values: dict[str, float] | None = None
):
    """-> (Replay, assumptions used). `values` sets dotted assumption paths first (e.g. estimated rates); the
    initial stocks are derived after that (they depend on the hazards)."""

    a = with_values(base, values) if values else base
    occ0, occ0_src = start_occupancy(observations, inp)
    a = long_replay_assumptions(a, inp, occ0, occ0_src)
    paths = project_occupancy(Stocks.from_assumptions(a), inp.inflow, inp.periods, a, STREAMS)
    shortfall = inp.decisions.to_numpy() - (paths.flows["decisions_coa"] + paths.flows["decisions_outside"])[:, 0]
    notes = list(inp.notes)
    if (shortfall > 0.5).any():
        notes.append(
            f"decisions: the model's backlog could not supply {shortfall[shortfall > 0.5].sum():,.0f} "
            "realised decisions"
        )
    cmp = compare_with_observations(paths, observations)
    return Replay(paths=paths, comparison=cmp, summary=error_summary(cmp), notes=notes), a


def calibrate_long(
    base: Assumptions, inp: LongReplayInputs, observations: pd.DataFrame, knobs, fit_until: str, starts: int = 5
):
    """Estimate `knobs` on the COA observations after the start and up to `fit_until` only (weighted least squares
    of % errors, as `replay.calibrate`, Nelder-Mead from the `starts` best grid points: the 2015-2016 loss has two
    basins). -> Calibration."""

    obs = observations[observations["measure"].isin(MEASURE_TO_QUANTITY)]
    first_day = str(inp.periods[0].start_time.date())
    dates = obs["date"].astype(str)
    fit = obs[(dates >= first_day) & (dates <= fit_until)]
    if fit.empty:
        raise DataError(f"no COA observation between {first_day} and {fit_until} to estimate on")
    start_obs = observations[observations["date"].astype(str) < first_day]
    n_check = int((dates > fit_until).sum())

    def loss(values: dict[str, float]) -> float:
        r, _ = run_long_replay(base, inp, pd.concat([start_obs, fit]), values)
        return weighted_loss(r.comparison[r.comparison["date"] >= first_day])

    values, v_loss = minimise(loss, knobs, starts=starts)
    return Calibration(values=values, fit_until=fit_until, n_fit=len(fit), n_check=n_check, loss=v_loss)


def jackknife_band(
    base: Assumptions, inp: LongReplayInputs, observations: pd.DataFrame, knobs, fit_until: str
) -> tuple[pd.DataFrame, list[dict]]:
    """How much the replay depends on any one year of the estimation window: the rates re-estimated with each
    year's observations left out (the same procedure as `calibrate_long`), each replayed. -> (band: period,
    `<quantity>_low` / `<quantity>_high` for occupancy_total and status_holders = min / max over the full
    estimate and the leave-one-year-out estimates; the estimates: left_out, values, n_fit)."""
    first_day = str(inp.periods[0].start_time.date())
    dates = observations["date"].astype(str)
    years = sorted({d[:4] for d in dates if first_day <= d <= fit_until})
    runs, estimates = [], []
    for left_out in [None, *years]:
        obs = observations if left_out is None else observations[~dates.str.startswith(left_out)]
        cal = calibrate_long(base, inp, obs, knobs, fit_until)
        r, _ = run_long_replay(base, inp, observations, cal.values)
        runs.append(r.monthly())
        estimates.append({"left_out": left_out or "none", "values": cal.values, "n_fit": cal.n_fit})
    band = pd.DataFrame({"period": runs[0]["period"]})
    for q in ("occupancy_total", "status_holders"):
        stack = np.vstack([m[q].to_numpy(float) for m in runs])
        band[f"{q}_low"], band[f"{q}_high"] = stack.min(axis=0), stack.max(axis=0)
    return band, estimates
