"""`mpp forecast --overlay` on the generated sample panel: model-only files unchanged, overlay outputs and the
published figure's percentile printed; conflicting overlays exit 4 with one clear line."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mpp.cli.app import app
from mpp.project import default_config_dir

OVERLAYS = default_config_dir() / "overlays"


@pytest.fixture()
def sample_csv(tmp_path) -> Path:
    from mpp.data.sample import generate_sample

    df = generate_sample(seed=0)
    path = tmp_path / "sample.csv"
    df.assign(period=df["period"].astype(str))[["period", "stream", "nationality", "value"]].to_csv(path, index=False)
    return path


def _forecast(args):
    r = CliRunner().invoke(app, ["forecast", *args])
    assert r.exit_code == 0, r.output
    return r.output


@pytest.mark.slow
def test_forecast_with_overlays_on_the_sample(make_fast_config, sample_csv, tmp_path):
    make_fast_config(horizon=30, n_samples=100)
    plain, with_ov = tmp_path / "plain", tmp_path / "with"
    common = ["--data", str(sample_csv), "--cutoff", "2025-06", "--variant", "drift", "--seed", "3"]
    _forecast([*common, "--out", str(plain), "--quiet"])
    out = _forecast([*common, "--out", str(with_ov), "--overlay", str(OVERLAYS / "budget_2025_inflow.yaml")])
    for f in ("bands_monthly.csv", "bands_annual.csv", "paths.parquet", "history.csv"):
        assert filecmp.cmp(plain / f, with_ov / f, shallow=False), f
    flat = " ".join(out.split())
    assert "Model / overlays / total" in flat and "budget_2025_inflow" in flat
    assert "TOTAL/TOTAL 2027: 24,730 is at P" in flat
    plaus = pd.read_csv(with_ov / "overlays" / "plausibility.csv").set_index("year")
    total = pd.read_csv(with_ov / "overlays" / "bands_annual.csv").query("series_id == 'TOTAL/TOTAL'")
    assert total.set_index("year").loc[2027, "median"] == pytest.approx(24730)
    assert 0 <= plaus.loc[2027, "percentile"] <= 100 and plaus.loc[2027, "figure"] == 24730

    pact = _forecast(
        [*common, "--out", str(tmp_path / "pact"), "--overlay", str(OVERLAYS / "migration_pact_2026.yaml")]
    )
    assert "illustrative: its size is not an estimate" in " ".join(pact.split())


def test_conflicting_overlays_exit_4_with_one_line(make_fast_config, sample_csv, tmp_path, capsys):
    from mpp.cli import main

    make_fast_config(horizon=30, n_samples=40)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "forecast",
                "--data",
                str(sample_csv),
                "--cutoff",
                "2025-06",
                "--variant",
                "drift",
                "--out",
                str(tmp_path / "fc"),
                "--quiet",
                "--overlay",
                str(OVERLAYS / "budget_2025_inflow.yaml"),
                "--overlay",
                str(OVERLAYS / "migration_pact_2026.yaml"),
            ]
        )
    cap = capsys.readouterr()
    assert exc.value.code == 4
    assert "overlays conflict" in cap.err and "Traceback" not in cap.err + cap.out
    assert not (tmp_path / "fc").exists()  # refused before anything was written
