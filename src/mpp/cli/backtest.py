"""`mpp backtest`: rolling-origin evaluation of model variants against realised inflow."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from mpp.cli.app import app, console


@app.command(
    "backtest",
    epilog="Example (bundled sample): mpp data sample --out sample.csv; mpp backtest --data sample.csv"
    " --variants baseline,auto,robust --origins 2019-06:2024-06:3 --horizon 12 --out out/backtest",
)
def backtest_command(
    data: Path = typer.Option(..., "--data", help="Realisations: a data file, or a vintage store folder."),
    variants: str = typer.Option(..., "--variants", help="Comma-separated variants; baseline is always added."),
    origins: str = typer.Option(..., "--origins", help="FIRST:LAST[:STEP] months, e.g. 2019-06:2024-06:3."),
    horizon: int = typer.Option(24, "--horizon", min=1, help="Months forecast at each origin."),
    out: Path = typer.Option(..., "--out", help="Results folder (resumes the parts already in it)."),
    seed: int = typer.Option(0, "--seed", help="Random seed: same data, settings and seed give the same numbers."),
    workers: int = typer.Option(1, "--workers", min=1, help="Parallel processes across origins."),
    backend: str = typer.Option("processes", "--backend", help="processes or dask."),
    no_peer: bool = typer.Option(
        False,
        "--no-peer",
        help="Skip the comparison with official MPP forecasts "
        "(mpp_published.csv of the project's reference data, by default its data snapshot).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    track: bool = typer.Option(True, "--track/--no-track", help="Log to MLflow: a parent run, a child per variant."),
    home: Path = typer.Option(
        None, "--home", help="Project folder (default: $MPP_HOME or the project around the working directory)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the headline and summary metrics as JSON."),
    publication_lag: int = typer.Option(
        None,
        "--publication-lag",
        min=0,
        help="Months between a month's end and its publication: an origin sees data to origin - lag and the "
        "months in between are forecast (default: the release calendar's lag of the CBS monthly panel, "
        "releases.yaml).",
    ),
) -> None:
    """Refit every variant at every origin on data known then, score the forecasts, write tables and plots."""
    from mpp.backtest.runner import parse_origins
    from mpp.flows import backtest
    from mpp.spec import BacktestSpec

    plan = BacktestSpec(
        variants=tuple(v.strip() for v in variants.split(",") if v.strip()),
        origins=tuple(parse_origins(origins)),
        horizon=horizon,
        seed=seed,
        workers=workers,
        backend=backend,
        progress=not (quiet or as_json),
        publication_lag=publication_lag,
        peer=not no_peer,
        track=track,
    )
    res, run_id = backtest(data, plan, out, home=home)
    if as_json:
        print(
            json.dumps(
                {
                    "out_dir": str(out),
                    "wall_seconds": res.wall_seconds,
                    "mlflow_run_id": run_id,
                    "headline": res.headline.to_dict(orient="records"),
                    "metrics": res.metrics,
                },
                indent=2,
                default=str,
            )
        )
        return
    table = Table(title=f"Headline (next-12-month totals, bottom series) - wall time {res.wall_seconds:.1f} s")
    heads = res.headline.loc[res.headline["level"] == "stream_nationality"]
    for col in ("variant", "wape", "coverage90", "width_rel", "crps skill (se)", "exceed medio", "beats baseline"):
        table.add_column(col, justify="right")
    for r in heads.itertuples():
        table.add_row(
            r.variant,
            f"{r.wape_next12:.3f}",
            f"{r.coverage90_next12:.1%}",
            f"{r.width_rel_next12:.2f}",
            f"{r.crps_skill:+.3f} ({r.crps_skill_se:.3f})",
            f"{r.exceed_medio:.1%}",
            "yes" if r.beats_baseline_wape else "no",
        )
    console.print(table)
    rank = Table(title="Ranking by level (monthly, mean scaled CRPS)")
    for col in ("level", "rank", "variant", "crps_scaled", "mase", "coverage min-max"):
        rank.add_column(col, justify="right")
    for r in res.ranking.itertuples():
        rank.add_row(
            r.level, str(r.rank), r.variant, f"{r.crps_scaled:.3f}", f"{r.mase:.3f}", f"{r.coverage_min_max:.1%}"
        )
    console.print(rank)
    console.print(f"written to {out} (summary.md, summary.html, scores.csv, ...)")
    if run_id:
        console.print(f"logged to MLflow: parent run {run_id} (experiment mpp-backtest)")
