"""The national backtest's references and scores, against values computed by hand from the real files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.backtest.protocol import LockedOriginError, choose_on_tuning
from mpp.national.backtest import (
    SPLIT,
    naive_annual,
    official_comparison,
    realised_annual,
    score,
    target_years,
    tuning_criterion,
)
from mpp.national.model import FIRST, NAR, REPEAT, TOTAL_ID


def test_target_years():
    assert target_years(pd.Period("2019-06", "M")) == (2019, 2020, 2021)
    assert target_years(pd.Period("2019-12", "M")) == (2020, 2021, 2022)


def test_naive_last_four_quarters(national_obs, national_cfg):
    naive = naive_annual(national_obs, pd.Period("2019-06", "M"), national_cfg)
    q = {"2018Q3": 6210, "2018Q4": 5840, "2019Q1": 5380, "2019Q2": 5190}  # CBS quarterly file, by hand
    assert naive[(FIRST, 2019)] == pytest.approx(q["2019Q1"] + q["2019Q2"] + q["2018Q3"] + q["2018Q4"], abs=1e-9)
    assert naive[(FIRST, 2020)] == pytest.approx(sum(q.values()), abs=1e-9)
    assert naive[(NAR, 2019)] == 6460  # the last complete year known at 2019-06: CBS 2018
    assert naive[(TOTAL_ID, 2020)] == pytest.approx(
        naive[(FIRST, 2020)] + naive[(NAR, 2020)] + naive[(REPEAT, 2020)] + national_cfg.resettlement.median
    )


def test_realised_annual_keeps_sources(national_obs, national_cfg):
    r = realised_annual(national_obs, national_cfg).set_index(["series_id", "year"])
    assert r.loc[(FIRST, 2023), "value"] == 38375
    assert r.loc[(FIRST, 2023), "source"] == "cbs_annual"
    assert r.loc[(TOTAL_ID, 2024), "value"] == 45600


def test_scores_and_the_locked_guard():
    cases = pd.DataFrame(
        {
            "origin": ["2019-06", "2019-09"],
            "role": ["tuning", "tuning"],
            "series_id": [FIRST, FIRST],
            "year": [2019, 2019],
            "horizon": ["current"] * 2,
            "actual": [100.0, 100.0],
            "naive": [90.0, 130.0],
        }
    )
    sums = np.stack([np.linspace(80, 120, 101), np.linspace(101, 141, 101)])
    s = score(cases, sums)
    assert s["median"].tolist() == pytest.approx([100.0, 121.0])
    assert s["covered"].tolist() == [True, False]
    assert s["naive_abs_error"].tolist() == [10.0, 30.0]
    assert (s["crps"] >= 0).all() and s["crps"].iloc[0] < s["crps"].iloc[1]
    best, _ = choose_on_tuning(SPLIT, {"a": s}, tuning_criterion)
    assert best == "a"
    with pytest.raises(LockedOriginError):
        choose_on_tuning(SPLIT, {"a": s.assign(origin="2021-03")}, tuning_criterion)


def test_official_comparison_scores_the_central_scenario():
    published = pd.DataFrame(
        {
            "vintage": ["V"] * 3,
            "quantity": ["total_asylum_inflow"] * 3,
            "target_year": [2024] * 3,
            "scenario": ["minimum", "medio", "maximum"],
            "value": [40000, 60000, 70000],
        }
    )
    realised = pd.DataFrame({"series_id": [TOTAL_ID], "year": [2024], "value": [50000.0], "source": ["x"]})
    ours = {
        "2024-06": pd.DataFrame(
            {
                "series_id": [TOTAL_ID],
                "year": [2024],
                "minimum": [45000.0],
                "median": [48000.0],
                "medio": [51000.0],
                "maximum": [56000.0],
            }
        )
    }
    t = official_comparison(published, realised, ours, {"V": "2024-06"}).iloc[0]
    assert t["official_central_is"] == "medio"
    assert t["official_error"] == pytest.approx(0.2)
    assert t["ours_error_same_scenario"] == pytest.approx(0.02)


def test_naive_and_model_see_only_what_was_published(national_obs, national_cfg):
    """Regression (issue 26): at a December origin neither the quarter that ends then nor that year's annual
    totals were published; the naive rule's last 4 quarters are the last 4 published ones."""
    from mpp.national.backtest import known_at
    from mpp.spec import load_release_calendar

    cal = load_release_calendar()
    origin = pd.Period("2021-12", "M")
    known = known_at(national_obs, origin, cal)
    q = known[
        (known["stream"] == "first_asylum_request") & (known["freq"] == "Q") & (known["source"] == "cbs_quarterly")
    ]
    assert q["period"].max() == "2021-Q3"
    assert not ((known["freq"] == "Y") & (known["period"] == "2021")).any()
    naive = naive_annual(national_obs, origin, national_cfg, cal)
    cbs = national_obs[(national_obs["source"] == "cbs_quarterly") & (national_obs["nationality"] == "TOTAL")]
    last4 = cbs.set_index("period").loc[["2020-Q4", "2021-Q1", "2021-Q2", "2021-Q3"], "value"].sum()
    assert naive[(FIRST, 2022)] == pytest.approx(last4)
    assert naive[(FIRST, 2023)] == pytest.approx(last4)
    # without the calendar (the earlier, optimistic backtest) 2021-Q4 is used
    assert naive_annual(national_obs, origin, national_cfg)[(FIRST, 2022)] != pytest.approx(last4)


