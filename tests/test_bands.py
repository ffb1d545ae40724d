"""Scenario bands: quantile validation, monthly bands, annual bands from summed paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mpp.bands import (
    BAND_NAMES,
    DEFAULT_QUANTILES,
    annual_bands,
    annual_paths,
    monthly_bands,
    validate_quantiles,
)
from mpp.errors import ConfigError, DataError

IDS = ["TOTAL/TOTAL", "s/TOTAL", "TOTAL/SYR", "s/SYR"]


def test_default_quantiles_are_the_four_mpp_scenarios():
    assert tuple(DEFAULT_QUANTILES) == BAND_NAMES
    assert validate_quantiles(None) == {"minimum": 0.05, "median": 0.5, "medio": 0.67, "maximum": 0.95}


@pytest.mark.parametrize(
    "bad",
    [
        {"minimum": 0.05, "median": 0.5, "maximum": 0.95},
        {"median": 0.5, "minimum": 0.05, "medio": 0.67, "maximum": 0.95},
        {"minimum": 0.05, "median": 0.5, "medio": 0.5, "maximum": 0.95},
        {"minimum": 0.0, "median": 0.5, "medio": 0.67, "maximum": 0.95},
        {"minimum": 0.05, "median": 0.5, "medio": 0.67, "maximum": 1.0},
    ],
)
def test_validate_quantiles_rejects_bad_sets(bad):
    with pytest.raises(ConfigError):
        validate_quantiles(bad)


def test_monthly_bands_columns_levels_and_values():
    rng = np.random.default_rng(0)
    paths = rng.gamma(2.0, 50.0, size=(4, 3, 500))
    periods = pd.period_range("2025-11", periods=3, freq="M")
    bands = monthly_bands(paths, IDS, periods)
    assert list(bands.columns) == ["series_id", "level", "stream", "nationality", "period", *BAND_NAMES]
    assert bands["period"].tolist()[:3] == ["2025-11", "2025-12", "2026-01"]
    assert bands["level"].unique().tolist() == ["total", "stream", "nationality", "stream_nationality"]
    row = bands.iloc[4]  # s/TOTAL, 2025-12
    assert (row["series_id"], row["stream"], row["nationality"]) == ("s/TOTAL", "s", "TOTAL")
    assert row["medio"] == pytest.approx(np.quantile(paths[1, 1], 0.67))
    same = monthly_bands(paths, IDS, [str(p) for p in periods])
    pd.testing.assert_frame_equal(bands, same)


def test_bands_reject_paths_of_the_wrong_shape_and_gaps_in_periods():
    with pytest.raises(DataError):
        monthly_bands(np.zeros((4, 2, 10)), IDS, ["2025-01", "2025-02", "2025-03"])
    with pytest.raises(DataError):
        monthly_bands(np.zeros((4, 2, 10)), IDS, ["2025-01", "2025-03"])


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (2, 13, 7), elements=st.floats(0, 1e6, allow_nan=False)))
def test_bands_are_ordered(paths):
    periods = pd.period_range("2025-01", periods=13, freq="M")
    for table in (monthly_bands(paths, IDS[:2], periods), annual_bands(paths, IDS[:2], periods)):
        b = table[list(BAND_NAMES)].to_numpy()
        assert (np.diff(b, axis=1) >= -1e-9 * np.maximum(1, np.abs(b[:, 1:]))).all()


def test_annual_band_is_a_quantile_of_summed_paths_not_a_sum_of_monthly_quantiles():
    # Each month is 0 or 10 with equal chance, independently: the monthly P5s sum to 0 and the P95s to 120,
    # while the annual total (10 x Binomial(12, 1/2)) has P5 about 30 and P95 about 90.
    rng = np.random.default_rng(1)
    periods = pd.period_range("2025-01", periods=12, freq="M")
    paths = rng.choice([0.0, 10.0], size=(1, 12, 4000))
    annual = annual_bands(paths, ["TOTAL/TOTAL"], periods)
    monthly = monthly_bands(paths, ["TOTAL/TOTAL"], periods)
    independent = np.quantile(paths[0].sum(axis=0), [0.05, 0.5, 0.67, 0.95])
    np.testing.assert_allclose(annual.loc[0, list(BAND_NAMES)].to_numpy(dtype=float), independent)
    summed_monthly = monthly[list(BAND_NAMES)].sum().to_numpy(dtype=float)
    assert summed_monthly[0] == 0.0 and summed_monthly[3] == 120.0
    assert annual.loc[0, "minimum"] > 20 and annual.loc[0, "maximum"] < 100


def test_annual_bands_add_realised_months_and_skip_incomplete_years():
    periods = pd.period_range("2025-10", periods=6, freq="M")  # Oct 2025 .. Mar 2026
    paths = np.arange(2 * 6 * 3, dtype=float).reshape(2, 6, 3)
    realised = pd.DataFrame(
        {"TOTAL/TOTAL": np.full(12, 100.0), "s/TOTAL": np.full(12, 1.0)},
        index=pd.period_range("2024-12", periods=12, freq="M"),
    )  # Dec 2024 .. Nov 2025
    years, annual = annual_paths(paths, IDS[:2], periods, realised)
    assert years == [2025]  # 2026 runs past the horizon
    # Jan..Sep 2025 realised (9 months); Oct..Nov realised values are ignored: the forecast covers them
    np.testing.assert_allclose(annual[0, 0], 900 + paths[0, :3].sum(axis=0))
    np.testing.assert_allclose(annual[1, 0], 9 + paths[1, :3].sum(axis=0))
    bands = annual_bands(paths, IDS[:2], periods, realised=realised)
    assert bands["year"].tolist() == [2025, 2025] and bands["year"].dtype == "int64"
    assert bands.loc[0, "median"] == pytest.approx(np.median(900 + paths[0, :3].sum(axis=0)))
    # without realised months the current year is not complete: no annual band at all
    assert annual_bands(paths, IDS[:2], periods).empty


def test_annual_bands_skip_a_series_whose_realised_year_is_incomplete():
    periods = pd.period_range("2025-07", periods=6, freq="M")
    paths = np.ones((2, 6, 5))
    realised = pd.DataFrame(
        {"TOTAL/TOTAL": np.ones(6), "s/TOTAL": [1, 1, np.nan, 1, 1, 1]},
        index=pd.period_range("2025-01", periods=6, freq="M"),
    )
    bands = annual_bands(paths, IDS[:2], periods, realised=realised)
    assert bands["series_id"].tolist() == ["TOTAL/TOTAL"]
    assert bands.loc[0, "median"] == 12.0
