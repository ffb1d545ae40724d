"""Replay on real realised inflow (read by path from ../shared/data/real) against COA's observations."""

from __future__ import annotations

import pandas as pd
import pytest
from occupancy_helpers import EXAMPLE, make_assumptions

from mpp.errors import DataError
from mpp.occupancy.replay import Knob, calibrate, realised_inflow, run_replay, with_values
from mpp.spec import load_assumptions

REPLAY = EXAMPLE.with_name("replay_2018_2020.yaml")


def test_replay_refuses_months_the_source_does_not_have(real_dir):
    df = pd.read_csv(real_dir / "cbs_monthly_national_2018_2022_with_gaps.csv")
    with pytest.raises(DataError, match="2020-04"):
        realised_inflow(df, "2018-01", "2020-06")


def _real_sources(real_dir):
    return [
        (f, pd.read_csv(real_dir / f))
        for f in ("cbs_monthly_national_2018_2022_with_gaps.csv", "ind_monthly_national_2018_2023_with_gaps.csv")
    ]


def test_replay_2018_2020_tracks_coa_where_the_data_allow_and_pins_the_documented_errors(real_dir):
    """docs/occupancy.md "Replay": estimated on 2018, checked on 2019-2020. Status holders track within 10% out of
    sample; total persons are 16% low at the end of 2019 (the 2019 IND slowdown is not in the data)."""
    obs = pd.read_csv(real_dir / "coa_occupancy_observations.csv")
    r = run_replay(_real_sources(real_dir), "2018-01", "2020-05", load_assumptions(REPLAY), obs)
    c = r.comparison.set_index(["measure", "date"])["pct_error"]
    total, holders = "persons_in_coa_reception_total", "status_holders_in_coa_reception"
    assert abs(c[total, "2017-12-31"].iloc[0]) < 1e-9  # initial stocks reproduce the NJI year-end figure
    fit = r.comparison[(r.comparison.date > "2018-01-01") & (r.comparison.date <= "2018-12-31")]
    # in the fit window: the firm year-end figures within 1%, the rounded news figures ("zo'n 20.000") within 6%
    assert fit["pct_error"].abs().max() < 6 and fit.loc[fit.kind != "approx", "pct_error"].abs().max() < 1
    assert abs(c[holders, "2019-11-11"]) < 2 and abs(c[holders, "2020-06-01"]) < 10
    assert c[total, "2019-12-31"].between(-17, -15).all() and c[total, "2020-06-01"] == pytest.approx(-33.1, abs=1)
    assert any("repeat_asylum_request" in n for n in r.notes)  # missing stream is said, not invented
    assert "nareizigers: 2020-04..2020-05 from ind_monthly_national_2018_2023_with_gaps.csv" in r.notes


def test_replay_file_holds_what_its_calibration_gives(real_dir):
    """The two estimated rates in replay_2018_2020.yaml are what `--calibrate ... --fit-until 2018-12-31` returns,
    so the file's stated provenance can be re-run."""
    a = load_assumptions(REPLAY)
    obs = pd.read_csv(real_dir / "coa_occupancy_observations.csv")
    cal = calibrate(
        _real_sources(real_dir),
        "2018-01",
        "2020-05",
        a,
        obs,
        [Knob.parse("procedure.other_outflow_rate=0:0.3"), Knob.parse("housing.hazard=0.01:0.5")],
        "2018-12-31",
    )
    assert cal.n_fit == 6 and cal.n_check == 6  # 2019-11-11, 2019-12-31 (x2), 2020-06-01 (vs 31 May), holders x2
    assert cal.values["procedure.other_outflow_rate"] == pytest.approx(a.procedure.other_outflow_rate.value, abs=1e-3)
    assert cal.values["housing.hazard"] == pytest.approx(a.housing.hazard.value, abs=1e-3)


def _tidy(rows):
    return pd.DataFrame(rows, columns=["period", "stream", "nationality", "value"])


def test_realised_inflow_takes_missing_months_from_the_next_source_and_says_so():
    first = _tidy(
        [(p, s, "TOTAL", 100) for p in ("2020-01", "2020-02") for s in ("first_asylum_request", "nareizigers")]
        + [("2020-01", "first_asylum_request", "SYR", 60)]
    )
    second = _tidy(
        [(p, s, "TOTAL", 7) for p in ("2020-02", "2020-03") for s in ("first_asylum_request", "nareizigers")]
        + [("2020-03", "repeat_asylum_request", "TOTAL", 5)]
    )
    streams, periods, x, notes = realised_inflow([("cbs", first), ("ind", second)], "2020-01", "2020-03")
    fa = x[streams.index("first_asylum_request"), :, 0]
    assert fa.tolist() == [100, 100, 7]  # the first source wins where both have a month; nationality rows ignored
    assert "first_asylum_request: 2020-01..2020-02 from cbs" in notes
    assert "first_asylum_request: 2020-03 from ind" in notes
    assert (x[streams.index("repeat_asylum_request")] == 0).all()
    assert any(n.startswith("repeat_asylum_request: not complete") for n in notes)
    with pytest.raises(DataError, match="first_asylum_request is missing 1 period.*2020-03"):
        realised_inflow([("cbs", first)], "2020-01", "2020-03")


