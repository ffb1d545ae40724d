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

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.data.loaders import guarded_read
from mpp.data.schema import STREAMS
from mpp.errors import DataError
from mpp.occupancy.assumptions import Assumptions, Param, Step

EUROSTAT_MONTHLY = "eurostat_migr_asyappctzm_NL_national_monthly_2008_2020-08.csv"
EUROSTAT_PENDING = "eurostat_NL_pending_decisions_temporary_protection_2008_2023.csv"
CBS_MONTHLY = "cbs_monthly_national_2018_2022_with_gaps.csv"
IND_MONTHLY = "ind_monthly_national_2018_2023_with_gaps.csv"
CBS_PANEL = "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"
REALISED_TOTALS = "realised_totals.csv"  # in the folder above `real`
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


def nareizigers_from_annual(
    totals_path: str | Path, panel_path: str | Path, years: list[int], profile: str
) -> pd.DataFrame:
    """Monthly nareizigers for `years` from the annual totals (realised_totals.csv) spread by `profile`
    ('panel' = the same year's monthly shape of the CBS 7-nationality panel's nareizigers; 'flat' = 1/12).
    An ASSUMPTION, stated in every month's source label."""
    if profile not in NAREIZIGERS_PROFILES:
        raise DataError(f"nareizigers profile must be one of {NAREIZIGERS_PROFILES}, got {profile!r}")
    from mpp.data.observations import read_realised_totals  # issue 12's reader of this file (unquoted commas)

    tot = read_realised_totals(totals_path)
    tot = tot[tot["stream"] == "nareizigers"].assign(year=lambda d: d["period"].astype(int)).set_index("year")
    panel = _read(Path(panel_path)) if profile == "panel" else None
    rows = []
    for y in years:
        if y not in tot.index:
            raise DataError(f"{totals_path}: no annual nareizigers total for {y} (not filled in)")
        total = float(tot.loc[y, "value"])
        if profile == "flat":
            shares = np.full(12, 1 / 12)
        else:
            sub = panel[(panel["stream"] == "nareizigers") & panel["period"].astype(str).str.startswith(f"{y}-")]
            m = sub.groupby("period")["value"].sum()
            if len(m) != 12 or m.sum() <= 0:
                raise DataError(f"{panel_path}: the nareizigers panel lacks months of {y}")
            shares = (m / m.sum()).to_numpy()
        r = tot.loc[y]
        label = (
            f"annual total {total:,.0f} ({r['publisher']}, {r['file']} row {r['row']}"
            f"{', rounded to ' + format(int(r['rounding'])) if r['rounding'] > 1 else ''}) x {profile} "
            "monthly profile (ASSUMPTION: no monthly national series before 2018)"
        )
        for i in range(12):
            rows.append(
                {
                    "period": f"{y}-{i + 1:02d}",
                    "stream": "nareizigers",
                    "nationality": "TOTAL",
                    "value": total * shares[i],
                    "source": label,
                }
            )
    return pd.DataFrame(rows)


@dataclass
class LongReplayInputs:
    """Everything realised that drives the long replay, monthly, with a source per value."""

    periods: pd.PeriodIndex
    inflow: np.ndarray  # [stream, month, 1]
    decisions: pd.Series  # decisions on the merits per month
    grant_rate: pd.Series  # per month (its quarter's positive / total)
    other_exits: pd.Series  # per month, >= 0
    reentries: pd.Series  # per month, >= 0
    pending: pd.Series  # Eurostat pending at month end, incl. the month before the start
    sources: pd.DataFrame  # period, input, value, source
    notes: list[str] = field(default_factory=list)


def _pick(
    sources: list[tuple[str, pd.DataFrame]], stream: str, periods: pd.PeriodIndex, required: bool
) -> tuple[pd.Series, pd.Series]:
    have = pd.Series(np.nan, index=periods)
    origin = pd.Series("", index=periods, dtype=object)
    for label, df in sources:
        d = df[(df["stream"] == stream) & (df["nationality"].astype(str) == "TOTAL")]
        if d.empty:
            continue
        vals = (
            pd.Series(
                pd.to_numeric(d["value"], errors="coerce").to_numpy(dtype=float),
                index=pd.PeriodIndex(d["period"].astype(str), freq="M"),
            )
            .groupby(level=0)
            .last()
        )
        labels = (
            d["source"].astype(str).to_numpy()
            if "source" in d.columns and label.endswith("*")
            else np.full(len(d), label)
        )
        lab = pd.Series(labels, index=pd.PeriodIndex(d["period"].astype(str), freq="M")).groupby(level=0).last()
        found = vals.reindex(periods)
        fill = have.isna() & found.notna()
        have[fill] = found[fill]
        origin[fill] = lab.reindex(periods)[fill]
    if required and have.isna().any():
        missing = list(periods[have.isna().to_numpy()])
        raise DataError(
            f"long replay: {stream} is missing {len(missing)} month(s) in every source: "
            f"{', '.join(str(p) for p in missing[:6])}{' ...' if len(missing) > 6 else ''} (not filled in)"
        )
    return have, origin


def long_replay_inputs(
    real_dir: str | Path,
    start: str,
    end: str,
    nareizigers_profile: str = "panel",
    realised_totals: str | Path | None = None,
) -> LongReplayInputs:
    """Assemble the long replay's realised inputs for whole quarters start..end (e.g. '2015-01'..'2020-06')."""
    real = Path(real_dir)
    totals = Path(realised_totals) if realised_totals else real.parent / REALISED_TOTALS
    periods = pd.period_range(start, end, freq="M")
    if periods[0].month % 3 != 1 or periods[-1].month % 3 != 0:
        raise DataError(f"the long replay runs on whole quarters (decisions are quarterly): got {start}..{end}")
    apps = load_eurostat_monthly_applications(real / EUROSTAT_MONTHLY)
    proc = load_eurostat_procedure(real / EUROSTAT_PENDING)
    es_label = f"Eurostat migr_asyappctzm ({EUROSTAT_MONTHLY})"
    pre2018 = sorted({p.year for p in periods if p.year < 2018})
    nar_annual = (
        nareizigers_from_annual(totals, real / CBS_PANEL, pre2018, nareizigers_profile)
        if pre2018
        else pd.DataFrame(columns=["period", "stream", "nationality", "value", "source"])
    )
    sources = {
        "first_asylum_request": [(es_label + " NASY_APP", apps)],
        "repeat_asylum_request": [(es_label + " ASY_APP - NASY_APP", apps)],
        "nareizigers": [
            (f"CBS ({CBS_MONTHLY})", _read(real / CBS_MONTHLY)),
            (f"IND monthly reports ({IND_MONTHLY})", _read(real / IND_MONTHLY)),
            ("annual*", nar_annual),
        ],
    }
    x = np.zeros((len(STREAMS), len(periods), 1))
    src_rows = []
    notes = []
    for i, s in enumerate(STREAMS):
        if s not in sources:
            notes.append(f"{s}: no monthly national source for {start}..{end}; replayed as zero inflow")
            continue
        vals, origin = _pick(sources[s], s, periods, required=True)
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
    return LongReplayInputs(
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
    from mpp.occupancy.model import Stocks, project_occupancy
    from mpp.occupancy.replay import Replay, compare_with_observations, error_summary, with_values

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
    from mpp.occupancy.replay import MEASURE_TO_QUANTITY, Calibration, minimise, weighted_loss

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
