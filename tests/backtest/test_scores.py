"""Each score against a hand computation on a tiny example."""

from __future__ import annotations

import numpy as np
import pytest

from mpp.backtest import scores as sc


def test_crps_matches_hand_computation_and_brute_force():
    x = np.array([1.0, 3.0, 6.0])
    y = 2.0
    # mean|X-y| = (1+1+4)/3 = 2; mean|X-X'| over 9 ordered pairs = 2*(2+5+3)/9 = 20/9
    assert sc.crps_samples(x, np.array(y)) == pytest.approx(2.0 - 0.5 * 20 / 9)
    rng = np.random.default_rng(1)
    paths = rng.gamma(2.0, 10.0, size=(4, 3, 57))  # [series, horizon, sample]
    ys = rng.gamma(2.0, 10.0, size=(4, 3))
    brute = np.abs(paths - ys[..., None]).mean(-1) - 0.5 * np.abs(paths[..., :, None] - paths[..., None, :]).mean(
        (-1, -2)
    )
    np.testing.assert_allclose(sc.crps_samples(paths, ys), brute, rtol=1e-12)


def test_crps_of_a_point_mass_is_the_absolute_error():
    assert sc.crps_samples(np.full(10, 5.0), np.array(8.0)) == pytest.approx(3.0)


def test_pinball_by_hand():
    # y above the quantile: tau * (y - q); below: (1 - tau) * (q - y)
    np.testing.assert_allclose(sc.pinball(np.array([10.0, 10.0]), np.array([8.0, 14.0]), 0.95), [1.9, 0.2])


def test_seasonal_naive_scale_mase_rmsse_by_hand():
    insample = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3, 2, 5, 4])  # 16 months
    # seasonal differences (lag 12): 3-1, 2-2, 5-3, 4-4 = 2, 0, 2, 0 -> MAE 1, MSE 2
    assert sc.seasonal_naive_scale(insample, 12) == pytest.approx(1.0)
    assert sc.seasonal_naive_scale(insample, 12, power=2) == pytest.approx(2.0)
    y, f = np.array([10.0, 20.0]), np.array([12.0, 17.0])
    assert sc.mase(y, f, insample) == pytest.approx((2 + 3) / 2 / 1.0)
    assert sc.rmsse(y, f, insample) == pytest.approx(np.sqrt((4 + 9) / 2 / 2.0))


def test_scale_falls_back_to_lag_one_and_is_nan_for_constant_series():
    assert sc.seasonal_naive_scale(np.array([1.0, 4.0, 2.0]), 12) == pytest.approx(2.5)
    assert np.isnan(sc.seasonal_naive_scale(np.zeros(30), 12))


def test_smape_by_hand():
    np.testing.assert_allclose(
        sc.smape(np.array([100.0, 0.0, 0.0]), np.array([50.0, 0.0, 10.0])), [200 * 50 / 150, 0.0, 200.0]
    )


def test_coverage_and_exceedance_by_hand():
    y = np.array([1.0, 5.0, 9.0, np.nan])
    np.testing.assert_array_equal(sc.coverage(y, np.full(4, 2.0), np.full(4, 8.0))[:3], [0, 1, 0])
    assert np.isnan(sc.coverage(y, 2.0, 8.0)[3])
    np.testing.assert_array_equal(sc.exceedance(y, np.full(4, 5.0))[:3], [0, 0, 1])


def test_weighted_abs_error_by_hand():
    assert sc.weighted_abs_error([100, 50], [90, 70]) == pytest.approx((10 + 20) / 150)


def test_sample_quantiles_are_ordered_band_values():
    q = sc.sample_quantiles(np.arange(101.0))
    assert q["minimum"] == pytest.approx(5.0) and q["median"] == pytest.approx(50.0)
    assert q["medio"] == pytest.approx(67.0) and q["maximum"] == pytest.approx(95.0)
