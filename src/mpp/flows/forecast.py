"""Writing a forecast directory (`mpp.forecast.io.FILES`): `mpp forecast`, the monthly run and the overlay
run's model + overlays all write it here."""

from __future__ import annotations

from pathlib import Path

from mpp.forecast.engine import ForecastResult
from mpp.forecast.io import history_frame, paths_frame
from mpp.provenance import atomic_write_csv, atomic_write_json, atomic_write_parquet


def write_forecast(result: ForecastResult, out_dir: str | Path) -> Path:
    """Write the forecast's files; each file is written atomically, the manifest last."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_csv(out / "bands_monthly.csv", result.bands_monthly)
    atomic_write_csv(out / "bands_annual.csv", result.bands_annual)
    atomic_write_parquet(out / "paths.parquet", paths_frame(result))
    atomic_write_csv(out / "history.csv", history_frame(result))
    atomic_write_csv(out / "fits.csv", result.fits)
    atomic_write_json(out / "manifest.json", result.manifest)
    return out
