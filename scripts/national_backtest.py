"""The national track record (issues 12, 22, 26): choose the national model on tuning origins, calibrate its
bands on tuning origins, report locked origins, as it would have been in real time.

    nice -n 10 .venv/bin/python scripts/national_backtest.py [--data ../shared/data/real] [--samples 500]
        [--cache .cache/national_backtest] [--out docs/national_track_record.md]

Everything runs twice: with the release calendar (config releases.yaml, `mpp.data.releases`: every origin
sees only what was published by then; the naive rule sees the same) and, for comparison with the earlier
track record, without it (everything whose period ends by the origin). In each:
1. Candidates are scored on the tuning origins 2016-Q1..2020-Q4 only (mpp.backtest.protocol.choose_on_tuning
   refuses a locked origin): first-request method (level_rw, level_ar, ets), each with the quarters that ended
   by the origin but are not yet published forecast or nowcast from the 7-nationality panel (mpp.national.nowcast;
   without publication lags there is nothing to nowcast), then its calibration scale
   (0.75, 1.0, 1.5), then the nareizigers method (panel share with a level_rw or ets panel model, annual_rw,
   or from grants: grant forecast ratio_to_first / level_rw / level_ar, grants from the cut-off or from next year, the
   grant random walk's step spread as sd or mad of the annual log changes),
   then the repeat-request method (ratio_to_first, annual_level). Criterion: mean CRPS of the annual
   sums relative to the realised value, current and next year, of the stream the choice is about.
2. The chosen model runs on every origin 2016-Q1..2024-Q2; the locked origins 2021-Q1.. are the track record.
With publication lags only:
3. Band calibration (issue 22): the levels of minimum, median, medio and maximum recalibrated from the PITs of
   the tuning cases (nominal, per horizon, or per horizon and quantity; chosen by choose_on_tuning on the
   leave-one-origin-year-out pinball loss of the four bands), then applied unchanged to the locked origins:
   the exceedance of every band with standard errors.
4. The official MPP beside ours at each vintage (our forecast uses what was published by the vintage's
   publication month, cut at its data cut-off: releases.yaml mpp_vintages), the medio against the official
   medio where a realised year exists.
Writes a markdown file of tables and the CSV the HTML report's national track-record section shows; per-origin
sums are cached (keyed on the data known at the origin, settings and model code).
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
    BLOCK_BEGIN,
    BLOCK_END,
    HORIZONS,
    QUANTILES,
    SPLIT,
    backtest_cases,
    known_at,
    medio_comparison,
    official_comparison,
    quarter_origins,
    readme_block,
    realised_annual,
    score,
    summary_table,
    target_years,
    tuning_criterion,
)
from mpp.national.calibration import (  # noqa: E402
    CALIBRATIONS,
    apply_levels,
    band_exceedance_table,
    calibration_criterion,
    cross_validated,
    fit_levels,
)
from mpp.national.model import FIRST, NAR, REPEAT, forecast_national  # noqa: E402
from mpp.national.run import band_table  # noqa: E402
from mpp.national.sources import load_observations  # noqa: E402
from mpp.project import Project  # noqa: E402
from mpp.spec import load_national_config, load_release_calendar  # noqa: E402

NAMES = {
    "first_asylum_request/TOTAL": "first requests",
    "repeat_asylum_request/TOTAL": "repeat requests",
    "nareizigers/TOTAL": "nareizigers",
    "TOTAL/TOTAL": "total asylum inflow",
}
HORIZON_NAMES = {"current": "rest of this year", "next": "next year", "year_after": "year after next"}
#: The report section's table (src/mpp/resources/track_record/): regenerated with the docs table.
TRACK_RECORD_CSV = REPO / "src" / "mpp" / "resources" / "track_record" / "national_medio_vs_official.csv"
LOCKED_CSV = REPO / "src" / "mpp" / "resources" / "track_record" / "national_locked_bands.csv"


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


def run_candidates(obs, cfg, candidates: dict, series_id: str, origins, n, cache, calendar):
    frames = {}
    for name, methods in candidates.items():
        t = time.time()
        cases, sums = backtest_cases(obs, cfg, methods, origins, n=n, cache=cache, calendar=calendar)
        scored = score(cases, sums)
        # the choice is about the current and next year (as before issue 22 added the year after)
        scored = scored[scored["horizon"].isin(["current", "next"])]
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


def first_candidates(base: dict) -> dict[str, dict]:
    """First requests: each method, forecasting the quarters that ended by the origin but are not yet published
    (`none`) or nowcasting them from the 7-nationality panel's published months (mpp.national.nowcast: the ratio
    of the last quarter, or the mean of the last four). The panel is out one month after every month from
    2015-01, so tuning and locked origins have the same sources for the nowcast."""
    return {
        (method if nowcast == "none" else f"{method} + nowcast {nowcast}"): {
            **base,
            "first": method,
            "first_nowcast": nowcast,
        }
        for method in ("level_rw", "level_ar", "ets")
        for nowcast in ("none", "panel_last", "panel_mean4")
    }


def grant_candidates(base: dict) -> dict[str, dict]:
    """Nareizigers from asylum grants (issue 24, mpp.national.grants): grants after the last published one
    forecast as a ratio to first requests or a random walk of their level; every month after the cut-off
    following the grants, or only the years after the cut-off's year."""
    return {
        grant_name(forecast, months, step): {
            **base,
            "nareizigers": "grants",
            "nar_base": "level_rw",
            "nar_grants": forecast,
            "nar_grant_months": months,
            "nar_grant_step": step,
        }
        for forecast in ("ratio_to_first", "level_rw", "level_ar")
        for months in ("after_cutoff", "later_years")
        for step in ("sd", "mad")
    }


