"""`mpp occupancy` (project COA occupancy from a forecast directory) and `mpp occupancy-scenario` (write
documented scenario inflow paths in the forecast directory format)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import typer

from mpp.cli.app import app, console
from mpp.errors import DataError
from mpp.occupancy.inputs import write_stream_paths
from mpp.occupancy.run import project_from_forecast
from mpp.occupancy.scenario import load_scenario_spec, scenario_inflow, seasonal_profile
from mpp.provenance import code_version, hash_file


@app.command("occupancy", epilog="Example: mpp occupancy --forecast out/2025-06/anchored "
             "--assumptions config/assumptions/kernprognose_2025.yaml --out out/2025-06/anchored/occupancy --sensitivity")
def occupancy_cmd(
    forecast: Path = typer.Option(..., "--forecast", help="forecast directory (paths.parquet + manifest.json)"),
    assumptions: Path = typer.Option(..., "--assumptions", help="assumptions YAML (see config/assumptions/)"),
    out: Path = typer.Option(..., "--out", help="output directory"),
    sensitivity: bool = typer.Option(False, "--sensitivity", help="also write sensitivity.csv (+10% per assumption)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    as_json: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
) -> None:
    """Project COA reception occupancy and write occupancy_bands.csv and manifest.json."""
    manifest = project_from_forecast(forecast, assumptions, out, sensitivity=sensitivity)
    if as_json:
        print(json.dumps(manifest, indent=2, default=str))
    if quiet or as_json:
        return
    for w in manifest["warnings"]:
        console.print(f"[yellow]warning:[/] {w}")
    console.print("median occupancy at end of year: "
                  + ", ".join(f"{y}: {v:,.0f}" for y, v in manifest["median_occupancy_end_of_year"].items())
                  + f"  -> {out}")


@app.command("occupancy-scenario", epilog="Example: mpp occupancy-scenario --spec "
             "config/assumptions/kernprognose_2025_inflow.yaml --panel "
             "../shared/data/real/cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv --out out/scenario")
def occupancy_scenario_cmd(
    spec: Path = typer.Option(..., "--spec", help="scenario inflow YAML (e.g. config/assumptions/*_inflow.yaml)"),
    panel: Path = typer.Option(..., "--panel", help="real monthly panel CSV (period, stream, value) for the "
                               "seasonal profile, e.g. ../shared/data/real/cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"),
    out: Path = typer.Option(..., "--out", help="output directory in the forecast format"),
) -> None:
    """Write SCENARIO inflow paths (not a forecast) in the forecast directory format."""
    s = load_scenario_spec(spec)
    try:
        df = pd.read_csv(panel)
    except FileNotFoundError:
        raise DataError(f"panel not found: {panel}") from None
    names = {sc.seasonal_profile for sc in s.streams.values()} - {"flat"}
    profiles = {n: seasonal_profile(df, n) for n in names}
    streams, periods, paths = scenario_inflow(s, profiles)
    manifest = {
        "stage": "scenario_inflow",
        "label": s.label,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "cutoff": str(periods[0] - 1),
        "seed": s.seed,
        "data_hash": hash_file(panel),
        "config_hash": hash_file(spec),
        "profiles": {n: [round(float(v), 5) for v in p] for n, p in profiles.items()},
    }
    write_stream_paths(out, streams, periods, paths, manifest)
    console.print(f"scenario inflow ({s.n_samples} samples, {periods[0]}..{periods[-1]}) -> {out}")
