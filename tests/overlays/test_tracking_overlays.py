"""Overlay files, hashes and outputs are logged with the run (through mpp.tracking, the only MLflow user)."""

from __future__ import annotations

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from mpp.overlays import apply_overlays, write_overlay_run

from mpp.spec import load_overlays
from mpp.tracking.overlays import log_overlays


@pytest.mark.slow
def test_overlays_logged_to_mlflow(result, overlay_file, tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    ov = load_overlays([overlay_file("cut", "- {start: 2026-01, change: multiplicative, size: 0.9}", status="adopted")])
    run = apply_overlays(result, ov)
    out = write_overlay_run(run, tmp_path / "fc")
    exp = mlflow.create_experiment("t", artifact_location=(tmp_path / "art").as_uri())
    with mlflow.start_run(experiment_id=exp) as r:
        log_overlays(ov, out)
    client = MlflowClient(uri)
    params = client.get_run(r.info.run_id).data.params
    assert params["overlays"] == "cut" and params["overlay.cut.sha256"] == ov[0].sha256
    assert params["overlay.cut.status"] == "adopted"
    arts = {a.path for a in client.list_artifacts(r.info.run_id, "overlays")}
    assert {"overlays/summary.csv", "overlays/files", "overlays/manifest.json"} <= arts