def grant_name(forecast: str, months: str, step: str) -> str:
    return f"grants ({forecast}, {months}" + (", mad steps)" if step == "mad" else ")")


def nareizigers_both(obs, cfg, calendar, origins, n, cache, sel, chosen, scored) -> tuple[pd.DataFrame, str]:
    """Issue 24: the best nareizigers model of the other family (grants vs panel share / annual level, by the
    tuning criterion in `sel`) on every origin, beside the chosen one: nominal levels, nareizigers only."""
    nar = sel[sel["series"] == NAMES[NAR]]
    is_grants = nar["candidate"].str.startswith("grants")
    chosen_is_grants = chosen["nareizigers"] == "grants"
    other = nar[is_grants != chosen_is_grants].sort_values("crps_rel").iloc[0]["candidate"]
    keys = ("nareizigers", "nar_base", "nar_grants", "nar_grant_months", "nar_grant_step")
    pool = {
        "panel_share (panel level_rw)": {"nareizigers": "panel_share", "nar_base": "level_rw"},
        "panel_share (panel ets)": {"nareizigers": "panel_share", "nar_base": "ets"},
        "annual_rw": {"nareizigers": "annual_rw", "nar_base": "level_rw"},
        **{k: {x: v[x] for x in keys} for k, v in grant_candidates({}).items()},
    }
    methods = {**{k: v for k, v in chosen.items() if k not in keys}, **pool[other]}
    cases, sums = backtest_cases(obs, cfg, methods, origins, n=n, cache=cache, calendar=calendar)
    runs = {f"{chosen_name(chosen)} (chosen)": scored, other: score(cases, sums)}
    frames = []
    for name, frame in runs.items():
        s = summary_table(frame[frame["series_id"] == NAR])
        frames.append(s.assign(model=name))
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "model", out.pop("model"))
    return out.drop(columns="series_id"), other


