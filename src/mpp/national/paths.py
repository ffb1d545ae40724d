"""Sample-path machinery of the national forecast: random-walk / AR / ETS paths of a quarterly or annual count
series, and their split into months by observed within-quarter profiles (months add up to quarters exactly)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from mpp.national.nowcast import Nowcast

MIN_SIGMA = 0.02


# ------------------------------------------------------------------------------------------ base models
def contiguous_tail(s: pd.Series) -> pd.Series:
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


def quarter_season(q: pd.Series, f: int) -> np.ndarray:
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
    q: pd.Series,
    horizon: int,
    n: int,
    rng: np.random.Generator,
    method: str = "level_rw",
    scale: float = 1.0,
    nowcast: np.ndarray | None = None,
) -> tuple[np.ndarray, dict]:
    """Paths [horizon, n] of a quarterly (freq Q) or annual (freq Y) count series after its last period.
    `nowcast` [k, n]: per-path values of the first k of those periods (mpp.national.nowcast), kept as they are;
    the model's parameters come from `q` alone and each path's level starts from its own nowcast."""
    f = 4 if q.index.freqstr.startswith("Q") else 1
    x = q.to_numpy(float)
    k = 0 if nowcast is None else len(nowcast)
    if method == "ets" and f == 4 and len(x) >= 16:
        return (
            ets_paths(q, horizon, n, rng, scale)
            if nowcast is None
            else _ets_after_nowcast(q, horizon, n, rng, scale, nowcast)
        )
    lev = _log_level(x, f)
    d = np.diff(lev)
    sigma = max(float(np.std(d, ddof=1)) if len(d) >= 3 else 0.25, MIN_SIGMA) * scale
    season = quarter_season(q, f)
    start: np.ndarray | float = lev[-1]
    if nowcast is not None:
        # each path's latest level: the last f - k published periods and its own k nowcast ones
        keep = x[len(x) - max(f - k, 0) :] if f > k else x[:0]
        window = np.concatenate([np.repeat(keep[:, None], n, axis=1), nowcast])[-f:]
        start = np.log(np.maximum(window, 0.5).sum(axis=0))
    pos = np.array([((q.index[-1] + j).quarter - 1) if f == 4 else 0 for j in range(k + 1, horizon + 1)])
    horizon -= k
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
        prev = np.broadcast_to(start, (n,)).astype(float)
        for j in range(horizon):
            prev = mu + phi * (prev - mu) + eps[j]
            level[j] = prev
        params.update(phi=round(phi, 4), mu=round(mu, 4), sigma=round(sigma, 4))
    else:
        level = start + np.cumsum(eps, axis=0)
        params["method"] = "level_rw"
    out = np.exp(level) * season[pos][:, None]
    return (out if nowcast is None else np.concatenate([nowcast, out])), params


def _ets_after_nowcast(
    q: pd.Series, horizon: int, n: int, rng: np.random.Generator, scale: float, nowcast: np.ndarray
) -> tuple[np.ndarray, dict]:
    """ETS fitted once, on the published quarters and the nowcast's median; each path's own nowcast moves its
    states as an observation would (level by alpha, trend by beta, that season by gamma times the path's log
    deviation from the median), so the nowcast's spread carries into every later quarter."""
    k = len(nowcast)
    centre = np.median(nowcast, axis=1)
    base = pd.concat([q, pd.Series(centre, index=[q.index[-1] + j for j in range(1, k + 1)])])
    dev = np.log(np.maximum(nowcast[-1], 0.5)) - np.log(max(float(centre[-1]), 0.5))
    rest, params = ets_paths(base, horizon - k, n, rng, scale, dev)
    return np.concatenate([nowcast, rest]), params


def ets_paths(
    q: pd.Series, horizon: int, n: int, rng: np.random.Generator, scale: float, dev: np.ndarray | None = None
) -> tuple[np.ndarray, dict]:
    """Damped-trend ETS on log quarters; `dev` [n]: each path's log deviation of the last base quarter from
    the value fitted on (a nowcast drawn per path), propagated through the fitted smoothing parameters."""

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
    if dev is not None:
        alpha, beta = float(fit.smoothing_level), float(fit.smoothing_trend)
        phi, gamma = float(fit.damping_trend), float(fit.smoothing_seasonal)
        h = np.arange(1, horizon + 1)
        effect = alpha + beta * np.cumsum(phi**h) + gamma * (h % 4 == 0)
        sim = sim + effect[:, None] * dev[None, :]
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


def fixed_shares(monthly: pd.Series, quarters) -> dict[pd.Period, np.ndarray]:
    fixed = {}
    for qk in quarters:
        months = pd.period_range(qk.asfreq("M", how="start"), qk.asfreq("M", how="end"), freq="M")
        if all(m in monthly.index for m in months):
            v = monthly.reindex(months).to_numpy(float)
            if v.sum() > 0:
                fixed[qk] = v / v.sum()
    return fixed


# ----------------------------------------------------------------------------------------- one quarterly stream
def quarter_stream(
    qbase: pd.Series,
    quarters: pd.PeriodIndex,
    n: int,
    rng,
    method: str,
    scale: float,
    nowcast: Nowcast | None = None,
) -> tuple[np.ndarray, list[str], dict]:
    """Paths for `quarters` [nq, n]: observed quarters constant, the nowcast ones as nowcast, the rest
    forecast from `qbase` (continuing from each path's nowcast)."""
    last = qbase.index[-1]
    later = [k for k in quarters if k > last]
    nowcast_q = nowcast.quarters if nowcast is not None else []
    out = np.empty((len(quarters), n))
    basis = []
    params: dict = {}
    if later or nowcast_q:
        h = max(int((later[-1] - last).n) if later else 0, len(nowcast_q))
        fc, params = level_paths(
            qbase, h, n, rng, method=method, scale=scale, nowcast=nowcast.paths if nowcast is not None else None
        )
    for i, k in enumerate(quarters):
        if k <= last:
            out[i] = qbase.get(k, np.nan)
            basis.append("observed")
        else:
            out[i] = fc[int((k - last).n) - 1]
            basis.append("nowcast" if k in nowcast_q else "forecast")
    return out, basis, params


def quarter_stream_months(
    qbase: pd.Series,
    monthly: pd.Series,
    quarters: pd.PeriodIndex,
    n: int,
    rng,
    method: str,
    scale: float,
    how: str,
    nowcast: Nowcast | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str], dict]:
    """`quarter_stream`, then its months [3*nq, n] (`split_quarters` by the profiles of `monthly`; observed
    quarters whose months were all observed keep their own shares); also the quarterly paths, basis, parameters."""
    q, basis, params = quarter_stream(qbase, quarters, n, rng, method, scale, nowcast)
    observed = [k for k, b in zip(quarters, basis) if b == "observed"]
    months = split_quarters(q, quarters, month_profiles(monthly), rng, how, fixed=fixed_shares(monthly, observed))
    return months, q, basis, params
