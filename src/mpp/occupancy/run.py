"""Occupancy from a forecast directory to its output files: the one I/O entry point that `mpp occupancy` and
the monthly pipeline share."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from mpp.errors import DataError
from mpp.occupancy.assumptions import load_assumptions
from mpp.occupancy.inputs import read_stream_paths
from mpp.occupancy.model import Stocks, project_occupancy
from mpp.occupancy.outputs import end_of_year_median, occupancy_bands, sensitivity_table
from mpp.provenance import atomic_write_csv, atomic_write_json, code_version, hash_file, hash_json


class ForecastMissesStart(DataError):
    """The forecast does not cover the month the assumptions' initial stocks start from."""


def project_from_forecast(forecast: Path, assumptions: Path, out: Path, sensitivity: bool = False) -> dict:
    """Project from the assumptions' initial-stock month on (the forecast must reach it); write
    occupancy_bands.csv (and sensitivity.csv) and manifest.json into `out`; return the manifest."""
    forecast, assumptions, out = Path(forecast), Path(assumptions), Path(out)
    a = load_assumptions(assumptions)
    streams, periods, paths, fmanifest = read_stream_paths(forecast)
    start = pd.Period(a.initial_stocks.date[:7], freq="M")
    if start not in periods:
        raise ForecastMissesStart(f"the forecast covers {periods[0]}..{periods[-1]} but the assumptions' initial stocks are "
                        f"for {a.initial_stocks.date} (first projected month {start})")
    i = periods.get_loc(start)
    paths, periods = paths[:, i:], periods[i:]
    result = project_occupancy(Stocks.from_assumptions(a), paths, periods, a, streams)
    atomic_write_csv(out / "occupancy_bands.csv", occupancy_bands(result))
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
        atomic_write_csv(out / "sensitivity.csv", sensitivity_table(None, paths, periods, a, streams))
    atomic_write_json(out / "manifest.json", manifest)
    return manifest