def chosen_name(methods: dict) -> str:
    if methods["nareizigers"] == "grants":
        return grant_name(methods["nar_grants"], methods["nar_grant_months"], methods.get("nar_grant_step", "sd"))
    if methods["nareizigers"] == "panel_share":
        return f"panel_share (panel {methods['nar_base']})"
    return methods["nareizigers"]


def track_record(obs, cfg, calendar, origins, n, cache):
    """Stages 1-4 on the tuning origins, then the chosen model on every origin -> (choices table, chosen
    settings, scored cases, their sample sums)."""
    tuning = SPLIT.tuning(origins)
    log("stage 1: first-request method")
    # every setting explicit, so the stages do not depend on what config/national.yaml says today
    base = {
        "first_scale": 1.0,
        "nareizigers": "panel_share",
        "nar_base": "level_rw",
        "nar_scale": 1.0,
        "repeat": "ratio_to_first",
    }
    args = (tuning, n, cache, calendar)
    first_best, m1, sel1 = run_candidates(obs, cfg, first_candidates(base), FIRST, *args)
    log("stage 2: calibration scale")
    _, m2, sel2 = run_candidates(
        obs, cfg, {f"{first_best} x{s}": {**m1, "first_scale": s} for s in (0.75, 1.0, 1.5)}, FIRST, *args
    )
    log("stage 3: nareizigers method")
    _, m3, sel3 = run_candidates(
        obs,
        cfg,
        {
            "panel_share (panel level_rw)": {**m2, "nareizigers": "panel_share", "nar_base": "level_rw"},
            "panel_share (panel ets)": {**m2, "nareizigers": "panel_share", "nar_base": "ets"},
            "annual_rw": {**m2, "nareizigers": "annual_rw", "nar_base": "level_rw"},
            **grant_candidates(m2),
        },
        NAR,
        *args,
    )
    log("stage 4: repeat requests")
    _, chosen, sel4 = run_candidates(
        obs,
        cfg,
        {"ratio_to_first": {**m3, "repeat": "ratio_to_first"}, "annual_level": {**m3, "repeat": "annual_level"}},
        REPEAT,
        *args,
    )
    log(f"final: every origin with {chosen}")
    cases, sums = backtest_cases(obs, cfg, chosen, origins, n=n, cache=cache, calendar=calendar)
    return pd.concat([sel1, sel2, sel3, sel4], ignore_index=True), chosen, score(cases, sums), sums


def calibrate(scored: pd.DataFrame, sums: np.ndarray):
    """Stage 3 (issue 22): the calibration chosen on tuning origins, fitted on all of them, applied to every
    origin -> (choice table, chosen name, its keys, its levels, calibrated cases)."""
    role = scored["role"].to_numpy()
    tuning = scored[role == "tuning"].reset_index(drop=True)
    tsums = sums[role == "tuning"]
    frames = {name: cross_validated(tuning, tsums, keys) for name, keys in CALIBRATIONS.items()}
    best, crit = choose_on_tuning(SPLIT, frames, calibration_criterion, what="the band calibration")
    rows = []
    for name, f in frames.items():
        row = dict(candidate=name, cases=len(f), pinball_rel=crit[name])
        for b in QUANTILES:
            row[f"{b}_exceeded"] = f[f"{b}_exceeded"].mean()
        row["chosen"] = "yes" if name == best else ""
        rows.append(row)
    keys = CALIBRATIONS[best]
    levels = fit_levels(tuning, keys)
    calibrated = apply_levels(scored.reset_index(drop=True), sums, keys, levels)
    return pd.DataFrame(rows), best, keys, levels, calibrated


def levels_table(keys, levels) -> pd.DataFrame:
    if not keys:
        return pd.DataFrame([{"group": "all", **QUANTILES}])
    rows = []
    for key, lv in levels.items():
        label = " / ".join(HORIZON_NAMES.get(k, NAMES.get(k, k)) for k in key)
        rows.append({"group": label, **lv})
    return pd.DataFrame(rows)


