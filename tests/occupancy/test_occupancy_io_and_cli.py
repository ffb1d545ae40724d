"""Reading forecast directories, bands, sensitivity, and the `mpp occupancy` commands end to end."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from occupancy_helpers import EXAMPLE, make_assumptions
from typer.testing import CliRunner

from mpp.cli.app import app
from mpp.data.schema import STREAMS
from mpp.errors import DataError
from mpp.flows.occupancy import write_stream_paths
from mpp.occupancy.inputs import read_stream_paths
from mpp.occupancy.model import Stocks, project_occupancy
from mpp.occupancy.outputs import BAND_COLUMNS, january_first, occupancy_bands, sensitivity_table
from mpp.provenance import hash_file

PERIODS = pd.period_range("2026-01", "2027-12", freq="M")


def _forecast_dir(path, streams=STREAMS, n=40, seed=1):
    """A directory in the forecast engine's format: rows (series_id, sample), one column per month."""
    rng = np.random.default_rng(seed)
    cols = [str(p) for p in PERIODS]
    rows = []
    for s, level in zip(streams, (2000.0, 150.0, 1900.0, 40.0)):
        for k in range(n):
            rows.append({"series_id": f"{s}/TOTAL", "sample": k, **dict(zip(cols, rng.gamma(9, level / 9, len(cols))))})
    path.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(path / "paths.parquet", index=False)
    (path / "manifest.json").write_text(
        json.dumps({"cutoff": "2025-12", "seed": seed, "data_hash": "d", "config_hash": "c", "code_version": "x"})
    )
    return path


def test_read_stream_paths_round_trip_and_missing_stream_warning(tmp_path):
    d = _forecast_dir(tmp_path / "f", streams=STREAMS[:3])
    streams, periods, paths, manifest = read_stream_paths(d)
    assert streams == STREAMS and periods.equals(PERIODS) and paths.shape == (4, 24, 40)
    assert (paths[3] == 0).all() and (paths[:3] > 0).all()
    assert any("resettlement" in w for w in manifest["occupancy_warnings"])
    write_stream_paths(tmp_path / "g", streams, periods, paths, {"cutoff": "2025-12"})
    _, _, again, _ = read_stream_paths(tmp_path / "g")
    np.testing.assert_array_equal(again, paths)


def test_read_stream_paths_rejects_broken_directories(tmp_path):
    with pytest.raises(DataError, match="paths.parquet"):
        read_stream_paths(tmp_path)
    d = _forecast_dir(tmp_path / "f")
    df = pd.read_parquet(d / "paths.parquet").drop(columns=["2026-05"])
    df.to_parquet(d / "paths.parquet", index=False)
    with pytest.raises(DataError, match="contiguous"):
        read_stream_paths(d)


def test_bands_are_ordered_and_january_first_is_the_end_of_december():
    a = make_assumptions()
    _, _, x, _ = read_stream_paths(_forecast_dir_cached())
    res = project_occupancy(Stocks.from_assumptions(a), x, PERIODS, a)
    b = occupancy_bands(res)
    assert tuple(b.columns) == BAND_COLUMNS
    assert (
        (b["minimum"] <= b["median"]).all() and (b["median"] <= b["medio"]).all() and (b["medio"] <= b["maximum"]).all()
    )
    labels, jan = january_first(res)
    assert labels == ["2026-01-01", "2027-01-01", "2028-01-01"]
    np.testing.assert_array_equal(jan["occupancy_total"][1], res.occupancy()[11])
    assert set(b["quantity"]) >= {
        "occupancy_total",
        "status_holders",
        "ind_backlog",
        "capacity_need",
        "status_holder_share",
    }
    row = b[(b.quantity == "capacity_need") & (b.period == "2026-06")].iloc[0]
    occ = b[(b.quantity == "occupancy_total") & (b.period == "2026-06")].iloc[0]
    assert row["median"] == pytest.approx(occ["median"] * 1.05)


_CACHE = {}


def _forecast_dir_cached():
    import tempfile
    from pathlib import Path

    if "d" not in _CACHE:
        _CACHE["d"] = _forecast_dir(Path(tempfile.mkdtemp()) / "f")
    return _CACHE["d"]


