"""The long replay: realised inputs with a source per month, loud failure on a missing month, the backlog equal to
the realised one at quarter ends, exact identities; and the real 2015-2020 replay against COA's figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_occupancy_model import assert_identity_exact

from mpp.errors import DataError
from mpp.occupancy.history import run_long_replay
from mpp.occupancy.replay_inputs import (
    EUROSTAT_MONTHLY,
    EUROSTAT_PENDING,
    Block,
    assemble_stream,
    long_replay_inputs,
)
from mpp.project import default_config_dir
from mpp.spec import load_assumptions

BASE = default_config_dir() / "assumptions" / "replay_2015_2023.yaml"
MONTHS = pd.period_range("2017-01", "2018-06", freq="M")


def _write_synthetic(tmp: Path, drop_month: str | None = None, drop_pending: str | None = None) -> Path:
    real = tmp / "real"
    real.mkdir()
    rng = np.random.default_rng(1)
    rows = []
    for p in MONTHS:
        if str(p) == drop_month:
            continue
        first = float(rng.integers(1000, 2000))
        rows += [
            {"period": str(p), "citizen": "TOTAL", "asyl_app": "NASY_APP", "value": first, "flag": ""},
            {"period": str(p), "citizen": "TOTAL", "asyl_app": "ASY_APP", "value": first + 100, "flag": ""},
        ]
    pd.DataFrame(rows).to_csv(real / EUROSTAT_MONTHLY, index=False)
    proc = [
        {"measure": "eurostat_migr_asypenctzm_pending_end_of_month", "period": str(p), "value": 8000 + 50 * i}
        for i, p in enumerate(pd.period_range("2016-12", "2018-06", freq="M"))
        if str(p) != drop_pending
    ]
    for q in pd.period_range("2017Q1", "2018Q2", freq="Q"):
        proc += [
            {
                "measure": "eurostat_migr_asydcfstq_first_instance_decisions_total",
                "period": f"{q.year}-Q{q.quarter}",
                "value": 3600,
            },
            {
                "measure": "eurostat_migr_asydcfstq_first_instance_decisions_positive",
                "period": f"{q.year}-Q{q.quarter}",
                "value": 1500,
            },
        ]
    pd.DataFrame(proc).to_csv(real / EUROSTAT_PENDING, index=False)
    cbs = [
        {"period": str(p), "stream": "nareizigers", "nationality": "TOTAL", "value": 400, "source": "x"}
        for p in MONTHS
        if p.year == 2018
    ]
    pd.DataFrame(cbs).to_csv(real / "cbs_monthly_national_2018_2022_with_gaps.csv", index=False)
    pd.DataFrame(columns=["period", "stream", "nationality", "value", "source"]).to_csv(
        real / "ind_monthly_national_2018_2023_with_gaps.csv", index=False
    )
    panel = [
        {
            "period": f"2017-{m:02d}",
            "nationality": "Syria",
            "nationality_nl": "Syrie",
            "stream": "nareizigers",
            "value": 10 * m,
        }
        for m in range(1, 13)
    ]
    pd.DataFrame(panel).to_csv(real / "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv", index=False)
    (tmp / "realised_totals.csv").write_text(
        "quantity,year,value,approx,source\nnareizigers,2017,7800,no,a report, with a comma\n", encoding="utf-8"
    )
    return real


def _obs() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "date": "2016-12-31",
                "measure": "persons_in_coa_reception_total",
                "value": 20000,
                "kind": "annual",
                "source": "test",
            },
            {
                "date": "2017-12-31",
                "measure": "persons_in_coa_reception_total",
                "value": 21000,
                "kind": "annual",
                "source": "test",
            },
        ]
    )


def test_inputs_have_a_source_per_month_and_the_annual_nareizigers_follow_the_stated_profile(tmp_path):
    real = _write_synthetic(tmp_path)
    inp = long_replay_inputs(real, "2017-01", "2018-06", "panel")
    src = inp.sources
    for name in ("first_asylum_request", "repeat_asylum_request", "nareizigers", "decisions_merits", "grant_rate"):
        assert (src["input"] == name).sum() == len(MONTHS), name
    assert (src["source"].str.len() > 5).all()
    nar = src[(src["input"] == "nareizigers") & src["period"].str.startswith("2017")]
    assert nar["value"].sum() == pytest.approx(7800)
    assert nar["value"].iloc[11] == pytest.approx(7800 * 120 / 780)  # the panel's December share
    assert nar["source"].str.contains("ASSUMPTION").all()
    flat = long_replay_inputs(real, "2017-01", "2018-06", "flat").sources
    assert (
        flat[(flat["input"] == "nareizigers") & flat["period"].str.startswith("2017")]["value"].round(6).nunique() == 1
    )


@pytest.mark.parametrize(
    "kw, month", [({"drop_month": "2017-05"}, "2017-05"), ({"drop_pending": "2017-09"}, "2017-09")]
)
def test_a_missing_required_input_month_fails_loudly_naming_it(tmp_path, kw, month):
    real = _write_synthetic(tmp_path, **kw)
    with pytest.raises(DataError, match=month):
        long_replay_inputs(real, "2017-01", "2018-06")


def test_backlog_equals_the_realised_pending_at_every_quarter_end_and_identities_are_exact(tmp_path):
    real = _write_synthetic(tmp_path)
    inp = long_replay_inputs(real, "2017-01", "2018-06")
    r, _ = run_long_replay(load_assumptions(BASE), inp, _obs())
    backlog = r.paths.ind_backlog()[:, 0]
    for t, p in enumerate(inp.periods):
        if p.month % 3 == 0:
            assert backlog[t] == pytest.approx(inp.pending[p], rel=1e-9)
    decided = (r.paths.flows["decisions_coa"] + r.paths.flows["decisions_outside"])[:, 0]
    np.testing.assert_allclose(decided, inp.decisions.to_numpy())
    assert_identity_exact(r.paths)
    assert r.comparison.iloc[0]["model"] == 20000  # starts from COA's figure on the day before


@pytest.mark.slow
def test_real_replay_2015_2023_against_coa(real_dir):
    obs = pd.read_csv(real_dir / "coa_occupancy_observations.csv")
    inp = long_replay_inputs(real_dir, "2015-01", "2023-03", "panel")
    r, _ = run_long_replay(load_assumptions(BASE), inp, obs)
    c = r.comparison.drop_duplicates(["date", "measure"]).set_index(["date", "measure"])["pct_error"]
    # estimated on 2015-2019 (replay_2015_2023.yaml); the check window 2020-01..2023-04 (docs/occupancy.md):
    # the December 2022 figure (the only year-end of the check window) and the 2022 points within 10%,
    # 1 June 2020 (COVID-19) and status holders in April 2023 (the housing shortage) missed
    assert abs(c[("2022-12-05", "persons_with_right_to_coa_reception")]) < 10
    for date, measure in [("2022-06-01", "persons_in_coa_reception_total"), ("2022-01-24", AGREEMENT)]:
        assert abs(c[(date, measure)]) < 10
    assert c[("2020-06-01", "persons_in_coa_reception_total")] < -10
    assert c[("2023-04-01", "status_holders_in_coa_reception")] < -20
    assert_identity_exact(r.paths)
    sources = inp.sources.set_index(["period", "input"])["source"]
    assert sources[("2021-03", "first_asylum_request")].startswith("CBS quarterly first requests 2021Q1")
    assert "ASSUMPTION" in sources[("2022-05", "nareizigers")]
    assert sources[("2023-03", "repeat_asylum_request")].startswith("NO SOURCE")
    assert inp.ukraine_tp_stock is not None and inp.ukraine_tp_stock.index[0] == pd.Period("2022-03", "M")


AGREEMENT = "persons_with_coa_reception_agreement"


def test_a_block_without_every_month_takes_the_coarse_total_spread_evenly_and_a_gap_fails_or_is_noted():
    periods = pd.period_range("2021-01", "2021-06", freq="M")
    monthly = pd.DataFrame(
        {"period": ["2021-01", "2021-02", "2021-04", "2021-05", "2021-06"], "stream": "s", "value": [1, 2, 4, 5, 6]}
    )
    q = pd.Series([300.0], index=pd.PeriodIndex(["2021Q1"], freq="Q"))
    blk = Block("Q", q, lambda b: f"quarter {b}")
    vals, origin, notes = assemble_stream("s", periods, [("m", monthly)], [blk], "Q", required=True)
    # Q1 lacks March in the monthly source -> the whole quarter from the quarterly total (sum exact); Q2 monthly
    assert vals.tolist() == [100.0, 100.0, 100.0, 4.0, 5.0, 6.0]
    assert origin.tolist() == ["quarter 2021Q1"] * 3 + ["m"] * 3 and notes == []
    with pytest.raises(DataError, match="2021-03"):
        assemble_stream("s", periods, [("m", monthly)], [], "Q", required=True)
    vals, origin, notes = assemble_stream("s", periods, [("m", monthly)], [], "Q", required=False)
    assert vals["2021-03"] == 0 and origin["2021-03"].startswith("NO SOURCE") and "2021-03" in notes[0]


def test_projection_writes_the_long_replay_as_its_track_record_or_a_note_without_real_data(tmp_path):
    from test_occupancy_io_and_cli import EXAMPLE, _forecast_dir

    from mpp.flows.occupancy import project_from_forecast

    real = _write_synthetic(tmp_path)
    obs = _obs().assign(url="", notes="")
    obs.to_csv(real / "coa_occupancy_observations.csv", index=False)
    fdir = _forecast_dir(tmp_path / "f")
    spec = {
        "real": real,
        "assumptions": load_assumptions(BASE),
        "assumptions_file": BASE,
        "start": "2017-01",
        "end": "2018-06",
        "fit_until": "2017-06-30",
    }
    m = project_from_forecast(fdir, load_assumptions(EXAMPLE), tmp_path / "occ", replay=spec)
    tr = pd.read_csv(tmp_path / "occ" / "replay_track_record.csv")
    assert list(tr["window"]) == ["start", "check"]
    assert tr["observed"].tolist() == [20000, 21000]
    assert m["replay"]["file"] == "replay_track_record.csv" and "replay_track_record.csv" in m["outputs"]
    m2 = project_from_forecast(
        fdir, load_assumptions(EXAMPLE), tmp_path / "occ2", replay={**spec, "real": tmp_path / "nowhere"}
    )
    assert "not at" in m2["replay"]["note"] and not (tmp_path / "occ2" / "replay_track_record.csv").exists()


def test_the_check_summary_counts_the_first_check_observation(tmp_path):
    """Regression: the check window's summary dropped its earliest observation (error_summary took the earliest
    date of what it was given for the start)."""
    from mpp.flows.occupancy import replay_to_dir

    real = _write_synthetic(tmp_path)
    obs = _obs().assign(url="", notes="")
    obs.to_csv(tmp_path / "obs.csv", index=False)
    m = replay_to_dir(
        real,
        "2017-01",
        "2018-06",
        load_assumptions(BASE),
        tmp_path / "obs.csv",
        tmp_path / "out",
        "2017-06-30",
        chart=False,
    )
    assert [(e["measure"], e["n"]) for e in m["errors"]] == [("persons_in_coa_reception_total", 1)]


def test_an_estimation_window_ignores_a_poisoned_observation_before_it_and_uses_one_inside(tmp_path):
    """`calibrate_long(fit_from=...)`: only the observations dated fit_from..fit_until enter the loss (the housing
    window comparison, scripts/housing_window.py). An observation before the window, poisoned, leaves the estimate
    unchanged; without the window, or poisoned inside it, the estimate moves."""
    from mpp.occupancy.history import calibrate_long
    from mpp.occupancy.replay import Knob

    real = _write_synthetic(tmp_path)
    inp = long_replay_inputs(real, "2017-01", "2018-06")
    base = load_assumptions(BASE)
    rows = [
        ("2017-03-31", "status_holders_in_coa_reception", 6000.0),
        ("2017-09-30", "status_holders_in_coa_reception", 5000.0),
        ("2018-03-31", "status_holders_in_coa_reception", 5500.0),
    ]
    extra = pd.DataFrame([{"date": d, "measure": m, "value": v, "kind": "point", "source": "t"} for d, m, v in rows])
    obs = pd.concat([_obs(), extra], ignore_index=True)

    def poisoned(date: str) -> pd.DataFrame:
        return obs.assign(value=np.where(obs["date"] == date, obs["value"] * 10, obs["value"]))

    knobs = [Knob("housing.hazard", 0.01, 0.9)]

    def fit(o: pd.DataFrame, fit_from: str | None) -> tuple[dict, int]:
        c = calibrate_long(base, inp, o, knobs, "2018-06-30", starts=1, fit_from=fit_from)
        return c.values, c.n_fit

    clean = fit(obs, "2017-06-01")
    assert clean[1] == 3  # 2017-09-30, 2017-12-31 and 2018-03-31
    assert fit(poisoned("2017-03-31"), "2017-06-01") == clean
    assert fit(poisoned("2018-03-31"), "2017-06-01")[0] != clean[0]
    assert fit(poisoned("2017-03-31"), None)[0] != fit(obs, None)[0]
    with pytest.raises(DataError, match="no COA observation between 2018-04-01"):
        calibrate_long(base, inp, obs, knobs, "2018-06-30", fit_from="2018-04-01")
