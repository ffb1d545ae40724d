"""MLflow logging of the overlays applied in a run: each file, its hash and status as parameters, the overlay
outputs (model + overlays, summary, contributions, plausibility, the files themselves) as artifacts."""

from __future__ import annotations

from pathlib import Path

import mlflow


def overlay_params(overlays) -> dict[str, str]:
    """{"overlays": "a,b", "overlay.a.sha256": ..., "overlay.a.status": ..., "overlay.a.version": ...}."""
    params = {"overlays": ",".join(lo.name for lo in overlays) or "none"}
    for lo in overlays:
        params[f"overlay.{lo.name}.sha256"] = lo.sha256
        params[f"overlay.{lo.name}.status"] = lo.overlay.status
        params[f"overlay.{lo.name}.version"] = lo.overlay.version
    return params


def log_overlays(overlays, overlay_dir: str | Path | None) -> None:
    """In the active MLflow run: the overlay parameters, and the overlay folder under artifacts `overlays/`."""
    mlflow.log_params(overlay_params(overlays))
    if overlays and overlay_dir is not None and Path(overlay_dir).is_dir():
        mlflow.log_artifacts(str(overlay_dir), "overlays")
