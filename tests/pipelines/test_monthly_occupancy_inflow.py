"""Which inflow drives COA occupancy in the monthly run: the national forecast (every stream of the country), not
the panel's few nationalities; never the real national forecast in a run on sample data. Regression: before, the
projection read each variant's panel paths (7 nationalities, no repeat requests, no resettlement), so the demo's
COA median fell from 71,700 to 52,900 in 18 months while the national forecast said about 41,000 a year."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import PIPELINE_YAML

from mpp.data.catalog import DataIdentity, DataSource
from mpp.errors import ConfigError
from mpp.flows import run_monthly
from mpp.flows.stages import coa_observations_file
from mpp.project import Project, default_config_dir
from mpp.provenance import hash_file
from mpp.report.inputs import read_coa_observations
from mpp.spec import load_spec

OCCUPANCY = "occupancy:\n  assumptions: assumptions/projection_2026.yaml\n"


def _yaml(inflow: str | None = None, national: bool = True) -> str:
    yaml = PIPELINE_YAML.replace(
        "occupancy: {assumptions: null}", OCCUPANCY + (f"  inflow: {inflow}\n" if inflow else "")
    )
    return yaml.replace("national: false", f"national: {'true' if national else 'false'}")


def _config(make_fast_config, monkeypatch, inflow: str | None = None, national: bool = True):
    d = make_fast_config(horizon=18, n_samples=60, extra={"pipeline.yaml": _yaml(inflow, national)})
    (d / "assumptions").mkdir()
    for f in ("projection_2026.yaml", "replay_2015_2023.yaml"):
        shutil.copy(default_config_dir() / "assumptions" / f, d / "assumptions")
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MPP_HOME", raising=False)
    return d


def _occupancy(res) -> dict:
    return json.loads((res.outcomes[res.candidate].out_dir / "occupancy" / "manifest.json").read_text())


def test_real_run_projects_occupancy_from_the_national_paths(make_fast_config, monkeypatch, tmp_path, cbs_monthly_path):
    _config(make_fast_config, monkeypatch)
    lines: list[str] = []
    res = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=tmp_path / "home", echo=lines.append)
    m = _occupancy(res)
    national = res.out_dir.parent / "national"
    assert m["forecast"]["kind"] == "national"
    assert m["forecast_paths_hash"] == hash_file(national / "paths.parquet")
    assert m["warnings"] == []  # every stream has paths (the panel lacks repeat requests and resettlement)
    for o in res.outcomes.values():  # every variant's page shows the same (national) occupancy
        assert (
            json.loads((o.out_dir / "occupancy" / "manifest.json").read_text())["forecast_paths_hash"]
            == (m["forecast_paths_hash"])
        )


def test_panel_inflow_is_a_choice_and_sample_runs_never_use_the_real_national(
    make_fast_config, monkeypatch, tmp_path, cbs_monthly_path
):
    d = _config(make_fast_config, monkeypatch, inflow="panel")
    res = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=tmp_path / "a", echo=lambda s: None)
    m = _occupancy(res)
    assert m["forecast"]["kind"] is None
    assert m["forecast_paths_hash"] == hash_file(res.outcomes[res.candidate].out_dir / "paths.parquet")
    assert any("repeat_asylum_request" in w for w in m["warnings"])

    (d / "pipeline.yaml").write_text(_yaml())  # inflow: national (the default), but the data is the sample
    lines: list[str] = []
    res = run_monthly(data="sample", cutoff="2025-06", home=tmp_path / "b", echo=lines.append)
    m = _occupancy(res)
    assert m["forecast"]["kind"] is None
    assert m["forecast_paths_hash"] == hash_file(res.outcomes[res.candidate].out_dir / "paths.parquet")
    assert any("not from the real national forecast" in x for x in lines)


def test_national_inflow_without_the_national_forecast_is_refused(make_fast_config, monkeypatch, tmp_path):
    _config(make_fast_config, monkeypatch, national=False)
    with pytest.raises(ConfigError, match="occupancy.inflow is 'national' but national is false"):
        load_spec(Project.discover(tmp_path / "home"))


def test_reports_draw_the_snapshots_realised_coa_figures_except_on_sample_data(fast_config, tmp_path):
    """Regression: the monthly report said "no realised COA occupancy was given" although the project's data
    snapshot holds COA's figures; a sample run's (synthetic) projection is not drawn beside them."""
    loc = Project.for_writing(tmp_path / "home")
    real = coa_observations_file(loc, DataIdentity(DataSource("cbs", "file", tmp_path / "x.csv"), "0" * 64))
    assert real is not None and real.name == "coa_occupancy_observations.csv"
    assert real.parent == loc.source_snapshot() / "real"
    assert read_coa_observations(real)["measure"].nunique() > 1
    assert coa_observations_file(loc, DataIdentity(DataSource("sample", "sample"), "0" * 64)) is None