def ours_at_vintages(obs, cfg, calendar, chosen, keys, levels) -> dict[str, pd.DataFrame]:
    """Our annual bands at every official vintage: what was published by its publication month, cut at its
    data cut-off; nominal and calibrated medio."""
    out = {}
    for vintage, v in calendar.mpp_vintages.items():
        cutoff = pd.Period(v.data_cutoff, freq="M")
        known = known_at(obs, v.published, calendar, cutoff=cutoff)
        fc = forecast_national(known, cutoff, cfg, seed=0, n_samples=1000, methods=chosen)
        years, annual = fc.annual()
        table = band_table(annual, fc.series_ids, "year", years, QUANTILES)
        horizon = {y: HORIZONS[target_years(cutoff).index(y)] for y in years if y in target_years(cutoff)}
        cal = []
        for _, r in table.iterrows():
            h = horizon.get(int(r["year"]))
            key = tuple({"horizon": h, "series_id": r["series_id"]}[k] for k in keys) if keys else None
            lv = levels.get(key, QUANTILES) if keys else QUANTILES
            i, j = fc.series_ids.index(r["series_id"]), years.index(int(r["year"]))
            cal.append(float(np.quantile(annual[i, j], lv["medio"])) if h else np.nan)
        out[vintage] = table.assign(medio_calibrated=cal, horizon=[horizon.get(int(y)) for y in table["year"]])
    return out


FMT = {
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
        "pinball_rel",
        *(f"{b}_exceeded" for b in QUANTILES),
        *(f"{b}_se" for b in QUANTILES),
        "official_medio_error",
        "ours_medio_error",
        "ours_medio_calibrated_error",
    )
}
FMT.update(
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
            "official_medio",
            "realised",
            "ours_min",
            "ours_median",
            "ours_medio",
            "ours_medio_calibrated",
            "ours_max",
        )
    }
)
FMT.update({b: "{:.3f}" for b in QUANTILES})
FMT["wape_ratio"] = "{:.2f}"


def summary_md(summary: pd.DataFrame, role: str) -> str:
    s = summary[summary["role"] == role].drop(columns="role").copy()
    s.insert(0, "quantity", s.pop("series_id").map(NAMES))
    s["horizon"] = s["horizon"].map(HORIZON_NAMES)
    return md(s, FMT)


def replace_block(path: Path, text: str, name: str = "") -> None:
    """Replace a generated block of a docs page (between its BEGIN and END markers) with `text`."""
    begin, end = (
        (BLOCK_BEGIN, BLOCK_END) if not name else (f"{BLOCK_BEGIN[:-4]} {name} -->", f"{BLOCK_END[:-4]} {name} -->")
    )
    page = path.read_text()
    if begin not in page or end not in page:
        raise SystemExit(f"{path}: no generated block ({begin} ... {end})")
    head, rest = page.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{text.strip()}\n{end}{tail}")


