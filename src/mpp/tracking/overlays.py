"""What MLflow records about the overlays of a run: each file's name, hash, status and version as parameters
(the monthly flow logs them, and the overlay outputs as artifacts under `overlays/`, through
mpp.tracking.monthly)."""

from __future__ import annotations


def overlay_params(overlays) -> dict[str, str]:
    """{"overlays": "a,b", "overlay.a.sha256": ..., "overlay.a.status": ..., "overlay.a.version": ...}."""
    params = {"overlays": ",".join(lo.name for lo in overlays) or "none"}
    for lo in overlays:
        params[f"overlay.{lo.name}.sha256"] = lo.sha256
        params[f"overlay.{lo.name}.status"] = lo.overlay.status
        params[f"overlay.{lo.name}.version"] = lo.overlay.version
    return params
