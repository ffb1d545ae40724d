"""Nareizigers as a pipeline from asylum grants: arrivals in year y = r x sum_k W_k(m) x grants(y - k).

Family members follow a permit holder after a procedure of one to two years, so a wave of grants announces a
wave of nareizigers. Here, nationally (grants per nationality exist only for 2024, so no nationality detail):

- grants: positive first-instance decisions, Eurostat migr_asydcfstq per quarter (2008-Q1..2023-Q1) and the
  CBS 85400NED permits per year (2015..). The model uses every grant figure it is given: a backtest gives it
  only what was published by the origin (the release calendar, mpp.data.releases). Grants after the last published one are forecast on
  the same paths as first requests (`ratio_to_first`: a ratio x first requests `processing_quarters`
  earlier, its log a random walk per quarter), as a random walk of their own log level (`level_rw`), or as
  an AR(1) of it reverting to the mean of the published years (`level_ar`).
- lag: a grant made uniformly within its year is followed after a gamma-distributed lag (fixed shape, mean
  m years); W_k(m) is the share arriving k calendar years later.
- follow-up ratio r and year noise: log N_y - log sum_k W_k(m) G_(y-k) = log r + e_y, e_y ~ N(0, sigma^2),
  with a normal-inverse-gamma prior on (log r, sigma^2) and a flat prior on m over a grid; the posterior is
  exact on the grid. Each path draws (m, sigma, r) from it and its own e_y per year.

Pure computation: observations in, arrays out; nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln

from mpp.data.national_readers import GRANTS
from mpp.data.observations import before, resolve, series
from mpp.errors import DataError
from mpp.national.config import GrantsModel

MAX_OFFSET = 6  # calendar years a grant's follow-up can reach (a gamma lag of mean 3 years has < 1% beyond)
LAG_STEP = 0.05  # years between grid points of the mean lag


def lag_weights(mean_years: np.ndarray, shape: float, max_offset: int = MAX_OFFSET) -> np.ndarray:
    """[len(mean_years), max_offset + 1]: share of a year's grants followed k calendar years later, for a
    gamma lag (shape, mean) after a grant made uniformly within its year; rows sum to 1 (tail beyond folded in)."""
    u = (np.arange(400) + 0.5) / 400  # grant times within the year
    out = np.empty((len(mean_years), max_offset + 1))
    for i, m in enumerate(mean_years):
        cdf = stats.gamma(shape, scale=m / shape).cdf
        edges = np.array([cdf(np.maximum(k - u, 0.0)).mean() for k in range(max_offset + 2)])
        w = np.diff(edges)
        w[-1] += 1.0 - edges[-1]
        out[i] = w
    return out


@dataclass
class GrantHistory:
    annual: pd.Series  # complete years published by the cut-off (Period[Y])
    quarterly: pd.Series  # quarters published by the cut-off (Period[Q])
    known_to: pd.Period  # last month any published grant figure covers


def grant_history(obs: pd.DataFrame, cutoff: pd.Period, precedence: dict) -> GrantHistory:
    """The grants in `obs` whose period ends by the cut-off, resolved by the configured precedence."""
    res = resolve(before(obs, cutoff), precedence)
    gy, gq = series(res, GRANTS, "Y"), series(res, GRANTS, "Q")
    if gy.empty:
        raise DataError(f"nareizigers (grants): no complete year of asylum grants published by {cutoff}")
    ends = [gy.index[-1].asfreq("M", "end")] + ([gq.index[-1].asfreq("M", "end")] if len(gq) else [])
    return GrantHistory(gy, gq, max(ends))


def grant_paths(
    hist: GrantHistory,
    first_q: dict[pd.Period, np.ndarray],
    last_year: int,
    cfg: GrantsModel,
    n: int,
    rng: np.random.Generator,
) -> tuple[dict[int, np.ndarray], dict]:
    """Annual grants per path {year: [n]} from the first published year to `last_year`: published years
    exact, partly published years = published quarters + forecast ones, later years forecast. `first_q`:
    first requests per quarter on the same paths (observed quarters constant)."""
    gy, gq, known_to = hist.annual, hist.quarterly, hist.known_to
    last_known_q = known_to.asfreq("Q")
    proc = cfg.processing_quarters
    if known_to.month == 12 and pd.Period(str(known_to.year), "Y") in gy.index:
        g12 = float(gy[pd.Period(str(known_to.year), "Y")])
    else:
        last4 = pd.period_range(last_known_q - 3, last_known_q, freq="Q")
        if not all(k in gq.index for k in last4):
            raise DataError(f"nareizigers (grants): the 4 quarters up to {last_known_q} are not all published")
        g12 = float(gq[last4].sum())
    later = list(pd.period_range(last_known_q + 1, pd.Period(f"{last_year}Q4", "Q"), freq="Q"))

    def first_sum(qs) -> np.ndarray:
        return np.sum([first_q[k] for k in qs], axis=0)

    # log ratio of a year's grants to the first requests `proc` quarters earlier, over every published year
    ratios = {}
    for y in gy.index:
        qs = [k - proc for k in pd.period_range(f"{y.year}Q1", f"{y.year}Q4", freq="Q")]
        if all(k in first_q for k in qs):
            ratios[y.year] = float(np.log(gy[y] / np.mean(first_sum(qs))))
    if cfg.forecast == "ratio_to_first":
        prev = [k - proc for k in pd.period_range(last_known_q - 3, last_known_q, freq="Q")]
        if not all(k in first_q for k in prev) or not all(k - proc in first_q for k in later):
            raise DataError("nareizigers (grants): first requests do not cover the processing lag")
        steps_sd = _annual_sd(np.array(list(ratios.values())), cfg.step_scale) / 2  # 4 quarters = one year
        log_rho = np.log(g12 / first_sum(prev)) + np.cumsum(rng.normal(0.0, steps_sd, (len(later), n)), axis=0)
        fc = {k: np.exp(log_rho[i]) * first_q[k - proc] for i, k in enumerate(later)}
        params = {"forecast": "ratio_to_first", "ratio_last_12_months": round(float(np.mean(np.exp(log_rho[0]))), 4)}
    elif cfg.forecast == "level_ar" and len(gy) >= 8:
        level, steps_sd, params = _reverting_quarters(
            np.log(gy.to_numpy(float)), np.log(g12 / 4), len(later), n, rng, cfg
        )
        fc = {k: np.exp(level[i]) for i, k in enumerate(later)}
    else:
        steps_sd = _annual_sd(np.log(gy.to_numpy(float)), cfg.step_scale) / 2
        level = np.log(g12 / 4) + np.cumsum(rng.normal(0.0, steps_sd, (len(later), n)), axis=0)
        fc = {k: np.exp(level[i]) for i, k in enumerate(later)}
        params = {"forecast": "level_rw"}
    out: dict[int, np.ndarray] = {}
    for year in range(gy.index[0].year, last_year + 1):
        p = pd.Period(str(year), "Y")
        if p in gy.index:
            out[year] = np.full(n, float(gy[p]))
            continue
        parts = []
        for k in pd.period_range(f"{year}Q1", f"{year}Q4", freq="Q"):
            parts.append(fc[k] if k in fc else np.full(n, float(gq.get(k, np.nan))))
        out[year] = np.sum(parts, axis=0)
    params.update(
        known_to=str(known_to),
        step_sd_per_quarter=round(float(steps_sd), 4),
        published_years=f"{gy.index[0]}..{gy.index[-1]}",
    )
    return out, params


def _annual_sd(log_values: np.ndarray, scale: str = "sd") -> float:
    """The spread of the annual changes of a log series (`_spread`; 0.4 with fewer than 3 changes)."""
    d = np.diff(log_values)
    return _spread(d, scale) if len(d) >= 3 else 0.4


def _spread(x: np.ndarray, scale: str) -> float:
    """Standard deviation (`sd`), or 1.4826 x the median absolute deviation (`mad`, the same for normal
    values; a few boom-bust years such as the grants of 2016-2018 do not set it alone)."""
    if scale == "mad":
        return float(1.4826 * np.median(np.abs(x - np.median(x))))
    return float(np.std(x, ddof=1))


def _reverting_quarters(
    log_annual: np.ndarray, start: float, quarters: int, n: int, rng: np.random.Generator, cfg: GrantsModel
) -> tuple[np.ndarray, float, dict]:
    """[quarters, n] log quarterly grant levels reverting to the mean of the published years: an AR(1) of the
    log annual level (phi in [0, 1] by least squares around the mean), run per quarter with phi^(1/4) and the
    step sd that gives the annual AR's innovation sd after 4 quarters. Grants follow requests, whose booms
    (2015-2016, 2022-2023) passed: a level far from its mean is not expected to stay there."""
    mu = float(log_annual.mean())
    x, xlag = log_annual[1:] - mu, log_annual[:-1] - mu
    phi = float(np.clip(np.polyfit(xlag, x, 1)[0], 0.0, 1.0))
    sigma = _spread(x - phi * xlag, cfg.step_scale)
    phi_q = phi**0.25
    steps_sd = sigma / 2 if phi >= 1.0 else sigma * float(np.sqrt((1 - phi_q**2) / (1 - phi**2)))
    mu_q = mu - np.log(4.0)
    level = np.empty((quarters, n))
    prev = np.full(n, start)
    for i, eps in enumerate(rng.normal(0.0, steps_sd, (quarters, n))):
        prev = mu_q + phi_q * (prev - mu_q) + eps
        level[i] = prev
    return level, steps_sd, {"forecast": "level_ar", "phi_per_year": round(phi, 4), "mean": round(float(np.exp(mu)))}


@dataclass
class LagPosterior:
    means: np.ndarray  # grid of mean lags (years)
    weights: np.ndarray  # [grid, offset] lag weights per grid point
    prob: np.ndarray  # posterior probability per grid point
    mu: np.ndarray  # posterior mean of log r per grid point
    kappa: float
    nu: float
    scale2: np.ndarray  # nu * s^2 per grid point
    years: list[int]  # years the fit used


def fit_lag(nar_y: pd.Series, grants: dict[int, float], cfg: GrantsModel) -> LagPosterior:
    """Exact grid posterior of (mean lag, log r, sigma^2) from the national annual nareizigers `nar_y`
    (Period[Y]) and published annual grants {year: value}: only years whose grants k = 0..MAX_OFFSET
    years before are all published enter the fit."""
    lo, hi = cfg.lag_mean_years
    means = np.arange(lo, hi + LAG_STEP / 2, LAG_STEP)
    w = lag_weights(means, cfg.lag_shape)
    years = [p.year for p in nar_y.index if all((p.year - k) in grants for k in range(MAX_OFFSET + 1))]
    mu0, k0, nu0, s02 = np.log(cfg.ratio_prior), cfg.ratio_prior_weight, cfg.sigma_prior_df, cfg.sigma_prior**2
    n = len(years)
    if n:
        g = np.array([[grants[y - k] for k in range(MAX_OFFSET + 1)] for y in years])  # [year, offset]
        z = np.log(nar_y[[pd.Period(str(y), "Y") for y in years]].to_numpy(float))[None, :] - np.log(w @ g.T)
        zbar = z.mean(axis=1)
        ss = ((z - zbar[:, None]) ** 2).sum(axis=1)
    else:
        zbar, ss = np.full(len(means), mu0), np.zeros(len(means))
    kn, nun = k0 + n, nu0 + n
    mu = (k0 * mu0 + n * zbar) / kn
    scale2 = nu0 * s02 + ss + k0 * n / kn * (zbar - mu0) ** 2
    loglik = -0.5 * nun * np.log(scale2) + gammaln(nun / 2)
    prob = np.exp(loglik - loglik.max())
    return LagPosterior(means, w, prob / prob.sum(), mu, kn, nun, scale2, years)


def draw_parameters(
    post: LagPosterior, n: int, rng: np.random.Generator, sigma_max: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per path from the posterior: the index of its mean lag on the grid, its year noise sd (<= sigma_max)
    and its log follow-up ratio, each [n]."""
    j = rng.choice(len(post.means), size=n, p=post.prob)
    sigma = np.minimum(np.sqrt(post.scale2[j] / rng.chisquare(post.nu, n)), sigma_max)
    return j, sigma, rng.normal(post.mu[j], sigma / np.sqrt(post.kappa))


