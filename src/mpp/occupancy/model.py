"""The stock-flow model of COA reception: a pure function of initial stocks, inflow paths and assumptions.

Groups (stocks, persons):
  asylum_seekers        in COA reception, waiting for an IND first-instance decision
  pending_outside_coa   waiting for a decision but not in COA (counts in the IND backlog, not in occupancy)
  status_holders        in COA with a permit (granted, or nareizigers/resettled arriving with one), waiting
                        for municipal housing
  rejected              in COA after a negative decision (appeal, preparing departure)
Occupancy = asylum_seekers + status_holders + rejected. IND backlog (werkvoorraad) = asylum_seekers +
pending_outside_coa.

One step (a month, or a quarter in a quarterly replay), for every sample path at once:
1. intake: stream inflow x intake share; first and repeat applicants enter the procedure (in COA or
   outside), nareizigers and resettled refugees enter `status_holders` directly.
2. procedure: a monthly `other_outflow` share of applicants in COA leaves; decisions = min(IND capacity,
   applicants who have waited at least the minimum lead time), shared between in-COA and outside applicants
   by their weight in the backlog; of decisions in COA a Dublin share is transferred out, the rest split by
   the grant rate into new status holders and rejected residents.
3. housing: status holders leave at the taakstelling x realisation x share-from-COA per step, plus (where a
   housing hazard is given, e.g. in a replay of years whose targets are unknown) that share of the waiting
   status holders.
4. departure: rejected residents leave with a hazard, split voluntary / forced / destination unknown.

Exactness of the stock-flow identity. For every group the model first computes the step's total inflow
`inflow[g, t]` and total outflow `outflow[g, t]` (float64 arrays, stored), with the outflow capped at
`stock + inflow` so no stock can go negative; only then is the stock set to `stock + inflow - outflow`,
evaluated as exactly that float expression. Recomputing `stocks[g, t-1] + inflow[g, t] - outflow[g, t]` from
the stored arrays therefore reproduces `stocks[g, t]` bit for bit (tests check with ==). Named flows
(`flows`) are the components of those totals; they add up to them to rounding (about 1e-12 relative).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mpp.data.schema import STREAMS
from mpp.occupancy.assumptions import Assumptions
from mpp.occupancy.resolution import StepParams, months_of, per_step, resolve
from mpp.occupancy.segments import AMV_GROUPS, Segment, amv_segment, logit_shift, sample_draws, ukraine_segment

GROUPS: tuple[str, ...] = ("asylum_seekers", "pending_outside_coa", "status_holders", "rejected")
OCCUPANCY_GROUPS: tuple[str, ...] = ("asylum_seekers", "status_holders", "rejected")
BACKLOG_GROUPS: tuple[str, ...] = ("asylum_seekers", "pending_outside_coa")
A, P, S, R = range(4)


@dataclass(frozen=True)
class Stocks:
    """Stocks per group at the start of the projection (persons; scalars or arrays over samples)."""

    asylum_seekers: float | np.ndarray
    pending_outside_coa: float | np.ndarray
    status_holders: float | np.ndarray
    rejected: float | np.ndarray

    @classmethod
    def from_assumptions(cls, a: Assumptions) -> Stocks:
        s = a.initial_stocks
        return cls(*(float(getattr(s, g).values()[0]) for g in GROUPS))

    def as_array(self, n_samples: int) -> np.ndarray:
        """-> initial[group, sample] float64."""
        return np.stack([np.broadcast_to(np.asarray(getattr(self, g), dtype=float), (n_samples,)) for g in GROUPS])


@dataclass
class OccupancyPaths:
    """Projected stocks and flows. Axes: `stocks[group, horizon, sample]` are end-of-step stocks,
    `initial[group, sample]` the stocks before the first step, `inflow`/`outflow[group, horizon, sample]` the
    per-step totals, `flows[name][horizon, sample]` named components. `amv` and `ukraine` are the optional
    segments (None when their assumptions are absent or switched off)."""

    groups: tuple[str, ...]
    periods: pd.PeriodIndex
    initial: np.ndarray
    stocks: np.ndarray
    inflow: np.ndarray
    outflow: np.ndarray
    flows: dict[str, np.ndarray]
    capacity_buffer: np.ndarray  # [horizon]
    notes: list[str] = field(default_factory=list)
    amv: Segment | None = None
    ukraine: Segment | None = None

    def group(self, name: str) -> np.ndarray:
        return self.stocks[self.groups.index(name)]

    def _amv_coa(self, initial: bool = False) -> np.ndarray | float:
        if self.amv is None:
            return 0.0
        src = self.amv.initial if initial else self.amv.stocks
        return src[AMV_GROUPS.index("amv_pending")] + src[AMV_GROUPS.index("amv_rejected")]

    def occupancy(self) -> np.ndarray:
        """Persons in COA reception (incl. amv places when the amv segment is on), [horizon, sample]."""
        return sum(self.group(g) for g in OCCUPANCY_GROUPS) + self._amv_coa()

    def ind_backlog(self) -> np.ndarray:
        amv = 0.0 if self.amv is None else self.amv.group("amv_pending")
        return sum(self.group(g) for g in BACKLOG_GROUPS) + amv

    def capacity_need(self) -> np.ndarray:
        return self.occupancy() * (1.0 + self.capacity_buffer[:, None])

    def status_holder_share(self) -> np.ndarray:
        occ = self.occupancy()
        return np.divide(self.group("status_holders"), occ, out=np.zeros_like(occ), where=occ > 0)

    def quantities(self) -> dict[str, np.ndarray]:
        """Reported stocks, each [horizon, sample] (amv and Ukrainian quantities only when those segments run)."""
        out = {
            "occupancy_total": self.occupancy(),
            "asylum_seekers": self.group("asylum_seekers"),
            "status_holders": self.group("status_holders"),
            "rejected": self.group("rejected"),
            "ind_backlog": self.ind_backlog(),
            "capacity_need": self.capacity_need(),
            "status_holder_share": self.status_holder_share(),
        }
        if self.amv is not None:
            coa = self._amv_coa()
            out["amv_coa_places"] = coa
            out["amv_capacity_need"] = coa * (1.0 + self.capacity_buffer[:, None])
            out["nidos_places"] = self.amv.group("amv_nidos")
        if self.ukraine is not None:
            out["ukraine_municipal_reception"] = self.ukraine.group("ukraine_municipal")
        return out

    def initial_quantities(self) -> dict[str, np.ndarray]:
        """Same quantities before the first step, each [sample]."""
        init = self.initial
        occ = init[A] + init[S] + init[R] + self._amv_coa(initial=True)
        out = {
            "occupancy_total": occ,
            "asylum_seekers": init[A],
            "status_holders": init[S],
            "rejected": init[R],
            "ind_backlog": init[A] + init[P] + (0.0 if self.amv is None else self.amv.initial[0]),
            "capacity_need": occ * (1.0 + self.capacity_buffer[0]),
            "status_holder_share": np.divide(init[S], occ, out=np.zeros_like(occ), where=occ > 0),
        }
        if self.amv is not None:
            coa = self._amv_coa(initial=True)
            out["amv_coa_places"] = coa
            out["amv_capacity_need"] = coa * (1.0 + self.capacity_buffer[0])
            out["nidos_places"] = self.amv.initial[AMV_GROUPS.index("amv_nidos")]
        if self.ukraine is not None:
            out["ukraine_municipal_reception"] = self.ukraine.initial[0]
        return out

    def decision_flows(self) -> dict[str, np.ndarray]:
        """Per-step IND flows [horizon, sample]: first-instance decisions (incl. Dublin decisions on applicants
        in and outside COA, and amv), of them on the merits, grants (incl. amv), and Ukrainian asylum filings
        when that module runs. The grant rate is grants / decisions on the merits."""
        f = self.flows
        decisions = f["decisions_coa"] + f["decisions_outside"]
        # decisions outside COA are split like those in COA (Dublin share, grant rate)
        merits_coa = f["decisions_coa"] - f["dublin_transfers"]
        share = np.divide(merits_coa, f["decisions_coa"], out=np.ones_like(decisions), where=f["decisions_coa"] > 0)
        merits = merits_coa + f["decisions_outside"] * share
        grants = f["grants"] + f["grants_outside"]
        if self.amv is not None:
            decisions = decisions + self.amv.flows["amv_decisions"]
            merits = merits + self.amv.flows["amv_decisions"]
            grants = grants + self.amv.flows["amv_grants"]
        out = {"ind_decisions": decisions, "ind_decisions_merits": merits, "ind_grants": grants}
        if self.ukraine is not None:
            out["ukraine_asylum_filings"] = self.ukraine.flows["asylum_filings"]
        return out


def project_occupancy(
    initial: Stocks,
    inflow: np.ndarray,
    periods: pd.PeriodIndex,
    assumptions: Assumptions,
    streams: tuple[str, ...] = STREAMS,
) -> OccupancyPaths:
    """Project COA occupancy. `inflow[stream, horizon, sample]` (persons per step) in the order of `streams`
    (missing streams of STREAMS count as zero); `periods` monthly or quarterly, len == horizon.

    With `assumptions.ukraine` enabled, the active scenario's asylum filings are added to the first requests;
    with `assumptions.amv`, the amv share of first requests (after that) runs in its own segment; with
    `assumptions.uncertainty`, capacity, grant rates and the amv share vary per sample (seeded)."""
    inflow = np.asarray(inflow, dtype=np.float64)
    if inflow.ndim != 3 or inflow.shape[0] != len(streams) or inflow.shape[1] != len(periods):
        raise ValueError(f"inflow must be [stream={len(streams)}, horizon={len(periods)}, sample], got {inflow.shape}")
    if np.any(~np.isfinite(inflow)) or np.any(inflow < 0):
        raise ValueError("inflow must be finite and non-negative")
    unknown = set(streams) - set(STREAMS)
    if unknown:
        raise ValueError(f"unknown streams {sorted(unknown)}")
    sp = resolve(assumptions, periods)
    n = inflow.shape[2]
    draws = sample_draws(assumptions, n)
    x = {s: (inflow[streams.index(s)] if s in streams else np.zeros(inflow.shape[1:])) for s in STREAMS}
    ukraine = None
    if assumptions.ukraine is not None and assumptions.ukraine.enabled:
        ukraine = ukraine_segment(assumptions.ukraine, periods, n)
        x["first_asylum_request"] = x["first_asylum_request"] + ukraine.flows["asylum_filings"]
    amv = None
    if assumptions.amv is not None:
        amv_in = x["first_asylum_request"] * (
            assumptions_share(assumptions, periods) * draws["amv_share_mult"][None, :]
        ).clip(0.0, 1.0)
        x["first_asylum_request"] = x["first_asylum_request"] - amv_in
        amv = amv_segment(assumptions, periods, amv_in, draws)
    x_arr = np.stack([x[s] for s in STREAMS])
    res = _simulate(initial.as_array(n), x_arr, STREAMS, periods, sp, draws)
    res.amv, res.ukraine = amv, ukraine
    return res


def assumptions_share(a: Assumptions, periods: pd.PeriodIndex) -> np.ndarray:
    """The amv share of first requests per step, [horizon, 1]."""
    months, k = months_of(periods)
    return per_step(a.amv.share_of_first_requests.monthly(months), k, "first")[:, None]


FLOW_NAMES = (
    "intake_procedure_coa",
    "intake_procedure_outside",
    "intake_status_direct",
    "reentries_coa",
    "reentries_outside",
    "other_outflow",
    "other_exits_coa",
    "other_exits_outside",
    "other_exits_to_rejected",
    "decisions_coa",
    "decisions_outside",
    "dublin_transfers",
    "grants",
    "rejections",
    "grants_outside",
    "housed",
    "departure_voluntary",
    "departure_forced",
    "departure_unknown",
)


def _simulate(
    init: np.ndarray,
    inflow: np.ndarray,
    streams: tuple[str, ...],
    periods: pd.PeriodIndex,
    sp: StepParams,
    draws: dict | None = None,
) -> OccupancyPaths:
    H, N = inflow.shape[1], inflow.shape[2]
    d = _drivers(inflow, streams, sp, draws or {})
    flows = {n: np.zeros((H, N)) for n in FLOW_NAMES}
    stocks = np.zeros((4, H, N))
    tin = np.zeros((4, H, N))
    tout = np.zeros((4, H, N))
    cur = init.astype(np.float64).copy()
    for t in range(H):
        tin[:, t], tout[:, t], month = _step(t, cur, d, sp)
        cur = cur + tin[:, t] - tout[:, t]  # the identity, by construction (see module docstring)
        stocks[:, t] = cur
        for n, val in month.items():
            flows[n][t] = val
    return OccupancyPaths(
        groups=GROUPS,
        periods=periods,
        initial=init,
        stocks=stocks,
        inflow=tin,
        outflow=tout,
        flows=flows,
        capacity_buffer=sp.capacity_buffer,
    )


@dataclass(frozen=True)
class _Drivers:
    """What drives every step of one simulation, [step, sample]: intake per destination, re-entries, total
    inflow per procedure group, applicants too recent to be decided, IND capacity and the grant rate."""

    proc_coa: np.ndarray
    proc_out: np.ndarray
    status: np.ndarray
    reent_coa: np.ndarray
    reent_out: np.ndarray
    in_a: np.ndarray
    in_p: np.ndarray
    recent: np.ndarray
    capacity: np.ndarray
    grant: np.ndarray


def _drivers(inflow: np.ndarray, streams: tuple[str, ...], sp: StepParams, draws: dict) -> _Drivers:
    H, N = inflow.shape[1], inflow.shape[2]
    zero = np.zeros((H, N))
    x = {s: (inflow[streams.index(s)] if s in streams else zero) for s in STREAMS}
    sh = sp.intake_share
    intake_proc_coa = (
        x["first_asylum_request"] * sh["first_asylum_request"][:, None]
        + x["repeat_asylum_request"] * sh["repeat_asylum_request"][:, None]
    )
    intake_proc_out = x["first_asylum_request"] * (1 - sh["first_asylum_request"][:, None]) + x[
        "repeat_asylum_request"
    ] * (1 - sh["repeat_asylum_request"][:, None])
    intake_status = x["nareizigers"] * sh["nareizigers"][:, None] + x["resettlement"] * sh["resettlement"][:, None]
    reent_coa = sp.reentries[:, None] * sh["first_asylum_request"][:, None] * np.ones((1, N))
    reent_out = sp.reentries[:, None] * (1 - sh["first_asylum_request"][:, None]) * np.ones((1, N))
    # applicants who arrived within the minimum lead time cannot be decided yet (first in, first out)
    recent = np.zeros((H, N))
    arrivals = intake_proc_coa + intake_proc_out
    for j in range(sp.lead_steps):
        recent[j:] += arrivals[: H - j]
    z_g = draws.get("grant_logit_shift")
    grant = logit_shift(sp.grant_rate, z_g) * np.ones((1, N))
    if sp.grant_rate_repeat is not None:
        # decisions are mixed by the streams' shares of the procedure intake `lead_steps` earlier
        first_all, rep_all = x["first_asylum_request"], x["repeat_asylum_request"]
        lag = np.clip(np.arange(H) - sp.lead_steps, 0, None)
        tot = first_all[lag] + rep_all[lag]
        w_rep = np.divide(rep_all[lag], tot, out=np.zeros((H, N)), where=tot > 0)
        grant = (1.0 - w_rep) * grant + w_rep * logit_shift(sp.grant_rate_repeat, z_g)
    return _Drivers(
        proc_coa=intake_proc_coa,
        proc_out=intake_proc_out,
        status=intake_status,
        reent_coa=reent_coa,
        reent_out=reent_out,
        # total inflow per procedure group, summed once so that `available = stock + inflow` below uses the very
        # same float as the identity (a cap at `available` then leaves exactly zero, never -1e-13)
        in_a=intake_proc_coa + reent_coa,
        in_p=intake_proc_out + reent_out,
        recent=recent,
        capacity=sp.capacity[:, None] * draws.get("capacity_mult", np.ones(N))[None, :],
        grant=grant,
    )


def _step(t: int, cur: np.ndarray, d: _Drivers, sp: StepParams) -> tuple[np.ndarray, np.ndarray, dict]:
    """Step t from stocks `cur` [4, sample]: total inflow and outflow per group [4, sample] (each outflow capped
    at stock + inflow) and the step's named flows."""
    a_avail = cur[A] + d.in_a[t]
    p_avail = cur[P] + d.in_p[t]
    other = sp.other_outflow[t] * a_avail
    a_rest = a_avail - other
    backlog = a_rest + p_avail
    exits = np.minimum(sp.other_exits[t], backlog)
    w0 = np.divide(a_rest, backlog, out=np.zeros_like(backlog), where=backlog > 0)
    ex_coa = exits * w0
    ex_out = exits - ex_coa
    a_rest = a_rest - ex_coa
    p_rest = p_avail - ex_out
    backlog = a_rest + p_rest
    eligible = backlog - d.recent[t]
    eligible = np.where(eligible > 1e-9 * backlog, eligible, 0.0)  # rounding noise is not a person
    decided = np.minimum(d.capacity[t], eligible)
    w = np.divide(a_rest, backlog, out=np.zeros_like(backlog), where=backlog > 0)
    d_coa = decided * w
    d_out = decided - d_coa
    dublin = sp.dublin_share[t] * d_coa
    grants = d.grant[t] * (d_coa - dublin)
    rejections = d_coa - dublin - grants
    ex_rej = sp.other_exits_to_rejected[t] * ex_coa

    s_in = d.status[t] + grants
    housed = np.minimum(sp.housing[t] + sp.housing_hazard[t] * (cur[S] + s_in), cur[S] + s_in)
    r_in = rejections + ex_rej
    r_avail = cur[R] + r_in
    leaving = sp.departure_hazard[t] * r_avail

    tin, tout = np.zeros_like(cur), np.zeros_like(cur)
    tin[A], tout[A] = d.in_a[t], np.minimum(other + ex_coa + d_coa, a_avail)
    tin[P], tout[P] = d.in_p[t], np.minimum(ex_out + d_out, p_avail)
    tin[S], tout[S] = s_in, np.minimum(housed, cur[S] + s_in)
    tin[R], tout[R] = r_in, np.minimum(leaving, r_avail)
    v, f, u = sp.departure_split
    month = {
        "intake_procedure_coa": d.proc_coa[t],
        "intake_procedure_outside": d.proc_out[t],
        "intake_status_direct": d.status[t],
        "reentries_coa": d.reent_coa[t],
        "reentries_outside": d.reent_out[t],
        "other_outflow": other,
        "other_exits_coa": ex_coa,
        "other_exits_outside": ex_out,
        "other_exits_to_rejected": ex_rej,
        "decisions_coa": d_coa,
        "decisions_outside": d_out,
        "dublin_transfers": dublin,
        "grants": grants,
        "rejections": rejections,
        "grants_outside": d.grant[t] * (1.0 - sp.dublin_share[t]) * d_out,
        "housed": housed,
        "departure_voluntary": leaving * v,
        "departure_forced": leaving * f,
        "departure_unknown": leaving * u,
    }
    return tin, tout, month
