"""Summing matrix, series order, pooling of small nationalities, aggregated history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpp.errors import DataError
from mpp.hierarchy import aggregate_history, build_hierarchy, pool_small_nationalities


def canonical_rows(records: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    period, stream, nat, value = zip(*records)
    return pd.DataFrame(
        {
            "period": pd.PeriodIndex(list(period), freq="M"),
            "stream": list(stream),
            "nationality": list(nat),
            "value": np.array(value, dtype="int64"),
        }
    )


def test_build_hierarchy_orders_levels_and_sums_along_both_groupings():
    h = build_hierarchy(["nareizigers/SYR", "first_asylum_request/SYR", "first_asylum_request/ERI"])
    assert h.series_ids == [
        "TOTAL/TOTAL",
        "first_asylum_request/TOTAL",
        "nareizigers/TOTAL",
        "TOTAL/ERI",
        "TOTAL/SYR",
        "first_asylum_request/ERI",
        "first_asylum_request/SYR",
        "nareizigers/SYR",
    ]
    assert h.bottom_ids == h.series_ids[-3:]
    assert h.levels == ["total", "stream", "stream", "nationality", "nationality"] + ["stream_nationality"] * 3
    expected = np.array(
        [
            [1, 1, 1],
            [1, 1, 0],
            [0, 0, 1],
            [1, 0, 0],
            [0, 1, 1],
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
        ],
        dtype=float,
    )
    np.testing.assert_array_equal(h.S, expected)


def test_single_stream_panel_keeps_redundant_levels_with_a_correct_S():
    h = build_hierarchy(["first_asylum_request/SYR", "first_asylum_request/IRQ"])
    assert h.series_ids[:2] == ["TOTAL/TOTAL", "first_asylum_request/TOTAL"]
    np.testing.assert_array_equal(h.S[0], h.S[1])  # stream row duplicates the total
    np.testing.assert_array_equal(h.S[2:4], h.S[4:6])  # each nationality row equals its one bottom series


@pytest.mark.parametrize("bad", [[], ["SYR"], ["TOTAL/SYR"], ["first_asylum_request/TOTAL"], ["a/X", "a/X"]])
def test_build_hierarchy_rejects_ids_that_are_not_bottom_series(bad):
    with pytest.raises(DataError):
        build_hierarchy(bad)


def test_pool_keeps_top_n_per_stream_over_the_window_and_sums_the_rest():
    rows = canonical_rows(
        [
            # old month: AFG is large here but outside a 2-month window
            ("2024-01", "s", "AFG", 1000),
            ("2024-01", "s", "SYR", 1),
            ("2024-01", "s", "ERI", 1),
            ("2024-02", "s", "AFG", 1),
            ("2024-02", "s", "SYR", 50),
            ("2024-02", "s", "ERI", 20),
            ("2024-03", "s", "AFG", 2),
            ("2024-03", "s", "SYR", 60),
            ("2024-03", "s", "ERI", 25),
            ("2024-03", "s", "TOTAL", 87),  # aggregate row: dropped
            ("2024-03", "t", "AFG", 9),
            ("2024-03", "t", "SYR", 1),
        ]
    )
    out = pool_small_nationalities(rows, top_n=1, window_months=2)
    got = {
        (str(p), s, n): v for p, s, n, v in out[["period", "stream", "nationality", "value"]].itertuples(index=False)
    }
    assert got == {
        ("2024-01", "s", "SYR"): 1,
        ("2024-01", "s", "OTHER"): 1001,
        ("2024-02", "s", "SYR"): 50,
        ("2024-02", "s", "OTHER"): 21,
        ("2024-03", "s", "SYR"): 60,
        ("2024-03", "s", "OTHER"): 27,
        ("2024-03", "t", "AFG"): 9,
        ("2024-03", "t", "OTHER"): 1,
    }
    assert out["value"].dtype == "int64"


def test_pool_breaks_ties_by_code_and_ignores_row_order():
    rows = canonical_rows([("2024-01", "s", "ZZZ", 5), ("2024-01", "s", "AAA", 5), ("2024-01", "s", "MMM", 1)])
    out = pool_small_nationalities(rows, top_n=1)
    shuffled = pool_small_nationalities(rows.iloc[::-1].reset_index(drop=True), top_n=1)
    assert sorted(out["nationality"]) == ["AAA", "OTHER"]
    pd.testing.assert_frame_equal(out, shuffled)


def test_pool_min_share_pools_small_members_of_the_top_n():
    rows = canonical_rows([("2024-01", "s", "SYR", 95), ("2024-01", "s", "ERI", 4), ("2024-01", "s", "IRQ", 1)])
    out = pool_small_nationalities(rows, top_n=3, min_share=0.05)
    assert dict(zip(out["nationality"], out["value"])) == {"SYR": 95, "OTHER": 5}


def test_aggregate_history_sums_bottom_through_S_and_ignores_total_rows():
    rows = canonical_rows(
        [
            ("2024-01", "a", "X", 1),
            ("2024-01", "a", "Y", 2),
            ("2024-01", "b", "X", 4),
            ("2024-02", "a", "X", 3),
            ("2024-02", "b", "X", 5),  # a/Y has no row in February: 0
            ("2024-02", "a", "TOTAL", 999),
        ]
    )
    h = build_hierarchy(["a/X", "a/Y", "b/X"])
    wide = aggregate_history(rows, h)
    assert list(wide.columns) == h.series_ids
    assert wide.loc[pd.Period("2024-01", "M")].tolist() == [7, 3, 4, 5, 2, 1, 2, 4]
    assert wide.loc[pd.Period("2024-02", "M")].tolist() == [8, 3, 5, 8, 0, 3, 0, 5]


@settings(max_examples=40, deadline=None)
@given(
    cells=st.dictionaries(
        st.tuples(
            st.integers(0, 5), st.sampled_from(["s", "t"]), st.sampled_from(["AFG", "ERI", "IRQ", "SYR", "OTHER"])
        ),
        st.integers(0, 500),
        min_size=1,
    ),
    top_n=st.integers(0, 4),
    window=st.integers(1, 6),
)
def test_pooling_preserves_stream_totals_and_keeps_at_most_top_n_per_stream(cells, top_n, window):
    rows = canonical_rows([(str(pd.Period("2024-01", "M") + m), s, n, v) for (m, s, n), v in cells.items()])
    out = pool_small_nationalities(rows, top_n=top_n, window_months=window)
    before = rows.groupby(["period", "stream"])["value"].sum()
    after = out.groupby(["period", "stream"])["value"].sum()
    pd.testing.assert_series_equal(before, after)
    assert not out.duplicated(["period", "stream", "nationality"]).any()
    for _, g in out.groupby("stream"):
        assert len(set(g["nationality"]) - {"OTHER"}) <= top_n
