import numpy as np
import pandas as pd
import pytest

from mpp.errors import DataError
from mpp.report.inputs import read_run
from mpp.report.tables import (
    backtest_scorecard,
    flatten,
    headline_table,
    headline_years,
    last_complete_year,
    revision_against,
    top_nationalities,
    year_end_occupancy,
)


def test_read_run_reads_optional_parts(run_dir, minimal_run_dir):
    run = read_run(run_dir)
    assert run.cutoff == "2025-06"
    assert run.occupancy_bands is not None and run.backtest_scores is not None and run.backtest_summary
    minimal = read_run(minimal_run_dir)
    assert minimal.occupancy_bands is None and minimal.backtest_scores is None and minimal.revision is None
    assert minimal.history.empty and minimal.history_series("TOTAL/TOTAL").empty


def test_read_run_names_the_missing_file(tmp_path):
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(DataError, match="missing bands_monthly.csv"):
        read_run(tmp_path)
    with pytest.raises(DataError, match="not found"):
        read_run(tmp_path / "nope")


def test_headline_equals_annual_bands_for_three_years(run_dir):
    run = read_run(run_dir)
    head = headline_table(run)
    assert headline_years(run) == [2025, 2026, 2027]
    inflow = head[head["quantity"].str.contains("/")]
    assert list(dict.fromkeys(inflow["quantity"])) == [
        "TOTAL/TOTAL",
        "first_asylum_request/TOTAL",
        "repeat_asylum_request/TOTAL",
        "nareizigers/TOTAL",
    ]
    a = pd.read_csv(run_dir / "bands_annual.csv")
    merged = inflow.merge(a, left_on=["quantity", "year"], right_on=["series_id", "year"], suffixes=("", "_csv"))
    assert len(merged) == len(inflow) == 12
    for s in ("minimum", "median", "medio", "maximum"):
        np.testing.assert_allclose(merged[s], merged[f"{s}_csv"])
    assert (head["minimum"] <= head["median"]).all() and (head["medio"] <= head["maximum"]).all()


def test_partial_years_are_left_out_of_the_headline(previous_run_dir):
    run = read_run(previous_run_dir)  # forecast 2025-01 .. 2027-06
    assert last_complete_year(run) == 2026
    assert headline_years(run) == [2025, 2026]


def test_year_end_occupancy_prefers_1_january_of_next_year():
    ob = pd.DataFrame(
        {
            "quantity": ["occ"] * 3,
            "period": ["2026-11", "2026-12", "2027-01-01"],
            "minimum": [1.0, 2.0, 3.0],
            "median": [1.0, 2.0, 3.0],
            "medio": [1.0, 2.0, 3.0],
            "maximum": [1.0, 2.0, 3.0],
        }
    )
    assert year_end_occupancy(ob, [2026])["median"].tolist() == [3.0]
    assert year_end_occupancy(ob.iloc[:2], [2026])["median"].tolist() == [2.0]
    assert year_end_occupancy(ob.iloc[:1], [2026]).empty


def test_revision_change_and_percentage():
    cur = pd.DataFrame(
        {
            "quantity": ["TOTAL/TOTAL"],
            "year": [2026],
            "minimum": [90.0],
            "median": [110.0],
            "medio": [120.0],
            "maximum": [150.0],
        }
    )
    prev = cur.assign(median=100.0, year=[2026])
    rev = revision_against(cur, prev).set_index("scenario")
    assert rev.loc["median", "change"] == 10.0 and rev.loc["median", "change_pct"] == pytest.approx(10.0)
    assert rev.loc["maximum", "change"] == 0.0
    assert revision_against(cur, prev.assign(year=[2030])).empty


def test_top_nationalities_by_forecast_median_without_pooled_other(run_dir):
    top = top_nationalities(read_run(run_dir), 2)
    assert top == ["TOTAL/SYR", "TOTAL/TUR"]  # OTHER is larger than TUR but is not a nationality


def test_backtest_scorecard_averages_per_variant_and_level():
    scores = pd.DataFrame(
        {"variant": ["a", "a", "b"], "level": ["total"] * 3, "horizon": [1, 2, 1], "crps": [1.0, 3.0, 5.0]}
    )
    card = backtest_scorecard(scores)
    assert card.to_dict("records") == [
        {"variant": "a", "level": "total", "crps": 2.0},
        {"variant": "b", "level": "total", "crps": 5.0},
    ]
    long = pd.DataFrame({"variant": ["a", "a"], "metric": ["crps", "mase"], "value": [1.0, 2.0]})
    assert backtest_scorecard(long).to_dict("records") == [{"variant": "a", "crps": 1.0, "mase": 2.0}]


def test_flatten_nested_settings():
    assert flatten({"a": {"b": 1, "c": [1, 2]}, "d": [{"e": "x"}]}) == [("a.b", "1"), ("a.c", "1, 2"), ("d[0].e", "x")]
