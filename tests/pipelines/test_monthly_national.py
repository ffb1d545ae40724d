"""The national forecast inside the monthly run: in the run spec (hashed, seed from pipeline.yaml, sources by
content), part of the run key, written beside the variants and logged to MLflow."""

from __future__ import annotations

import json

from conftest import PIPELINE_YAML
from mlflow.tracking import MlflowClient
from typer.testing import CliRunner

from mpp.cli import app
from mpp.flows import run_monthly
from mpp.project import Project
from mpp.spec import load_spec

WIDE = {"COLUMNS": "200"}


def _pipeline(fast_config, seed: int) -> None:
    (fast_config / "pipeline.yaml").write_text(
        PIPELINE_YAML.replace("national: false", "national: true").replace("seed: 0", f"seed: {seed}")
    )


def test_national_forecast_runs_with_the_spec_seed_is_keyed_and_logged(fast_config, tmp_path, cbs_monthly_path):
    home = tmp_path / "home"
    _pipeline(fast_config, 7)
    spec = load_spec(Project.discover(home))
    assert spec.national is not None and spec.national_data_hash and spec.national_hash
    first = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=lambda s: None)
    nat = first.out_dir.parent / "national"  # out/<cut-off>/<data>/national
    assert nat.parent.parent == home / "out" / "2025-06"
    m = json.loads((nat / "manifest.json").read_text())
    assert m["seed"] == 7 and m["cutoff"] == "2025-06"
    client = MlflowClient(Project.discover(home).tracking_uri())
    params = client.get_run(first.parent_run_id).data.params
    assert params["national_hash"] == spec.national_hash and params["seed"] == "7"
    logged = {a.path for a in client.list_artifacts(first.parent_run_id, "national")}
    assert {"national/bands_annual.csv", "national/manifest.json"} <= logged
    bands = (nat / "bands_annual.csv").read_bytes()

    again = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=lambda s: None)
    assert again.reused  # same spec, same data: nothing recomputed
    # the command prints the national table first (every stream and the total, this year + 2), then the panel
    cli = CliRunner().invoke(
        app, ["monthly", "--data", str(cbs_monthly_path), "--cutoff", "2025-06", "--home", str(home)], env=WIDE
    )
    assert cli.exit_code == 0, cli.output
    out = cli.output
    assert out.index("National annual scenario bands, cut-off 2025-06") < out.index("Annual bands, drift")
    for name in ("first asylum requests", "repeat requests", "nareizigers", "resettlement", "total asylum inflow"):
        assert name in out.split("Annual bands")[0], name
    assert all(f"│ {y} │" in out for y in (2025, 2026, 2027))

    _pipeline(fast_config, 8)  # another seed is another national forecast: a new run, not a reuse
    third = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=lambda s: None)
    assert not third.reused
    assert json.loads((nat / "manifest.json").read_text())["seed"] == 8
    assert (nat / "bands_annual.csv").read_bytes() != bands


def test_national_settings_are_in_the_spec_hash_and_can_be_switched_off(fast_config, tmp_path):
    home = tmp_path / "home"
    _pipeline(fast_config, 0)
    on = load_spec(Project.discover(home))
    (fast_config / "national.yaml").write_text(
        Project.discover(home).config_file("national.yaml").read_text().replace("n_samples: 1000", "n_samples: 500")
    )
    changed = load_spec(Project.discover(home))
    assert changed.national is not None and changed.national.model.n_samples == 500
    assert changed.hash != on.hash and changed.national_hash != on.national_hash
    (fast_config / "pipeline.yaml").write_text(PIPELINE_YAML)  # national: false
    off = load_spec(Project.discover(home))
    assert off.national is None and off.national_hash is None