def test_replay_refuses_initial_stocks_for_another_date(real_dir):
    df = pd.read_csv(real_dir / "cbs_monthly_national_2018_2022_with_gaps.csv")
    with pytest.raises(DataError, match="initial stocks are for 2018-01-01"):
        run_replay(
            df, "2018-02", "2018-06", load_assumptions(REPLAY), pd.DataFrame(columns=["date", "measure", "value"])
        )


def test_calibration_recovers_a_known_rate_from_synthetic_observations():
    """Observations made by the model itself with other_outflow_rate 0.07: the calibration finds 0.07 again
    from the fit window, and the check window then has (almost) no error."""

    periods = pd.period_range("2026-01", "2027-12", freq="M")
    inflow = _tidy(
        [
            (str(p), s, "TOTAL", v)
            for p in periods
            for s, v in (("first_asylum_request", 1500 + 40 * p.month), ("nareizigers", 300))
        ]
    )
    truth = with_values(make_assumptions(), {"procedure.other_outflow_rate": 0.07})
    made = run_replay(inflow, "2026-01", "2027-12", truth, pd.DataFrame(columns=["date", "measure", "value"]))
    months = made.monthly().iloc[1:]
    obs = pd.DataFrame(
        {
            "date": [pd.Period(p, "M").end_time.date().isoformat() for p in months["period"]],
            "measure": "persons_in_coa_reception_total",
            "value": months["occupancy_total"].round(),
            "kind": "point",
        }
    )[::3]
    cal = calibrate(
        inflow,
        "2026-01",
        "2027-12",
        make_assumptions(),
        obs,
        [Knob.parse("procedure.other_outflow_rate=0:0.3")],
        "2026-12-31",
    )
    assert cal.values["procedure.other_outflow_rate"] == pytest.approx(0.07, abs=2e-3)
    assert cal.n_fit == 4 and cal.n_check == 4
    check = run_replay(inflow, "2026-01", "2027-12", with_values(make_assumptions(), cal.values), obs)
    assert check.comparison["pct_error"].abs().max() < 0.5


def test_calibration_refuses_bad_requests():
    with pytest.raises(DataError, match="PATH=LOW:HIGH"):
        Knob.parse("departure.hazard")
    with pytest.raises(DataError, match="LOW must be below HIGH"):
        Knob.parse("departure.hazard=0.5:0.1")
    with pytest.raises(DataError, match="no assumption 'departure.hazzard'"):
        with_values(make_assumptions(), {"departure.hazzard": 0.1})


def test_occupancy_replay_command_writes_outputs_and_marks_fit_and_check(real_dir, tmp_path):
    from typer.testing import CliRunner

    from mpp.cli.app import app

    out = tmp_path / "replay"
    args = [
        "occupancy-replay",
        "--inflow",
        str(real_dir / "cbs_monthly_national_2018_2022_with_gaps.csv"),
        "--inflow",
        str(real_dir / "ind_monthly_national_2018_2023_with_gaps.csv"),
        "--start",
        "2018-01",
        "--end",
        "2020-05",
        "--assumptions",
        str(REPLAY),
        "--observations",
        str(real_dir / "coa_occupancy_observations.csv"),
        "--out",
        str(out),
    ]
    r = CliRunner().invoke(
        app, args + ["--calibrate", "procedure.other_outflow_rate=0:0.3", "--fit-until", "2018-12-31"]
    )
    assert r.exit_code == 0, r.output
    assert "2020-04..2020-05 from ind_monthly_national_2018_2023_with_gaps.csv" in r.output
    for f in (
        "replay_monthly.csv",
        "replay_vs_observations.csv",
        "replay_errors.csv",
        "replay.png",
        "manifest.json",
        "calibrated_assumptions.yaml",
    ):
        assert (out / f).stat().st_size > 0, f
    cmp = pd.read_csv(out / "replay_vs_observations.csv")
    assert set(cmp["used_for"]) == {"start", "fit", "check"}
    assert (cmp.loc[cmp.used_for == "check", "date"] > "2018-12-31").all()
    cal = load_assumptions(out / "calibrated_assumptions.yaml")  # a valid assumptions file again
    assert "calibrated by mpp occupancy-replay" in cal.procedure.other_outflow_rate.source
    monthly = pd.read_csv(out / "replay_monthly.csv")
    assert monthly["period"].iloc[0] == "2017-12" and monthly["period"].iloc[-1] == "2020-05"
    r = CliRunner().invoke(app, args + ["--calibrate", "procedure.other_outflow_rate=0:0.3"])
    assert r.exit_code != 0 and "--fit-until" in str(r.exception or r.output)
