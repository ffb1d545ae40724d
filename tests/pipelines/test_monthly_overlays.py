"""`mpp monthly` with overlays in the pipeline config, on the real CBS panel: model + overlays beside the
unchanged model-only outputs (byte-identical to a run without overlays, same gating scores), overlay files and
hashes logged to MLflow, and a revision waterfall whose steps add up exactly, including a model change (the
previous settings re-run on the new data)."""

from __future__ import annotations

import filecmp
import re

import pandas as pd
import pytest
from conftest import PIPELINE_YAML
from mlflow.tracking import MlflowClient

from mpp.flows import run_monthly
from mpp.project import Project

pytestmark = pytest.mark.slow

OVERLAY = """name: pact_test
version: 1
description: test overlay on first requests
source: {document: test, date: "2026"}
status: illustrative
effects:
  - {streams: [first_asylum_request], start: 2025-09, phase_in_months: 3, change: multiplicative,
     size: {quantiles: {0.05: 0.7, 0.5: 0.9, 0.95: 1.0}}}
"""
PIPELINE = PIPELINE_YAML.replace("variants: [baseline]", "variants: [drift]")


def test_monthly_with_overlays(fast_config, tmp_path, cbs_monthly_path, monkeypatch):
    (fast_config / "overlays").mkdir()
    (fast_config / "overlays" / "pact.yaml").write_text(OVERLAY)
    (fast_config / "pipeline.yaml").write_text(PIPELINE + "overlays: [overlays/pact.yaml]\n")
    home, plain = tmp_path / "home", tmp_path / "plain"
    first = run_monthly(data=cbs_monthly_path, cutoff="2025-05", home=home, echo=lambda s: None)
    forecast_yaml = fast_config / "forecast.yaml"
    forecast_yaml.write_text(forecast_yaml.read_text().replace("n_samples: 60", "n_samples: 50"))  # a model change
    second = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=lambda s: None)
    d = second.out_dir
    assert (d / "overlays" / "summary.csv").is_file() and (d / "overlays" / "files" / "pact_test.yaml").is_file()

    # the model-only outputs and the gating scores are those of a run without overlays
    (fast_config / "pipeline.yaml").write_text(PIPELINE)
    alone = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=plain, echo=lambda s: None)
    for f in ("bands_monthly.csv", "bands_annual.csv", "paths.parquet", "history.csv"):
        assert filecmp.cmp(d / f, alone.out_dir / f, shallow=False), f
    assert second.outcomes["drift"].metrics == alone.outcomes["drift"].metrics
    assert not (alone.out_dir / "overlays").exists()

    # overlay file and hash logged with the variant's run
    uri = Project.discover(home).tracking_uri()
    client = MlflowClient(uri, uri)
    run = client.get_run(second.outcomes["drift"].run_id)
    assert run.data.params["overlays"] == "pact_test"
    assert re.fullmatch(r"[0-9a-f]{64}", run.data.params["overlay.pact_test.sha256"])
    assert {a.path for a in client.list_artifacts(run.info.run_id, "overlays")} >= {"overlays/summary.csv"}

    # the waterfall adds up exactly and separates the model change
    w = pd.read_csv(d / "revision_waterfall.csv")
    assert len(w) and (w["previous"] + w["new data"] + w["model change"] + w["overlays"] == w["current"]).all()
    assert (w["model change"] != 0).any()
    cur_total = pd.read_csv(d / "overlays" / "bands_annual.csv").set_index(["series_id", "year"])["median"]
    row = w[(w["series_id"] == "TOTAL/TOTAL") & (w["year"] == 2025)].iloc[0]
    assert row["current"] == round(cur_total[("TOTAL/TOTAL", 2025)])
    prev_total = pd.read_csv(first.out_dir / "overlays" / "bands_annual.csv").set_index(["series_id", "year"])["median"]
    assert row["previous"] == round(prev_total[("TOTAL/TOTAL", 2025)])
    assert "(model change)" in (d / "revision_waterfall.md").read_text()
