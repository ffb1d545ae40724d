"""Policy overlays: quantified measures and published figures as versioned, visible adjustments of the model's
sample paths (see docs/overlays.md).

    from mpp.overlays import apply_overlays
    from mpp.spec import load_overlays   # the files are read (strictly) by the spec loader
    run = apply_overlays(result, load_overlays(["config/overlays/budget_2025_inflow.yaml"]))
    # mpp.flows.overlays.write_overlay_run(run, "out/fc") writes out/fc/overlays/: model + overlays, summary, ...
"""

from mpp.overlays.apply import OverlayRun, apply_overlays, phase_weights, summary_table
from mpp.overlays.io import SUBDIR, plausibility_of_targets, read_forecast_dir, summary_wide
from mpp.overlays.occupancy import apply_to_assumptions
from mpp.overlays.plausibility import percentile_of, plausibility, plausibility_table
from mpp.overlays.schema import LoadedOverlay, Overlay, parse_overlay

__all__ = [
    "Overlay",
    "LoadedOverlay",
    "parse_overlay",
    "apply_overlays",
    "OverlayRun",
    "phase_weights",
    "summary_table",
    "summary_wide",
    "plausibility_of_targets",
    "plausibility",
    "plausibility_table",
    "percentile_of",
    "apply_to_assumptions",
    "SUBDIR",
    "read_forecast_dir",
]
