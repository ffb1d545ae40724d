"""The scenario inflow generator: stated medians and spreads are met; profiles come from the real panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from occupancy_helpers import EXAMPLE_INFLOW
from typer.testing import CliRunner

from mpp.cli.app import app
from mpp.errors import ConfigError
from mpp.occupancy.inputs import read_stream_paths
from mpp.occupancy.scenario import ScenarioSpec, scenario_inflow, seasonal_profile
from mpp.spec import load_scenario_spec


def test_seasonal_profile_uses_complete_years_only_and_sums_to_one():
    periods = pd.period_range("2020-01", "2021-03", freq="M").astype(str)
    panel = pd.DataFrame(
        {"period": periods, "stream": "nareizigers", "value": [1.0] * 11 + [12.0] + [100.0] * 3}
    )  # 2021 is incomplete: ignored
    prof = seasonal_profile(panel, "nareizigers")
    assert prof.sum() == pytest.approx(1.0) and prof[11] == pytest.approx(12 / 23)
    with pytest.raises(ConfigError):
        seasonal_profile(panel, "first_asylum_request")


def test_generated_annual_totals_have_the_stated_median_and_log_spread():
    spec = load_scenario_spec(EXAMPLE_INFLOW).model_copy(update={"n_samples": 20_000})
    flat = {"first_asylum_request": np.full(12, 1 / 12), "nareizigers": np.full(12, 1 / 12)}
    streams, periods, x = scenario_inflow(spec, flat)
    i = streams.index("first_asylum_request")
    for year, median, sigma in ((2026, 25_000, 0.13), (2027, 25_000, 0.28)):
        annual = x[i][periods.year == year].sum(axis=0)
        assert np.median(annual) == pytest.approx(median, rel=0.01)
        assert np.std(np.log(annual)) == pytest.approx(sigma, rel=0.05)


def test_invalid_scenario_spec_is_a_config_error(tmp_path):
    raw = yaml.safe_load(EXAMPLE_INFLOW.read_text())
    del raw["streams"]["nareizigers"]["annual_median"][2027]
    bad = tmp_path / "s.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="nareizigers"):
        load_scenario_spec(bad)
    assert ScenarioSpec  # the schema is public for other callers


def test_scenario_cli_writes_a_forecast_format_directory(tmp_path, cbs_monthly_path):
    out = tmp_path / "scen"
    r = CliRunner().invoke(
        app, ["occupancy-scenario", "--spec", str(EXAMPLE_INFLOW), "--panel", str(cbs_monthly_path), "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    streams, periods, paths, manifest = read_stream_paths(out)
    assert str(periods[0]) == "2026-01" and paths.shape[2] == 1000
    assert "not a forecast" in manifest["label"] and manifest["occupancy_warnings"] == []