def _cases(origins, horizon="next", sid=FIRST):
    return pd.DataFrame(
        {
            "origin": origins,
            "role": [SPLIT.role(o) for o in origins],
            "series_id": sid,
            "year": 2020,
            "horizon": horizon,
            "actual": 100.0,
            "naive": 100.0,
            "naive_abs_error": 0.0,
        }
    )


def test_pit_and_fitted_levels_calibrate_the_tuning_cases():
    from mpp.national.calibration import QUANTILES, apply_levels, fit_levels, pit

    rng = np.random.default_rng(0)
    n_cases = 400
    origins = [f"{2016 + k % 5}-{3 * (k % 4) + 3:02d}" for k in range(n_cases)]
    cases = _cases(origins)
    # forecasts too narrow and too high: outcomes sit low in the sample distribution
    sums = 100.0 + 10.0 + rng.normal(0, 5, (n_cases, 1)) + rng.normal(0, 10, (n_cases, 2000))
    cases["pit"] = pit(sums, cases["actual"].to_numpy())
    assert pit(np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([3.0])) == pytest.approx([0.625])  # 2 below, 1 tie
    levels = fit_levels(cases, ["horizon"])
    assert set(levels) == {("next",)}
    lv = levels[("next",)]
    assert lv["minimum"] < lv["median"] < lv["medio"] < lv["maximum"]
    assert lv["median"] < 0.5  # the median moves down to where the outcomes were
    out = apply_levels(cases, sums, ["horizon"], levels)
    for b, p in QUANTILES.items():  # in sample, each band is exceeded as often as its name says
        assert out[f"{b}_exceeded"].mean() == pytest.approx(1 - p, abs=0.02)
    nominal = apply_levels(cases, sums, None, {})
    assert nominal["medio_exceeded"].mean() < 0.1  # uncalibrated: the medio was hardly ever exceeded
    assert fit_levels(cases, None) == {}


def test_calibration_is_chosen_on_tuning_origins_only():
    from mpp.national.calibration import CALIBRATIONS, calibration_criterion, cross_validated, pit

    rng = np.random.default_rng(1)
    origins = [f"{y}-{m:02d}" for y in range(2016, 2024) for m in (3, 6, 9, 12)]
    cases = _cases(origins)
    sums = 90.0 + rng.normal(0, 10, (len(cases), 500))
    cases["pit"] = pit(sums, cases["actual"].to_numpy())
    role = cases["role"].to_numpy()
    tuning, tsums = cases[role == "tuning"].reset_index(drop=True), sums[role == "tuning"]
    frames = {name: cross_validated(tuning, tsums, keys) for name, keys in CALIBRATIONS.items()}
    assert all(f["origin"].str.slice(0, 4).astype(int).max() <= 2020 for f in frames.values())
    best, _ = choose_on_tuning(SPLIT, frames, calibration_criterion)
    assert best != "nominal levels"  # a constant bias is learnt from the other tuning years
    with pytest.raises(LockedOriginError):
        choose_on_tuning(SPLIT, {"all": cross_validated(cases, sums, ["horizon"])}, calibration_criterion)


def test_medio_comparison_scores_every_vintage_with_a_realised_year():
    from mpp.national.backtest import medio_comparison
    from mpp.spec import load_release_calendar

    published = pd.DataFrame(
        {
            "vintage": ["MPP 2024-II", "MPP 2024-II", "MPP 2024-II"],
            "quantity": ["total_asylum_inflow"] * 3,
            "target_year": [2024, 2025, 2024],
            "scenario": ["medio", "medio", "minimum"],
            "value": [57600.0, 66000.0, 37600.0],
        }
    )
    realised = pd.DataFrame({"series_id": [TOTAL_ID], "year": [2024], "value": [45600.0], "source": ["x"]})
    ours = {
        "MPP 2024-II": pd.DataFrame(
            {
                "series_id": [TOTAL_ID, TOTAL_ID],
                "year": [2024, 2025],
                "medio": [50000.0, 52000.0],
                "medio_calibrated": [44000.0, 50000.0],
                "horizon": ["current", "next"],
            }
        )
    }
    m = medio_comparison(published, realised, ours, load_release_calendar())
    assert len(m) == 1  # 2025 has no realised figure; the minimum is not a medio
    r = m.iloc[0]
    assert r["data_cutoff"] == "2024-06 (stated)" and r["published"] == "2024-11"
    assert r["official_medio_error"] == pytest.approx(12000 / 45600)
    assert not r["official_medio_exceeded"] and not r["ours_medio_exceeded"]
    assert r["ours_medio_calibrated_exceeded"]


def test_every_first_request_method_the_backtest_can_choose_is_a_valid_setting():
    """Regression: the backtest chose level_ar (with publication lags), which national.yaml refused."""
    from mpp.national.config import FirstModel

    for method in ("level_rw", "level_ar", "ets"):
        assert FirstModel(method=method).method == method
