"""The nowcast of national first-request quarters that ended by the origin but are not yet published: what it
reads, how its spread reaches the paths, coherence, and that later publications change nothing."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from national_checks import assert_months_quarters_years

from mpp.national.backtest import known_at
from mpp.national.model import FIRST, FIRST_OTHER, FIRST_PANEL, NAR, REPEAT, RESETTLE, TOTAL_ID, forecast_national
from mpp.national.nowcast import log_ratios, nowcast_quarters, predictor_errors
from mpp.national.paths import ets_paths, level_paths
from mpp.spec import load_release_calendar

N = 200
ORIGIN = pd.Period("2021-09", "M")  # 2021-Q3 is out in October; the panel's July and August are out


def _synthetic(ratio):
    quarters = pd.period_range("2015Q1", "2016Q4", freq="Q")
    months = pd.period_range("2015-01", "2017-02", freq="M")
    panel = pd.Series(np.arange(100.0, 100.0 + len(months)), index=months)
    national = pd.Series(
        [
            panel.reindex(pd.period_range(q.asfreq("M", "s"), q.asfreq("M", "e")))[:2].sum() * r
            for q, r in zip(quarters, ratio)
        ],
        index=quarters,
    )
    return national, panel


def test_constant_ratio_nowcasts_the_quarter_exactly():
    national, panel = _synthetic([2.5] * 8)
    nc = nowcast_quarters(national, panel, pd.Period("2017Q1", "Q"), "panel_last", 50, np.random.default_rng(0))
    assert nc.quarters == [pd.Period("2017Q1", "Q")]
    # the panel's January and February 2017 (the two published months) x the ratio 2.5, on every path
    np.testing.assert_allclose(nc.paths[0], 2.5 * (panel["2017-01"] + panel["2017-02"]), rtol=1e-12)
    assert nc.params["quarters"]["2017Q1"]["panel_months"] == 2


def test_each_path_draws_its_own_ratio_with_the_predictors_spread():
    ratio = [2.0, 2.6, 2.2, 3.0, 2.4, 2.8, 2.1, 2.9]
    national, panel = _synthetic(ratio)
    lr = log_ratios(national, panel, 2).to_numpy()
    np.testing.assert_allclose(lr, np.log(ratio))
    sd = float(np.std(predictor_errors(lr, "panel_mean4"), ddof=1))
    nc = nowcast_quarters(national, panel, pd.Period("2017Q1", "Q"), "panel_mean4", 20000, np.random.default_rng(1))
    logs = np.log(nc.paths[0] / (panel["2017-01"] + panel["2017-02"]))
    assert logs.std() == pytest.approx(sd, rel=0.03)
    assert logs.mean() == pytest.approx(np.log(ratio[-4:]).mean(), abs=0.01)


def test_nothing_to_nowcast_without_a_published_panel_month_or_unpublished_quarter():
    national, panel = _synthetic([2.5] * 8)
    rng = np.random.default_rng(0)
    assert nowcast_quarters(national, panel, pd.Period("2016Q4", "Q"), "panel_last", 10, rng) is None
    assert nowcast_quarters(national, panel[:"2016-12"], pd.Period("2017Q1", "Q"), "panel_last", 10, rng) is None
    assert nowcast_quarters(national, panel, pd.Period("2017Q1", "Q"), "none", 10, rng) is None


def test_level_paths_keep_the_nowcast_and_continue_from_each_paths_level():
    q = pd.Series(np.r_[np.full(12, 1000.0), 1200.0], index=pd.period_range("2018Q1", periods=13, freq="Q")).astype(
        float
    )
    nowcast = np.linspace(500.0, 3000.0, 400)[None, :]
    paths, _ = level_paths(q, 5, 400, np.random.default_rng(2), method="level_rw", nowcast=nowcast)
    assert paths.shape == (5, 400)
    np.testing.assert_array_equal(paths[0], nowcast[0])
    # a path with a higher nowcast starts from a higher level: next quarter's value rises with it
    assert np.corrcoef(nowcast[0], paths[1])[0, 1] > 0.5


def test_ets_moves_each_path_as_its_nowcast_would_move_the_states():
    """The per-path shift of the ETS continuation equals what statsmodels' own filter gives when the last
    observation is higher by the same log amount (same parameters)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(5)
    y = np.exp(np.cumsum(rng.normal(0, 0.3, 40)) + np.tile([0, 0.2, -0.1, 0.3], 10) + 7)
    q = pd.Series(y, index=pd.period_range("2010Q1", periods=40, freq="Q"))
    d = 0.2
    base, _ = ets_paths(q, 6, 50, np.random.default_rng(0), 1.0)
    moved, _ = ets_paths(q, 6, 50, np.random.default_rng(0), 1.0, np.full(50, d))
    shift = np.log(moved) - np.log(base)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logy = pd.Series(np.log(y))
        spec = dict(error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=4)
        fit = ETSModel(logy, **spec).fit(disp=False, maxiter=200)
        bumped = logy.copy()
        bumped.iloc[-1] += d
        expected = np.asarray(ETSModel(bumped, **spec).smooth(fit.params).forecast(6)) - np.asarray(fit.forecast(6))
    np.testing.assert_allclose(shift, np.repeat(expected[:, None], 50, axis=1), atol=1e-9)


