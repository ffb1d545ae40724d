"""Nowcast of national first-request quarters that have ended by the cut-off but are not yet published.

At a quarter-end origin the CBS quarterly figure of the quarter that just ended comes out a month later
(release calendar), so a model fitted on published quarters starts a quarter behind. The 7-nationality CBS
panel (83102NED, monthly, one month's lag) is out for the first two months of that quarter. The nowcast:

    national quarter = panel(the quarter's published months) x R,

with log R predicted from the published quarters (`panel_last`: the last quarter's ratio; `panel_mean4`:
the mean of the last four, or of as many as there are), the ratio taken over the same months of each quarter as are known for the
nowcast quarter (the panel's part of national first requests moved between 0.27 and 0.82 since 2015, so R is
never assumed fixed). Its uncertainty is the spread of that predictor's own errors on the published
quarters before the cut-off; every path draws its own R, so the nowcast's uncertainty flows onto the paths.

Only values published by the origin reach this module (the caller passes what `known_at` kept). National
monthly figures (CBS news tables, IND monthly reports) are not used: after 2020 they are scattered (CBS
2021-2022: 10 months; IND to 2023-06 with gaps) and the IND file holds revised figures published a month
later than the calendar's first release, so the same nowcast could not be made at every origin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

METHODS = ("none", "panel_last", "panel_mean4")
MIN_HISTORY = 4  # published quarters with the panel: at least 3 errors of the predictor for its spread


@dataclass(frozen=True)
class Nowcast:
    quarters: list[pd.Period]  # the unpublished quarters, consecutive after the last published one
    paths: np.ndarray  # [quarter, sample]
    params: dict


def _quarter_months(q: pd.Period) -> pd.PeriodIndex:
    return pd.period_range(q.asfreq("M", how="start"), q.asfreq("M", how="end"), freq="M")


def _known_positions(panel_m: pd.Series, q: pd.Period) -> int:
    """How many of the quarter's months, from its first on, the panel has published."""
    k = 0
    for m in _quarter_months(q):
        if m not in panel_m.index:
            break
        k += 1
    return k


def log_ratios(national_q: pd.Series, panel_m: pd.Series, k: int) -> pd.Series:
    """log(national quarter / panel sum of the quarter's first k months) for every published quarter whose
    first k panel months are all there."""
    out = {}
    for q, v in national_q.items():
        p = panel_m.reindex(_quarter_months(q)[:k])
        if p.notna().all() and p.sum() > 0 and v > 0:
            out[q] = float(np.log(v / p.sum()))
    return pd.Series(out, dtype=float)


def _predict(lr: np.ndarray, method: str) -> float:
    return float(lr[-1]) if method == "panel_last" else float(lr[-4:].mean())


def predictor_errors(lr: np.ndarray, method: str) -> np.ndarray:
    """One-step errors of the predictor on the ratio history itself (each ratio from the ones before it)."""
    return np.array([lr[i] - _predict(lr[:i], method) for i in range(1, len(lr))])


def nowcast_quarters(
    national_q: pd.Series,
    panel_m: pd.Series,
    last_full_q: pd.Period,
    method: str,
    n: int,
    rng: np.random.Generator,
) -> Nowcast | None:
    """Per-path nowcasts of the quarters after the last published national one up to `last_full_q`, or None
    (method `none`, nothing unpublished, a quarter without any published panel month, or too short a history).
    `national_q`: published national quarters (contiguous, Period[Q]); `panel_m`: the panel's published months."""
    if method == "none" or national_q.empty:
        return None
    if method not in METHODS:
        raise ValueError(f"first-request nowcast: unknown method {method!r} (one of {', '.join(METHODS)})")
    quarters = list(pd.period_range(national_q.index[-1] + 1, last_full_q, freq="Q"))
    if not quarters:
        return None
    paths = np.empty((len(quarters), n))
    params: dict = {"method": method, "quarters": {}}
    for i, q in enumerate(quarters):
        k = _known_positions(panel_m, q)
        ratios = log_ratios(national_q, panel_m, k) if k else pd.Series(dtype=float)
        if len(ratios) < MIN_HISTORY:
            return None  # the caller forecasts these quarters as before
        lr = ratios.to_numpy()
        err = predictor_errors(lr, method)
        sd = float(np.std(err, ddof=1))
        centre = _predict(lr, method)
        known = float(panel_m.reindex(_quarter_months(q)[:k]).sum())
        paths[i] = known * np.exp(centre + rng.normal(0.0, sd, n))
        params["quarters"][str(q)] = {
            "panel_months": k,
            "panel_sum": known,
            "ratio": round(float(np.exp(centre)), 4),
            "log_sd": round(sd, 4),
            "history": f"{ratios.index[0]}..{ratios.index[-1]}",
        }
    return Nowcast(quarters=quarters, paths=paths, params=params)