def drive(post: LagPosterior, j: np.ndarray, grants: dict[int, np.ndarray], year: int) -> np.ndarray:
    """[n] grants of the years before `year` weighted by each path's lag distribution (grid index `j`)."""
    return sum(post.weights[j, k] * grants[year - k] for k in range(MAX_OFFSET + 1))


def nareizigers_annual(
    post: LagPosterior,
    grants: dict[int, np.ndarray],
    years: list[int],
    n: int,
    rng: np.random.Generator,
    sigma_max: float = 1.0,
) -> tuple[np.ndarray, dict]:
    """[len(years), n] annual national nareizigers: per path a (mean lag, sigma <= sigma_max, r) from the
    posterior and its own year noise; grants per path (`grant_paths`)."""
    j, sigma, log_r = draw_parameters(post, n, rng, sigma_max)
    out = np.empty((len(years), n))
    for i, y in enumerate(years):
        out[i] = np.exp(log_r + rng.normal(0.0, sigma)) * drive(post, j, grants, y)
    mean_lag = post.means[j]
    ratio = np.exp(log_r)
    return out, {
        "fit_years": f"{post.years[0]}..{post.years[-1]}" if post.years else "none (prior only)",
        "lag_mean_years": quantiles(mean_lag),
        "follow_up_ratio": quantiles(ratio),
        "year_log_sd": quantiles(sigma),
    }


def quantiles(x: np.ndarray) -> dict[str, float]:
    p5, p50, p95 = np.quantile(x, [0.05, 0.5, 0.95])
    return {"p5": round(float(p5), 3), "median": round(float(p50), 3), "p95": round(float(p95), 3)}
