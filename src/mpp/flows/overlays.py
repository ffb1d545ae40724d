"""The overlay stage of a run, from files to files: `mpp forecast --overlay`, `mpp forecast --national --overlay`
and `mpp monthly` write the model + overlays run here, after the model-only forecast is written. The model-only
files are read, never changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mpp.flows.forecast import write_forecast
from mpp.flows.occupancy import project_from_forecast
from mpp.occupancy.assumptions import Assumptions
from mpp.occupancy.run import ForecastMissesStart
from mpp.overlays.apply import OverlayRun, apply_overlays
from mpp.overlays.io import SUBDIR, plausibility_of_targets, read_forecast_dir
from mpp.overlays.occupancy import apply_to_assumptions
from mpp.provenance import atomic_write_csv, atomic_write_text
from mpp.revision import revision_waterfall, waterfall_markdown


def write_overlay_run(run: OverlayRun, forecast_dir: str | Path) -> Path:
    """Write the overlay outputs into `<forecast_dir>/overlays/`; the model-only files are not touched."""
    out = Path(forecast_dir) / SUBDIR
    out.mkdir(parents=True, exist_ok=True)
    for lo in run.overlays:
        atomic_write_text(out / "files" / f"{lo.name}.yaml", lo.text)
    atomic_write_csv(out / "summary.csv", run.summary())
    atomic_write_csv(out / "contributions.csv", run.contributions)
    atomic_write_csv(out / "implied.csv", run.implied)
    atomic_write_csv(out / "plausibility.csv", plausibility_of_targets(run))
    write_forecast(run.total, out)  # the manifest last
    return out


@dataclass
class OverlayStage:
    run: OverlayRun
    directory: Path  # <forecast>/overlays
    occupancy_dir: Path | None = None


def overlay_stage(
    forecast_dir: str | Path, overlays: list, seed: int | None = None, assumptions: Assumptions | None = None
) -> OverlayStage | None:
    """Apply `overlays` to the forecast in `forecast_dir`, write `<forecast_dir>/overlays/` and, with
    `assumptions`, the occupancy of model + overlays (inflow and occupancy effects) in `overlays/occupancy/`.
    None without overlays."""
    if not overlays:
        return None
    forecast_dir = Path(forecast_dir)
    run = apply_overlays(read_forecast_dir(forecast_dir), overlays, seed=seed)
    out = write_overlay_run(run, forecast_dir)
    occ = None
    if assumptions is not None:
        try:
            project_from_forecast(
                out, assumptions, out / "occupancy", overlays=overlays, overlay_effects=apply_to_assumptions
            )
            occ = out / "occupancy"
        except ForecastMissesStart:
            occ = None
    return OverlayStage(run, out, occ)


def write_waterfall(
    current_dir: str | Path,
    previous_dir: str | Path | None,
    previous_model: pd.DataFrame,
    cutoff: str,
    previous_cutoff: str,
    variant: str,
    bridge_model: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """revision_waterfall.csv/.md in `current_dir`: the change since the previous forecast split into new data,
    model change and overlays. `previous_model` = the previous model-only annual bands (e.g. from the registry);
    the previous model + overlays bands are read from `<previous_dir>/overlays/` when that exists (else the
    previous forecast had no overlays); `bridge_model` = the previous configuration on the new data (None: the
    model configuration did not change)."""
    current_dir = Path(current_dir)
    current_model = pd.read_csv(current_dir / "bands_annual.csv")
    cur_total_file = current_dir / SUBDIR / "bands_annual.csv"
    current_total = pd.read_csv(cur_total_file) if cur_total_file.is_file() else None
    previous_total = None
    if previous_dir is not None and (Path(previous_dir) / SUBDIR / "bands_annual.csv").is_file():
        previous_total = pd.read_csv(Path(previous_dir) / SUBDIR / "bands_annual.csv")
    table = revision_waterfall(
        previous_model,
        current_model,
        previous_total=previous_total,
        current_total=current_total,
        bridge_model=bridge_model,
    )
    atomic_write_csv(current_dir / "revision_waterfall.csv", table)
    atomic_write_text(
        current_dir / "revision_waterfall.md", waterfall_markdown(table, cutoff, previous_cutoff, variant)
    )
    return table
