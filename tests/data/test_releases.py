"""The release calendar: lags per source, what a forecaster at an origin could read, MPP vintages' dates."""

from __future__ import annotations

import pandas as pd
import pytest

from mpp.data.observations import make_observations
from mpp.data.releases import ReleaseCalendar, check_sources
from mpp.errors import ConfigError
from mpp.spec import load_national_config, load_release_calendar


def obs(rows):
    return make_observations([dict(file="f.csv", row=i + 2, **r) for i, r in enumerate(rows)])


def test_every_national_source_has_a_documented_or_stated_lag():
    cal = load_release_calendar()
    check_sources(cal, load_national_config().sources)  # no source can be read before it is out
    for key, rel in cal.sources.items():
        assert rel.evidence.strip(), key
        assert rel.lags, key


def test_published_by_denies_the_quarter_ending_at_the_origin_and_the_year_before_its_release():
    cal = load_release_calendar()
    o = obs(
        [
            dict(period="2021-Q3", stream="first_asylum_request", value=1, source="cbs_quarterly"),
            dict(period="2021-Q4", stream="first_asylum_request", value=2, source="cbs_quarterly"),
            dict(period="2021", stream="first_asylum_request", value=3, source="cbs_annual"),
            dict(period="2021-11", stream="first_asylum_request", value=4, source="ind_monthly"),
            dict(period="2021-12", stream="first_asylum_request", value=5, source="ind_monthly"),
            dict(period="2021-10", stream="first_asylum_request", value=6, source="eurostat_monthly"),
        ]
    )
    at_dec = cal.published_by(o, "2021-12")
    assert sorted(at_dec["value"]) == [1, 4]  # Q3 (out in Oct) and November (out in Dec) only
    assert sorted(cal.published_by(o, "2022-01")["value"]) == [1, 2, 4, 5, 6]  # Q4, Dec, Eurostat Oct (+3)
    assert sorted(cal.published_by(o, "2022-02")["value"]) == [1, 2, 3, 4, 5, 6]  # the CBS year (+2)
    # a cut-off below the origin: nothing covering later months, even if it is out
    assert sorted(cal.published_by(o, "2022-02", cutoff="2021-11")["value"]) == [1, 4, 6]


def test_a_derived_sum_is_out_when_its_last_source_is_and_exceptions_apply():
    cal = load_release_calendar()
    o = obs(
        [
            dict(
                period="2019-Q1",
                stream="first_asylum_request",
                value=1,
                source="cbs_monthly+eurostat_monthly",
                derived="sum of 3 months",
            ),
            dict(period="2017", stream="nareizigers", value=2, source="realised_totals"),
            dict(period="2016", stream="nareizigers", value=3, source="realised_totals"),
        ]
    )
    months = dict(zip(o["value"], cal.published_month(o).astype(str)))
    # the sum is out with its last Eurostat month (+3); the 2017 nareizigers in April (exception)
    assert months == {1: "2019-06", 2: "2018-04", 3: "2017-02"}


def test_unknown_source_or_frequency_is_a_config_error():
    cal = load_release_calendar()
    with pytest.raises(ConfigError, match="no entry for source 'nope'"):
        cal.lag("nope", "M")
    with pytest.raises(ConfigError, match="no lag for frequency 'Y'"):
        cal.lag("ind_monthly", "Y")
    with pytest.raises(ConfigError, match="missing_source"):
        check_sources(cal, ["ind_monthly", "missing_source"])
    with pytest.raises(ValueError):
        ReleaseCalendar.model_validate(
            {
                "version": 1,
                "sources": {"a": {"publisher": "x", "lags": {"M": -1}, "basis": "assumption", "evidence": "e"}},
            }
        )


def test_mpp_vintages_have_publication_and_cutoff_months():
    cal = load_release_calendar()
    v = cal.mpp_vintages["MPP 2024-II"]
    assert (v.published, v.data_cutoff, v.basis) == ("2024-11", "2024-06", "documented")
    for name, v in cal.mpp_vintages.items():
        assert pd.Period(v.data_cutoff, "M") <= pd.Period(v.published, "M"), name


def test_panel_lag_and_last_published_month():
    cal = load_release_calendar()
    assert cal.monthly_lag() == 1
    assert str(cal.last_published_month("2020-06")) == "2020-05"
