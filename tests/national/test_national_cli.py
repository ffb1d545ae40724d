"""`mpp forecast --national`: one command, the annual table printed, the files written; bad folder -> exit 3."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from mpp.cli import main


def _run(args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code


def test_forecast_national_prints_the_annual_table_and_writes_files(tmp_path, national_dir, capsys):
    out = tmp_path / "national"
    code = _run(
        [
            "forecast",
            "--national",
            "--data",
            str(national_dir),
            "--cutoff",
            "2025-06",
            "--out",
            str(out),
            "--samples",
            "100",
        ]
    )
    assert code in (0, None)
    text = capsys.readouterr().out
    for word in (
        "first asylum requests",
        "repeat requests",
        "nareizigers",
        "resettlement",
        "total asylum inflow",
        "2025",
        "2026",
        "2027",
    ):
        assert word in text
    for name in (
        "bands_monthly.csv",
        "bands_quarterly.csv",
        "bands_annual.csv",
        "paths.parquet",
        "observations.csv",
        "findings.csv",
        "manifest.json",
    ):
        assert (out / name).is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["cutoff"] == "2025-06" and manifest["n_samples"] == 100
    annual = pd.read_csv(out / "bands_annual.csv")
    assert set(annual["year"]) == {2025, 2026, 2027}


def test_forecast_national_missing_sources_is_a_data_error(tmp_path, capsys):
    code = _run(
        ["forecast", "--national", "--data", str(tmp_path), "--cutoff", "2025-06", "--out", str(tmp_path / "o")]
    )
    assert code == 3
    err = capsys.readouterr().err
    assert "national source" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
