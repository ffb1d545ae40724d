"""The monthly pipeline with the occupancy projection on: the reception chain's outputs (IND flow bands, amv and
Nidos places, Ukrainian scenarios) and the replay track record (here: the note when the real series are absent)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from conftest import PIPELINE_YAML

from mpp.flows import run_monthly
from mpp.project import default_config_dir


@pytest.mark.slow
def test_monthly_run_writes_the_reception_chain_and_the_track_record_note(make_fast_config, tmp_path, monkeypatch):
    yaml = PIPELINE_YAML.replace(
        "occupancy: {assumptions: null}",
        (
            "occupancy:\n  assumptions: assumptions/kernprognose_2025.yaml\n  replay:\n    real: nowhere/real\n"
            "    assumptions: assumptions/replay_2015_2023.yaml\n"
        ),
    )
    d = make_fast_config(horizon=18, n_samples=60, extra={"pipeline.yaml": yaml})
    (d / "assumptions").mkdir()
    for f in ("kernprognose_2025.yaml", "replay_2015_2023.yaml"):
        shutil.copy(default_config_dir() / "assumptions" / f, d / "assumptions" / f)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    res = run_monthly(home=tmp_path / "home", echo=lambda s: None)
    occ = res.outcomes[res.candidate].out_dir / "occupancy"
    flows = pd.read_csv(occ / "ind_flow_bands.csv", dtype={"period": str})
    assert {"ind_decisions", "ind_grants", "grant_rate"} <= set(flows["quantity"])
    assert "2026" in set(flows["period"])
    stocks = pd.read_csv(occ / "occupancy_bands.csv")
    assert {"amv_coa_places", "nidos_places", "capacity_need", "ind_backlog"} <= set(stocks["quantity"])
    assert (occ / "ukraine_scenarios.csv").is_file()
    m = json.loads((occ / "manifest.json").read_text())
    assert "not at" in m["replay"]["note"] and m["segments"]["ukraine"] is False
