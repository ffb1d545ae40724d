"""National sample paths per stream, coherent across months, quarters, years and streams on every path.

Each stream is forecast at the frequency at which its national history is complete, and its paths are split
into months with a monthly profile, so months add up to quarters and quarters to years exactly:

- first requests: quarterly (CBS 2013-Q1..; before 2013 sums of Eurostat months). Methods (chosen by
  backtest on tuning origins, config/national.yaml): `level_rw` (random walk of the log annual level = sum of
  the last 4 quarters, with the average quarterly pattern), `level_ar` (the same level reverting to its mean
  of the base window, AR(1) estimated on the window), `ets` (damped-trend ETS on log quarters, statsmodels).
- nareizigers: `panel_share`: the 7-nationality CBS panel (monthly, to the cut-off) summed to quarters and
  forecast like first requests; national = panel / share, the share drawn per path around its recent annual
  values (78-93% since 2015); nationality split PANEL7 + OTHER on every path. `annual_rw`: a random walk of
  the log national annual total (the only complete national frequency).
- repeat requests: too little recent data for a model of its own (monthly only to 2020-08, then scattered
  IND months and one IND annual figure): `ratio_to_first` (repeat = a ratio x first requests, the ratio from
  the latest observed months) or `annual_level` (a random walk of the last observed annual level); the
  choice is made on tuning origins.
- resettlement: a stated band (no counts exist), spread evenly over months.
- total asylum inflow = first + repeat + nareizigers + resettlement on every path.

Months of quarters that were observed are split by their own observed months where all three are known
(benchmarked to the quarter), otherwise by a profile; such months are never written to a stored table before
the cut-off (see mpp.national.run): they exist only so that every path has one monthly shape.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mpp.data.national_readers import PANEL
from mpp.data.observations import before, resolve, series
from mpp.errors import DataError
from mpp.national import grants
from mpp.national.config import GrantsModel, NationalConfig

FIRST, REPEAT, NAR, RESETTLE, TOTAL_ID = (
    "first_asylum_request/TOTAL",
    "repeat_asylum_request/TOTAL",
    "nareizigers/TOTAL",
    "resettlement/TOTAL",
    "TOTAL/TOTAL",
)
NAR_PANEL, NAR_OTHER = f"nareizigers/{PANEL}", "nareizigers/OTHER"
FIRST_PANEL, FIRST_OTHER = f"first_asylum_request/{PANEL}", "first_asylum_request/OTHER"
SERIES = (FIRST, FIRST_PANEL, FIRST_OTHER, REPEAT, NAR, NAR_PANEL, NAR_OTHER, RESETTLE, TOTAL_ID)
MIN_SIGMA = 0.02


@dataclass
class NationalForecast:
    cutoff: pd.Period
    months: pd.PeriodIndex  # January of the cut-off year .. December two years later
    series_ids: list[str]
    paths: np.ndarray  # [series, month, sample]
    basis: pd.DataFrame  # series_id, period, freq, basis (observed / nowcast / forecast), source
    details: dict = field(default_factory=dict)  # per stream: method, parameters, base series, sources

    def index(self, sid: str) -> int:
        return self.series_ids.index(sid)

    def quarterly(self) -> tuple[pd.PeriodIndex, np.ndarray]:
        q = self.months.asfreq("Q")
        uq = pd.PeriodIndex(sorted(set(q)), freq="Q")
        out = np.stack([self.paths[:, q == k, :].sum(axis=1) for k in uq], axis=1)
        return uq, out

    def annual(self) -> tuple[list[int], np.ndarray]:
        years = sorted(set(self.months.year))
        out = np.stack([self.paths[:, self.months.year == y, :].sum(axis=1) for y in years], axis=1)
        return years, out


# ------------------------------------------------------------------------------------------ base models
def _contiguous_tail(s: pd.Series) -> pd.Series:
    """The longest stretch of consecutive periods ending at the last one."""
    if s.empty:
        return s
    idx = s.index
    k = len(idx) - 1
    while k > 0 and idx[k - 1] + 1 == idx[k]:
        k -= 1
    return s.iloc[k:]


def _log_level(q: np.ndarray, f: int) -> np.ndarray:
    x = np.maximum(q, 0.5)
    return np.log(np.convolve(x, np.ones(f), mode="valid"))


def _season(q: pd.Series, f: int) -> np.ndarray:
    """Average share of each quarter in its calendar year (complete years of the base); flat if none."""
    if f == 1:
        return np.ones(1)
    df = pd.DataFrame({"y": q.index.year, "p": q.index.quarter, "v": q.to_numpy()})
    full = df.groupby("y")["p"].transform("size") == f
    df = df[full]
    if df.empty:
        return np.full(f, 1 / f)
    df["share"] = df["v"] / df.groupby("y")["v"].transform("sum")
    s = df.groupby("p")["share"].mean().reindex(range(1, f + 1)).fillna(1 / f).to_numpy()
    return s / s.sum()


def level_paths(
    q: pd.Series, horizon: int, n: int, rng: np.random.Generator, method: str = "level_rw", scale: float = 1.0
) -> tuple[np.ndarray, dict]:
    """Paths [horizon, n] of a quarterly (freq Q) or annual (freq Y) count series after its last period."""
    f = 4 if q.index.freqstr.startswith("Q") else 1
    x = q.to_numpy(float)
    if method == "ets" and f == 4 and len(x) >= 16:
        return _ets_paths(q, horizon, n, rng, scale)
    lev = _log_level(x, f)
    d = np.diff(lev)
    sigma = max(float(np.std(d, ddof=1)) if len(d) >= 3 else 0.25, MIN_SIGMA) * scale
    season = _season(q, f)
    pos = np.array([((q.index[-1] + j).quarter - 1) if f == 4 else 0 for j in range(1, horizon + 1)])
    eps = rng.normal(0.0, sigma, (horizon, n))
    params = {"method": method, "sigma": round(sigma, 4), "n_base": int(len(x)), "season": season.round(4).tolist()}
    if method == "level_ar" and len(lev) >= 8:
        y, ylag = lev[1:], lev[:-1]
        mu = float(lev.mean())
        phi = float(np.clip(np.polyfit(ylag - mu, y - mu, 1)[0], 0.0, 1.0))
        resid = (y - mu) - phi * (ylag - mu)
        sigma = max(float(np.std(resid, ddof=1)), MIN_SIGMA) * scale
        eps = rng.normal(0.0, sigma, (horizon, n))
        level = np.empty((horizon, n))
        prev = np.full(n, lev[-1])
        for j in range(horizon):
            prev = mu + phi * (prev - mu) + eps[j]
            level[j] = prev
        params.update(phi=round(phi, 4), mu=round(mu, 4), sigma=round(sigma, 4))
    else:
        level = lev[-1] + np.cumsum(eps, axis=0)
        params["method"] = "level_rw"
    return np.exp(level) * season[pos][:, None], params


def _ets_paths(q: pd.Series, horizon: int, n: int, rng: np.random.Generator, scale: float) -> tuple[np.ndarray, dict]:

    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = pd.Series(np.log(np.maximum(q.to_numpy(float), 0.5)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ETSModel(y, error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=4).fit(
            disp=False, maxiter=200
        )
        mean = np.asarray(fit.forecast(horizon))
        errors = rng.normal(0.0, np.sqrt(float(fit.mse)), (horizon, n))
        sim = np.asarray(fit.simulate(horizon, repetitions=n, anchor="end", random_errors=errors))
    sim = mean[:, None] + scale * (sim - sim.mean(axis=1, keepdims=True))
    return np.exp(sim), {"method": "ets", "n_base": int(len(y)), "aic": round(float(fit.aic), 2)}


# -------------------------------------------------------------------------------------- monthly profiles
def month_profiles(monthly: pd.Series) -> dict[int, np.ndarray]:
    """Per calendar quarter (1-4): the observed within-quarter shares [n_years, 3] of every quarter whose three
    months are all observed (a monthly series indexed by Period[M])."""
    out: dict[int, list] = {1: [], 2: [], 3: [], 4: []}
    if monthly.empty:
        return {k: np.full((1, 3), 1 / 3) for k in out}
    by_q = monthly.groupby(monthly.index.asfreq("Q"))
    for qk, g in by_q:
        if len(g) == 3 and g.sum() > 0:
            out[qk.quarter].append(g.sort_index().to_numpy() / g.sum())
    return {k: (np.array(v) if v else np.full((1, 3), 1 / 3)) for k, v in out.items()}


def split_quarters(
    qpaths: np.ndarray,
    quarters: pd.PeriodIndex,
    profiles: dict[int, np.ndarray],
    rng: np.random.Generator,
    how: str = "bootstrap",
    fixed: dict[pd.Period, np.ndarray] | None = None,
) -> np.ndarray:
    """Quarterly paths [nq, n] -> monthly [3*nq, n]; each quarter's months sum to it exactly. `fixed` gives
    the observed shares of quarters whose months were all observed."""
    nq, n = qpaths.shape
    out = np.empty((3 * nq, n))
    for i, qk in enumerate(quarters):
        if fixed and qk in fixed:
            shares = np.repeat(fixed[qk][:, None], n, axis=1)
        else:
            prof = profiles[qk.quarter]
            shares = (
                prof.mean(axis=0)[:, None].repeat(n, axis=1)
                if how == "mean"
                else prof[rng.integers(len(prof), size=n)].T
            )
        out[3 * i : 3 * i + 3] = qpaths[i][None, :] * shares
    return out


def _fixed_shares(monthly: pd.Series, quarters) -> dict[pd.Period, np.ndarray]:
    fixed = {}
    for qk in quarters:
        months = pd.period_range(qk.asfreq("M", how="start"), qk.asfreq("M", how="end"), freq="M")
        if all(m in monthly.index for m in months):
            v = monthly.reindex(months).to_numpy(float)
            if v.sum() > 0:
                fixed[qk] = v / v.sum()
    return fixed


# ---------------------------------------------------------------------------------------------- streams
def _quarter_stream(
    qbase: pd.Series, quarters: pd.PeriodIndex, n: int, rng, method: str, scale: float
) -> tuple[np.ndarray, list[str], dict]:
    """Paths for `quarters` [nq, n]: observed quarters constant, the rest forecast from `qbase`."""
    last = qbase.index[-1]
    later = [k for k in quarters if k > last]
    out = np.empty((len(quarters), n))
    basis = []
    params: dict = {}
    if later:
        h = int((later[-1] - last).n)
        fc, params = level_paths(qbase, h, n, rng, method=method, scale=scale)
    for i, k in enumerate(quarters):
        if k <= last:
            out[i] = qbase.get(k, np.nan)
            basis.append("observed")
        else:
            out[i] = fc[int((k - last).n) - 1]
            basis.append("forecast")
    return out, basis, params


def resettlement_draws(cfg: NationalConfig, n_years: int, n: int, rng) -> np.ndarray:
    """[n_years, n] annual resettlement: the stated minimum / median / maximum are the 5% / 50% / 95% points
    of a piecewise-linear distribution (clipped outside)."""
    r = cfg.resettlement
    u = rng.uniform(0, 1, (n_years, n))
    return np.interp(u, [0.05, 0.5, 0.95], [r.minimum, r.median, r.maximum])


def effective_methods(cfg: NationalConfig, methods: dict | None = None) -> dict:
    """The model settings a run uses: config/national.yaml, overridden by `methods` (backtest candidates)."""
    m = cfg.model
    return {
        "first": m.first_asylum_request.method,
        "first_scale": m.first_asylum_request.scale,
        "nareizigers": m.nareizigers.method,
        "nar_base": m.nareizigers.base,
        "nar_scale": m.nareizigers.scale,
        "repeat": m.repeat_asylum_request.method,
        "nar_grants": m.nareizigers.grants.forecast,
        "nar_grant_months": m.nareizigers.grants.months,
        "nar_grant_step": m.nareizigers.grants.step_scale,
        **(methods or {}),
    }


def forecast_national(
    obs: pd.DataFrame,
    cutoff,
    cfg: NationalConfig,
    seed: int = 0,
    n_samples: int | None = None,
    methods: dict | None = None,
    years_ahead: int = 2,
) -> NationalForecast:
    """National monthly sample paths for January of the cut-off year .. December `years_ahead` years later,
    from the observations whose period ends at or before the cut-off (nothing later is read)."""
    cutoff = pd.Period(str(cutoff), freq="M")
    n = int(n_samples or cfg.model.n_samples)
    m = cfg.model
    methods = effective_methods(cfg, methods)
    rng = np.random.default_rng(seed)
    res = resolve(before(obs, cutoff), cfg.precedence)
    months = pd.period_range(f"{cutoff.year}-01", f"{cutoff.year + years_ahead}-12", freq="M")
    quarters = pd.PeriodIndex(sorted(set(months.asfreq("Q"))), freq="Q")
    last_full_q = (cutoff + 1).asfreq("Q") - 1
    details: dict = {}
    basis_rows: list[dict] = []

    # first requests: quarterly base
    fq = series(res, "first_asylum_request", "Q")
    fq = fq[(fq.index >= pd.Period(m.first_asylum_request.start, freq="Q")) & (fq.index <= last_full_q)]
    fq = _contiguous_tail(fq)
    if len(fq) < 8:
        raise DataError(f"national first requests: fewer than 8 consecutive quarters up to {cutoff}")
    fm = series(res, "first_asylum_request", "M")
    q_first, qb_first, p_first = _quarter_stream(fq, quarters, n, rng, methods["first"], methods["first_scale"])
    first_m = split_quarters(
        q_first,
        quarters,
        month_profiles(fm),
        rng,
        m.monthly_profile,
        fixed=_fixed_shares(fm, [k for k, b in zip(quarters, qb_first) if b == "observed"]),
    )
    details["first_asylum_request"] = {
        **p_first,
        "base": f"quarterly {fq.index[0]}..{fq.index[-1]}",
        "base_sources": _sources(res, "first_asylum_request", "Q", fq.index),
    }
    basis_rows += [dict(series_id=FIRST, period=str(k), freq="Q", basis=b) for k, b in zip(quarters, qb_first)]

    # nareizigers
    nat_y = _contiguous_tail(series(res, "nareizigers", "Y"))
    nat_y = nat_y[nat_y.index.year <= cutoff.year - (0 if cutoff.month == 12 else 1)]
    nar_panel_m = np.zeros((len(months), n))
    if methods["nareizigers"] in ("panel_share", "grants"):
        pm = series(res, "nareizigers", "M", nationality=PANEL)
        pq = _contiguous_tail(series(res, "nareizigers", "Q", nationality=PANEL))
        pq = pq[pq.index <= last_full_q]
        if len(pq) < 4:
            raise DataError(
                f"nareizigers (panel share): fewer than 4 complete quarters of the 7-nationality panel up "
                f"to {cutoff} (it starts 2015-01); use nareizigers method annual_rw or a later cut-off"
            )
        q_panel, qb_panel, p_panel = _quarter_stream(pq, quarters, n, rng, methods["nar_base"], methods["nar_scale"])
        panel_m = split_quarters(
            q_panel,
            quarters,
            month_profiles(pm),
            rng,
            m.monthly_profile,
            fixed=_fixed_shares(pm, [k for k, b in zip(quarters, qb_panel) if b == "observed"]),
        )
        py = series(res, "nareizigers", "Y", nationality=PANEL)
        shares = (py.reindex(nat_y.index) / nat_y).dropna()
        if shares.empty:
            raise DataError(
                f"nareizigers (panel share): no year up to {cutoff} with both the national total and "
                "the 7-nationality panel complete, so the panel's share is unknown"
            )
        ls = np.log(shares.to_numpy())
        recent = ls[-m.nareizigers.share_years :]
        sd = float(np.std(ls, ddof=1)) if len(ls) >= 3 else 0.10
        share = np.minimum(np.exp(rng.normal(recent.mean(), sd, n)), 1.0)
        nar_m = panel_m / share[None, :]
        # national months observed at the cut-off replace the panel-based estimate quarter by quarter
        nm = series(res, "nareizigers", "M")
        nat_fixed = _fixed_shares(nm, quarters)
        qb_nat = []
        for i, k in enumerate(quarters):
            rows = slice(3 * i, 3 * i + 3)
            if k in nat_fixed and k <= last_full_q:
                total = nm.reindex(pd.period_range(k.asfreq("M", "start"), k.asfreq("M", "end"))).sum()
                nar_m[rows] = total * nat_fixed[k][:, None]
                qb_nat.append("observed")
            else:
                qb_nat.append("nowcast" if k <= last_full_q else "forecast")
        nar_panel_m = np.minimum(panel_m, nar_m)
        details["nareizigers"] = {
            **p_panel,
            "method": "panel_share",
            "panel_base": f"quarterly {pq.index[0]}..{pq.index[-1]}",
            "shares": {str(k): round(float(v), 4) for k, v in shares.items()},
            "share_log_sd": round(sd, 4),
            "base_sources": _sources(res, "nareizigers", "Y", nat_y.index),
        }
        if methods["nareizigers"] == "grants":
            # months after the cut-off follow the grants; months up to it stay the panel's (observed) months
            first_q = {k: np.full(n, float(v)) for k, v in fq.items()}
            first_q.update({k: q_first[i] for i, k in enumerate(quarters)})
            gcfg = m.nareizigers.grants.model_copy(
                update={
                    "forecast": methods["nar_grants"],
                    "months": methods["nar_grant_months"],
                    "step_scale": methods["nar_grant_step"],
                }
            )
            after = np.asarray(months > cutoff if gcfg.months == "after_cutoff" else months.year > cutoff.year)
            g_m, details["nareizigers"]["grants"] = _grant_months(
                obs,
                cutoff,
                cfg,
                gcfg,
                nat_y,
                first_q,
                quarters,
                _season(pq, 4),
                month_profiles(pm),
                n,
                rng,
            )
            nar_m[after] = g_m[after]
            nar_panel_m[after] = g_m[after] * share[None, :]
            details["nareizigers"]["method"] = "grants"
    else:
        years_all = sorted(set(months.year))
        if nat_y.empty:
            raise DataError(f"nareizigers (annual_rw): no complete national year up to {cutoff}")
        last_y = nat_y.index[-1]
        h = int(years_all[-1] - last_y.year)
        fc, p_ann = level_paths(nat_y, h, n, rng, method="level_rw", scale=methods["nar_scale"])
        pm = series(res, "nareizigers", "M", nationality=PANEL)
        season = _season(series(res, "nareizigers", "Q", nationality=PANEL), 4)
        yp = np.stack(
            [
                fc[y - last_y.year - 1] if y > last_y.year else np.full(n, nat_y.get(pd.Period(str(y), "Y"), np.nan))
                for y in years_all
            ]
        )
        qp = np.concatenate([yp[i][None, :] * season[:, None] for i in range(len(years_all))])
        nar_m = split_quarters(qp, quarters, month_profiles(pm), rng, m.monthly_profile)
        nar_panel_m = np.zeros_like(nar_m)
        qb_nat = ["forecast" if k.year > last_y.year else "observed" for k in quarters]
        details["nareizigers"] = {
            **p_ann,
            "method": "annual_rw",
            "base": f"annual {nat_y.index[0]}..{last_y}",
            "base_sources": _sources(res, "nareizigers", "Y", nat_y.index),
        }
    basis_rows += [dict(series_id=NAR, period=str(k), freq="Q", basis=b) for k, b in zip(quarters, qb_nat)]

    # repeat requests: ratio to first requests. Centre: the ratio of sums over the latest 12 months in which
    # both were observed monthly (Eurostat to 2020-08, IND months after), or the latest years if fewer;
    # spread: the standard deviation of the annual log ratio over the last `ratio_years` x 3 years.
    ry = series(res, "repeat_asylum_request", "Y")
    fy = series(res, "first_asylum_request", "Y")
    both = pd.concat([ry, fy], axis=1, keys=["r", "f"]).dropna()
    lr = np.log(both["r"] / both["f"]).to_numpy()
    k_years = m.repeat_asylum_request.ratio_years
    sd_r = float(np.std(lr[-3 * k_years :], ddof=1)) if len(lr) >= 3 else 0.3
    pairs = pd.concat([series(res, "repeat_asylum_request", "M"), fm], axis=1, keys=["r", "f"]).dropna().tail(12)
    if len(pairs) < 6 and len(lr) == 0 and methods["repeat"] == "ratio_to_first":
        raise DataError(f"repeat requests (ratio_to_first): no year or 6 months with both streams up to {cutoff}")
    centre = (
        float(np.log(pairs["r"].sum() / pairs["f"].sum()))
        if len(pairs) >= 6
        else float(lr[-k_years:].mean() if len(lr) else 0.0)
    )
    if methods["repeat"] == "annual_level":
        # random walk of the log annual level from the last complete year observed (years may be missing
        # between it and the cut-off: their steps are part of the horizon); months follow first requests
        ry_done = ry[ry.index.year < cutoff.year + (1 if cutoff.month == 12 else 0)]
        if ry_done.empty:
            raise DataError(f"repeat requests: no complete national year up to {cutoff}")
        lvl = np.log(ry_done.to_numpy(float))
        sd_l = float(np.std(np.diff(lvl[-3 * k_years :]), ddof=1)) if len(lvl) >= 4 else 0.3
        last = ry_done.index[-1].year
        first_year = {y: first_m[months.year == y].sum(axis=0) for y in sorted(set(months.year))}
        steps = rng.normal(0.0, sd_l, (max(months.year) - last, n))
        repeat_m = np.empty_like(first_m)
        for y in sorted(set(months.year)):
            level = np.exp(lvl[-1] + steps[: y - last].sum(axis=0))
            share = first_m[months.year == y] / np.maximum(first_year[y], 1e-9)
            repeat_m[months.year == y] = share * level
        details["repeat_asylum_request"] = {
            "method": "annual_level",
            "last_year": last,
            "last_value": float(ry_done.iloc[-1]),
            "log_sd": round(sd_l, 4),
            "base_sources": _sources(res, "repeat_asylum_request", "Y", ry_done.index),
        }
    else:
        ratio = np.exp(rng.normal(centre, sd_r, n))
        repeat_m = first_m * ratio[None, :]
        details["repeat_asylum_request"] = {
            "method": "ratio_to_first",
            "ratio_centre": round(float(np.exp(centre)), 4),
            "log_sd": round(sd_r, 4),
            "months_used": [str(k) for k in pairs.index] if len(pairs) >= 6 else [],
            "annual_ratios": {str(k): round(float(v), 4) for k, v in (both["r"] / both["f"]).items()},
            "base_sources": _sources(res, "repeat_asylum_request", "Y", both.index),
        }
    basis_rows += [dict(series_id=REPEAT, period=str(k), freq="Q", basis="assumption (ratio)") for k in quarters]

    # resettlement
    years = sorted(set(months.year))
    draws = resettlement_draws(cfg, len(years), n, rng)
    resettle_m = np.concatenate([np.repeat(draws[i][None, :] / 12, 12, axis=0) for i in range(len(years))])
    details["resettlement"] = {"method": "stated assumption", **cfg.resettlement.model_dump()}
    basis_rows += [dict(series_id=RESETTLE, period=str(k), freq="Q", basis="assumption") for k in quarters]

    # first requests by nationality (drawn last, so nothing above depends on it): the 7-nationality panel's
    # share of each national quarter, observed where both are known, else a random walk of its logit from the
    # share of the last 4 quarters (it ranged 0.27-0.82 since 2015); PANEL7 + OTHER = national on every path
    panel_first_m, p_split = _panel_split(res, fq, first_m, quarters, last_full_q, n, rng)
    details["first_asylum_request"]["nationality_split"] = p_split

    total_m = first_m + repeat_m + nar_m + resettle_m
    paths = np.stack(
        [
            first_m,
            panel_first_m,
            first_m - panel_first_m,
            repeat_m,
            nar_m,
            nar_panel_m,
            nar_m - nar_panel_m,
            resettle_m,
            total_m,
        ]
    )
    return NationalForecast(
        cutoff=cutoff,
        months=months,
        series_ids=list(SERIES),
        paths=paths,
        basis=pd.DataFrame(basis_rows),
        details=details,
    )


def _grant_months(
    obs: pd.DataFrame,
    cutoff: pd.Period,
    cfg: NationalConfig,
    gcfg: GrantsModel,
    nat_y: pd.Series,
    first_q: dict[pd.Period, np.ndarray],
    quarters: pd.PeriodIndex,
    season: np.ndarray,
    profiles: dict[int, np.ndarray],
    n: int,
    rng,
) -> tuple[np.ndarray, dict]:
    """Monthly national nareizigers [month, sample] of the forecast years from grants (mpp.national.grants)."""
    hist = grants.grant_history(obs, cutoff, cfg.precedence)
    years = sorted(set(quarters.year))
    g_paths, p_grants = grants.grant_paths(hist, first_q, years[-1], gcfg, n, rng)
    post = grants.fit_lag(nat_y, {p.year: float(v) for p, v in hist.annual.items()}, gcfg)
    annual, p_fit = grants.nareizigers_annual(post, g_paths, years, n, rng, gcfg.sigma_max)
    qp = np.concatenate([annual[i][None, :] * season[:, None] for i in range(len(years))])
    g_bands = {str(y): grants.quantiles(g_paths[y]) for y in years}
    return split_quarters(qp, quarters, profiles, rng), {**p_grants, **p_fit, "grants_per_year": g_bands}


def _panel_split(
    res: pd.DataFrame,
    national_q: pd.Series,
    national_m: np.ndarray,
    quarters: pd.PeriodIndex,
    last_full_q: pd.Period,
    n: int,
    rng,
) -> tuple[np.ndarray, dict]:
    """Monthly paths of the panel's part of national first requests, [month, sample]."""
    pq = series(res, "first_asylum_request", "Q", nationality=PANEL)
    share = (pq / national_q.reindex(pq.index)).dropna()
    share = share[share.index <= last_full_q].clip(1e-3, 1 - 1e-3)
    if len(share) < 4:
        raise DataError(
            f"first requests by nationality: fewer than 4 quarters with both the 7-nationality panel "
            f"and the national total up to {last_full_q}"
        )
    logit = np.log(share / (1 - share)).to_numpy()
    d = np.diff(logit)
    sd = float(np.std(d, ddof=1)) if len(d) >= 3 else 0.2
    last4 = share.index[-4:]
    start = float(np.log(pq[last4].sum() / (national_q[last4].sum() - pq[last4].sum())))
    later = [k for k in quarters if k > last_full_q]
    steps = np.cumsum(rng.normal(0.0, sd, (len(later), n)), axis=0)
    out = np.empty_like(national_m)
    for i, k in enumerate(quarters):
        rows = slice(3 * i, 3 * i + 3)
        if k <= last_full_q:
            s = np.full(n, share.get(k, np.nan))
            if np.isnan(s).any():  # a past quarter the panel does not cover: its share as the last 4 quarters
                s = np.full(n, 1 / (1 + np.exp(-start)))
        else:
            s = 1 / (1 + np.exp(-(start + steps[later.index(k)])))
        out[rows] = national_m[rows] * s[None, :]
    return out, {
        "method": "panel share of the national quarter, logit random walk",
        "logit_sd": round(sd, 4),
        "share_last_4_quarters": round(float(1 / (1 + np.exp(-start))), 4),
        "shares": f"{share.index[0]}..{share.index[-1]}: {share.min():.2f}-{share.max():.2f}",
    }


def _sources(res: pd.DataFrame, stream: str, freq: str, index) -> dict[str, str]:
    """Which source gave each value of a base series, collapsed to 'first..last: source'."""
    g = res[(res["stream"] == stream) & (res["freq"] == freq) & (res["nationality"] == "TOTAL")]
    labels = {
        str(s.asfreq(freq)): (r.source + (f" ({r.derived})" if r.derived else ""))
        for s, r in zip(g["start"], g.itertuples())
    }
    out: dict[str, str] = {}
    run_start, run_src, prev = None, None, None
    for k in [str(i) for i in index]:
        src = labels.get(k, "?")
        if src != run_src:
            if run_src is not None:
                out[f"{run_start}..{prev}"] = run_src
            run_start, run_src = k, src
        prev = k
    if run_src is not None:
        out[f"{run_start}..{prev}"] = run_src
    return out
