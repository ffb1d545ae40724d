"""Run the skill protocol on the real CBS panel and write its table (docs/skill_protocol.md).

    nice -n 10 python scripts/protocol.py [--cache DIR] [--out docs/skill_protocol.md] [--real PATH]

Points are cached per origin under --cache (keyed on the settings and a hash of every input table), so a
rerun only rescores. Choices are made on tuning origins only; the headline rows are the locked origins.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def fmt(x, pct=False, digits=3) -> str:
    if x is None or x != x:
        return "-"
    return f"{100 * x:.1f}%" if pct else f"{x:.{digits}f}"


def table_markdown(table, roles=("locked", "tuning")) -> str:
    lines = []
    for role in roles:
        sub = table.loc[table["origins_role"] == role]
        if sub.empty:
            continue
        lines.append(
            f"\n**{role} origins** ({sub['first'].iloc[0]}..{sub['last'].iloc[0]}, "
            f"{int(sub['origins'].iloc[0])} origins, {int(sub['cases'].iloc[0])} cases)\n"
        )
        lines.append(
            "| method | pooled WAPE (naive {n}) | diff to naive ± SE | bottom WAPE | aggregate WAPE (naive {na}) "
            "| agg. diff ± SE | cov90 | cov90 agg. | median (P95-P5)/outcome | agg. bias | CRPS skill ± SE |".format(
                n=fmt(sub["wape_naive"].iloc[0]), na=fmt(sub["wape_aggregate_naive"].iloc[0])
            )
        )
        lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for _, r in sub.iterrows():
            point_only = r["method"].startswith("naive total")
            lines.append(
                f"| {r['method']} | {fmt(r['wape'])} | {r['d_wape']:+.3f} ± {r['se_d_wape']:.3f} | "
                f"{fmt(r['wape_bottom'])} | {fmt(r['wape_aggregate'])} | "
                f"{r['d_wape_aggregate']:+.3f} ± {r['se_d_wape_aggregate']:.3f} | "
                f"{'-' if point_only else fmt(r['cov90'], True)} | {'-' if point_only else fmt(r['cov90_aggregate'], True)} | "
                f"{'-' if point_only else fmt(r['median_rel_width'], digits=2)} | {r['bias_aggregate']:+.3f} | "
                f"{r['crps_skill']:+.3f} ± {r['se_crps_skill']:.3f} |"
            )
    return "\n".join(lines)


def horizon_sections(res, tuning_only: bool = False) -> list[str]:
    """Band exceedance per calendar-year horizon and the monthly path of the engine variant `naive_conformal`."""
    b = res.bands
    out = [
        "",
        "## Bands per calendar-year horizon (`naive_conformal`, the engine variant)",
        "",
        "Each band is a quantile of the paths' sums over the horizon: *rest of this year* (months after the origin "
        "up to December), *next year*, *year after*. 'exceeded' = the outcome lies above the band (a well-calibrated "
        "medio, P67, is exceeded 33% of the time). The recalibrated level is the quantile of the tuning origins' "
        "PIT values at the band's nominal level (read off tuning origins only, through the guard); locked "
        "columns show the raw band and the band at the recalibrated level, pooled over the 17 cases per origin and "
        "for the aggregates (2 stream sums + total), with origin-bootstrap SEs.",
        "",
        "| horizon | band | nominal exceeded | tuning exceeded (cases) | recalibrated level | locked origins "
        "(cases) | locked exceeded, raw | locked, recalibrated | aggregates locked, raw | aggregates, recalibrated |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in b.itertuples():
        locked = (
            ["-"] * 5
            if tuning_only
            else [
                f"{r.locked_origins} ({r.locked_cases})",
                f"{fmt(r.locked_raw, True)} ± {fmt(r.se_locked_raw, True)}",
                f"{fmt(r.locked_recal, True)} ± {fmt(r.se_locked_recal, True)}",
                f"{fmt(r.locked_agg_raw, True)} ± {fmt(r.se_locked_agg_raw, True)}",
                f"{fmt(r.locked_agg_recal, True)} ± {fmt(r.se_locked_agg_recal, True)}",
            ]
        )
        out.append(
            f"| {r.horizon} | {r.band} | {fmt(r.nominal, True)} | {fmt(r.tuning_raw, True)} ({r.tuning_cases}) | "
            f"P{100 * r.level:.1f} | " + " | ".join(locked) + " |"
        )
    m = res.monthly
    out += [
        "",
        "## The monthly path (`naive_conformal`)",
        "",
        "Coverage of monthly values (months 1-12 after the origin) by the monthly P5-P95 band, and the error "
        "(sum |F - A| / sum A over the 17 cases) of the next half-year's sum (months 1-6): the model's median "
        "against the last 6 months, half the last 12 months, and the same 6 months a year earlier; differences "
        "are the model's minus the rule's, with origin-bootstrap SEs.",
        "",
        "| origins | monthly cov90 | monthly cov90 agg. | half-year WAPE: model | last 6 months | half of last 12 "
        "| same 6 months last year | model - last 6 ± SE | model - half of last 12 ± SE |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in m.itertuples():
        if tuning_only and r.origins_role != "tuning":
            continue
        out.append(
            f"| {r.origins_role} {r.first}..{r.last} ({r.origins}) | {fmt(r.monthly_cov90, True)} | "
            f"{fmt(r.monthly_cov90_agg, True)} | {fmt(r.half_wape_model)} | {fmt(r.half_wape_last6)} | "
            f"{fmt(r.half_wape_half12)} | {fmt(r.half_wape_same6)} | {r.d_last6:+.3f} ± {r.se_d_last6:.3f} | "
            f"{r.d_half12:+.3f} ± {r.se_d_half12:.3f} |"
        )
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default=os.environ.get("MPP_SKILL_CACHE", ".cache/skill"))
    ap.add_argument("--out", default="docs/skill_protocol.md")
    ap.add_argument("--json", default=None, help="also write the table and choices as JSON here")
    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
    ap.add_argument(
        "--real",
        default=os.environ.get("MPP_REAL_DATA") or str(shared),
        help="folder of the real data with the wide cross-learning panels, which the packaged snapshot leaves out "
        "(default $MPP_REAL_DATA, else ../shared/data/real beside the checkout)",
    )
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument(
        "--tuning-only",
        action="store_true",
        help="print tuning origins only (for development: keeps the locked figures unseen)",
    )
    args = ap.parse_args(argv)
    if args.real:
        os.environ["MPP_REAL_DATA"] = args.real
    from mpp.flows.skill import run_protocol
    from mpp.skill.methods import lag_table
    from mpp.skill.run import ProtocolSettings

    t0 = time.perf_counter()
    from mpp.spec import load_release_calendar, load_variants

    settings = ProtocolSettings(publication_lag=load_release_calendar().monthly_lag())

    res = run_protocol(settings, cache_dir=args.cache, n_boot=args.boot, catalog=load_variants())
    lags = lag_table(until=settings.split.tuning_end)
    wall = time.perf_counter() - t0
    out = [
        "# Skill protocol: real CBS panel, next-12-month sums",
        "",
        "Generated by `nice -n 10 python scripts/protocol.py` (module `mpp.skill`, protocol core "
        "`mpp.backtest.protocol`). Do not edit by hand.",
        "",
        f"Origins every {settings.step} months; calibration pools warm up from {settings.first_origin}; scored "
        f"from {settings.first_scored}. Tuning origins: up to {settings.split.tuning_end} (every choice below "
        f"was made on these only). Locked origins: {settings.split.locked_start} onward (the headline; no "
        "choice read them). At an origin every method, the naive rule included, reads only the months the release "
        f"calendar (`releases.yaml`, CBS panel lag {settings.publication_lag} month) has published by then; the "
        "forecast covers the 12 months after the origin. Cases per origin: 14 bottom series + 2 stream sums + the "
        "total. WAPE = "
        "sum|median - outcome| / sum outcome; differences are to the naive 12-month total (negative = better) "
        "with paired bootstrap SEs over origins; CRPS skill of 12-month sums against the seasonal-naive "
        "simulation (`baseline`), CRPS by `scoringrules`.",
        "",
        f"**Default chosen on tuning origins: `{res.default}`; engine default (a registry variant): "
        f"`{res.engine_default}`.**",
        table_markdown(res.table, roles=("tuning",) if args.tuning_only else ("locked", "tuning")),
        "",
        "## Which origins made which choice",
        "",
        "| choice | chosen | criterion | origins |",
        "|---|---|---|---|",
    ]
    for c in res.choices:
        if c["choice"].startswith("indicator fallbacks"):
            continue
        out.append(f"| {c['choice']} | `{c['chosen']}` | {c['criterion']} (tuning) | {c['origins']} |")
    fb = [c for c in res.choices if c["choice"].startswith("indicator fallbacks")][0]
    out += [
        "",
        "## Leading indicators: lags and fallbacks",
        "",
        "Correlation of year-on-year log changes of 3-month sums, indicator `lag` months earlier than the "
        f"Dutch series, on months up to {settings.split.tuning_end} that both cover:",
        "",
        "| series | indicator | best lag | corr at best lag | corr at lag 0 | months |",
        "|---|---|---|---|---|---|",
        *[
            f"| {r.series_id} | {r.indicator} | {r.best_lag} | {r.corr_best:.2f} | {r.corr_lag0:.2f} | {r.months} |"
            for r in lags.itertuples()
        ],
        "",
        "Fallbacks recorded by the `indicator` variant (BAMF ends 2021-11, Eurostat EU+ 2020-08; never extrapolated):",
        "",
    ]
    for o, why in fb["scores"].items():
        if why:
            out.append(f"- {o}: {why}")
    out += horizon_sections(res, tuning_only=args.tuning_only)
    out += ["", "## Wall times (seconds, this machine, shared cores)", "", "| step | seconds |", "|---|---|"]
    out += [f"| {k} | {v:.1f} |" for k, v in res.seconds.items()]
    out += [f"| whole script (with cached points if present) | {wall:.1f} |", ""]
    Path(args.out).write_text("\n".join(out), encoding="utf-8")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "table": res.table.to_dict(orient="records"),
                    "choices": res.choices,
                    "default": res.default,
                    "seconds": res.seconds,
                },
                default=str,
                indent=1,
            )
        )
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
