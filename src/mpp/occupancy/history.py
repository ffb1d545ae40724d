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

import numpy as np
import pandas as pd

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
from mpp.occupancy.replay_inputs import LongReplayInputs


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
    base: Assumptions,
    inp: LongReplayInputs,
    observations: pd.DataFrame,
    knobs,
    fit_until: str,
    starts: int = 5,
    fit_from: str | None = None,
):
    """Estimate `knobs` on the COA observations after the start and up to `fit_until` only (weighted least squares
    of % errors, as `replay.calibrate`, Nelder-Mead from the `starts` best grid points: the 2015-2016 loss has two
    basins). `fit_from` (a date, default the first day of the replay) narrows the estimation window to the
    observations dated `fit_from`..`fit_until`: the replay still runs from its start, the rates are constant over
    it, and only the window's observations enter the loss. -> Calibration."""

    obs = observations[observations["measure"].isin(MEASURE_TO_QUANTITY)]
    first_day = str(inp.periods[0].start_time.date())
    lower = max(first_day, fit_from) if fit_from else first_day
    dates = obs["date"].astype(str)
    fit = obs[(dates >= lower) & (dates <= fit_until)]
    if fit.empty:
        raise DataError(f"no COA observation between {lower} and {fit_until} to estimate on")
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
