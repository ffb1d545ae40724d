"""Mixed-frequency observations: periods, the Eurostat TSV with flags and ':', validation findings, resolving."""

from __future__ import annotations

import pandas as pd
import pytest

from mpp.data.national_readers import read_eurostat_tsv_national
from mpp.data.observations import (
    make_observations,
    parse_period,
    resolve,
    validate_observations,
)


@pytest.mark.parametrize(
    "text, label, freq, start, end",
    [
        ("2024-07", "2024-07", "M", "2024-07", "2024-07"),
        ("2024Q3", "2024-Q3", "Q", "2024-07", "2024-09"),
        ("2024-Q4", "2024-Q4", "Q", "2024-10", "2024-12"),
        ("2022-H2", "2022-H2", "H", "2022-07", "2022-12"),
        ("2024", "2024", "Y", "2024-01", "2024-12"),
    ],
)
def test_parse_period(text, label, freq, start, end):
    got = parse_period(text)
    assert got == (label, freq, pd.Period(start, "M"), pd.Period(end, "M"))


def test_parse_period_rejects_other_text():
    with pytest.raises(ValueError, match="not a month"):
        parse_period("2024-13")


def test_eurostat_tsv_flags_and_missing(tmp_path):
    tsv = tmp_path / "x.tsv"
    tsv.write_text(
        "freq,unit,citizen,sex,age,asyl_app,geo\\TIME_PERIOD\t2020-01 \t2020-02 \t2020-03 \n"
        "M,PER,TOTAL,T,TOTAL,ASY_APP,NL\t1000 \t: \t900 p\n"
        "M,PER,TOTAL,T,TOTAL,NASY_APP,NL\t800 \t700 \t750 p\n"
        "M,PER,TOTAL,T,TOTAL,NASY_APP,BE\t5 \t5 \t5 \n"
    )
    obs = read_eurostat_tsv_national(tsv)
    first = obs[obs["stream"] == "first_asylum_request"].set_index("period")
    assert first["value"].to_dict() == {"2020-01": 800, "2020-02": 700, "2020-03": 750}
    assert "flag p" in first.loc["2020-03", "publisher"]
    assert set(first["row"]) == {3}
    rep = obs[obs["stream"] == "repeat_asylum_request"].set_index("period")
    # ':' is "not available": no repeat figure for February, never a zero
    assert rep["value"].to_dict() == {"2020-01": 200, "2020-03": 150}
    assert rep["derived"].str.startswith("ASY_APP - NASY_APP").all()


def test_real_tsv_matches_the_long_extract(national_dir):
    obs = read_eurostat_tsv_national(national_dir / "eurostat_migr_asyappctzm_all_countries_totals_2008_2020-08.tsv")
    long = pd.read_csv(national_dir / "eurostat_migr_asyappctzm_NL_national_monthly_2008_2020-08.csv")
    nasy = long[(long["citizen"] == "TOTAL") & (long["asyl_app"] == "NASY_APP")].set_index("period")["value"]
    first = obs[obs["stream"] == "first_asylum_request"].set_index("period")["value"]
    assert len(first) == 152
    assert (first - nasy.reindex(first.index)).abs().max() == 0


def _obs(rows):
    return make_observations([{"stream": "first_asylum_request", "rounding": 5, **r} for r in rows])


def test_month_set_contradicting_its_quarter_is_reported_with_file_row_and_both_sources():
    obs = _obs(
        [
            dict(period="2019-01", value=1500, source="eurostat_monthly", file="es.tsv", row=7),
            dict(period="2019-02", value=1400, source="eurostat_monthly", file="es.tsv", row=8),
            dict(period="2019-03", value=1300, source="eurostat_monthly", file="es.tsv", row=9),
            dict(period="2019-Q1", value=5400, source="cbs_quarterly", file="cbs_q.csv", row=25),
            dict(period="2019-Q2", value=4000, source="cbs_quarterly", file="cbs_q.csv", row=26),
        ]
    )
    findings = validate_observations(obs, rel_tol=0.01)
    assert len(findings) == 1
    f = findings[0]
    assert (f.period, f.value_a, f.value_b, f.difference) == ("2019-Q1", 4200, 5400, -1200)
    msg = f.message()
    for text in ("es.tsv rows 7-9", "eurostat_monthly", "cbs_q.csv row 25", "cbs_quarterly", "2019-Q1"):
        assert text in msg


def test_rounded_sources_within_tolerance_are_not_findings():
    obs = _obs(
        [
            dict(period="2019-01", value=1500, source="a", file="a.csv", row=2),
            dict(period="2019-02", value=1405, source="a", file="a.csv", row=3),
            dict(period="2019-03", value=1300, source="a", file="a.csv", row=4),
            dict(period="2019-Q1", value=4200, source="b", file="b.csv", row=2, rounding=10),
        ]
    )
    assert validate_observations(obs, rel_tol=0.0) == []


def test_resolve_follows_precedence_and_never_disaggregates():
    obs = _obs(
        [
            dict(period="2019-01", value=1500, source="a", file="a.csv", row=2),
            dict(period="2019-01", value=1490, source="c", file="c.csv", row=2),
            dict(period="2019-02", value=1400, source="a", file="a.csv", row=3),
            dict(period="2019-03", value=1300, source="a", file="a.csv", row=4),
            dict(period="2019-Q3", value=4000, source="b", file="b.csv", row=9),
        ]
    )
    res = resolve(obs, {"first_asylum_request": {"M": ["a", "c"], "Q": ["b"]}})
    months = res[res["freq"] == "M"]
    assert list(months["period"]) == ["2019-01", "2019-02", "2019-03"]
    assert (months["source"] == "a").all()
    q = res[res["freq"] == "Q"].set_index("period")
    assert q.loc["2019-Q1", "value"] == 4200 and q.loc["2019-Q1", "derived"] == "sum of 3 months"
    assert q.loc["2019-Q3", "source"] == "b"
    # Q3 is known only as a quarter: no month of it appears
    assert not months["period"].isin(["2019-07", "2019-08", "2019-09"]).any()


def test_real_sources_validate_with_named_findings(national_obs, national_cfg):
    findings = validate_observations(national_obs, national_cfg.tolerance.relative)
    msgs = [f.message() for f in findings]
    # IND's September 2022 registration catch-up (4,319) against CBS (4,435), as PROVENANCE notes
    assert any("2022-09" in m and "ind_monthly" in m and "cbs_monthly" in m for m in msgs)
    # Eurostat and CBS agree within 1% on every quarter 2013-2020: no quarter finding between them
    assert not any("eurostat_monthly" in m and "cbs_quarterly" in m for m in msgs)
