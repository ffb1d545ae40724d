"""Segments beside the main stock-flow model: unaccompanied minors (amv, with COA and Nidos places) and the
Ukrainian displaced in municipal reception (an optional scenario module), plus the per-sample parameter draws.

Each segment keeps the main model's exact identity: per group the step's total inflow and outflow are computed
first (outflow capped at stock + inflow), then `stock = stock + inflow - outflow` as that float expression, so
recomputing it from the stored arrays gives the stored stock bit for bit.

Dutch words: *amv* (alleenstaande minderjarige vreemdelingen) are unaccompanied minors; *Nidos* is the guardianship
agency whose small-scale reception places house amv once they have a status.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from mpp.errors import ConfigError
from mpp.occupancy.assumptions import Assumptions, Ukraine
from mpp.occupancy.resolution import months_of, per_step

AMV_GROUPS: tuple[str, ...] = ("amv_pending", "amv_rejected", "amv_nidos")


@dataclass
class Segment:
    """A stock-flow segment beside the main model (amv, Ukrainian displaced): `stocks[group, horizon, sample]`
    end-of-step stocks, `initial[group, sample]`, per-step totals `inflow`/`outflow[group, horizon, sample]` with
    stock = previous + inflow - outflow exactly (same construction as the main model), named `flows`."""

    groups: tuple[str, ...]
    initial: np.ndarray
    stocks: np.ndarray
    inflow: np.ndarray
    outflow: np.ndarray
    flows: dict[str, np.ndarray]
    label: str = ""

    def group(self, name: str) -> np.ndarray:
        return self.stocks[self.groups.index(name)]


def logit_shift(g: np.ndarray, z: np.ndarray | None) -> np.ndarray:
    """g[horizon] -> [horizon, sample]: unchanged without a shift, else expit(logit(g) + z[sample])."""
    if z is None:
        return g[:, None]
    gc = np.clip(g, 1e-9, 1 - 1e-9)[:, None]
    return 1.0 / (1.0 + np.exp(-(np.log(gc / (1 - gc)) + z[None, :])))


def sample_draws(a: Assumptions, n: int) -> dict[str, np.ndarray]:
    """Per-sample parameter draws (persistent over the horizon) from `a.uncertainty`, seeded; without it every
    multiplier is 1 and there is no grant-rate shift (the model then runs exactly as without uncertainty)."""
    u = a.uncertainty
    out: dict[str, np.ndarray] = {"capacity_mult": np.ones(n), "amv_share_mult": np.ones(n)}
    if u is None:
        return out
    rng = np.random.default_rng(u.seed)
    # stratified standard normals (one draw per 1/n quantile slice, in random order; always three rows, so one
    # draw does not depend on which others are set): the drawn parameters' quantiles match the stated
    # distribution even with a few hundred paths (plain draws put the median grant rate 0.35 instead of 0.38)
    z = norm.ppf(np.clip((np.argsort(rng.random((3, n)), axis=1) + rng.random((3, n))) / n, 1e-12, 1 - 1e-12))
    if u.capacity_log_sd is not None:
        out["capacity_mult"] = np.exp(u.capacity_log_sd.values()[0] * z[0])
    if u.grant_rate_logit_sd is not None:
        out["grant_logit_shift"] = u.grant_rate_logit_sd.values()[0] * z[1]
    if u.amv_share_log_sd is not None:
        out["amv_share_mult"] = np.exp(u.amv_share_log_sd.values()[0] * z[2])
    return out


def _stepper(n_groups: int, h: int, n: int, init: np.ndarray):
    stocks = np.zeros((n_groups, h, n))
    return stocks, np.zeros_like(stocks), np.zeros_like(stocks), init.astype(np.float64).copy()


def amv_segment(a: Assumptions, periods: pd.PeriodIndex, amv_in: np.ndarray, draws: dict[str, np.ndarray]) -> Segment:
    """amv_in[horizon, sample] first requests of unaccompanied minors -> Segment with groups
    amv_pending (in COA amv places, awaiting a decision), amv_rejected (in COA after a rejection) and amv_nidos
    (with a status, in Nidos places)."""
    m = a.amv
    months, k = months_of(periods)
    hz = lambda p: per_step(p.monthly(months), k, "hazard")  # noqa: E731
    dec_h, rej_h, nid_h = hz(m.decision_hazard), hz(m.rejected_departure_hazard), hz(m.nidos_exit_hazard)
    g = logit_shift(per_step(m.grant_rate.monthly(months), k, "first"), draws.get("grant_logit_shift"))
    H, N = amv_in.shape
    init = np.array([[m.initial_pending.values()[0]], [m.initial_rejected.values()[0]], [m.initial_nidos.values()[0]]])
    stocks, tin, tout, cur = _stepper(3, H, N, np.broadcast_to(init, (3, N)))
    flows = {
        k_: np.zeros((H, N))
        for k_ in (
            "amv_intake",
            "amv_decisions",
            "amv_grants",
            "amv_rejections",
            "amv_rejected_leaving",
            "amv_nidos_leaving",
        )
    }
    for t in range(H):
        p_avail = cur[0] + amv_in[t]
        dec = dec_h[t] * p_avail
        grants = g[t] * dec
        rej = dec - grants
        r_avail = cur[1] + rej
        r_out = rej_h[t] * r_avail
        n_avail = cur[2] + grants
        n_out = nid_h[t] * n_avail
        tin[0, t], tout[0, t] = amv_in[t], np.minimum(dec, p_avail)
        tin[1, t], tout[1, t] = rej, np.minimum(r_out, r_avail)
        tin[2, t], tout[2, t] = grants, np.minimum(n_out, n_avail)
        cur = cur + tin[:, t] - tout[:, t]
        stocks[:, t] = cur
        for name, val in (
            ("amv_intake", amv_in[t]),
            ("amv_decisions", dec),
            ("amv_grants", grants),
            ("amv_rejections", rej),
            ("amv_rejected_leaving", r_out),
            ("amv_nidos_leaving", n_out),
        ):
            flows[name][t] = val
    return Segment(
        groups=AMV_GROUPS,
        initial=np.broadcast_to(init, (3, N)).astype(np.float64).copy(),
        stocks=stocks,
        inflow=tin,
        outflow=tout,
        flows=flows,
        label="unaccompanied minors (amv)",
    )


def ukraine_segment(u: Ukraine, periods: pd.PeriodIndex, n: int, scenario: str | None = None) -> Segment:
    """The Ukrainian displaced in municipal reception under the ACTIVE (or the named) scenario: one group
    `ukraine_municipal`; flows arrivals, departures, asylum_filings (the share filing a first request after the
    directive ends) and other_leaving. Deterministic (a scenario, not a forecast): the same path on every sample."""
    if not periods.freqstr.upper().startswith("M"):
        raise ConfigError("the Ukrainian module runs on monthly steps only")
    sc = u.scenarios[scenario or u.active]
    end = pd.Period(u.directive_end, freq="M")
    H = len(periods)
    arrivals = sc.arrivals.monthly(periods)
    hazard = sc.departure_hazard.monthly(periods)
    share = sc.share_filing_asylum.monthly(periods)
    spread = max(1, int(round(sc.spread_months.values()[0])))
    init = np.full((1, n), float(sc.initial_stock.values()[0]))
    stocks, tin, tout, cur = _stepper(1, H, n, init)
    flows = {k: np.zeros((H, n)) for k in ("arrivals", "departures", "asylum_filings", "other_leaving")}
    base = None  # stock when the directive ended: it leaves in `spread` equal monthly parts
    for t, p in enumerate(periods):
        if p < end:
            inflow = np.full(n, arrivals[t])
            avail = cur[0] + inflow
            out = np.minimum(hazard[t] * avail, avail)
            dep, filing = out, np.zeros(n)
        else:
            if base is None:
                base = cur[0].copy()
            inflow = np.zeros(n)
            avail = cur[0]
            k_ = (p - end).n
            out = avail if k_ >= spread - 1 else np.minimum(base / spread, avail)
            filing = share[t] * out
            dep = np.zeros(n)
        tin[0, t], tout[0, t] = inflow, out
        cur = cur + tin[:, t] - tout[:, t]
        stocks[:, t] = cur
        flows["arrivals"][t] = inflow
        flows["departures"][t] = dep
        flows["asylum_filings"][t] = filing
        flows["other_leaving"][t] = out - dep - filing
    return Segment(
        groups=("ukraine_municipal",),
        initial=init,
        stocks=stocks,
        inflow=tin,
        outflow=tout,
        flows=flows,
        label=f"Ukrainian displaced, {scenario or u.active}: {sc.label}",
    )