@pytest.fixture(scope="module")
def calendar():
    return load_release_calendar()


@pytest.fixture(scope="module", params=["level_ar", "ets"])
def nowcast_fc(request, national_obs, national_cfg, calendar):
    known = known_at(national_obs, ORIGIN, calendar)
    methods = {"first": request.param, "first_nowcast": "panel_last"}
    return forecast_national(known, ORIGIN, national_cfg, seed=4, n_samples=N, methods=methods), methods


def test_unpublished_quarter_is_a_nowcast_from_the_panels_published_months(nowcast_fc, national_obs):
    fc, _ = nowcast_fc
    b = fc.basis[fc.basis["series_id"] == FIRST].set_index("period")["basis"]
    assert b["2021Q2"] == "observed" and b["2021Q3"] == "nowcast" and b["2021Q4"] == "forecast"
    nc = fc.details["first_asylum_request"]["nowcast"]["quarters"]["2021Q3"]
    panel = national_obs[
        (national_obs["source"] == "cbs_panel_7nat") & (national_obs["stream"] == "first_asylum_request")
    ]
    assert nc["panel_months"] == 2
    assert nc["panel_sum"] == pytest.approx(panel[panel["period"].isin(["2021-07", "2021-08"])]["value"].sum())
    quarters, q = fc.quarterly()
    q3 = q[fc.index(FIRST), list(quarters).index(pd.Period("2021Q3", "Q"))]
    assert q3.std() > 0  # the nowcast's spread is on the paths
    np.testing.assert_allclose(np.log(q3 / nc["panel_sum"]).std(), nc["log_sd"], rtol=0.2)


def test_nowcast_paths_stay_coherent(nowcast_fc):
    fc, _ = nowcast_fc
    p = fc.paths
    i = fc.index
    np.testing.assert_allclose(p[i(TOTAL_ID)], p[i(FIRST)] + p[i(REPEAT)] + p[i(NAR)] + p[i(RESETTLE)], atol=1e-6)
    np.testing.assert_allclose(p[i(FIRST)], p[i(FIRST_PANEL)] + p[i(FIRST_OTHER)], atol=1e-6)
    assert_months_quarters_years(fc)
    assert (p >= -1e-9).all()


def test_values_published_after_the_origin_change_nothing(nowcast_fc, national_obs, national_cfg, calendar):
    """The quarter being nowcast, the panel's September, IND and CBS months of the quarter, all published after
    the origin's month: absurd values for them leave every path as it was."""
    fc, methods = nowcast_fc
    first = national_obs[(national_obs["stream"] == "first_asylum_request") & (national_obs["nationality"] == "TOTAL")]
    q = (
        first[first["source"] == "cbs_quarterly"]
        .tail(1)
        .assign(period="2021-Q3", start=pd.Period("2021-07", "M"), end=pd.Period("2021-09", "M"), value=1e6)
    )
    panel = national_obs[national_obs["source"] == "cbs_panel_7nat"]
    sept = panel[panel["period"] == "2021-06"].assign(period="2021-09", start=ORIGIN, end=ORIGIN, value=1e6)
    ind = first[first["source"] == "ind_monthly"].tail(1).assign(period="2021-09", start=ORIGIN, end=ORIGIN, value=1e6)
    poisoned = national_obs[
        ~(national_obs["start"].eq(ORIGIN) & national_obs["end"].eq(ORIGIN))
        & ~((national_obs["source"] == "cbs_quarterly") & (national_obs["period"] == "2021-Q3"))
    ]
    poisoned = pd.concat([poisoned, q, sept, ind], ignore_index=True)
    again = forecast_national(
        known_at(poisoned, ORIGIN, calendar), ORIGIN, national_cfg, seed=4, n_samples=N, methods=methods
    )
    np.testing.assert_array_equal(again.paths, fc.paths)
