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


def make_run(
    directory: Path,
    *,
    seed: int = 1,
    cutoff: str = "2025-06",
    horizon: int = 30,
    n_samples: int = 400,
    scale: float = 1.0,
    with_optional: bool = True,
    national: bool = True,
    sample: bool = False,
) -> Path:
    """national=False describes a panel of a few named nationalities (like the 7-nationality CBS panel) in the
    manifest's data_scope; sample=True a generated sample."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    hist_periods = pd.period_range("2019-01", cutoff, freq="M")
    fc_periods = pd.period_range(pd.Period(cutoff, "M") + 1, periods=horizon, freq="M")
    bottom = [(s, n) for s in STREAMS for n in NATIONALITIES]
    level_by_stream = {"first_asylum_request": 1.0, "repeat_asylum_request": 0.12, "nareizigers": 0.45}
    level_by_nat = {"SYR": 900, "AFG": 300, "ERI": 250, "TUR": 400, "OTHER": 700}

    def season(periods):
        return 1 + 0.2 * np.sin(2 * np.pi * (np.asarray(periods.month) - 3) / 12)

    hist = np.stack(
        [
            scale
            * level_by_stream[s]
            * level_by_nat[n]
            * season(hist_periods)
            * rng.lognormal(0, 0.15, len(hist_periods))
            for s, n in bottom
        ]
    ).round()
    base = hist[:, -12:].mean(axis=1)  # [bottom]
    growth = np.exp(np.cumsum(rng.normal(0, 0.05, (len(bottom), horizon, n_samples)), axis=1))
    paths = (
        base[:, None, None]
        * season(fc_periods)[None, :, None]
        * growth
        * rng.lognormal(0, 0.1, (len(bottom), horizon, n_samples))
    )  # paths[bottom, horizon, sample]

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
            monthly_rows.append(
                {
                    "series_id": sid,
                    "level": _level(s, n),
                    "stream": s,
                    "nationality": n,
                    "period": str(per),
                    **dict(zip(QUANTILES, q)),
                }
            )
        for year in sorted(set(fc_periods.year)):
            in_year = np.asarray(fc_periods.year == year)
            realised = h[np.asarray(hist_periods.year == year)].sum()
            q = np.quantile(p[in_year].sum(axis=0) + realised, list(QUANTILES.values()))
            annual_rows.append(
                {
                    "series_id": sid,
                    "level": _level(s, n),
                    "stream": s,
                    "nationality": n,
                    "year": int(year),
                    **dict(zip(QUANTILES, q)),
                }
            )
        history_rows += [{"series_id": sid, "period": str(per), "value": v} for per, v in zip(hist_periods, h)]
    pd.DataFrame(monthly_rows).to_csv(directory / "bands_monthly.csv", index=False)
    pd.DataFrame(annual_rows).to_csv(directory / "bands_annual.csv", index=False)
    pd.DataFrame(history_rows).to_csv(directory / "history.csv", index=False)
    manifest = {
        "cutoff": cutoff,
        "variant": "baseline",
        "seed": seed,
        "quantiles": QUANTILES,
        "data_vintage": cutoff,
        "data_hash": "d" * 64,
        "config_hash": "c" * 64,
        "code_version": "0.1.0+gtest",
        "reconciliation": "mint_shrink",
        "families": {f"{s}/{n}": ("ets" if i % 2 else "sarima") for i, (s, n) in enumerate(bottom)},
        "fallbacks": {"repeat_asylum_request/ERI": "too few non-zero months: seasonal naive"},
        "created": "2025-07-10T09:00:00+00:00",
        "n_samples": n_samples,
        "horizon": horizon,
        "first_period": str(fc_periods[0]),
        "last_period": str(fc_periods[-1]),
        "variant_spec": {"family": "seasonal_naive", "description": "seasonal naive (last year's months repeated)"},
        "data_scope": {
            "streams": list(STREAMS),
            "missing_streams": [] if national else ["resettlement"],
            "nationalities": [n for n in NATIONALITIES if n != "OTHER"],
            "n_nationalities": 4,
            "stated_totals": list(STREAMS) if national else [],
            "remainder_categories": ["OTHER"] if national else [],
            "complete_nationalities": national,
            "national_total": national,
            "sources": ["synthetic sample (seed 0) (sample.csv)" if sample else "cbs_test.csv"],
            "sample": sample,
            "first_period": str(hist_periods[0]),
            "last_period": cutoff,
        },
    }
    if with_optional:
        manifest["mlflow_run_id"] = "0123456789abcdef"
        manifest["variant"] = "auto"
        _write_optional(directory, rng, paths, fc_periods)
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return directory


def _write_optional(directory: Path, rng, paths, fc_periods) -> None:
    """Occupancy as mpp.occupancy writes it: from the January after the cut-off (the assumptions' start date), with
    the starting stock as a '<year>-01-01' row of equal scenarios, every later 1 January, and a share quantity."""
    occ = directory / "occupancy"
    occ.mkdir(exist_ok=True)
    start = next(i for i, p in enumerate(fc_periods) if p.month == 1)
    periods = fc_periods[start:]
    inflow = paths.sum(axis=0)[start:]  # [month, sample]
    stock = 70000 + np.cumsum(0.6 * inflow - 0.55 * inflow.mean(), axis=0)  # [month, sample]
    holders = 16000 + np.cumsum(0.1 * inflow - 0.08 * inflow.mean(), axis=0)
    rows = []
    for quantity, first, arr in (
        ("occupancy_total", 70000.0, stock),
        ("status_holders", 16000.0, holders),
        ("status_holder_share", 16000 / 70000, holders / stock),
        ("ind_backlog", 42000.0, 0.6 * stock),
        ("capacity_need", 73500.0, stock * 1.05),
    ):
        rows.append({"quantity": quantity, "period": f"{periods[0].year}-01-01", **{k: first for k in QUANTILES}})
        for t, per in enumerate(periods):
            q = np.quantile(arr[t], list(QUANTILES.values()))
            rows.append({"quantity": quantity, "period": str(per), **dict(zip(QUANTILES, q))})
            if per.month == 12:  # the 1 January value of the next year
                rows.append({"quantity": quantity, "period": f"{per.year + 1}-01-01", **dict(zip(QUANTILES, q))})
    pd.DataFrame(rows).to_csv(occ / "occupancy_bands.csv", index=False)
    (occ / "manifest.json").write_text(
        json.dumps(
            {
                "assumptions_hash": "a" * 64,
                "assumptions_name": "test_assumptions",
                "warnings": ["stream 'resettlement' has no 'resettlement/TOTAL' paths: treated as zero inflow"],
                "assumptions": {
                    "intake_share": {"first_asylum_request": {"value": 0.95, "unit": "fraction", "source": "COA"}},
                    "procedure": {"grant_rate": {"value": 0.38, "unit": "fraction", "source": "IND 2025"}},
                    "capacity_buffer": {"value": 0.0417, "unit": "fraction", "source": "policy"},
                },
            }
        )
    )
    bt = directory / "backtest"
    bt.mkdir(exist_ok=True)
    summary = {v: backtest_metrics(rng) for v in ("baseline", "auto")}  # as the monthly pipeline writes it
    pd.DataFrame([{"variant": v, "metric": k, "value": x} for v, m in summary.items() for k, x in m.items()]).to_csv(
        bt / "scores.csv", index=False
    )
    (bt / "summary.json").write_text(json.dumps(summary))


def backtest_metrics(rng) -> dict[str, float]:
    """Metrics with the keys of mpp.backtest.summary.summary_metrics (dotted per-level ones included)."""
    m = {
        "n_next12": 192.0,
        "n_origins": 3.0,
        "wape_next12": rng.uniform(0.15, 0.3),
        "wape_next12_snaive_point": rng.uniform(0.2, 0.3),
        "coverage90_next12": rng.uniform(0.85, 0.97),
        "width_rel_next12": rng.uniform(0.5, 4),
        "exceed_medio": rng.uniform(0.2, 0.4),
        "exceed_median": rng.uniform(0.4, 0.6),
        "crps_skill": rng.uniform(-0.1, 0.2),
        "crps_skill_se": rng.uniform(0.01, 0.05),
        "beats_baseline_wape": 1.0,
        "coverage_ok": 1.0,
    }
    for level in ("total", "stream", "nationality", "stream_nationality"):
        m.update(
            {
                f"{level}.crps_scaled": rng.uniform(0.5, 1),
                f"{level}.mase": rng.uniform(0.5, 1.5),
                f"{level}.rank": 1.0,
                f"{level}.coverage_min_max": rng.uniform(0.8, 1),
            }
        )
    return m


TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def stub_charts(mp) -> None:
    """Charts are not drawn (a 1-pixel PNG stands in; their titles stay): keeps the text checks fast. The browser
    test renders pages with their real charts."""
    import mpp.report.compare as compare
    import mpp.report.sections.core as core

    for mod in (core, compare):
        mp.setattr(mod, "figure_png", lambda fig: TINY_PNG)
    for name in ("fan_chart", "annual_chart"):
        mp.setattr(core, name, lambda *a, **k: None)
    mp.setattr(compare, "overlay_fan_chart", lambda *a, **k: None)


def write_national(directory: Path, cutoff: str = "2025-06") -> Path:
    """A national forecast folder as `mpp forecast --national` writes it (bands_annual.csv + manifest.json)."""
    d = directory / "national"
    d.mkdir(parents=True, exist_ok=True)
    level = {
        "TOTAL": 42000.0,
        "first_asylum_request": 24300.0,
        "repeat_asylum_request": 1300.0,
        "nareizigers": 15400.0,
        "resettlement": 480.0,
    }
    rows = []
    for stream, med in level.items():
        for i, year in enumerate((2025, 2026, 2027)):
            spread = 0.1 + 0.15 * i
            rows.append(
                {
                    "series_id": f"{stream}/TOTAL",
                    "level": "total" if stream == "TOTAL" else "stream",
                    "stream": stream,
                    "nationality": "TOTAL",
                    "year": year,
                    "minimum": med * (1 - spread),
                    "median": med,
                    "medio": med * (1 + spread / 3),
                    "maximum": med * (1 + 2 * spread),
                }
            )
    pd.DataFrame(rows).to_csv(d / "bands_annual.csv", index=False)
    (d / "manifest.json").write_text(
        json.dumps(
            {
                "kind": "national",
                "cutoff": cutoff,
                "findings": ["first_asylum_request 2021-Q1: two sources differ"],
                "models": {"resettlement": {"method": "assumption"}, "first_asylum_request": {"method": "level_rw"}},
                "source_files": {
                    "cbs_quarterly": {"file": "/x/cbs_first_asylum_requests_quarterly_national.csv", "sha256": "e" * 64}
                },
            }
        )
    )
    return d
