"""A realistic synthetic forecast run directory for the report tests.

Bottom series (stream x nationality) get seasonal lognormal history and lognormal sample paths
`paths[bottom, horizon, sample]`; every aggregate is the sum of its bottom paths, so the bands are quantiles of summed
paths exactly as the engine makes them, and annual bands are quantiles of annual sums (realised months included).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

QUANTILES = {"minimum": 0.05, "median": 0.5, "medio": 0.67, "maximum": 0.95}
STREAMS = ("first_asylum_request", "repeat_asylum_request", "nareizigers")
NATIONALITIES = ("SYR", "AFG", "ERI", "TUR", "OTHER")


def _level(stream: str, nat: str) -> str:
    if stream == "TOTAL" and nat == "TOTAL":
        return "total"
    if nat == "TOTAL":
        return "stream"
    return "nationality" if stream == "TOTAL" else "stream_nationality"


def make_run(directory: Path, *, seed: int = 1, cutoff: str = "2025-06", horizon: int = 30, n_samples: int = 400,
             scale: float = 1.0, with_optional: bool = True) -> Path:
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    hist_periods = pd.period_range("2019-01", cutoff, freq="M")
    fc_periods = pd.period_range(pd.Period(cutoff, "M") + 1, periods=horizon, freq="M")
    bottom = [(s, n) for s in STREAMS for n in NATIONALITIES]
    level_by_stream = {"first_asylum_request": 1.0, "repeat_asylum_request": 0.12, "nareizigers": 0.45}
    level_by_nat = {"SYR": 900, "AFG": 300, "ERI": 250, "TUR": 400, "OTHER": 700}

    def season(periods):
        return 1 + 0.2 * np.sin(2 * np.pi * (np.asarray(periods.month) - 3) / 12)

    hist = np.stack([scale * level_by_stream[s] * level_by_nat[n] * season(hist_periods)
                     * rng.lognormal(0, 0.15, len(hist_periods)) for s, n in bottom]).round()
    base = hist[:, -12:].mean(axis=1)  # [bottom]
    growth = np.exp(np.cumsum(rng.normal(0, 0.05, (len(bottom), horizon, n_samples)), axis=1))
    paths = (base[:, None, None] * season(fc_periods)[None, :, None] * growth
             * rng.lognormal(0, 0.1, (len(bottom), horizon, n_samples)))  # paths[bottom, horizon, sample]

    # aggregate: every series is a sum over a subset of bottom series
    groups: dict[tuple[str, str], list[int]] = {("TOTAL", "TOTAL"): list(range(len(bottom)))}
    for i, (s, n) in enumerate(bottom):
        groups.setdefault((s, "TOTAL"), []).append(i)
        groups.setdefault(("TOTAL", n), []).append(i)
        groups[(s, n)] = [i]
    monthly_rows, annual_rows, history_rows = [], [], []
    for (s, n), idx in groups.items():
        sid = f"{s}/{n}"
        p = paths[idx].sum(axis=0)  # [horizon, sample]
        h = hist[idx].sum(axis=0)  # [time]
        for t, per in enumerate(fc_periods):
            q = np.quantile(p[t], list(QUANTILES.values()))
            monthly_rows.append({"series_id": sid, "level": _level(s, n), "stream": s, "nationality": n,
                                 "period": str(per), **dict(zip(QUANTILES, q))})
        for year in sorted(set(fc_periods.year)):
            in_year = np.asarray(fc_periods.year == year)
            realised = h[np.asarray(hist_periods.year == year)].sum()
            q = np.quantile(p[in_year].sum(axis=0) + realised, list(QUANTILES.values()))
            annual_rows.append({"series_id": sid, "level": _level(s, n), "stream": s, "nationality": n,
                                "year": int(year), **dict(zip(QUANTILES, q))})
        history_rows += [{"series_id": sid, "period": str(per), "value": v} for per, v in zip(hist_periods, h)]
    pd.DataFrame(monthly_rows).to_csv(directory / "bands_monthly.csv", index=False)
    pd.DataFrame(annual_rows).to_csv(directory / "bands_annual.csv", index=False)
    pd.DataFrame(history_rows).to_csv(directory / "history.csv", index=False)
    manifest = {
        "cutoff": cutoff, "variant": "baseline", "seed": seed, "quantiles": QUANTILES, "data_vintage": cutoff,
        "data_hash": "d" * 64, "config_hash": "c" * 64, "code_version": "0.1.0+gtest", "reconciliation": "mint_shrink",
        "families": {f"{s}/{n}": ("ets" if i % 2 else "sarima") for i, (s, n) in enumerate(bottom)},
        "fallbacks": {"repeat_asylum_request/ERI": "too few non-zero months: seasonal naive"},
        "created": "2025-07-10T09:00:00+00:00", "n_samples": n_samples, "horizon": horizon,
    }
    if with_optional:
        manifest["mlflow_run_id"] = "0123456789abcdef"
        _write_optional(directory, rng, paths, fc_periods)
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return directory


def _write_optional(directory: Path, rng, paths, fc_periods) -> None:
    occ = directory / "occupancy"
    occ.mkdir(exist_ok=True)
    inflow = paths.sum(axis=0)  # [horizon, sample]
    stock = 70000 + np.cumsum(0.6 * inflow - 0.55 * inflow.mean(), axis=0)  # [horizon, sample]
    rows = []
    for quantity, arr in (("occupancy_total", stock), ("status_holders", 0.25 * stock),
                          ("ind_backlog", 0.6 * stock), ("capacity_need", stock * 1.05)):
        for t, per in enumerate(fc_periods):
            q = np.quantile(arr[t], list(QUANTILES.values()))
            rows.append({"quantity": quantity, "period": str(per), **dict(zip(QUANTILES, q))})
            if per.month == 12:  # the 1 January value of the next year
                rows.append({"quantity": quantity, "period": f"{per.year + 1}-01-01", **dict(zip(QUANTILES, q))})
    pd.DataFrame(rows).to_csv(occ / "occupancy_bands.csv", index=False)
    (occ / "manifest.json").write_text(json.dumps({
        "assumptions_hash": "a" * 64,
        "assumptions": {"intake_share": {"first_asylum_request": {"value": 0.95, "unit": "share", "source": "COA"}},
                        "grant_rate": {"value": 0.38, "unit": "share", "source": "IND 2025"},
                        "capacity_buffer": {"value": 0.05, "unit": "share", "source": "policy"}},
    }))
    bt = directory / "backtest"
    bt.mkdir(exist_ok=True)
    scores = pd.DataFrame([{"variant": v, "level": lvl, "origin": o, "horizon": h,
                            "mase": rng.uniform(0.5, 1.5), "crps": rng.uniform(10, 100), "coverage_90": rng.uniform(.8, 1)}
                           for v in ("baseline", "auto") for lvl in ("total", "stream")
                           for o in ("2023-06", "2023-12") for h in (1, 6, 12)])
    scores.to_csv(bt / "scores.csv", index=False)
    (bt / "summary.json").write_text(json.dumps({"auto": {"wape_12m": 0.21, "coverage_90": 0.9},
                                                 "baseline": {"wape_12m": 0.27, "coverage_90": 0.86}}))
