"""The nareizigers stream of the national forecast. `panel_share`: the 7-nationality CBS panel (monthly, to the
cut-off) summed to quarters and forecast like first requests; national = panel / share, the share drawn per
path around its recent annual values; national months observed at the cut-off replace the estimate. `grants`:
the same up to the cut-off, the months after it from forecast grants (mpp.national.grants). `annual_rw`: a
random walk of the log national annual total (the only complete national frequency)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.data.national_readers import PANEL
from mpp.data.observations import series
from mpp.errors import DataError
from mpp.national import grants
from mpp.national.config import GrantsModel
from mpp.national.paths import (
    contiguous_tail,
    fixed_shares,
    level_paths,
    month_profiles,
    quarter_season,
    quarter_stream_months,
    split_quarters,
)
from mpp.national.streams import Setup, Stream, sources


def nareizigers(s: Setup, first: Stream) -> Stream:
    """Monthly national nareizigers and the panel's part of them; `first` (first requests) drives the grants."""
    nat_y = contiguous_tail(series(s.res, "nareizigers", "Y"))
    nat_y = nat_y[nat_y.index.year <= s.cutoff.year - (0 if s.cutoff.month == 12 else 1)]
    if s.methods["nareizigers"] in ("panel_share", "grants"):
        return _panel_share(s, nat_y, first)
    return _annual_rw(s, nat_y)


def _panel_share(s: Setup, nat_y: pd.Series, first: Stream) -> Stream:
    pm = series(s.res, "nareizigers", "M", nationality=PANEL)
    pq = contiguous_tail(series(s.res, "nareizigers", "Q", nationality=PANEL))
    pq = pq[pq.index <= s.last_full_q]
    if len(pq) < 4:
        raise DataError(
            f"nareizigers (panel share): fewer than 4 complete quarters of the 7-nationality panel up "
            f"to {s.cutoff} (it starts 2015-01); use nareizigers method annual_rw or a later cut-off"
        )
    panel_m, _, qb_panel, p_panel = quarter_stream_months(
        pq, pm, s.quarters, s.n, s.rng, s.methods["nar_base"], s.methods["nar_scale"], s.cfg.model.monthly_profile
    )
    shares, sd, share = _panel_share_draws(s, nat_y)
    nar_m = panel_m / share[None, :]
    qb_nat = _observed_national_quarters(s, nar_m)
    nar_panel_m = np.minimum(panel_m, nar_m)
    details = {
        **p_panel,
        "method": "panel_share",
        "panel_base": f"quarterly {pq.index[0]}..{pq.index[-1]}",
        "shares": {str(k): round(float(v), 4) for k, v in shares.items()},
        "share_log_sd": round(sd, 4),
        "base_sources": sources(s.res, "nareizigers", "Y", nat_y.index),
    }
    if s.methods["nareizigers"] == "grants":
        _follow_grants(s, nat_y, first, pq, pm, share, nar_m, nar_panel_m, details)
    return Stream(nar_m, qb_nat, details, panel=nar_panel_m)


def _panel_share_draws(s: Setup, nat_y: pd.Series) -> tuple[pd.Series, float, np.ndarray]:
    """The panel's share of national nareizigers per complete year, its log spread, and one share per path."""
    py = series(s.res, "nareizigers", "Y", nationality=PANEL)
    shares = (py.reindex(nat_y.index) / nat_y).dropna()
    if shares.empty:
        raise DataError(
            f"nareizigers (panel share): no year up to {s.cutoff} with both the national total and "
            "the 7-nationality panel complete, so the panel's share is unknown"
        )
    ls = np.log(shares.to_numpy())
    recent = ls[-s.cfg.model.nareizigers.share_years :]
    sd = float(np.std(ls, ddof=1)) if len(ls) >= 3 else 0.10
    share = np.minimum(np.exp(s.rng.normal(recent.mean(), sd, s.n)), 1.0)
    return shares, sd, share


def _observed_national_quarters(s: Setup, nar_m: np.ndarray) -> list[str]:
    """National months observed at the cut-off replace the panel-based estimate quarter by quarter (in place in
    `nar_m`); the basis of every quarter."""
    nm = series(s.res, "nareizigers", "M")
    nat_fixed = fixed_shares(nm, s.quarters)
    qb_nat = []
    for i, k in enumerate(s.quarters):
        rows = slice(3 * i, 3 * i + 3)
        if k in nat_fixed and k <= s.last_full_q:
            total = nm.reindex(pd.period_range(k.asfreq("M", "start"), k.asfreq("M", "end"))).sum()
            nar_m[rows] = total * nat_fixed[k][:, None]
            qb_nat.append("observed")
        else:
            qb_nat.append("nowcast" if k <= s.last_full_q else "forecast")
    return qb_nat


