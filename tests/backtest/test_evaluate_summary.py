"""score_forecast, the summary tables and the official peer against hand computations on tiny examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.backtest import official
from mpp.backtest.evaluate import score_forecast, window_sums
from mpp.backtest.realised import realisations_by_series
from mpp.backtest.summary import crps_skill, crps_skill_bootstrap, headline


def _tiny():
    """One series, 14 months of history to 2020-02, forecast Mar..Feb (12 months) with 5 samples."""
    hist_idx = pd.period_range("2019-01", "2020-02", freq="M")
    history = pd.DataFrame({"TOTAL/TOTAL": np.r_[np.arange(10.0, 22.0), 12.0, 13.0]}, index=hist_idx)
    periods = pd.period_range("2020-03", periods=12, freq="M")
    base = np.array([8.0, 9.0, 10.0, 11.0, 12.0])
    paths = np.broadcast_to(base, (1, 12, 5)).copy()  # [series, horizon, sample]
    actual = pd.DataFrame({"TOTAL/TOTAL": np.full(12, 11.0)}, index=periods)
    return paths, periods, history, actual


def test_monthly_row_scores_by_hand():
    paths, periods, history, actual = _tiny()
    d = score_forecast(paths, ["TOTAL/TOTAL"], periods, history, actual)
    m = d.loc[(d["target"] == "month") & (d["horizon"] == 1)].iloc[0]
    # quantiles of [8..12] (linear): P5 8.2, P50 10, P67 10.68, P95 11.8
    assert (m["minimum"], m["median"], m["medio"], m["maximum"]) == pytest.approx((8.2, 10.0, 10.68, 11.8))
    # seasonal naive MAE of history: (12-10, 13-11)/2 = 2; MSE = 4
    assert m["ase"] == pytest.approx(abs(11 - 10) / 2)
    assert m["sse"] == pytest.approx((11 - 10) ** 2 / 4)
    assert m["smape"] == pytest.approx(200 * 1 / 21)
    # CRPS: mean|X-11| = (3+2+1+0+1)/5 = 1.4; mean|X-X'| = 2*sum_i(2i-6)x_(i)/25 = 2*20/25 = 1.6
    assert m["crps"] == pytest.approx(1.4 - 0.8)
    assert m["crps_scaled"] == pytest.approx(0.6 / 2)
    assert m["pinball_medio"] == pytest.approx(0.67 * (11 - 10.68))
    assert m["pinball_maximum"] == pytest.approx((1 - 0.95) * (11.8 - 11))
    assert (m["covered"], m["exceed_medio"], m["exceed_median"]) == (1.0, 1.0, 1.0)
    assert m["width"] == pytest.approx(3.6)


def test_next12_and_year_targets_by_hand():
    paths, periods, history, actual = _tiny()
    d = score_forecast(paths, ["TOTAL/TOTAL"], periods, history, actual)
    n12 = d.loc[d["target"] == "next12"].iloc[0]
    assert n12["actual"] == 132 and n12["median"] == pytest.approx(120.0)
    year = d.loc[d["target"] == "year"]
    # 2020 = realised Jan+Feb (12+13) + 10 forecast months; 2021 not covered by the horizon -> no row
    assert list(year["period"]) == ["2020"]
    assert year.iloc[0]["actual"] == 25 + 110 and year.iloc[0]["median"] == pytest.approx(25 + 100)


def test_months_without_realisation_are_not_scored():
    paths, periods, history, actual = _tiny()
    d = score_forecast(paths, ["TOTAL/TOTAL"], periods, history, actual.iloc[:4])
    assert set(d["target"]) == {"month"} and d["horizon"].max() == 4


def test_window_sums_mix_realised_and_forecast_months():
    paths, periods, history, _ = _tiny()
    months = pd.period_range("2020-01", "2020-04", freq="M")
    np.testing.assert_allclose(window_sums(paths, periods, months, history)[0], 25 + 2 * np.arange(8.0, 13.0))
    assert window_sums(paths, periods, pd.period_range("2018-12", "2019-01", freq="M"), history) is None


def test_realisations_by_series_pools_and_aggregates():
    data = pd.DataFrame(
        {
            "period": pd.PeriodIndex(["2020-01"] * 4, freq="M"),
            "stream": ["a", "a", "a", "b"],
            "nationality": ["SYR", "ERI", "TOTAL", "SYR"],
            "value": [5, 3, 10, 7],
        }
    )
    ids = ["TOTAL/TOTAL", "a/TOTAL", "b/TOTAL", "TOTAL/SYR", "TOTAL/OTHER", "a/OTHER", "a/SYR", "b/SYR"]
    r = realisations_by_series(data, ids).iloc[0]
    # ERI is not a bottom series -> a/OTHER; the stated a/TOTAL 10 leaves 10-5-3 = 2 more for a/OTHER
    assert r["a/OTHER"] == 5 and r["a/TOTAL"] == 10 and r["TOTAL/SYR"] == 12 and r["TOTAL/TOTAL"] == 17


def _detail(crps_a, crps_b, origins):
    rows = []
    for o, a, b in zip(origins, crps_a, crps_b):
        for v, c in (("x", a), ("baseline", b)):
            rows.append(
                {
                    "origin": o,
                    "variant": v,
                    "series_id": "s/N",
                    "level": "stream_nationality",
                    "target": "month",
                    "horizon": 1,
                    "crps": c,
                }
            )
    return pd.DataFrame(rows)


def test_crps_skill_and_bootstrap_by_hand():
    d = _detail([1.0, 2.0, 3.0], [2.0, 2.0, 4.0], ["2020-01", "2020-04", "2020-07"])
    assert crps_skill(d, "x") == pytest.approx(1 - 6 / 8)
    skill, se = crps_skill_bootstrap(d, "x", n_boot=2000, seed=3)
    assert skill == pytest.approx(0.25) and 0.0 < se < 0.3
    assert crps_skill(d, "baseline") == 0.0


def test_headline_by_hand():
    def row(v, o, actual, median, lo, hi):
        return {
            "origin": o,
            "variant": v,
            "series_id": "s/N",
            "level": "stream_nationality",
            "target": "next12",
            "horizon": 12,
            "actual": actual,
            "median": median,
            "minimum": lo,
            "maximum": hi,
            "covered": float(lo <= actual <= hi),
            "width": hi - lo,
            "crps": 1.0,
            "exceed_medio": np.nan,
            "exceed_median": np.nan,
            "ase": np.nan,
        }

    d = pd.DataFrame(
        [
            row("x", "2020-01", 100, 90, 80, 120),
            row("x", "2021-01", 50, 70, 60, 80),
            row("baseline", "2020-01", 100, 60, 50, 70),
            row("baseline", "2021-01", 50, 50, 40, 60),
        ]
    )
    h = headline(d, n_boot=10).set_index("variant")
    assert h.loc["x", "wape_next12"] == pytest.approx(30 / 150)
    assert h.loc["baseline", "wape_next12"] == pytest.approx(40 / 150)
    assert h.loc["x", "coverage90_next12"] == 0.5 and bool(h.loc["x", "beats_baseline_wape"])
    assert h.loc["x", "width_rel_next12"] == pytest.approx((40 / 100 + 20 / 50) / 2)


def test_official_scores_against_realised_with_source():
    pub = pd.DataFrame(
        {
            "vintage": ["V"] * 3,
            "published": ["2024-11"] * 3,
            "data_cutoff": ["2024-06"] * 3,
            "quantity": ["total_asylum_inflow"] * 3,
            "target_year": [2024] * 3,
            "scenario": ["minimum", "medio", "maximum"],
            "value": [37600, 57600, 66700],
        }
    )
    realised = pd.DataFrame(
        {"quantity": ["total_asylum_inflow"], "year": [2024], "value": [45600], "approx": ["yes"], "source": ["rd.nl"]}
    )
    t = official.peer_table(pub, realised, []).iloc[0]
    assert t["central_scenario"] == "medio" and t["rel_error"] == pytest.approx((57600 - 45600) / 45600)
    assert bool(t["inside"]) and t["approx"] == "yes" and t["realised_source"] == "rd.nl"


def test_share_before_uses_full_quarters_up_to_the_cutoff():
    q = pd.period_range("2023Q1", "2024Q4", freq="Q")
    partial = pd.Series(np.arange(1.0, 9.0), index=q)
    national = pd.Series(np.full(8, 10.0), index=q)
    # cut-off 2024-05: last full quarter is 2024Q1 -> quarters 2023Q2..2024Q1 = 2+3+4+5 of 40
    assert official.share_before(partial, national, pd.Period("2024-05", freq="M")) == pytest.approx(14 / 40)
    assert official.share_before(partial, national, pd.Period("2024-06", freq="M")) == pytest.approx(18 / 40)


def test_point_seasonal_naive_reference_by_hand():
    paths, periods, history, actual = _tiny()
    d = score_forecast(paths, ["TOTAL/TOTAL"], periods, history, actual)
    m = d.loc[d["target"] == "month"].set_index("horizon")["snaive"]
    assert m[1] == 12.0 and m[10] == 21.0 and m[11] == 12.0  # 2019-03, 2019-12, 2020-01
    assert m[12] == 13.0  # 2021-02 looks back to 2020-02, the origin month itself
    n12 = d.loc[d["target"] == "next12"].iloc[0]
    assert n12["snaive"] == history.iloc[-12:].to_numpy().sum()


def test_half_year_sums_are_scored_beside_the_last_6_and_half_of_last_12_naive_rules():
    paths, periods, history, actual = _tiny()
    d = score_forecast(paths, ["TOTAL/TOTAL"], periods, history, actual)
    half = d.loc[d["target"] == "half"]
    assert len(half) == 1
    h = half.iloc[0]
    assert h["actual"] == pytest.approx(actual.loc[periods[:6], "TOTAL/TOTAL"].sum())
    assert h["snaive"] == pytest.approx(history["TOTAL/TOTAL"].iloc[-6:].sum())
    assert h["naive_half12"] == pytest.approx(history["TOTAL/TOTAL"].iloc[-12:].sum() / 2)
    assert d.loc[d["target"] != "half", "naive_half12"].isna().all()
