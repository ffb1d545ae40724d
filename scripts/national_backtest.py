"""The national track record (issue 12): choose the national model on tuning origins, report locked origins.

    nice -n 10 .venv/bin/python scripts/national_backtest.py [--data ../shared/data/real] [--samples 500]
        [--cache /work/coord/cache/i12] [--out docs/national_track_record.md]

1. Candidates are scored on the tuning origins 2015-Q4..2020-Q4 only (mpp.backtest.protocol.choose_on_tuning
   refuses a locked origin): first-request method (level_rw, level_ar, ets), then its calibration scale
   (0.75, 1.0, 1.5), then the nareizigers method (panel share with a level_rw or ets panel model, or annual_rw),
   then the repeat-request method (ratio_to_first, annual_level). Criterion: mean CRPS of the annual
   sums relative to the realised value, current and next year, of the stream the choice is about.
2. The chosen model runs on every origin 2015-Q4..2024-Q2; the locked origins 2021-Q1.. are the track record.
3. The official MPP values beside ours at the same cut-off.
Writes a markdown file of tables; per-origin sums are cached (keyed on data, settings and model code).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from mpp.backtest.protocol import choose_on_tuning  # noqa: E402
from mpp.national.backtest import (  # noqa: E402
    SPLIT,
    backtest_cases,
    official_comparison,
    quarter_origins,
    realised_annual,
    score,
    summary_table,
    tuning_criterion,
)
from mpp.national.model import FIRST, NAR, REPEAT, forecast_national  # noqa: E402
from mpp.national.run import band_table  # noqa: E402
from mpp.national.sources import load_observations  # noqa: E402
from mpp.project import Project  # noqa: E402
from mpp.spec import load_national_config  # noqa: E402

NAMES = {
    "first_asylum_request/TOTAL": "first requests",
    "repeat_asylum_request/TOTAL": "repeat requests",
    "nareizigers/TOTAL": "nareizigers",
    "TOTAL/TOTAL": "total asylum inflow",
}
# Official vintages without a stated cut-off: the latest month the letter could have had (see docs/national.md).
OFFICIAL_CUTOFFS = {
    "MPP 2024-I": "2024-03",
    "MPP 2024-II": "2024-06",
    "MPP 2025": "2025-06",
    "Kernprognose 2025": "2025-06",
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def md(df: pd.DataFrame, floatfmt: dict | None = None) -> str:
    floatfmt = floatfmt or {}
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for _, r in df.iterrows():
        cells = []
        for c in cols:
            v = r[c]
            if isinstance(v, (float, np.floating)):
                cells.append("" if np.isnan(v) else floatfmt.get(c, "{:,.3f}").format(v))
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_candidates(obs, cfg, candidates: dict, series_id: str, origins, n, cache) -> tuple[str, dict, pd.DataFrame]:
    frames = {}
    for name, methods in candidates.items():
        t = time.time()
        cases, sums = backtest_cases(obs, cfg, methods, origins, n=n, cache=cache)
        scored = score(cases, sums)
        frames[name] = SPLIT.tuning_only(scored[scored["series_id"] == series_id])
        log(f"  {name}: {time.time() - t:.0f}s")
    best, scores = choose_on_tuning(SPLIT, frames, tuning_criterion, what=f"the {series_id} model")
    rows = []
    for name, f in frames.items():
        rows.append(
            dict(
                candidate=name,
                series=NAMES[series_id],
                origins=f"{f['origin'].min()}..{f['origin'].max()}",
                cases=len(f),
                crps_rel=scores[name],
                wape=f["abs_error"].sum() / f["actual"].sum(),
                coverage=f["covered"].mean(),
                medio_exceeded=f["medio_exceeded"].mean(),
                chosen="yes" if name == best else "",
            )
        )
    return best, candidates[best], pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--cache", type=Path, default=Path("/work/coord/cache/i12"))
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "national_track_record.md")
    args = ap.parse_args()
    project = Project.discover(REPO)
    if args.data is None and project.reference_data is None:
        raise SystemExit("no --data and no reference_data in [tool.mpp] / $MPP_REFERENCE_DATA")
    data = args.data or project.reference_data / "real"
    cfg = load_national_config(project=project)
    obs = load_observations(cfg, data)
    all_origins = quarter_origins()
    tuning = SPLIT.tuning(all_origins)
    n = args.samples
    log(f"{len(all_origins)} origins, {len(tuning)} tuning; {n} paths each; cache {args.cache}")

    log("stage 1: first-request method")
    # every setting explicit, so the stages do not depend on what config/national.yaml says today
    base = {
        "first_scale": 1.0,
        "nareizigers": "panel_share",
        "nar_base": "level_rw",
        "nar_scale": 1.0,
        "repeat": "ratio_to_first",
    }
    first_best, m1, sel1 = run_candidates(
        obs,
        cfg,
        {name: {**base, "first": name} for name in ("level_rw", "level_ar", "ets")},
        FIRST,
        tuning,
        n,
        args.cache,
    )
    log("stage 2: calibration scale")
    scale_best, m2, sel2 = run_candidates(
        obs,
        cfg,
        {f"{first_best} x{s}": {**m1, "first_scale": s} for s in (0.75, 1.0, 1.5)},
        FIRST,
        tuning,
        n,
        args.cache,
    )
    log("stage 3: nareizigers method")
    nar_best, m3, sel3 = run_candidates(
        obs,
        cfg,
        {
            "panel_share (panel level_rw)": {**m2, "nareizigers": "panel_share", "nar_base": "level_rw"},
            "panel_share (panel ets)": {**m2, "nareizigers": "panel_share", "nar_base": "ets"},
            "annual_rw": {**m2, "nareizigers": "annual_rw", "nar_base": "level_rw"},
        },
        NAR,
        tuning,
        n,
        args.cache,
    )
    log("stage 4: repeat requests")
    rep_best, m4, sel4 = run_candidates(
        obs,
        cfg,
        {"ratio_to_first": {**m3, "repeat": "ratio_to_first"}, "annual_level": {**m3, "repeat": "annual_level"}},
        REPEAT,
        tuning,
        n,
        args.cache,
    )
    chosen = m4
    configured = {
        "first": cfg.model.first_asylum_request.method,
        "first_scale": cfg.model.first_asylum_request.scale,
        "nareizigers": cfg.model.nareizigers.method,
        "nar_base": cfg.model.nareizigers.base,
        "repeat": cfg.model.repeat_asylum_request.method,
    }
    agree = all(chosen.get(k, configured[k]) == v for k, v in configured.items())
    log(f"chosen on tuning origins: {chosen}; config/national.yaml: {configured} ({'agree' if agree else 'DIFFER'})")

    log("final: every origin with the chosen settings")
    cases, sums = backtest_cases(obs, cfg, chosen, all_origins, n=n, cache=args.cache)
    scored = score(cases, sums)
    args.cache.mkdir(parents=True, exist_ok=True)
    scored.to_csv(args.cache / "national_backtest_cases.csv", index=False)
    summary = summary_table(scored)
    summary.insert(0, "quantity", summary.pop("series_id").map(NAMES))

    log("official MPP beside ours")
    realised = realised_annual(obs, cfg)
    ours = {}
    for origin in sorted(set(OFFICIAL_CUTOFFS.values())):
        fc = forecast_national(obs, origin, cfg, seed=0, n_samples=1000, methods=chosen)
        years, annual = fc.annual()
        ours[origin] = band_table(
            annual, fc.series_ids, "year", years, {"minimum": 0.05, "median": 0.5, "medio": 0.67, "maximum": 0.95}
        )
    published = pd.read_csv(data.parent / "mpp_published.csv", dtype={"data_cutoff": str})
    official = official_comparison(published, realised, ours, OFFICIAL_CUTOFFS)

    fmt = {
        c: "{:.1%}"
        for c in (
            "wape",
            "wape_naive",
            "wape_diff",
            "wape_diff_se",
            "coverage",
            "medio_exceeded",
            "crps_rel",
            "official_error",
            "ours_error_same_scenario",
            "ours_error_median",
        )
    }
    fmt.update(
        {
            c: "{:,.0f}"
            for c in (
                "crps",
                "crps_naive",
                "crps_diff",
                "crps_diff_se",
                "official_min",
                "official_central",
                "official_max",
                "realised",
                "ours_min",
                "ours_median",
                "ours_medio",
                "ours_max",
            )
        }
    )
    fmt["wape_ratio"] = "{:.2f}"
    parts = [
        "# National track record (generated by scripts/national_backtest.py; do not edit by hand)\n",
        f"Origins every quarter {all_origins[0]}..{all_origins[-1]} (quarter-end months), {n} sample paths each. "
        f"Tuning origins {tuning[0]}..{tuning[-1]} made every choice below; locked origins "
        f"{SPLIT.locked(all_origins)[0]}.. only report. Targets: the current calendar year and the next (at a "
        "December origin: the two years after it). WAPE of the median; coverage of the minimum-maximum band "
        "(P5-P95, 90% expected); medio (P67) exceeded (33% expected); CRPS of the annual sum (scoringrules); the "
        "naive rule's CRPS is its absolute error. Differences are model minus naive with paired-bootstrap standard "
        "errors resampling whole origins.\n",
        "## Choices on tuning origins\n",
        md(pd.concat([sel1, sel2, sel3, sel4], ignore_index=True), fmt),
        f"\nChosen: `{chosen}`; config/national.yaml: `{configured}` ({'agree' if agree else 'DIFFER'}).\n",
        "## Track record: locked origins (2021-Q1 onward)\n",
        md(summary[summary["role"] == "locked"].drop(columns="role"), fmt),
        "\n## For reference: tuning origins (in-sample for the choices)\n",
        md(summary[summary["role"] == "tuning"].drop(columns="role"), fmt),
        "\n## Official MPP beside ours at the same cut-off\n",
        "Our origin for a vintage without a stated cut-off: the latest month the letter could have had "
        "(MPP 2024-I: 2024-03; MPP 2025 and Kernprognose 2025: our data end at 2025-06, earlier than theirs). "
        "Relative error of the central scenario (the official median where published, else its medio; ours: the "
        "same scenario, and our median).\n",
        md(official, fmt),
        "\n## Realised national figures used\n",
        md(
            realised.sort_values(["series_id", "year"]).assign(series_id=lambda d: d["series_id"].map(NAMES)),
            {"value": "{:,.0f}"},
        ),
    ]
    args.out.write_text("\n".join(parts) + "\n")
    log(f"written {args.out}")
    print(md(summary, fmt))


if __name__ == "__main__":
    main()