def _follow_grants(
    s: Setup,
    nat_y: pd.Series,
    first: Stream,
    pq: pd.Series,
    pm: pd.Series,
    share: np.ndarray,
    nar_m: np.ndarray,
    nar_panel_m: np.ndarray,
    details: dict,
) -> None:
    """Months after the cut-off follow the grants; months up to it stay the panel's (observed) months (in place
    in `nar_m`, `nar_panel_m` and `details`)."""
    assert first.base is not None and first.quarterly is not None
    first_q = {k: np.full(s.n, float(v)) for k, v in first.base.items()}
    first_q.update({k: first.quarterly[i] for i, k in enumerate(s.quarters)})
    gcfg = s.cfg.model.nareizigers.grants.model_copy(
        update={
            "forecast": s.methods["nar_grants"],
            "months": s.methods["nar_grant_months"],
            "step_scale": s.methods["nar_grant_step"],
        }
    )
    after = np.asarray(s.months > s.cutoff if gcfg.months == "after_cutoff" else s.months.year > s.cutoff.year)
    g_m, details["grants"] = _grant_months(s, gcfg, nat_y, first_q, quarter_season(pq, 4), month_profiles(pm))
    nar_m[after] = g_m[after]
    nar_panel_m[after] = g_m[after] * share[None, :]
    details["method"] = "grants"


def _grant_months(
    s: Setup,
    gcfg: GrantsModel,
    nat_y: pd.Series,
    first_q: dict[pd.Period, np.ndarray],
    season: np.ndarray,
    profiles: dict[int, np.ndarray],
) -> tuple[np.ndarray, dict]:
    """Monthly national nareizigers [month, sample] of the forecast years from grants (mpp.national.grants)."""
    hist = grants.grant_history(s.obs, s.cutoff, s.cfg.precedence)
    years = sorted(set(s.quarters.year))
    g_paths, p_grants = grants.grant_paths(hist, first_q, years[-1], gcfg, s.n, s.rng)
    post = grants.fit_lag(nat_y, {p.year: float(v) for p, v in hist.annual.items()}, gcfg)
    annual, p_fit = grants.nareizigers_annual(post, g_paths, years, s.n, s.rng, gcfg.sigma_max)
    qp = np.concatenate([annual[i][None, :] * season[:, None] for i in range(len(years))])
    g_bands = {str(y): grants.quantiles(g_paths[y]) for y in years}
    return split_quarters(qp, s.quarters, profiles, s.rng), {**p_grants, **p_fit, "grants_per_year": g_bands}


def _annual_rw(s: Setup, nat_y: pd.Series) -> Stream:
    n = s.n
    years_all = sorted(set(s.months.year))
    if nat_y.empty:
        raise DataError(f"nareizigers (annual_rw): no complete national year up to {s.cutoff}")
    last_y = nat_y.index[-1]
    h = int(years_all[-1] - last_y.year)
    fc, p_ann = level_paths(nat_y, h, n, s.rng, method="level_rw", scale=s.methods["nar_scale"])
    pm = series(s.res, "nareizigers", "M", nationality=PANEL)
    season = quarter_season(series(s.res, "nareizigers", "Q", nationality=PANEL), 4)
    yp = np.stack(
        [
            fc[y - last_y.year - 1] if y > last_y.year else np.full(n, nat_y.get(pd.Period(str(y), "Y"), np.nan))
            for y in years_all
        ]
    )
    qp = np.concatenate([yp[i][None, :] * season[:, None] for i in range(len(years_all))])
    nar_m = split_quarters(qp, s.quarters, month_profiles(pm), s.rng, s.cfg.model.monthly_profile)
    details = {
        **p_ann,
        "method": "annual_rw",
        "base": f"annual {nat_y.index[0]}..{last_y}",
        "base_sources": sources(s.res, "nareizigers", "Y", nat_y.index),
    }
    qb_nat = ["forecast" if k.year > last_y.year else "observed" for k in s.quarters]
    return Stream(nar_m, qb_nat, details, panel=np.zeros_like(nar_m))
