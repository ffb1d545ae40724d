"""Dependence by rank reordering: marginals untouched, totals widen under positive correlation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.errors import DataError
from mpp.hierarchy import build_hierarchy, impose_dependence, projection_matrix, reconcile_paths

H = build_hierarchy(["s/A", "s/B", "s/C"])  # TOTAL/TOTAL, s/TOTAL, TOTAL/A..C, s/A..C


def independent_base(seed: int = 0, n: int = 2000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.gamma(4.0, 25.0, size=(H.n_all, 6, n))  # paths[series, horizon, sample]


def correlated_residuals(rho: float, seed: int = 1, T: int = 200) -> np.ndarray:
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(T, 1))
    own = rng.normal(size=(T, H.n_all))
    return np.sqrt(rho) * common + np.sqrt(1 - rho) * own


def test_marginal_sample_sets_are_unchanged_and_paths_stay_whole():
    base = independent_base()
    out = impose_dependence(base, correlated_residuals(0.8), seed=7)
    for i in range(H.n_all):
        np.testing.assert_array_equal(np.sort(out[i], axis=None), np.sort(base[i], axis=None))
        # every output path is one of the input paths, intact over the horizon
        base_paths = {tuple(p) for p in base[i].T}
        assert all(tuple(p) in base_paths for p in out[i].T)


def test_deterministic_by_seed():
    base, res = independent_base(), correlated_residuals(0.5)
    np.testing.assert_array_equal(impose_dependence(base, res, seed=3), impose_dependence(base, res, seed=3))
    assert not np.array_equal(impose_dependence(base, res, seed=3), impose_dependence(base, res, seed=4))


def test_positively_correlated_residuals_widen_the_bottom_up_total():
    base = independent_base()
    P = projection_matrix("bottom_up", H)
    width = {}
    for name, rho in (("independent", 0.0), ("correlated", 0.8)):
        shuffled = impose_dependence(base, correlated_residuals(rho), seed=11)
        total = reconcile_paths(shuffled, H, P)[0].sum(axis=0)  # total over the horizon, per sample
        width[name] = np.quantile(total, 0.95) - np.quantile(total, 0.05)
        sums = shuffled[-3:].sum(axis=1)  # [bottom series, sample]
        width[name + "_corr"] = np.corrcoef(sums)[0, 1]
    assert width["correlated"] > 1.3 * width["independent"]
    assert width["correlated_corr"] > 0.6 and abs(width["independent_corr"]) < 0.1


def test_series_without_residuals_keep_their_order():
    base = independent_base(n=300)
    res = pd.DataFrame(correlated_residuals(0.8), columns=H.series_ids)
    res["s/C"] = np.nan
    out = impose_dependence(base, res, seed=2)
    np.testing.assert_array_equal(out[H.position("s/C")], base[H.position("s/C")])
    assert not np.array_equal(out[H.position("s/A")], base[H.position("s/A")])


def test_shape_mismatch_is_reported():
    with pytest.raises(DataError):
        impose_dependence(independent_base(n=10), np.zeros((20, 3)), seed=0)


def test_a_series_with_constant_residuals_is_left_independent_without_failing():
    base = independent_base(n=500)
    res = correlated_residuals(0.9)
    res[:, H.position("s/B")] = 0.0  # e.g. a series that was zero in every month
    out = impose_dependence(base, res, seed=9)
    sums = out.sum(axis=1)
    a, b, c = (H.position(s) for s in ("s/A", "s/B", "s/C"))
    assert np.corrcoef(sums[a], sums[c])[0, 1] > 0.7
    assert abs(np.corrcoef(sums[a], sums[b])[0, 1]) < 0.15


def test_dependence_is_a_named_sampler_and_true_false_keep_their_meaning():
    from mpp.forecast.config import ForecastConfig
    from mpp.hierarchy import SAMPLERS

    assert ForecastConfig(dependence=True).sampler == "gaussian_copula"
    assert ForecastConfig(dependence=False).sampler == "independent"
    assert ForecastConfig(dependence="independent").sampler == "independent"
    base, res = independent_base(n=10), correlated_residuals(0.8)
    np.testing.assert_array_equal(SAMPLERS["gaussian_copula"](base, res, 4), impose_dependence(base, res, seed=4))
    np.testing.assert_array_equal(SAMPLERS["independent"](base, res, 4), base)
    with pytest.raises(ValueError):
        ForecastConfig(dependence="vine")
