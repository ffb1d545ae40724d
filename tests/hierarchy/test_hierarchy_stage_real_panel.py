"""The whole hierarchy stage on the real CBS panel: pool -> hierarchy -> dependence -> reconcile -> bands.

Base paths come from a deliberately simple model written here (same month last year times a bootstrapped
year-on-year ratio), so the test is about the stage's plumbing and invariants, not about forecast quality.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.bands import BAND_NAMES, annual_bands, monthly_bands
from mpp.hierarchy import (
    METHODS,
    aggregate_history,
    build_hierarchy,
    impose_dependence,
    pool_small_nationalities,
    projection_matrix,
    reconcile_paths,
)

CUTOFF = pd.Period("2024-06", "M")
HORIZON = 18  # 2024-07 .. 2025-12
N_SAMPLES = 400


def seasonal_ratio_paths(y: pd.DataFrame, horizon: int, n: int, seed: int) -> tuple[np.ndarray, pd.DataFrame]:
    """paths[series, horizon, sample] and seasonal-naive residuals [month, series] (first 12 months NaN)."""
    rng = np.random.default_rng(seed)
    values = y.to_numpy()  # [month, series]
    ratio = np.log1p(values[12:]) - np.log1p(values[:-12])  # year-on-year log ratios
    draws = ratio[rng.integers(0, len(ratio), size=n)]  # [sample, series]: one level shift per path
    last_year = values[-12:][np.arange(horizon) % 12]  # [horizon, series]
    paths = np.expm1(np.log1p(last_year)[:, :, None] + draws.T[None]).transpose(1, 0, 2)
    # shuffle samples per series independently, as per-series models would produce them
    for i in range(paths.shape[0]):
        paths[i] = paths[i][:, rng.permutation(n)]
    return np.clip(paths, 0, None), y - y.shift(12)


@pytest.mark.parametrize("method", METHODS)
def test_stage_on_the_real_panel_is_coherent_nonnegative_and_ordered(cbs_panel, method):
    history = cbs_panel.loc[cbs_panel["period"] <= CUTOFF]
    bottom = pool_small_nationalities(history, top_n=3, window_months=24)
    h = build_hierarchy(sorted((bottom["stream"] + "/" + bottom["nationality"]).unique()))
    assert h.n_bottom == 8 and "first_asylum_request/OTHER" in h.bottom_ids
    y = aggregate_history(bottom, h)
    unpooled = history.groupby("period")["value"].sum()
    np.testing.assert_array_equal(y["TOTAL/TOTAL"].to_numpy(), unpooled.to_numpy())

    base, residuals = seasonal_ratio_paths(y, HORIZON, N_SAMPLES, seed=5)
    joint = impose_dependence(base, residuals, seed=5)
    P = projection_matrix(method, h, residuals=residuals, history=y)
    paths = reconcile_paths(joint, h, P)
    assert paths.min() >= 0
    np.testing.assert_allclose(paths, np.einsum("sb,bhn->shn", h.S, paths[-h.n_bottom :]), atol=1e-6)

    periods = pd.period_range(CUTOFF + 1, periods=HORIZON, freq="M")
    monthly = monthly_bands(paths, h.series_ids, periods)
    annual = annual_bands(paths, h.series_ids, periods, realised=y)
    for table in (monthly, annual):
        assert (np.diff(table[list(BAND_NAMES)].to_numpy(), axis=1) >= -1e-9).all()
    assert len(monthly) == h.n_all * HORIZON
    assert sorted(annual["year"].unique()) == [2024, 2025]
    total_2024 = annual.query("series_id == 'TOTAL/TOTAL' and year == 2024").iloc[0]
    realised_h1 = y.loc[pd.Period("2024-01", "M") : CUTOFF, "TOTAL/TOTAL"].sum()
    assert total_2024["minimum"] > realised_h1  # realised January-June are in every path's 2024 sum
