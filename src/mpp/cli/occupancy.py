"""`mpp occupancy` (project COA occupancy from a forecast directory) and `mpp occupancy-scenario` (write
documented scenario inflow paths in the forecast directory format)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import typer

from mpp.cli.app import app, console
from mpp.errors import DataError
from mpp.occupancy.assumptions import load_assumptions
from mpp.occupancy.inputs import read_stream_paths, write_stream_paths
from mpp.occupancy.model import Stocks, project_occupancy
from mpp.occupancy.outputs import end_of_year_median, occupancy_bands, sensitivity_table
from mpp.occupancy.scenario import load_scenario_spec, scenario_inflow, seasonal_profile
from mpp.provenance import atomic_write_csv, atomic_write_json, code_version, hash_file, hash_json


@app.command("occupancy", epilog="Example: mpp occupancy --forecast out/2025-06/anchored "
             "--assumptions config/assumptions/kernprognose_2025.yaml --out out/2025-06/anchored/occupancy --sensitivity")
def occupancy_cmd(
    forecast: Path = typer.Option(..., "--forecast", help="forecast directory (paths.parquet + manifest.json)"),
    assumptions: Path = typer.Option(..., "--assumptions", help="assumptions YAML (see config/assumptions/)"),
    out: Path = typer.Option(..., "--out", help="output directory"),
    sensitivity: bool = typer.Option(False, "--sensitivity", help="also write sensitivity.csv (+10% per assumption)"),
) -> None:
    """Project COA reception occupancy and write occupancy_bands.csv and manifest.json."""
    a = load_assumptions(assumptions)
    streams, periods, paths, fmanifest = read_stream_paths(forecast)
    start = pd.Period(a.initial_stocks.date[:7], freq="M")
    if periods[0] != start:
        raise DataError(f"the forecast starts in {periods[0]} but the assumptions' initial stocks are for "
                        f"{a.initial_stocks.date} (first projected month {start})")
    result = project_occupancy(Stocks.from_assumptions(a), paths, periods, a, streams)
    bands = occupancy_bands(result)
    atomic_write_csv(out / "occupancy_bands.csv", bands)
    eoy = end_of_year_median(result)
    manifest = {
        "stage": "occupancy",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "assumptions_file": str(assumptions),
        "assumptions_hash": hash_file(assumptions),
        "assumptions_name": a.name,
        "assumptions_version": a.version,
        "assumptions_content_hash": hash_json(a.model_dump(mode="json")),
        "forecast_dir": str(forecast),
        "forecast_manifest_hash": hash_file(forecast / "manifest.json"),
        "forecast_paths_hash": hash_file(forecast / "paths.parquet"),
        "forecast": {k: fmanifest.get(k) for k in ("cutoff", "seed", "data_hash", "config_hash", "code_version",
                                                   "label")},
        "warnings": fmanifest.get("occupancy_warnings", []),
        "periods": [str(periods[0]), str(periods[-1])],
        "n_samples": int(paths.shape[2]),
        "median_occupancy_end_of_year": {str(k): round(v, 1) for k, v in eoy.items()},
        "outputs": ["occupancy_bands.csv"] + (["sensitivity.csv"] if sensitivity else []),
    }
    if sensitivity:
        table = sensitivity_table(None, paths, periods, a, streams)
        atomic_write_csv(out / "sensitivity.csv", table)
    atomic_write_json(out / "manifest.json", manifest)
    for w in manifest["warnings"]:
        console.print(f"[yellow]warning:[/] {w}")
    console.print(f"median occupancy at end of year: "
                  + ", ".join(f"{y}: {v:,.0f}" for y, v in eoy.items()) + f"  -> {out}")


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
