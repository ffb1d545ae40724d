"""From detail scores to the tidy scores table, the ranking and the headline metrics. Pure: no I/O.

Detail rows (see `mpp.backtest.evaluate`) are one per (origin, variant, series, target, horizon). The tidy
scores table averages them over the series of a level, per (variant, level, target, origin, horizon):
MASE = mean of |e|/scale, RMSSE = sqrt(mean of e^2/scale^2), sMAPE, CRPS (raw and scaled by the in-sample
seasonal naive MAE), pinball losses at the band quantiles, min-max coverage, exceedance rates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.backtest.runner import BASELINE
from mpp.backtest.scores import weighted_abs_error

GROUP = ["variant", "level", "target", "origin", "horizon"]


def scores_table(detail: pd.DataFrame) -> pd.DataFrame:
    """Tidy scores per (variant, level, target, origin, horizon)."""
    g = detail.groupby(GROUP, sort=True)
    out = g.agg(
        n_series=("series_id", "nunique"),
        mase=("ase", "mean"),
        rmsse=("sse", lambda s: float(np.sqrt(s.mean()))),
        smape=("smape", "mean"),
        crps=("crps", "mean"),
        crps_scaled=("crps_scaled", "mean"),
        pinball_minimum=("pinball_minimum", "mean"),
        pinball_median=("pinball_median", "mean"),
        pinball_medio=("pinball_medio", "mean"),
        pinball_maximum=("pinball_maximum", "mean"),
        coverage_min_max=("covered", "mean"),
        exceed_medio=("exceed_medio", "mean"),
        exceed_median=("exceed_median", "mean"),
        wape=("abs_error", "sum"),
        actual_sum=("actual", "sum"),
    ).reset_index()
    out["wape"] = np.where(out["actual_sum"] > 0, out["wape"] / out["actual_sum"].where(out["actual_sum"] > 0), np.nan)
    return out.drop(columns="actual_sum")


def ranking(detail: pd.DataFrame) -> pd.DataFrame:
    """Variants ranked per level on monthly targets by mean scaled CRPS (ties: MASE), with skill vs baseline."""
    month = detail.loc[detail["target"] == "month"]
    g = month.groupby(["level", "variant"])
    r = g.agg(
        crps_scaled=("crps_scaled", "mean"),
        mase=("ase", "mean"),
        rmsse=("sse", lambda s: float(np.sqrt(s.mean()))),
        smape=("smape", "mean"),
        coverage_min_max=("covered", "mean"),
        exceed_medio=("exceed_medio", "mean"),
        exceed_median=("exceed_median", "mean"),
    ).reset_index()
    skills = [
        {"level": lvl, "variant": v, "crps_skill": crps_skill(month.loc[month["level"] == lvl], v)}
        for lvl, v in zip(r["level"], r["variant"])
    ]
    r = r.merge(pd.DataFrame(skills), on=["level", "variant"])
    r["rank"] = r.sort_values(["crps_scaled", "mase"]).groupby("level").cumcount() + 1
    return r.sort_values(["level", "rank"]).reset_index(drop=True)


def _paired(detail: pd.DataFrame, variant: str, reference: str) -> pd.DataFrame:
    """Rows of `variant` and `reference` scored on the same (origin, series, target, horizon) keys."""
    key = ["origin", "series_id", "target", "horizon"]
    a = detail.loc[detail["variant"] == variant, key + ["crps"]]
    b = detail.loc[detail["variant"] == reference, key + ["crps"]]
    return a.merge(b, on=key, suffixes=("", "_ref"))


def crps_skill(detail: pd.DataFrame, variant: str, reference: str = BASELINE) -> float:
    """1 - sum CRPS(variant) / sum CRPS(reference) over the keys both scored (> 0: better than reference)."""
    p = _paired(detail, variant, reference)
    ref = p["crps_ref"].sum()
    return float(1.0 - p["crps"].sum() / ref) if ref > 0 else float("nan")


def crps_skill_bootstrap(
    detail: pd.DataFrame, variant: str, reference: str = BASELINE, n_boot: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """CRPS skill and its bootstrap standard error, resampling whole origins with replacement.

    Origins, not single months, are the resampled unit because errors within one origin are correlated."""
    p = _paired(detail, variant, reference)
    if p.empty:
        return float("nan"), float("nan")
    per_origin = p.groupby("origin")[["crps", "crps_ref"]].sum()
    a, b = per_origin["crps"].to_numpy(), per_origin["crps_ref"].to_numpy()
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(n_boot, len(a)))  # [replicate, origin draw]
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = 1.0 - a[idx].sum(axis=1) / b[idx].sum(axis=1)
    skill = 1.0 - a.sum() / b.sum() if b.sum() > 0 else float("nan")
    return float(skill), float(np.nanstd(boot, ddof=1)) if len(a) > 1 else float("nan")


def headline(
    detail: pd.DataFrame, level: str = "stream_nationality", n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
    """The acceptance figures per variant on next-12-month totals of the series of one level.

    wape_next12       sum|F - A| / sum A, F = median of the path sums, pooled over origins and series
    coverage90_next12 share of outcomes inside the P5-P95 band of the path sums (target 85-95%)
    width_rel_next12  mean (P95 - P5) / A: sharpness relative to the outcome
    exceed_medio/_median on monthly values (targets 33% and 50%)
    crps_skill, crps_skill_se   monthly CRPS skill against seasonal naive, bootstrap SE over origins
    wape_next12_snaive_point  the same with F = the 12 months before the origin (model-free seasonal naive)
    wape_half, wape_half_last6, wape_half_half12   the next 6 months' sum: the median of path sums, the last 6
                      months, half the last 12 months (the monthly path against the naive rules)
    coverage_min_max_monthly   share of monthly values inside their P5-P95 band
    beats_baseline_wape   wape_next12 below the baseline variant's; beats_snaive_point_wape: below the point
    """
    lvl = detail.loc[detail["level"] == level] if level != "all" else detail
    n12 = lvl.loc[lvl["target"] == "next12"]
    month = lvl.loc[lvl["target"] == "month"]
    half = lvl.loc[lvl["target"] == "half"]
    rows = []
    for v in sorted(lvl["variant"].unique(), key=lambda x: (x != BASELINE, x)):
        a = n12.loc[n12["variant"] == v]
        m = month.loc[month["variant"] == v]
        h = half.loc[half["variant"] == v]
        pos = a["actual"] > 0
        skill, se = crps_skill_bootstrap(month, v, n_boot=n_boot, seed=seed)
        rows.append(
            {
                "variant": v,
                "level": level,
                "n_next12": int(len(a)),
                "n_origins": int(a["origin"].nunique()),
                "wape_next12": weighted_abs_error(a["actual"], a["median"]),
                "wape_next12_snaive_point": weighted_abs_error(a["actual"], a["snaive"]) if "snaive" in a else np.nan,
                "coverage90_next12": float(a["covered"].mean()) if len(a) else np.nan,
                "width_rel_next12": float((a.loc[pos, "width"] / a.loc[pos, "actual"]).mean()) if pos.any() else np.nan,
                "exceed_medio": float(m["exceed_medio"].mean()) if len(m) else np.nan,
                "exceed_median": float(m["exceed_median"].mean()) if len(m) else np.nan,
                "coverage_min_max_monthly": float(m["covered"].mean()) if len(m) else np.nan,
                "wape_half": weighted_abs_error(h["actual"], h["median"]) if len(h) else np.nan,
                "wape_half_last6": weighted_abs_error(h["actual"], h["snaive"]) if len(h) else np.nan,
                "wape_half_half12": weighted_abs_error(h["actual"], h["naive_half12"]) if len(h) else np.nan,
                "mase": float(m["ase"].mean()) if len(m) else np.nan,
                "crps_skill": skill,
                "crps_skill_se": se,
            }
        )
    out = pd.DataFrame(rows)
    base = out.loc[out["variant"] == BASELINE, "wape_next12"]
    out["beats_baseline_wape"] = out["wape_next12"] < (base.iloc[0] if len(base) else np.nan)
    out["beats_snaive_point_wape"] = out["wape_next12"] < out["wape_next12_snaive_point"]
    out["coverage_ok"] = out["coverage90_next12"].between(0.85, 0.95)
    return out


def annual_errors(detail: pd.DataFrame) -> pd.DataFrame:
    """Relative error of the median annual total per (variant, level, origin year, target year)."""
    y = detail.loc[detail["target"] == "year"].copy()
    y["origin_year"] = y["origin"].str.slice(0, 4).astype(int)
    y["rel_error"] = (y["median"] - y["actual"]) / y["actual"].where(y["actual"] > 0)
    y["abs_rel_error"] = y["rel_error"].abs()
    return y[
        [
            "variant",
            "level",
            "series_id",
            "origin",
            "origin_year",
            "period",
            "horizon",
            "actual",
            "minimum",
            "median",
            "medio",
            "maximum",
            "rel_error",
            "abs_rel_error",
            "covered",
        ]
    ]


def summary_metrics(
    detail: pd.DataFrame, level: str = "stream_nationality", n_boot: int = 1000, seed: int = 0
) -> dict[str, dict[str, float]]:
    """{variant: {metric: value}} for MLflow: headline figures plus the ranking's monthly scores per level."""
    out: dict[str, dict[str, float]] = {}
    for row in headline(detail, level, n_boot, seed).to_dict("records"):
        v = row.pop("variant")
        row.pop("level")
        out[v] = {k: float(x) for k, x in row.items()}
    for row in ranking(detail).to_dict("records"):
        m = out.setdefault(row["variant"], {})
        for k in ("crps_scaled", "mase", "rmsse", "smape", "coverage_min_max", "crps_skill", "rank"):
            m[f"{row['level']}.{k}"] = float(row[k])
    return out
