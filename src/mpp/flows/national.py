"""Writing a national forecast run (`mpp.national.run.FILES`): `mpp forecast --national` and the monthly run."""

from __future__ import annotations

from pathlib import Path

from mpp.data.observations import stored_table
from mpp.national.run import NationalRun, paths_frame
from mpp.provenance import atomic_write_csv, atomic_write_json, atomic_write_parquet


def write_national(run: NationalRun, out_dir: str | Path) -> Path:
    """Every file atomically, the manifest last."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_csv(out / "bands_monthly.csv", run.bands_monthly)
    atomic_write_csv(out / "bands_quarterly.csv", run.bands_quarterly)
    atomic_write_csv(out / "bands_annual.csv", run.bands_annual)
    atomic_write_parquet(out / "paths.parquet", paths_frame(run.forecast))
    atomic_write_csv(out / "observations.csv", stored_table(run.observations))
    atomic_write_csv(out / "findings.csv", run.findings)
    atomic_write_json(out / "manifest.json", run.manifest)
    return out
