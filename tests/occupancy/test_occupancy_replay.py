"""Estimating the replay's rates: a known rate is recovered from observations the model made itself, the real
replay file holds what its estimation gives, and the `mpp occupancy-replay` command marks fit and check."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from occupancy_helpers import make_assumptions
from test_occupancy_history import BASE, _obs, _write_synthetic

from mpp.errors import DataError
from mpp.occupancy.history import calibrate_long, run_long_replay
from mpp.occupancy.replay import Knob, with_values
from mpp.occupancy.replay_inputs import long_replay_inputs
from mpp.spec import load_assumptions


def test_calibration_recovers_a_known_rate_from_synthetic_observations(tmp_path):
    """Observations made by the replay itself with housing.hazard 0.2: the estimation on the fit window finds
    0.2 again, and the check window then has (almost) no error."""
    real = _write_synthetic(tmp_path)
    inp = long_replay_inputs(real, "2017-01", "2018-06")
    truth = {"housing.hazard": 0.2}
    made, _ = run_long_replay(load_assumptions(BASE), inp, _obs(), truth)
    months = made.monthly().iloc[1:]
    obs = pd.DataFrame(
        {
            "date": [pd.Period(p, "M").end_time.date().isoformat() for p in months["period"]],
            "measure": "persons_in_coa_reception_total",
            "value": months["occupancy_total"].round(),
            "kind": "point",
            "source": "model",
        }
    )[2::3]
    obs = pd.concat([_obs().iloc[:1], obs], ignore_index=True)  # COA's figure on the day before the start
    cal = calibrate_long(load_assumptions(BASE), inp, obs, [Knob.parse("housing.hazard=0.01:0.9")], "2017-12-31")
    assert cal.values["housing.hazard"] == pytest.approx(0.2, abs=2e-3)
    assert cal.n_fit == 4 and cal.n_check == 2
    check, _ = run_long_replay(load_assumptions(BASE), inp, obs, cal.values)
    assert check.comparison["pct_error"].abs().max() < 0.5


def test_calibration_refuses_bad_requests():
    with pytest.raises(DataError, match="PATH=LOW:HIGH"):
        Knob.parse("departure.hazard")
    with pytest.raises(DataError, match="LOW must be below HIGH"):
        Knob.parse("departure.hazard=0.5:0.1")
    with pytest.raises(DataError, match="no assumption 'departure.hazzard'"):
        with_values(make_assumptions(), {"departure.hazzard": 0.1})


@pytest.mark.slow
def test_replay_file_holds_what_its_estimation_gives(real_dir):
    """replay_2015_2023.yaml's two rates are what `--calibrate ... --fit-until 2019-12-31` returns on the real
    data (the estimation window 2015-2019 only)."""
    obs = pd.read_csv(real_dir / "coa_occupancy_observations.csv")
    inp = long_replay_inputs(real_dir, "2015-01", "2023-03")
    knobs = [Knob.parse("housing.hazard=0.01:0.9"), Knob.parse("departure.hazard=0.01:0.9")]
    cal = calibrate_long(load_assumptions(BASE), inp, obs, knobs, "2019-12-31")
    a = load_assumptions(BASE)
    assert cal.values == {"housing.hazard": a.housing.hazard.value, "departure.hazard": a.departure.hazard.value}
    assert "2015-01-01..2019-12-31" in a.housing.hazard.source


def test_occupancy_replay_command_writes_outputs_and_marks_fit_and_check(tmp_path):
    from typer.testing import CliRunner

    from mpp.cli.app import app

    real = _write_synthetic(tmp_path)
    _obs().assign(url="", notes="").to_csv(tmp_path / "obs.csv", index=False)
    out = tmp_path / "replay"
    args = [
        "occupancy-replay",
        "--real",
        str(real),
        "--start",
        "2017-01",
        "--end",
        "2018-06",
        "--assumptions",
        str(BASE),
        "--observations",
        str(tmp_path / "obs.csv"),
        "--out",
        str(out),
        "--fit-until",
        "2017-06-30",
    ]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    for f in ("replay_monthly.csv", "replay_inputs.csv", "replay_vs_observations.csv", "replay.png", "manifest.json"):
        assert (out / f).stat().st_size > 0, f
    cmp = pd.read_csv(out / "replay_vs_observations.csv")
    assert list(cmp["used_for"]) == ["start", "check"]
    m = json.loads((out / "manifest.json").read_text())
    assert (
        m["fit_until"] == "2017-06-30" and m["values"]["housing.hazard"] == load_assumptions(BASE).housing.hazard.value
    )
    r = CliRunner().invoke(app, [*args[:4], "2017-1", *args[5:]])
    assert r.exit_code != 0 and "not a month" in r.output


def test_the_band_holds_the_replay_and_each_leave_one_year_out_estimate(tmp_path):
    from mpp.occupancy.history import jackknife_band

    real = _write_synthetic(tmp_path)
    inp = long_replay_inputs(real, "2017-01", "2018-06")
    extra = {"date": "2018-03-31", "measure": "persons_in_coa_reception_total", "value": 23000, "kind": "point"}
    obs = pd.concat([_obs(), pd.DataFrame([{**extra, "source": "test"}])], ignore_index=True)
    base = load_assumptions(BASE)
    band, est = jackknife_band(base, inp, obs, [Knob.parse("housing.hazard=0.01:0.9")], "2018-06-30")
    assert [e["left_out"] for e in est] == ["none", "2017", "2018"]
    assert [e["n_fit"] for e in est] == [2, 1, 1]
    for e in est:
        m = run_long_replay(base, inp, obs, e["values"])[0].monthly()
        assert (band["occupancy_total_low"] <= m["occupancy_total"] + 1e-9).all()
        assert (band["occupancy_total_high"] >= m["occupancy_total"] - 1e-9).all()
    assert (band["occupancy_total_high"] > band["occupancy_total_low"]).any()
