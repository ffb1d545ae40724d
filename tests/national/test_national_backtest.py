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
    assert target_years(pd.Period("2019-06", "M")) == (2019, 2020)
    assert target_years(pd.Period("2019-12", "M")) == (2020, 2021)


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