def test_sensitivity_signs_follow_the_mechanics():
    a = make_assumptions(stocks=(20_000.0, 0.0, 5_000.0, 1_000.0), capacity=2_000.0)
    streams, periods, x, _ = read_stream_paths(_forecast_dir_cached())
    t = sensitivity_table(None, x, periods, a, streams)
    ch = t[t.year == 2027].set_index("assumption")["change"]
    assert ch["procedure.ind_decision_capacity"] < 0  # faster decisions: fewer waiting in COA
    assert ch["housing.realisation_rate"] < 0  # more housed: fewer status holders waiting
    assert ch["inflow.first_asylum_request"] > 0
    assert ch["capacity_buffer"] == 0  # the buffer changes capacity need, not occupancy


def test_cli_writes_bands_manifest_and_sensitivity(tmp_path, monkeypatch):
    # the shared console's width must not depend on what earlier tests in this worker did (CI saw a squeezed table)
    from mpp.cli.app import console

    monkeypatch.setattr(console, "_width", 250)
    d = _forecast_dir(tmp_path / "f")
    out = tmp_path / "out"
    r = CliRunner().invoke(
        app,
        ["occupancy", "--forecast", str(d), "--assumptions", str(EXAMPLE), "--out", str(out), "--sensitivity"],
        env={"COLUMNS": "250"},
    )
    assert r.exit_code == 0, r.output
    bands = pd.read_csv(out / "occupancy_bands.csv")
    # the annual table it wrote: every stock quantity at each year end, rounded, shares in %, the start labelled
    assert "COA occupancy at the end of each year" in r.output and "(start)" in r.output
    for label in ("COA occupancy", "status holders in COA", "capacity need"):
        assert label in r.output
    assert re.search(r"\d{1,2}\.\d% / \d{1,2}\.\d%", r.output)  # share of status holders as percentages
    end = bands[(bands["quantity"] == "occupancy_total") & (bands["period"] == "2027-01-01")]
    assert f"{round(end['median'].iloc[0], -2):,.0f}" in r.output
    assert tuple(bands.columns) == BAND_COLUMNS
    m = json.loads((out / "manifest.json").read_text())
    assert m["forecast_manifest_hash"] == hash_file(d / "manifest.json")
    assert m["assumptions_hash"] == hash_file(EXAMPLE)
    assert m["code_version"] and m["forecast"]["cutoff"] == "2025-12"
    sens = pd.read_csv(out / "sensitivity.csv")
    assert {"assumption", "year", "change"} <= set(sens.columns) and len(sens) > 20


def test_cli_start_mismatch_is_a_user_error(tmp_path):
    d = _forecast_dir(tmp_path / "f")
    y = tmp_path / "a.yaml"
    y.write_text(EXAMPLE.read_text().replace('date: "2026-01-01"', 'date: "2025-07-01"'))
    r = CliRunner().invoke(
        app, ["occupancy", "--forecast", str(d), "--assumptions", str(y), "--out", str(tmp_path / "o")]
    )
    assert r.exit_code != 0 and isinstance(r.exception, DataError)


def test_occupancy_json_prints_the_manifest_and_pipeline_shares_the_entry_point(tmp_path, cbs_monthly_path):
    """`mpp occupancy --json` and the monthly pipeline both go through mpp.flows.occupancy.project_from_forecast."""
    import json
    import subprocess
    import sys

    from occupancy_helpers import EXAMPLE, EXAMPLE_INFLOW

    panel = cbs_monthly_path
    cli = [sys.executable, "-c", "from mpp.cli import main; main()"]
    scen, out = tmp_path / "scen", tmp_path / "out"
    subprocess.run(
        [*cli, "occupancy-scenario", "--spec", str(EXAMPLE_INFLOW), "--panel", str(panel), "--out", str(scen)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    proc = subprocess.run(
        [*cli, "occupancy", "--forecast", str(scen), "--assumptions", str(EXAMPLE), "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads(proc.stdout)
    assert manifest == json.loads((out / "manifest.json").read_text())
    assert set(manifest["median_occupancy_end_of_year"]) == {"2026", "2027"}
