"""The national forecast's streams other than nareizigers (mpp.national.nareizigers): first requests (quarterly
base, split into months), repeat requests (ratio to first requests or an annual level), resettlement (a stated
band) and the 7-nationality panel's part of first requests. Each takes the run's `Setup` and returns a `Stream`:
monthly paths [month, sample], a basis per quarter and the details written to the manifest."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mpp.data.national_readers import PANEL
from mpp.data.observations import series
from mpp.errors import DataError
from mpp.national.config import NationalConfig
from mpp.national.nowcast import nowcast_quarters
from mpp.national.paths import contiguous_tail, quarter_stream_months


@dataclass(frozen=True)
class Setup:
    """What every stream of one national forecast reads: the observations resolved up to the cut-off, the
    effective model settings, the months and quarters of the output and the one random generator (the streams
    draw from it in a fixed order, so a seed gives the same paths)."""

    obs: pd.DataFrame  # every observation (the grants model reads them by its own precedence)
    res: pd.DataFrame  # resolved observations whose period ends at or before the cut-off
    cutoff: pd.Period
    cfg: NationalConfig
    methods: dict  # effective_methods
    n: int
    rng: np.random.Generator
    months: pd.PeriodIndex
    quarters: pd.PeriodIndex
    last_full_q: pd.Period


@dataclass
class Stream:
    monthly: np.ndarray  # [month, sample]
    basis: list[str]  # per quarter of the output
    details: dict
    panel: np.ndarray | None = None  # the 7-nationality panel's part [month, sample]
    base: pd.Series | None = None  # the quarterly base series (first requests)
    quarterly: np.ndarray | None = None  # quarterly paths [quarter, sample] (first requests)


def first_requests(s: Setup) -> Stream:
    """Quarterly base (CBS quarters, at least 8 consecutive up to the last complete quarter), forecast by the
    configured method and split into months (observed months keep their shares)."""
    m = s.cfg.model
    fq = series(s.res, "first_asylum_request", "Q")
    fq = fq[(fq.index >= pd.Period(m.first_asylum_request.start, freq="Q")) & (fq.index <= s.last_full_q)]
    fq = contiguous_tail(fq)
    if len(fq) < 8:
        raise DataError(f"national first requests: fewer than 8 consecutive quarters up to {s.cutoff}")
    fm = series(s.res, "first_asylum_request", "M")
    panel_m = series(s.res, "first_asylum_request", "M", nationality=PANEL)
    nowcast = nowcast_quarters(fq, panel_m, s.last_full_q, s.methods["first_nowcast"], s.n, s.rng)
    first_m, q_first, qb_first, p_first = quarter_stream_months(
        fq, fm, s.quarters, s.n, s.rng, s.methods["first"], s.methods["first_scale"], m.monthly_profile, nowcast
    )
    details = {
        **p_first,
        "base": f"quarterly {fq.index[0]}..{fq.index[-1]}",
        "base_sources": sources(s.res, "first_asylum_request", "Q", fq.index),
        "nowcast": nowcast.params if nowcast is not None else {"method": s.methods["first_nowcast"], "quarters": {}},
    }
    return Stream(first_m, qb_first, details, base=fq, quarterly=q_first)


def repeat_requests(s: Setup, first_m: np.ndarray) -> Stream:
    """Repeat requests: ratio to first requests. Centre: the ratio of sums over the latest 12 months in which
    both were observed monthly (Eurostat to 2020-08, IND months after), or the latest years if fewer; spread:
    the standard deviation of the annual log ratio over the last `ratio_years` x 3 years. Or (`annual_level`)
    a random walk of the last observed annual level."""
    ry = series(s.res, "repeat_asylum_request", "Y")
    fy = series(s.res, "first_asylum_request", "Y")
    both = pd.concat([ry, fy], axis=1, keys=["r", "f"]).dropna()
    lr = np.log(both["r"] / both["f"]).to_numpy()
    k_years = s.cfg.model.repeat_asylum_request.ratio_years
    sd_r = float(np.std(lr[-3 * k_years :], ddof=1)) if len(lr) >= 3 else 0.3
    fm = series(s.res, "first_asylum_request", "M")
    pairs = pd.concat([series(s.res, "repeat_asylum_request", "M"), fm], axis=1, keys=["r", "f"]).dropna().tail(12)
    if len(pairs) < 6 and len(lr) == 0 and s.methods["repeat"] == "ratio_to_first":
        raise DataError(f"repeat requests (ratio_to_first): no year or 6 months with both streams up to {s.cutoff}")
    centre = (
        float(np.log(pairs["r"].sum() / pairs["f"].sum()))
        if len(pairs) >= 6
        else float(lr[-k_years:].mean() if len(lr) else 0.0)
    )
    basis = ["assumption (ratio)"] * len(s.quarters)
    if s.methods["repeat"] == "annual_level":
        repeat_m, details = _repeat_annual_level(s, ry, first_m, k_years)
        return Stream(repeat_m, basis, details)
    ratio = np.exp(s.rng.normal(centre, sd_r, s.n))
    details = {
        "method": "ratio_to_first",
        "ratio_centre": round(float(np.exp(centre)), 4),
        "log_sd": round(sd_r, 4),
        "months_used": [str(k) for k in pairs.index] if len(pairs) >= 6 else [],
        "annual_ratios": {str(k): round(float(v), 4) for k, v in (both["r"] / both["f"]).items()},
        "base_sources": sources(s.res, "repeat_asylum_request", "Y", both.index),
    }
    return Stream(first_m * ratio[None, :], basis, details)


def _repeat_annual_level(s: Setup, ry: pd.Series, first_m: np.ndarray, k_years: int) -> tuple[np.ndarray, dict]:
    """A random walk of the log annual level from the last complete year observed (years may be missing between
    it and the cut-off: their steps are part of the horizon); months follow first requests."""
    months, cutoff = s.months, s.cutoff
    ry_done = ry[ry.index.year < cutoff.year + (1 if cutoff.month == 12 else 0)]
    if ry_done.empty:
        raise DataError(f"repeat requests: no complete national year up to {cutoff}")
    lvl = np.log(ry_done.to_numpy(float))
    sd_l = float(np.std(np.diff(lvl[-3 * k_years :]), ddof=1)) if len(lvl) >= 4 else 0.3
    last = ry_done.index[-1].year
    first_year = {y: first_m[months.year == y].sum(axis=0) for y in sorted(set(months.year))}
    steps = s.rng.normal(0.0, sd_l, (max(months.year) - last, s.n))
    repeat_m = np.empty_like(first_m)
    for y in sorted(set(months.year)):
        level = np.exp(lvl[-1] + steps[: y - last].sum(axis=0))
        share = first_m[months.year == y] / np.maximum(first_year[y], 1e-9)
        repeat_m[months.year == y] = share * level
    details = {
        "method": "annual_level",
        "last_year": last,
        "last_value": float(ry_done.iloc[-1]),
        "log_sd": round(sd_l, 4),
        "base_sources": sources(s.res, "repeat_asylum_request", "Y", ry_done.index),
    }
    return repeat_m, details


def resettlement_draws(cfg: NationalConfig, n_years: int, n: int, rng) -> np.ndarray:
    """[n_years, n] annual resettlement: the stated minimum / median / maximum are the 5% / 50% / 95% points
    of a piecewise-linear distribution (clipped outside)."""
    r = cfg.resettlement
    u = rng.uniform(0, 1, (n_years, n))
    return np.interp(u, [0.05, 0.5, 0.95], [r.minimum, r.median, r.maximum])


def resettlement(s: Setup) -> Stream:
    """The stated band per year, spread evenly over its months."""
    years = sorted(set(s.months.year))
    draws = resettlement_draws(s.cfg, len(years), s.n, s.rng)
    resettle_m = np.concatenate([np.repeat(draws[i][None, :] / 12, 12, axis=0) for i in range(len(years))])
    details = {"method": "stated assumption", **s.cfg.resettlement.model_dump()}
    return Stream(resettle_m, ["assumption"] * len(s.quarters), details)


def panel_split(s: Setup, first: Stream) -> tuple[np.ndarray, dict]:
    """Monthly paths of the panel's part of national first requests, [month, sample]: the 7-nationality panel's
    share of each national quarter, observed where both are known, else a random walk of its logit from the
    share of the last 4 quarters (it ranged 0.27-0.82 since 2015); PANEL7 + OTHER = national on every path."""
    assert first.base is not None
    national_q, national_m, last_full_q, n = first.base, first.monthly, s.last_full_q, s.n
    pq = series(s.res, "first_asylum_request", "Q", nationality=PANEL)
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
    later = [k for k in s.quarters if k > last_full_q]
    steps = np.cumsum(s.rng.normal(0.0, sd, (len(later), n)), axis=0)
    out = np.empty_like(national_m)
    for i, k in enumerate(s.quarters):
        rows = slice(3 * i, 3 * i + 3)
        if k <= last_full_q:
            sh = np.full(n, share.get(k, np.nan))
            if np.isnan(sh).any():  # a past quarter the panel does not cover: its share as the last 4 quarters
                sh = np.full(n, 1 / (1 + np.exp(-start)))
        else:
            sh = 1 / (1 + np.exp(-(start + steps[later.index(k)])))
        out[rows] = national_m[rows] * sh[None, :]
    return out, {
        "method": "panel share of the national quarter, logit random walk",
        "logit_sd": round(sd, 4),
        "share_last_4_quarters": round(float(1 / (1 + np.exp(-start))), 4),
        "shares": f"{share.index[0]}..{share.index[-1]}: {share.min():.2f}-{share.max():.2f}",
    }


def sources(res: pd.DataFrame, stream: str, freq: str, index) -> dict[str, str]:
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
