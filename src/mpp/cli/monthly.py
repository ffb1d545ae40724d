"""`mpp monthly` (the README's main command), `mpp compare` (variants side by side) and `mpp ui` (MLflow UI)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from mpp.cli.app import app, console
from mpp.cli.render import BANDS, annual_bands_table
from mpp.errors import MppError, RunFailed
from mpp.redact import mask_secrets
from mpp.strict import month_option, past_month_option

HOME_HELP = "Folder holding mlruns/, data/store/ and out/ (default: $MPP_HOME or the repository)."


@app.command(
    "monthly",
    epilog="Example: mpp monthly --data ../shared/data/real/cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv "
    "--cutoff 2025-06.  Exit codes: 0 ok, 2 usage, 3 data invalid, 4 config invalid, 5 tracking server "
    "unreachable, 6 run failed (nothing registered or promoted), 73 cannot write, 75 another run holds the lock. "
    "See docs/scheduling.md.",
)
def monthly_command(
    data: Path = typer.Option(None, "--data", help="Realisations file (CSV/CBS/Eurostat); default: the bundled "
                              "generated sample panel (data/sample/sample.csv)."),
    cutoff: str = typer.Option(None, "--cutoff", callback=month_option, help="Last month used (YYYY-MM); default: last month of the data."),
    vintage: str = typer.Option(None, "--vintage", callback=past_month_option,
                                help="Publication month of this data, YYYY-MM (default: cut-off + 1)."),
    home: Path = typer.Option(None, "--home", "--mlruns-home", help=HOME_HELP),
    config: Path = typer.Option(None, "--config", help="Pipeline configuration (default config/pipeline.yaml)."),
    samples: int = typer.Option(None, "--samples", min=20, help="Sample paths per series (default from config)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (run, versions, decisions) for scripts."),
) -> None:
    """Monthly re-estimation: ingest, validate, forecast every variant, occupancy, backtest gating, MLflow
    tracking and registry, revision report; ends with the annual bands and the champion decision."""
    from pipelines.monthly_reestimation import run_monthly

    silent = quiet or as_json
    res = run_monthly(data=data, cutoff=cutoff, vintage=vintage, home=home, config=config, n_samples=samples,
                      echo=(lambda s: None) if silent else (lambda s: console.print(s, highlight=False)))
    if as_json:
        print(json.dumps(monthly_summary(res), indent=2, default=str))
    if silent:
        return
    cand = res.outcomes[res.candidate]
    if (cand.out_dir / "bands_annual.csv").is_file():
        console.print(annual_bands_table(pd.read_csv(cand.out_dir / "bands_annual.csv"),
                                         f"Annual bands, {res.candidate}, cut-off {res.cutoff} "
                                         f"(data vintage {res.vintage})"))
    if cand.revision_lines:
        console.print(f"[bold]Revisions against version {cand.previous_version or 'previous'}[/]")
        for line in cand.revision_lines:
            console.print(f"  {line}", highlight=False)
    t = Table(title="Champion decision" + (" (reused finished run)" if res.reused else ""), title_justify="left")
    for col in ("model", "version", "alias", "reasons"):
        t.add_column(col)
    for v, o in res.outcomes.items():
        alias = o.decision.alias if o.decision else "-"
        t.add_row(f"{res.model_prefix}-{v}" + (" *" if v == res.candidate else ""), str(o.version or "-"),
                  alias if o.new_version or res.reused else f"{alias} (existing version)",
                  "; ".join(o.decision.reasons) if o.decision else "version with the same run key reused")
    console.print(t)
    console.print(f"* published variant. Outputs: {res.out_dir.parent}; MLflow run {res.parent_run_id} "
                  f"({mask_secrets(res.tracking_uri)})", highlight=False)


def monthly_summary(res) -> dict:
    """What a scheduler or script needs from a monthly run, as plain data."""
    return {
        "cutoff": res.cutoff, "vintage": res.vintage, "data_hash": res.data_hash, "reused": res.reused,
        "published_variant": res.candidate, "mlflow_run_id": res.parent_run_id, "tracking_uri": mask_secrets(res.tracking_uri),
        "variants": {v: {"out_dir": str(o.out_dir), "version": o.version, "new_version": o.new_version,
                         "alias": o.decision.alias if o.decision else None,
                         "reasons": o.decision.reasons if o.decision else [], "metrics": o.metrics,
                         "revision": o.revision_lines}
                     for v, o in res.outcomes.items()},
    }


@app.command("compare", epilog="Example: mpp compare --cutoff 2025-06 --variants baseline,anchored,calibrated")
def compare_command(
    cutoff: str = typer.Option(..., "--cutoff", callback=month_option, help="Cut-off month of the tracked runs (YYYY-MM)."),
    variants: str = typer.Option(..., "--variants", help="Comma-separated variant names, e.g. baseline,robust."),
    home: Path = typer.Option(None, "--home", help=HOME_HELP),
    out: Path = typer.Option(None, "--out", help="Overlay fan chart PNG (default out/<cutoff>/compare.png)."),
    series: str = typer.Option("TOTAL/TOTAL", "--series", help="Series of the overlay chart."),
) -> None:
    """Annual bands and backtest scores of tracked variant runs side by side, and an overlay fan chart."""
    from mpp.tracking.compare import compare_runs, overlay_chart
    from mpp.tracking.config import Locations, load_pipeline_config

    loc = Locations.resolve(home)
    names = [v.strip() for v in variants.split(",") if v.strip()]
    runs = compare_runs(loc, cutoff, names, load_pipeline_config()[0].experiment)
    bands = pd.concat([r.bands_annual.assign(variant=v) for v, r in runs.items()], ignore_index=True)
    bands = bands[bands["level"].isin(["total", "stream"])]
    t = Table(title=f"Annual bands at cut-off {cutoff}", title_justify="left")
    for col in ("series", "year", "variant", *BANDS):
        t.add_column(col, justify="left" if col in ("series", "variant") else "right")
    for (sid, year), g in bands.groupby(["series_id", "year"], sort=True):
        for _, row in g.iterrows():
            t.add_row(sid, str(year), row["variant"], *(f"{round(row[b], -1):,.0f}" for b in BANDS))
    console.print(t)
    metrics = sorted({k for r in runs.values() for k in r.metrics})
    s = Table(title="Backtest scores (gating backtest of each run)", title_justify="left")
    s.add_column("metric")
    for v in runs:
        s.add_column(v, justify="right")
    for m in metrics:
        s.add_row(m, *(f"{runs[v].metrics[m]:.4g}" if m in runs[v].metrics else "-" for v in runs))
    console.print(s)
    path = overlay_chart(runs, series, out or loc.out / cutoff / "compare.png", f"{series}, cut-off {cutoff}")
    console.print(f"overlay fan chart: {path}", highlight=False)


@app.command("ui", epilog="Example: mpp ui --port 5000   (then open http://127.0.0.1:5000)")
def ui_command(
    home: Path = typer.Option(None, "--home", help=HOME_HELP),
    port: int = typer.Option(5000, "--port", help="Port on 127.0.0.1."),
) -> None:
    """Start the MLflow UI on 127.0.0.1 for the runs and registered models of `mpp monthly`."""
    import subprocess
    import sys

    from mpp.tracking.config import Locations

    loc = Locations.resolve(home)
    uri = loc.tracking_uri()
    if not uri.startswith("sqlite:"):
        raise MppError(f"MLFLOW_TRACKING_URI points at a server ({mask_secrets(uri)}): open it in the browser "
                       "instead")
    console.print(f"MLflow UI for {uri} on http://127.0.0.1:{port} (Ctrl-C to stop)", highlight=False)
    cmd = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", uri, "--host", "127.0.0.1",
           "--port", str(port)]
    if (root := loc.artifact_root()) is not None:
        cmd += ["--default-artifact-root", root]
    rc = subprocess.call(cmd)
    if rc != 0:  # only documented exit codes leave mpp (docs/scheduling.md)
        raise RunFailed(f"the MLflow UI stopped with exit code {rc}")
