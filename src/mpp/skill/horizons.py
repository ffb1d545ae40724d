"""Where the MPP is read: the four bands per calendar-year horizon, and the monthly path.

From sample paths `paths[series, month, sample]` (months 1..36 after the origin) of the panel at every origin:

- `year_cases`: the sums of each path over a calendar-year horizon, *rest of this year* (the months after the
  origin up to December; none at a December origin), *next year*, *year after*, for every bottom series and the
  aggregates, with the outcome where every month of it is realised.
- `band_calibration`: for each horizon and band (minimum P5, median P50, medio P67, maximum P95), how often the
  outcome exceeded the band, and the quantile level that would have given the nominal rate on TUNING origins
  (the quantile of the tuning PIT values: a recalibration read off tuning origins only, through the guard), then
  the exceedance of both the raw and the recalibrated band on locked origins with origin-bootstrap SEs.
- `monthly_scores`: coverage of monthly values by the P5-P95 band (first 12 months) and the error of the next
  half-year's sum (months 1-6) against three naive rules: the last 6 months, half the last 12 months, the same
  6 months a year earlier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.backtest.protocol import OriginSplit, paired_bootstrap
from mpp.bands import DEFAULT_QUANTILES
from mpp.skill.calibrate import aggregate_matrix

HORIZONS = ("rest of this year", "next year", "year after")


def _cases(ids: list[str]) -> tuple[list[str], list[str], np.ndarray]:
    names, amat = aggregate_matrix(ids)
    levels = ["bottom"] * len(ids) + ["stream"] * (len(names) - 1) + ["total"]
    return ids + names, levels, np.vstack([np.eye(len(ids)), amat])


def horizon_months(origin: pd.Period, horizon: str) -> pd.PeriodIndex:
    year = origin.year + HORIZONS.index(horizon)
    start = origin + 1 if horizon == HORIZONS[0] else pd.Period(f"{year}-01", freq="M")
    return pd.period_range(start, pd.Period(f"{year}-12", freq="M"), freq="M")


def year_cases(wide: pd.DataFrame, paths: dict[pd.Period, np.ndarray]) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """One row per (origin, horizon, case) with a realised outcome, and its sample sums (same order)."""
    ids, levels, m = _cases(list(wide.columns))
    rows, sums = [], []
    last = wide.dropna(how="any").index.max()
    for o, p in paths.items():
        for h in HORIZONS:
            months = horizon_months(o, h)
            k = np.array([mo.ordinal - o.ordinal for mo in months], dtype=int) - 1  # positions after the origin
            if len(months) == 0 or months[-1] > last or k[-1] >= p.shape[1]:
                continue
            s = np.einsum("cb,bks->cs", m, p[:, k])
            actual = m @ wide.loc[months].to_numpy(float).sum(axis=0)
            for i in range(len(ids)):
                rows.append(
                    {"origin": str(o), "horizon": h, "series_id": ids[i], "level": levels[i], "actual": actual[i]}
                )
                sums.append(s[i])
    return pd.DataFrame(rows), sums


def pit(sums: list[np.ndarray], actual: np.ndarray) -> np.ndarray:
    """P(sample < outcome) + half the ties: the outcome's percentile in its ensemble."""
    return np.array([(np.mean(s < a) + 0.5 * np.mean(s == a)) for s, a in zip(sums, actual)])


def _rate(frame: pd.DataFrame, column: str) -> tuple[float, float]:
    if frame.empty:
        return float("nan"), float("nan")
    v = frame[column].to_numpy(float)
    return paired_bootstrap(frame["origin"].to_numpy(), v, np.zeros_like(v), None, n_boot=1000, seed=0)