def table_at(data: Path, cfg, cutoff: str = "2025-06") -> str:
    """The MPP's national table as `mpp forecast --national --cutoff 2025-06` (1,000 paths, seed 0) prints it."""
    from mpp.cli.national import NAMES as LABELS
    from mpp.national.run import annual_table, run_national

    run = run_national(cutoff, data_dir=data, cfg=cfg, seed=0, n_samples=1000)
    a = annual_table(run.bands_annual)
    rows = ["| quantity | year | minimum | median | medio | maximum |", "|---|---|---:|---:|---:|---:|"]
    for _, r in a.iterrows():
        cells = [f"{r[b]:,.0f}" for b in QUANTILES]
        rows.append(f"| {LABELS[r['series_id']]} | {int(r['year'])} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def compare_old_new(summary_old: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Locked origins, every quantity and horizon: the earlier figures (no lags) beside the new ones."""
    cols = ["wape", "wape_naive", "coverage", "medio_exceeded"]
    key = ["series_id", "horizon"]
    a = summary_old[summary_old["role"] == "locked"].set_index(key)[["n", *cols]]
    b = summary[summary["role"] == "locked"].set_index(key)[cols]
    out = a.join(b.add_suffix("_with_lags")).rename(columns={c: f"{c}_no_lags" for c in cols}).reset_index()
    out.insert(0, "quantity", out.pop("series_id").map(NAMES))
    out["horizon"] = out["horizon"].map(HORIZON_NAMES)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--cache", type=Path, default=REPO / ".cache" / "national_backtest")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "national_track_record.md")
    args = ap.parse_args()
    project = Project.discover(REPO)
    data = args.data or project.reference_folder() / "real"  # default: the project's data snapshot
    cfg = load_national_config(project=project)
    calendar = load_release_calendar(project=project)
    obs = load_observations(cfg, data)
    # from 2016-Q1: with publication lags, at 2015-12 the 7-nationality panel (from 2015-01, out a month
    # later) has only three complete quarters, too few for the nareizigers panel model
    origins = quarter_origins(first="2016Q1")
    tuning = SPLIT.tuning(origins)
    n = args.samples
    log(f"{len(origins)} origins, {len(tuning)} tuning; {n} paths each; cache {args.cache}")

    log("== without publication lags (the earlier track record)")
    sel_old, chosen_old, scored_old, _ = track_record(obs, cfg, None, origins, n, args.cache)
    log("== with publication lags (release calendar)")
    sel, chosen, scored, sums = track_record(obs, cfg, calendar, origins, n, args.cache)
    args.cache.mkdir(parents=True, exist_ok=True)
    scored.to_csv(args.cache / "national_backtest_cases.csv", index=False)
    configured = {
        "first": cfg.model.first_asylum_request.method,
        "first_scale": cfg.model.first_asylum_request.scale,
        "first_nowcast": cfg.model.first_asylum_request.nowcast,
        "nareizigers": cfg.model.nareizigers.method,
        "nar_base": cfg.model.nareizigers.base,
        "repeat": cfg.model.repeat_asylum_request.method,
        "nar_grants": cfg.model.nareizigers.grants.forecast,
        "nar_grant_months": cfg.model.nareizigers.grants.months,
        "nar_grant_step": cfg.model.nareizigers.grants.step_scale,
    }
    if configured["nareizigers"] != "grants":  # grant settings only matter for the grants model
        configured = {k: v for k, v in configured.items() if not k.startswith("nar_grant")}
    agree = all(chosen.get(k, configured[k]) == v for k, v in configured.items())
    log(f"chosen with lags: {chosen}; config/national.yaml: {configured} ({'agree' if agree else 'DIFFER'})")
    summary_old, summary = summary_table(scored_old), summary_table(scored)

    log("nareizigers: the best model of the other family on every origin (issue 24: both are reported)")
    both, other = nareizigers_both(
        obs, cfg, calendar, origins, n, cache=args.cache, sel=sel, chosen=chosen, scored=scored
    )
    both_md = md(both.assign(horizon=both["horizon"].map(HORIZON_NAMES)), FMT)

    log("band calibration on tuning origins")
    cal_sel, cal_best, keys, levels, calibrated = calibrate(scored, sums)
    bands = band_exceedance_table(calibrated)
    nominal = band_exceedance_table(apply_levels(scored.reset_index(drop=True), sums, None, {}))

    log("official MPP beside ours")
    realised = realised_annual(obs, cfg)
    ours = ours_at_vintages(obs, cfg, calendar, chosen, keys, levels)
    published = pd.read_csv(data.parent / "mpp_published.csv", dtype={"data_cutoff": str})
    cutoffs = {name: name for name in ours}
    official = official_comparison(published, realised, ours, cutoffs).drop(columns="our_origin")
    medio = medio_comparison(published, realised, ours, calendar)
    TRACK_RECORD_CSV.parent.mkdir(parents=True, exist_ok=True)
    medio.to_csv(TRACK_RECORD_CSV, index=False, float_format="%.6f")
    locked = bands[bands["role"] == "locked"].drop(columns="role")
    locked.to_csv(LOCKED_CSV, index=False, float_format="%.6f")

    first_next = bands[(bands["series_id"] == FIRST) & (bands["role"] == "locked") & (bands["horizon"] == "next")]
    r = first_next.iloc[0]
    verdict = (
        f"National first requests, next year, locked origins ({int(r['n'])} cases): the calibrated medio was "
        f"exceeded in {r['medio_exceeded']:.1%} (SE {r['medio_se']:.1%}; aim 25-40%: "
        f"{'met' if 0.25 <= r['medio_exceeded'] <= 0.40 else 'NOT met'}); WAPE of the calibrated median "
        f"{r['wape']:.1%} vs the naive rule's {r['wape_naive']:.1%} (difference {r['wape_diff']:+.1%}, SE "
        f"{r['wape_diff_se']:.1%}: {'below' if r['wape'] < r['wape_naive'] else 'NOT below'} naive)."
    )
    log(verdict)
    lag_rows = calendar.table()
    parts = [
        "# National track record (generated by scripts/national_backtest.py; do not edit by hand)\n",
        f"Origins every quarter {origins[0]}..{origins[-1]} (quarter-end months), {n} sample paths each. "
        f"Tuning origins {tuning[0]}..{tuning[-1]} made every choice below; locked origins "
        f"{SPLIT.locked(origins)[0]}.. only report. Targets: the rest of the current calendar year, the next "
        "year and the year after (at a December origin: the three years after it). WAPE of the median; "
        "coverage of the minimum-maximum band (P5-P95, 90% expected); medio (P67) exceeded (33% expected); "
        "CRPS of the annual sum (scoringrules); the naive rule's CRPS is its absolute error. Differences are "
        "model minus naive with paired-bootstrap standard errors resampling whole origins.\n",
        "**Publication lags.** Each origin sees only what was published by the end of its month (release "
        "calendar `releases.yaml`, `mpp.data.releases`; the naive rule reads the same): at a quarter-end origin "
        "the quarter that just ended is not out, nor (until February) the year's annual totals. The earlier "
        "table without lags, in which both read values not yet published, is kept below for comparison.\n",
        md(lag_rows),
        "\n## Choices on tuning origins (with publication lags)\n",
        md(sel, FMT),
        f"\nChosen: `{chosen}`; config/national.yaml: `{configured}` ({'agree' if agree else 'DIFFER'}).\n",
        "## Track record with publication lags: locked origins (2021-Q1 onward), nominal levels\n",
        summary_md(summary, "locked"),
        "\n## Nareizigers: both models (issue 24)\n",
        "The chosen nareizigers model and the best of the other family on the tuning criterion "
        f"(**{other}**), each on every origin with publication lags, nominal levels. The grants model: "
        "arrivals = follow-up ratio x grants spread over the following years by an estimated lag "
        "(mpp.national.grants, docs/national.md). Locked rows only report; nothing was chosen on them.\n",
        both_md,
        "\n## Band calibration (issue 22): chosen on tuning origins, reported on locked origins\n",
        "Each band's level is recalibrated from the PITs of the tuning cases (the share of sample sums below "
        "the outcome): a band is put at the sample quantile that the tuning outcomes exceeded as often as its "
        "name says (minimum 95%, median 50%, medio 33%, maximum 5%). Candidates: nominal levels, one set per "
        "horizon (all quantities pooled), one per horizon and quantity; criterion: mean pinball loss of the "
        "four bands relative to the outcome, each tuning origin year's bands calibrated on the other years "
        "(leave one year out), through `choose_on_tuning`.\n",
        md(cal_sel, FMT),
        f"\nChosen: **{cal_best}**. Levels fitted on all tuning origins and used unchanged on locked ones:\n",
        md(levels_table(keys, levels), FMT),
        "\n### Locked origins: how often each band was exceeded (expected: minimum 95%, median 50%, medio "
        "33%, maximum 5%), SE resampling origins; WAPE of the calibrated median vs naive\n",
        summary_md(bands, "locked"),
        f"\n{verdict}\n",
        "\n### The same at nominal levels (for comparison)\n",
        summary_md(nominal, "locked"),
        "\n## For reference: tuning origins with publication lags (in-sample for the choices)\n",
        summary_md(summary, "tuning"),
        "\n## Official MPP beside ours at each vintage\n",
        "Our forecast at a vintage uses what was published by its publication month, cut at its data cut-off "
        "(releases.yaml `mpp_vintages`: MPP 2024-II states 2024-06; the others are assumptions). Relative error "
        "of the central scenario (the official median where published, else its medio; ours: the same "
        "scenario, and our median), nominal levels.\n",
        md(official, FMT),
        "\n### The medio against the official medio (every vintage with a realised year)\n",
        "Our medio at nominal (P67) and calibrated levels; exceeded = the realised figure was above it.\n",
        md(medio, FMT),
        "\n## The earlier track record: without publication lags\n",
        "Both the model and the naive rule read values that were not yet published (the quarter ending at the "
        "origin; at December origins, that year's annual totals).\n",
        md(sel_old, FMT),
        f"\nChosen: `{chosen_old}`.\n",
        "### Locked origins (2021-Q1 onward), without publication lags\n",
        summary_md(summary_old, "locked"),
        "\n## Realised national figures used\n",
        md(
            realised.sort_values(["series_id", "year"]).assign(series_id=lambda d: d["series_id"].map(NAMES)),
            {"value": "{:,.0f}"},
        ),
    ]
    args.out.write_text("\n".join(parts) + "\n")
    fmt2 = {
        **FMT,
        **{
            f"{c}_{w}": "{:.1%}"
            for c in ("wape", "wape_naive", "coverage", "medio_exceeded")
            for w in ("no_lags", "with_lags")
        },
    }
    block = [
        f"From `{args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}` ({n} paths per "
        f"origin, origins {origins[0]}..{origins[-1]}, locked from {SPLIT.locked(origins)[0]}).\n",
        "**Choices on tuning origins, with publication lags** (criterion: mean CRPS / realised; chosen per stage):\n",
        md(sel, FMT),
        f"\nChosen: `{chosen}` (config/national.yaml: {'agrees' if agree else 'differs: ' + str(configured)}).\n",
        "**Locked origins, the earlier record (no lags) beside the record with publication lags** (nominal levels):\n",
        md(compare_old_new(summary_old, summary), fmt2),
        f"\n**Band calibration** chosen on tuning origins: **{cal_best}**. Locked origins, how often each band "
        "was exceeded (SE):\n",
        summary_md(bands, "locked"),
        f"\n{verdict}\n",
        "**Nareizigers: both models** (issue 24; nominal levels, with publication lags):\n",
        both_md,
        "\n**The medio beside the official medio** (every vintage with a realised year):\n",
        md(medio, FMT),
    ]
    replace_block(REPO / "docs" / "national.md", "\n".join(block))
    replace_block(REPO / "docs" / "national.md", table_at(data, cfg), "table")
    # README's block from the packaged tables as written (tests/national/test_national_readme.py checks it)
    replace_block(REPO / "README.md", readme_block(pd.read_csv(LOCKED_CSV), pd.read_csv(TRACK_RECORD_CSV)))
    log(f"written {args.out}, {TRACK_RECORD_CSV.relative_to(REPO)}, {LOCKED_CSV.relative_to(REPO)}")
    print(summary_md(summary, "locked"))
    print(summary_md(bands, "locked"))
    print(md(medio, FMT))
    print(verdict)
    print(both_md)


if __name__ == "__main__":
    main()
