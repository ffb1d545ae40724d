"""`naive_conformal` (mpp.models.pooled): errors of the naive rule, centred draws, months from last year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.models.pooled import naive_conformal_panel, naive_year_errors, series_scale
from mpp.models.variants import VariantSpec


def _panel(n_months=84, n_series=5, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2015-01", periods=n_months, freq="M")
    level = rng.uniform(50, 500, n_series) * np.exp(np.cumsum(rng.normal(0, 0.05, (n_months, n_series)), axis=0))
    season = 1 + 0.3 * np.sin(2 * np.pi * np.arange(n_months) / 12)[:, None]
    return pd.DataFrame(rng.poisson(level * season).astype(float), index=idx, columns=[f"s{i}" for i in range(5)])


def test_naive_year_errors_are_the_standardised_errors_of_the_last_12_month_total():
    h = _panel()
    origins, z = naive_year_errors(h, 2, 96)
    t = origins[3]
    pos = h.index.get_loc(t)
    point = h.iloc[pos - 11 : pos + 1].sum().to_numpy()
    scale = series_scale(h.iloc[: pos + 1], "count", 0.5, relative=True)
    year2 = h.iloc[pos + 13 : pos + 25].sum().to_numpy()
    np.testing.assert_allclose(z[3, 1], (year2 - point) / scale)
    # an origin whose second year is not in the history has no year-2 error (nothing read after the cut-off)
    assert np.isnan(z[-1, 1]).all() and np.isfinite(z[-1, 0]).all()


def test_naive_conformal_is_centred_on_the_naive_total_and_keeps_last_years_months():
    h = _panel()
    spec = VariantSpec(family="naive_conformal", jitter=0.1, spread_inflation=1.0)
    paths, params = naive_conformal_panel(h, 36, 4000, spec, np.random.default_rng(1))
    assert paths.shape == (5, 36, 4000) and (paths >= 0).all()
    assert params["pool_origins"][0] >= 6
    point = h.iloc[-12:].sum().to_numpy()
    scale = series_scale(h, "count", 0.5, relative=True)
    for k in range(3):
        sums = paths[:, 12 * k : 12 * (k + 1)].sum(axis=1)
        moved = point * (1 - params["panel_shift"][k] / point.sum())  # each series' share of the total's shift
        # sampling noise only (a mirrored pool can be thin at 0)
        assert (np.abs(np.median(sums, axis=1) - moved) < 0.25 * scale).all()
        assert np.median(sums.sum(axis=0)) == pytest.approx(point.sum(), rel=0.002)  # centred total
    first = paths[:, :12, 0]  # one path (not clipped to zero)
    assert (first.sum(axis=1) > 0).all()
    np.testing.assert_allclose(
        first / first.sum(axis=1, keepdims=True), (h.iloc[-12:] / h.iloc[-12:].sum()).to_numpy().T, atol=1e-9
    )


def test_naive_conformal_short_pool_falls_back_to_normal_errors_and_says_so():
    h = _panel(n_months=30)
    paths, params = naive_conformal_panel(h, 12, 100, VariantSpec(family="naive_conformal"), np.random.default_rng(0))
    assert "fallback" in params and paths.shape == (5, 12, 100)