def band_calibration(cases: pd.DataFrame, sums: list[np.ndarray], split: OriginSplit) -> pd.DataFrame:
    """Exceedance of every band per horizon: nominal, tuning (raw), the recalibrated quantile level (tuning
    origins only), and locked (raw and recalibrated) with SEs, pooled over series and for the aggregates."""
    c = cases.reset_index(drop=True).copy()
    c["pit"] = pit(sums, c["actual"].to_numpy(float))
    rows = []
    for h in HORIZONS:
        sub = c.loc[c["horizon"] == h]
        if sub.empty:
            continue
        tuning = split.tuning_only(sub)
        split.assert_tuning(tuning, what=f"band recalibration ({h})")
        for band, q in DEFAULT_QUANTILES.items():
            level = float(np.clip(np.quantile(tuning["pit"], q), 0.005, 0.995)) if len(tuning) else q
            frame = sub.assign(
                raw=[float(a > np.quantile(s, q)) for s, a in zip((sums[i] for i in sub.index), sub["actual"])],
                recal=[float(a > np.quantile(s, level)) for s, a in zip((sums[i] for i in sub.index), sub["actual"])],
            )
            t, lk = split.tuning_only(frame), split.locked_only(frame)
            agg = lk.loc[lk["level"] != "bottom"]
            rows.append(
                {
                    "horizon": h,
                    "band": band,
                    "nominal": 1 - q,
                    "tuning_cases": len(t),
                    "tuning_raw": float(t["raw"].mean()) if len(t) else np.nan,
                    "level": level,
                    "locked_origins": lk["origin"].nunique(),
                    "locked_cases": len(lk),
                    **dict(zip(("locked_raw", "se_locked_raw"), _rate(lk, "raw"))),
                    **dict(zip(("locked_recal", "se_locked_recal"), _rate(lk, "recal"))),
                    **dict(zip(("locked_agg_raw", "se_locked_agg_raw"), _rate(agg, "raw"))),
                    **dict(zip(("locked_agg_recal", "se_locked_agg_recal"), _rate(agg, "recal"))),
                }
            )
    return pd.DataFrame(rows)


def monthly_scores(
    wide: pd.DataFrame, paths: dict[pd.Period, np.ndarray], split: OriginSplit, lag: int = 0
) -> pd.DataFrame:
    """Monthly coverage (P5-P95, months 1-12) and half-year sums (months 1-6) against the naive rules (on the
    months published by the origin, `lag` before it), tuning and locked origins apart; differences to the
    last-6-months rule with origin-bootstrap SEs."""
    ids, levels, m = _cases(list(wide.columns))
    last = wide.dropna(how="any").index.max()
    cov_rows, half_rows = [], []
    for o, p in paths.items():
        if o + 12 > last:
            continue
        vals = np.einsum("cb,bks->cks", m, p[:, :12])  # [case, month, sample]
        act = wide.loc[o + 1 : o + 12].to_numpy(float) @ m.T  # [month, case]
        lo, hi = np.quantile(vals, [0.05, 0.95], axis=2)
        covered = ((act.T >= lo) & (act.T <= hi)).astype(float)  # [case, month]
        past = wide.loc[: o - lag].to_numpy(float) @ m.T
        half = vals[:, :6].sum(axis=1)
        for i in range(len(ids)):
            cov_rows.append({"origin": str(o), "level": levels[i], "covered": covered[i].mean()})
            half_rows.append(
                {
                    "origin": str(o),
                    "level": levels[i],
                    "actual": act[:6, i].sum(),
                    "model": float(np.median(half[i])),
                    "last6": past[-6:, i].sum(),
                    "half12": past[-12:, i].sum() / 2,
                    "same6": past[-12:-6, i].sum(),
                }
            )
    cov, half = pd.DataFrame(cov_rows), pd.DataFrame(half_rows)
    for rule in ("model", "last6", "half12", "same6"):
        half[f"err_{rule}"] = (half[rule] - half["actual"]).abs()
    rows = []
    for role, pick in (("tuning", split.tuning_only), ("locked", split.locked_only)):
        c, hf = pick(cov), pick(half)
        if hf.empty:
            continue
        den = hf["actual"].sum()
        g = hf["origin"].to_numpy()
        d6, se6 = paired_bootstrap(g, hf["err_model"], hf["err_last6"], hf["actual"], 1000, 0)
        d12, se12 = paired_bootstrap(g, hf["err_model"], hf["err_half12"], hf["actual"], 1000, 0)
        rows.append(
            {
                "origins_role": role,
                "origins": hf["origin"].nunique(),
                "first": hf["origin"].min(),
                "last": hf["origin"].max(),
                "monthly_cov90": float(c["covered"].mean()),
                "monthly_cov90_agg": float(c.loc[c["level"] != "bottom", "covered"].mean()),
                **{f"half_wape_{r}": float(hf[f"err_{r}"].sum() / den) for r in ("model", "last6", "half12", "same6")},
                "d_last6": d6,
                "se_d_last6": se6,
                "d_half12": d12,
                "se_d_half12": se12,
            }
        )
    return pd.DataFrame(rows)


__all__ = ["HORIZONS", "band_calibration", "horizon_months", "monthly_scores", "pit", "year_cases"]
