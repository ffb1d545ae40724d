"""Nareizigers from asylum grants: the lag kernel, the grid posterior, what an origin may know, and the
national paths with the grants model (coherent on every path, blind to grants not yet published)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from national_checks import assert_months_quarters_years

from mpp.data.national_readers import GRANTS
from mpp.data.observations import resolve, series
from mpp.national import grants
from mpp.national.backtest import known_at, origin_sums
from mpp.national.config import GrantsModel
from mpp.national.model import FIRST, NAR, NAR_OTHER, NAR_PANEL, REPEAT, RESETTLE, TOTAL_ID, forecast_national
from mpp.spec import load_release_calendar

N = 200
# explicit, so that the tests do not depend on what national.yaml chooses
GRANTS_METHOD = {"nareizigers": "grants", "nar_grants": "level_rw", "nar_grant_months": "after_cutoff"}
PANEL_METHOD = {"nareizigers": "panel_share"}


def test_lag_weights_sum_to_one_and_move_later_with_the_mean():
    w = grants.lag_weights(np.array([0.3, 1.0, 2.0]), shape=4.0)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)
    mean_offset = w @ np.arange(w.shape[1])
    assert mean_offset[0] < mean_offset[1] < mean_offset[2]
    # a grant made within the year plus a lag of mean m arrives m + 1/2 - 1/2 = m calendar years later on average
    np.testing.assert_allclose(mean_offset, [0.3, 1.0, 2.0], atol=0.05)


def test_fit_recovers_a_known_lag_and_follow_up_ratio():
    rng = np.random.default_rng(0)
    years = range(2000, 2025)
    g = {y: float(v) for y, v in zip(years, np.exp(rng.normal(np.log(10_000), 0.5, len(years))))}
    cfg = GrantsModel()
    w = grants.lag_weights(np.array([1.2]), cfg.lag_shape)[0]
    nar = pd.Series(
        [0.7 * sum(w[k] * g[y - k] for k in range(len(w))) * np.exp(rng.normal(0, 0.02)) for y in range(2008, 2025)],
        index=pd.PeriodIndex([str(y) for y in range(2008, 2025)], freq="Y"),
    )
    post = grants.fit_lag(nar, g, cfg)
    assert post.years == list(range(2008, 2025))
    assert abs(float(post.prob @ post.means) - 1.2) < 0.1
    best = int(np.argmax(post.prob))
    assert np.exp(post.mu[best]) == pytest.approx(0.7, rel=0.05)


def test_without_a_fit_year_the_prior_alone_gives_the_paths():
    cfg = GrantsModel()
    post = grants.fit_lag(pd.Series([], dtype=float, index=pd.PeriodIndex([], freq="Y")), {}, cfg)
    assert post.years == [] and np.allclose(post.prob, 1 / len(post.means))
    paths = {y: np.full(N, 1000.0) for y in range(2000, 2011)}
    out, info = grants.nareizigers_annual(post, paths, [2010], N, np.random.default_rng(1), cfg.sigma_max)
    assert info["fit_years"] == "none (prior only)" and np.isfinite(out).all() and (out > 0).all()


def test_paths_are_ratio_times_noise_times_the_lagged_grants_drawn_in_that_order():
    # scripts/nareizigers_spread.py splits the band into these parts; it must draw what the model draws
    cfg = GrantsModel()
    rng = np.random.default_rng(3)
    g = {y: float(v) for y, v in zip(range(2000, 2015), np.exp(rng.normal(np.log(8_000), 0.4, 15)))}
    nar = pd.Series([0.8 * g[y - 1] for y in range(2007, 2015)], index=pd.PeriodIndex(range(2007, 2015), freq="Y"))
    post = grants.fit_lag(nar, g, cfg)
    paths = {y: np.exp(rng.normal(np.log(v), 0.3, N)) for y, v in g.items()}
    out, _ = grants.nareizigers_annual(post, paths, [2013, 2014], N, np.random.default_rng(5), cfg.sigma_max)
    again = np.random.default_rng(5)
    j, sigma, log_r = grants.draw_parameters(post, N, again, cfg.sigma_max)
    for i, y in enumerate([2013, 2014]):
        np.testing.assert_allclose(out[i], np.exp(log_r + again.normal(0.0, sigma)) * grants.drive(post, j, paths, y))


def test_mad_step_scale_is_not_set_by_one_boom_bust():
    calm = np.cumsum(np.random.default_rng(0).normal(0.0, 0.1, 16))  # 15 annual changes of sd 0.1
    bust = np.concatenate([calm, calm[-1:] - [1.0, 1.8]])  # then two years falling by e^-1 and e^-0.8
    assert grants._annual_sd(bust, "mad") < 0.5 * grants._annual_sd(bust, "sd")
    assert grants._annual_sd(bust, "mad") < 1.5 * grants._annual_sd(calm, "sd")  # the calm years set it
    assert grants._annual_sd(calm[:3], "mad") == grants._annual_sd(calm[:3], "sd") == 0.4  # too few changes


def test_a_grant_counts_only_once_its_source_has_published_it(national_obs):
    cal = load_release_calendar()
    periods = {
        o: set(known_at(national_obs, o, cal).query("stream == @GRANTS")["period"]) for o in ("2022-05", "2022-06")
    }
    assert "2022-Q1" not in periods["2022-05"] and "2022-Q1" in periods["2022-06"]
    # a year of CBS permits: not before the end of March of the next year
    assert "2021" not in set(known_at(national_obs, "2022-02", cal).query("stream == @GRANTS")["period"])
    assert "2021" in periods["2022-06"]


def test_real_grant_sources_agree_and_are_read_whole(national_obs, national_cfg):
    res = resolve(national_obs, national_cfg.precedence)
    q, y = series(res, GRANTS, "Q"), series(res, GRANTS, "Y")
    assert (q.index[0], q.index[-1], len(q)) == (pd.Period("2008Q1", "Q"), pd.Period("2023Q1", "Q"), 61)
    assert y[pd.Period("2016", "Y")] == 20810 and y[pd.Period("2024", "Y")] == 15965
    # Eurostat quarters sum to the CBS years exactly 2015-2018 (PROVENANCE section 12)
    for year in (2015, 2016, 2017, 2018):
        assert q[[pd.Period(f"{year}Q{k}", "Q") for k in range(1, 5)]].sum() == y[pd.Period(str(year), "Y")]


def test_grant_paths_keep_published_grants_exact(national_obs, national_cfg):
    cutoff = pd.Period("2022-06", "M")
    hist = grants.grant_history(
        known_at(national_obs, cutoff, load_release_calendar()), cutoff, national_cfg.precedence
    )
    assert hist.known_to == pd.Period("2022-03", "M")
    first_q = {k: np.full(N, 5000.0) for k in pd.period_range("2006Q1", "2024Q4", freq="Q")}
    for forecast in ("ratio_to_first", "level_rw"):
        paths, info = grants.grant_paths(
            hist, first_q, 2024, GrantsModel(forecast=forecast), N, np.random.default_rng(2)
        )
        assert info["forecast"] == forecast
        np.testing.assert_array_equal(paths[2021], 12065)  # CBS 85400NED 2021, published by 2022-03
        # 2022: the published 2022-Q1 (Eurostat 3,120) plus three forecast quarters on every path
        assert (paths[2022] > 3120).all() and np.unique(paths[2022]).size > 1


@pytest.fixture(scope="module")
def fc_grants(national_obs, national_cfg):
    return forecast_national(national_obs, "2022-06", national_cfg, seed=5, n_samples=N, methods=GRANTS_METHOD)


def test_grants_model_paths_coherent_on_every_path(fc_grants, national_obs, national_cfg):
    fc = fc_grants
    p = fc.paths
    i = fc.index
    assert fc.details["nareizigers"]["method"] == "grants"
    np.testing.assert_allclose(
        p[i(TOTAL_ID)], p[i(FIRST)] + p[i(REPEAT)] + p[i(NAR)] + p[i(RESETTLE)], rtol=0, atol=1e-6
    )
    np.testing.assert_allclose(p[i(NAR)], p[i(NAR_PANEL)] + p[i(NAR_OTHER)], rtol=0, atol=1e-6)
    assert (p >= -1e-9).all() and (p[i(NAR_OTHER)] >= -1e-9).all()
    assert_months_quarters_years(fc)
    # months up to the cut-off are the panel model's, identical to the panel_share run on the same seed
    panel = forecast_national(national_obs, "2022-06", national_cfg, seed=5, n_samples=N, methods=PANEL_METHOD)
    upto = np.asarray(fc.months <= fc.cutoff)
    np.testing.assert_array_equal(p[i(NAR)][upto], panel.paths[i(NAR)][upto])
    assert not np.array_equal(p[i(NAR)][~upto], panel.paths[i(NAR)][~upto])


def test_grants_not_yet_published_change_nothing(national_obs, national_cfg):
    """A grant quarter that ended by the origin but was not yet published (2022-Q2 at 2022-06, Eurostat's lag
    is 3 months) must not move a path in the backtest: poison it, and the 2022 permits, absurdly."""
    cal = load_release_calendar()
    src = national_obs[(national_obs["stream"] == GRANTS) & (national_obs["source"] == "eurostat_decisions")]
    poison = src[src["period"] == "2022-Q2"].assign(value=1e6)
    annual = src.tail(1).assign(
        source="cbs_permits",
        period="2022",
        freq="Y",
        start=pd.Period("2022-01", "M"),
        end=pd.Period("2022-12", "M"),
        value=1e6,
    )
    poisoned = pd.concat([national_obs[~national_obs.index.isin(poison.index)], poison, annual])
    origin = pd.Period("2022-06", "M")
    clean = origin_sums(national_obs, origin, national_cfg, GRANTS_METHOD, N, 5, None, cal)
    again = origin_sums(poisoned, origin, national_cfg, GRANTS_METHOD, N, 5, None, cal)
    for key, value in clean.items():
        np.testing.assert_array_equal(again[key], value)
    # once published (2022-09), the same poisoned quarter does reach the nareizigers of the next year
    later = origin + 3
    clean = origin_sums(national_obs, later, national_cfg, GRANTS_METHOD, N, 5, None, cal)
    again = origin_sums(poisoned, later, national_cfg, GRANTS_METHOD, N, 5, None, cal)
    assert np.median(again[(NAR, 2023)]) > 2 * np.median(clean[(NAR, 2023)])


def test_later_years_variant_leaves_the_running_year_to_the_panel(national_obs, national_cfg):
    panel = forecast_national(national_obs, "2022-06", national_cfg, seed=5, n_samples=N, methods=PANEL_METHOD)
    later = forecast_national(
        national_obs,
        "2022-06",
        national_cfg,
        seed=5,
        n_samples=N,
        methods={**GRANTS_METHOD, "nar_grant_months": "later_years"},
    )
    i = panel.index(NAR)
    this_year = np.asarray(panel.months.year == 2022)
    np.testing.assert_array_equal(later.paths[i][this_year], panel.paths[i][this_year])
    assert not np.array_equal(later.paths[i][~this_year], panel.paths[i][~this_year])


def test_mad_steps_reach_the_grant_random_walk_and_narrow_it_at_2022(national_obs, national_cfg):
    # at 2022-06 the annual grant changes since 2008 hold the 2017-2018 collapse: mad sets a smaller step
    runs = {
        step: forecast_national(
            national_obs,
            "2022-06",
            national_cfg,
            seed=5,
            n_samples=N,
            methods={**GRANTS_METHOD, "nar_grant_step": step},
        )
        for step in ("sd", "mad")
    }
    sd_steps = {k: f.details["nareizigers"]["grants"]["step_sd_per_quarter"] for k, f in runs.items()}
    assert sd_steps["mad"] < 0.9 * sd_steps["sd"]
    i = runs["sd"].index(NAR)
    after = np.asarray(runs["sd"].months > pd.Period("2022-06", "M"))
    assert not np.array_equal(runs["sd"].paths[i][after], runs["mad"].paths[i][after])


def test_level_ar_grants_revert_to_the_mean_of_the_published_years():
    rng = np.random.default_rng(0)
    years = pd.PeriodIndex([str(y) for y in range(1986, 2016)], freq="Y")
    x = [0.0]
    for _ in range(27):  # an AR(1), phi 0.7, then a boom: 2.2x and 3x the mean
        x.append(0.7 * x[-1] + rng.normal(0.0, 0.2))
    log_g = np.log(8_000) + np.array(x + [np.log(2.2), np.log(3.0)])
    hist = grants.GrantHistory(pd.Series(np.exp(log_g), index=years), pd.Series(dtype=float), pd.Period("2015-12"))
    out = {
        f: grants.grant_paths(hist, {}, 2020, GrantsModel(forecast=f), 4000, np.random.default_rng(1))
        for f in ("level_rw", "level_ar")
    }
    ar, info = out["level_ar"]
    rw = out["level_rw"][0]
    assert info["forecast"] == "level_ar" and 0.0 <= info["phi_per_year"] < 1.0
    last = np.exp(log_g[-1])
    assert np.median(ar[2020]) < 0.85 * last and np.median(rw[2020]) > 0.9 * last  # reverts; a random walk stays
    assert np.median(ar[2016]) > np.median(ar[2020])  # gradually
    np.testing.assert_array_equal(ar[2015], last)  # published years exact


def test_cbs_permits_2025_is_a_complete_year_known_from_2026_03_only(national_obs, national_cfg, national_dir):
    """Pins the 2025 permits (7,425) as a whole year: the snapshot's source labels the series CBS 85400NED
    'jaarcijfers' 2015-2025 in a copy of 22 May 2026 (PROVENANCE.md section 4), with no provisional or partial mark
    on 2025 (the file's note says only that the total is the sum of the three types). If a later snapshot marks
    2025 otherwise, this test fails and the year must be dropped, not treated as complete. The release calendar
    (cbs_permits, 3 months after the year) keeps it out of any origin before 2026-03."""
    raw = pd.read_csv(national_dir / "cbs_85400NED_asylum_permits_first_instance_by_type.csv")
    y25 = raw[(raw["year"] == 2025) & (raw["nationality"] == "Total")].set_index("permit_type")
    assert list(y25.index) == ["refugee_status", "subsidiary_protection", "humanitarian", "total_granted"]
    assert y25.loc["total_granted", "value"] == y25["value"].iloc[:3].sum() == 7425
    assert y25.loc["total_granted", "note"] == "sum of the three types (computed)" and y25["note"].iloc[:3].isna().all()
    cal = load_release_calendar()
    cutoff = pd.Period("2026-03", "M")
    for origin, known in (("2026-02", False), ("2026-03", True)):
        periods = set(known_at(national_obs, origin, cal).query("stream == @GRANTS")["period"])
        assert ("2025" in periods) is known
    hist = grants.grant_history(known_at(national_obs, cutoff, cal), cutoff, national_cfg.precedence)
    assert hist.annual[pd.Period("2025", "Y")] == 7425 and hist.known_to == pd.Period("2025-12", "M")
    early = grants.grant_history(
        known_at(national_obs, "2026-02", cal), pd.Period("2026-02", "M"), national_cfg.precedence
    )
    assert early.annual.index[-1] == pd.Period("2024", "Y")
