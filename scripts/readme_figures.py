"""Regenerate every accuracy figure of the panel that README and the docs quote, from the commands users run.

    nice -n 10 python scripts/readme_figures.py [--work DIR] [--real PATH]

1. `mpp backtest` (its function, `mpp.flows.backtest`) on the real CBS panel for `baseline`, `naive_conformal`
   and the engine default, quarterly origins 2018-06..2024-06, horizon 12, the release calendar's publication
   lag, without tracking or the peer comparison; resumes from DIR/backtest.
2. The protocol's split of those origins (tuning / locked) and `mpp.backtest.panel_figures.panel_table` ->
   docs/panel_figures.json and docs/panel_figures.md; README's block `panel-accuracy`.
3. `mpp forecast --national --cutoff 2025-06 --seed 0 --overlay <budget_2025_inflow.yaml>` (its functions) ->
   the percentile of the budget's 2027 figure in README's block `overlay-percentile` and docs/overlays.md's, and
   the national row of docs/overlays.md's table (block `overlay-table`: median, P5-P95, implied effect).
4. `mpp forecast --data <real>/<CBS panel> --cutoff 2025-06 --seed 0` (default variant) -> the fan chart of the
   total, docs/img/fan_chart_total.png, and its caption in README's block `fan-chart` (docs/fan_chart.json).
`tests/test_readme_figures.py` checks that README's blocks equal what the generated files render.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORIGINS = "2018-06:2024-06:3"
BACKTEST_CMD = f"mpp backtest --data <real>/cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv --variants baseline,naive_conformal --origins {ORIGINS} --horizon 12 --no-track --no-peer"
ROW_KEYS = ("series_id", "year", "figure", "percentile", "n_paths", "model_median", "model_minimum", "model_maximum")
ROW_KEYS += ("implied_change_pct", "implied_change_pct_low", "implied_change_pct_high")
PANEL = "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"
FAN_CMD = f"mpp forecast --data <real>/{PANEL} --cutoff 2025-06 --seed 0"
NATIONAL_CMD = "mpp forecast --national --data <real> --cutoff 2025-06 --seed 0 --overlay budget_2025_inflow.yaml"


def national_overlay_row(real: Path, out: Path) -> dict:
    """The plausibility row of the budget's 2027 figure, as `mpp forecast --national --overlay` makes it."""
    from mpp.cli.national import national_forecast
    from mpp.overlays import apply_overlays, read_forecast_dir
    from mpp.overlays.io import plausibility_of_targets
    from mpp.spec import load_overlays

    national_forecast(real, "2025-06", out, 0, None, True, False)
    overlay = ROOT / "src/mpp/resources/config/overlays/budget_2025_inflow.yaml"
    plaus = plausibility_of_targets(apply_overlays(read_forecast_dir(out), load_overlays([overlay]), seed=0))
    row = plaus.loc[(plaus["series_id"] == "TOTAL/TOTAL") & (plaus["year"] == 2027)].iloc[0]
    return {k: float(row[k]) if k != "series_id" else row[k] for k in ROW_KEYS}


def fan_chart(real: Path, out: Path, variant: str) -> None:
    """The README's fan chart of the panel total from `mpp forecast` with the default variant."""
    import shutil

    from mpp.flows.commands import forecast_to_dir
    from mpp.flows.stages import fan_chart_png

    forecast_to_dir(real / PANEL, out, cutoff="2025-06", seed=0)
    png = fan_chart_png(out, f"Real CBS panel, 7 nationalities: total, cut-off 2025-06, {variant}")
    shutil.copyfile(png, ROOT / "docs" / "img" / "fan_chart_total.png")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", default=".cache/readme_figures", help="working folder (resumable backtest parts)")
    ap.add_argument(
        "--real", default=None, help="folder of the real data (default: the project reference data or its snapshot)"
    )
    ap.add_argument(
        "--national-only",
        action="store_true",
        help="skip the panel backtest (steps 1-2); the overlay figures and the fan chart are regenerated",
    )
    args = ap.parse_args(argv)
    from mpp.backtest.panel_figures import (
        fan_caption,
        markdown_table,
        monthly_markdown,
        overlay_table,
        panel_table,
        percentile_sentence,
        readme_block,
        write_block,
    )
    from mpp.backtest.protocol import OriginSplit
    from mpp.backtest.runner import parse_origins
    from mpp.flows import backtest
    from mpp.project import Project
    from mpp.spec import BacktestSpec, load_variants

    real = Path(args.real) if args.real else Project.discover().reference_folder() / "real"
    work = Path(args.work)
    table = None
    docs = ROOT / "docs"
    default = load_variants().default
    if not args.national_only:
        variants = list(dict.fromkeys(["baseline", "naive_conformal", default]))
        plan = BacktestSpec(tuple(variants), tuple(parse_origins(ORIGINS)), 12, progress=False, peer=False, track=False)
        res, _ = backtest(real / "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv", plan, work / "backtest")
        table = panel_table(res.detail, OriginSplit())
        (docs / "panel_figures.json").write_text(
            json.dumps(
                {"command": BACKTEST_CMD, "default": default, "table": table.to_dict(orient="records")}, indent=1
            )
            + "\n",
            encoding="utf-8",
        )
        md = [
            "# Panel accuracy from `mpp backtest`",
            "",
            f"Generated by `nice -n 10 python scripts/readme_figures.py`, which runs `{BACKTEST_CMD}` (the release "
            "calendar's publication lag applies). Origins are split as in the skill protocol: tuning up to 2021-12, "
            "locked from 2022-03. Do not edit by hand.",
            "",
            markdown_table(table, "locked"),
            "",
            markdown_table(table, "tuning"),
            "",
            "## The monthly path",
            "",
            "Monthly values of the same series (the first 12 months after the last published month) and the sum of "
            "the next 6 months against two naive rules (the last 6 months; half the last 12 months):",
            "",
            monthly_markdown(table),
            "",
        ]
        (docs / "panel_figures.md").write_text("\n".join(md), encoding="utf-8")

    row = national_overlay_row(real, work / "national-2025-06")
    (docs / "overlay_percentile.json").write_text(
        json.dumps(
            {"command": NATIONAL_CMD, "row": row},
            default=float,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    fan_chart(real, work / "forecast-2025-06", default)
    (docs / "fan_chart.json").write_text(
        json.dumps({"command": FAN_CMD, "variant": default}, indent=1) + "\n", encoding="utf-8"
    )
    readme = ROOT / "README.md"
    text = write_block(readme.read_text(encoding="utf-8"), "fan-chart", fan_caption(default, FAN_CMD))
    if table is not None:
        text = write_block(text, "panel-accuracy", readme_block(table, BACKTEST_CMD, default))
    text = write_block(text, "overlay-percentile", percentile_sentence(row, NATIONAL_CMD))
    readme.write_text(text, encoding="utf-8")
    overlays_md = docs / "overlays.md"
    text = write_block(
        overlays_md.read_text(encoding="utf-8"), "overlay-percentile", percentile_sentence(row, NATIONAL_CMD)
    )
    overlays_md.write_text(write_block(text, "overlay-table", overlay_table(row, NATIONAL_CMD)), encoding="utf-8")
    if table is not None:
        print(readme_block(table, BACKTEST_CMD, default))
    print(percentile_sentence(row, NATIONAL_CMD))
    return 0


if __name__ == "__main__":
    sys.exit(main())
