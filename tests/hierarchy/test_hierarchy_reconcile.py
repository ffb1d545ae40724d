"""Reconciliation: hand-checked projection matrices, and coherence / unbiasedness for random hierarchies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpp.errors import ConfigError, DataError
from mpp.hierarchy import METHODS, build_hierarchy, projection_matrix, reconcile_paths

# One stream, two nationalities: series TOTAL/TOTAL, a/TOTAL, TOTAL/X, TOTAL/Y, a/X, a/Y; S1 = (2, 2, 1, 1, 1, 1).
TWO = build_hierarchy(["a/X", "a/Y"])


def test_two_bottom_hierarchy_summing_matrix():
    np.testing.assert_array_equal(TWO.S, [[1, 1], [1, 1], [1, 0], [0, 1], [1, 0], [0, 1]])


def test_bottom_up_selects_the_bottom_rows():
    np.testing.assert_array_equal(projection_matrix("bottom_up", TWO), [[0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1]])


def test_ols_projection_by_hand():
    # S'S = [[4, 2], [2, 4]], (S'S)^-1 S' row 1 = (4 S[:,0] - 2 S[:,1]) / 12
    expected = np.array([[2, 2, 4, -2, 4, -2], [2, 2, -2, 4, -2, 4]]) / 12
    np.testing.assert_allclose(projection_matrix("ols", TWO), expected, atol=1e-14)


def test_wls_struct_projection_by_hand():
    # W = diag(2, 2, 1, 1, 1, 1): S'W^-1 S = [[3, 1], [1, 3]], inverse [[3, -1], [-1, 3]] / 8
    expected = np.array([[1, 1, 3, -1, 3, -1], [1, 1, -1, 3, -1, 3]]) / 8
    np.testing.assert_allclose(projection_matrix("wls_struct", TWO), expected, atol=1e-14)


def test_top_down_uses_average_historical_proportions_not_proportion_of_averages():
    hist = pd.DataFrame(
        {"a/X": [1.0, 1.0, 0.0], "a/Y": [3.0, 1.0, 0.0]}, index=pd.period_range("2024-01", periods=3, freq="M")
    )
    P = projection_matrix("top_down", TWO, history=hist)
    # month 3 has total 0 and carries no proportion: mean(1/4, 1/2) = 3/8 (proportion of averages would be 1/3)
    expected = np.zeros((2, 6))
    expected[:, 0] = [3 / 8, 5 / 8]
    np.testing.assert_allclose(P, expected, atol=1e-15)
    P_last = projection_matrix("top_down", TWO, history=hist.iloc[:2], window=1)
    np.testing.assert_allclose(P_last[:, 0], [0.5, 0.5])


def test_mint_shrink_with_uncorrelated_residuals_of_structural_variance_equals_wls_struct():
    # Columns of a Hadamard matrix (without the constant one) are orthogonal and have mean 0: scaled so that the
    # sample variances are S1 = (2, 2, 1, 1, 1, 1) and the sample correlations exactly 0, W must be diag(S1).
    H2 = np.array([[1, 1], [1, -1]])
    H8 = np.kron(np.kron(H2, H2), H2)[:, 1:7].astype(float)  # [8 months, 6 series]
    variances = TWO.S.sum(axis=1)
    residuals = H8 * np.sqrt(variances * 7 / 8)
    np.testing.assert_allclose(np.cov(residuals, rowvar=False), np.diag(variances), atol=1e-12)
    np.testing.assert_allclose(
        projection_matrix("mint_shrink", TWO, residuals=residuals), projection_matrix("wls_struct", TWO), atol=1e-12
    )


def test_mint_shrink_uses_complete_rows_and_accepts_a_dataframe_in_any_column_order():
    rng = np.random.default_rng(3)
    res = pd.DataFrame(rng.normal(size=(30, 6)), columns=TWO.series_ids)
    res.iloc[:5, 2] = np.nan  # a model that starts later
    P_frame = projection_matrix("mint_shrink", TWO, residuals=res[res.columns[::-1]])
    P_complete = projection_matrix("mint_shrink", TWO, residuals=res.iloc[5:].to_numpy())
    np.testing.assert_allclose(P_frame, P_complete, atol=1e-12)


def test_mint_shrink_survives_a_series_with_zero_residual_variance():
    rng = np.random.default_rng(4)
    res = rng.normal(size=(30, 6))
    res[:, 5] = 0.0  # e.g. a bottom series that was zero every month
    P = projection_matrix("mint_shrink", TWO, residuals=res)
    assert np.isfinite(P).all()
    np.testing.assert_allclose(P @ TWO.S, np.eye(2), atol=1e-6)


def test_projection_matrix_reports_missing_inputs_and_unknown_methods():
    with pytest.raises(ConfigError):
        projection_matrix("mint_shrink", TWO)
    with pytest.raises(ConfigError):
        projection_matrix("top_down", TWO)
    with pytest.raises(ConfigError):
        projection_matrix("middle_out", TWO)
    with pytest.raises(DataError):
        projection_matrix("mint_shrink", TWO, residuals=np.ones((2, 6)))
    no_model = pd.DataFrame(np.random.default_rng(0).normal(size=(20, 5)), columns=TWO.series_ids[:5])
    with pytest.raises(DataError, match="a/Y"):
        projection_matrix("mint_shrink", TWO, residuals=no_model)


@st.composite
def hierarchies(draw):
    streams = draw(st.lists(st.sampled_from(["s1", "s2", "s3"]), min_size=1, max_size=3, unique=True))
    nats = draw(st.lists(st.sampled_from(["AFG", "ERI", "OTHER", "SYR"]), min_size=1, max_size=4, unique=True))
    pairs = [f"{s}/{n}" for s in streams for n in nats]
    bottom = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs), unique=True))
    return build_hierarchy(bottom)


@settings(max_examples=40, deadline=None)
@given(h=hierarchies(), seed=st.integers(0, 2**32 - 1))
def test_every_method_gives_coherent_nonnegative_paths(h, seed):
    rng = np.random.default_rng(seed)
    base = rng.gamma(0.5, 20.0, size=(h.n_all, 4, 25))  # skewed counts, some near 0
    residuals = rng.normal(size=(40, h.n_all)) * rng.uniform(0.5, 30, size=h.n_all)
    history = pd.DataFrame(rng.poisson(5, size=(24, h.n_all)).astype(float), columns=h.series_ids)
    for method in METHODS:
        P = projection_matrix(method, h, residuals=residuals, history=history)
        out = reconcile_paths(base, h, P)
        bottom = out[-h.n_bottom :]
        np.testing.assert_allclose(out, np.einsum("sb,bhn->shn", h.S, bottom), atol=1e-6)
        assert out.min() >= 0.0
        if method in ("ols", "wls_struct", "mint_shrink", "bottom_up"):
            np.testing.assert_allclose(P @ h.S, np.eye(h.n_bottom), atol=1e-8)


def test_reconcile_leaves_coherent_paths_unchanged_for_unbiased_methods():
    rng = np.random.default_rng(5)
    h = build_hierarchy(["a/X", "a/Y", "b/X", "b/Z"])
    bottom = rng.gamma(2.0, 10.0, size=(h.n_bottom, 6, 30))
    coherent = np.einsum("sb,bhn->shn", h.S, bottom)
    residuals = rng.normal(size=(50, h.n_all))
    for method in ("ols", "wls_struct", "mint_shrink"):
        P = projection_matrix(method, h, residuals=residuals)
        np.testing.assert_allclose(reconcile_paths(coherent, h, P), coherent, rtol=1e-10)


def test_reconcile_sets_negative_bottom_values_to_zero_and_resums():
    P = projection_matrix("ols", TWO)
    # total 0 but a bottom base of 10 and 0: OLS pulls one bottom below 0
    base = np.array([0.0, 0.0, 10.0, 0.0, 10.0, 0.0]).reshape(6, 1, 1)
    raw_bottom = P @ base[:, 0, 0]
    assert raw_bottom.min() < 0
    out = reconcile_paths(base, TWO, P)
    np.testing.assert_allclose(out[-2:, 0, 0], np.maximum(raw_bottom, 0))
    np.testing.assert_allclose(out[0, 0, 0], np.maximum(raw_bottom, 0).sum())
    unclipped = reconcile_paths(base, TWO, P, nonnegative=False)
    np.testing.assert_allclose(unclipped[-2:, 0, 0], raw_bottom)


def test_reconciliation_records_name_the_inputs_each_method_needs():
    from mpp.forecast.config import ForecastConfig
    from mpp.hierarchy import RECONCILIATION

    assert METHODS == tuple(RECONCILIATION) == ("bottom_up", "top_down", "ols", "wls_struct", "mint_shrink")
    assert {m: sorted(r.needs) for m, r in RECONCILIATION.items() if r.needs} == {
        "top_down": ["history"],
        "mint_shrink": ["residuals"],
    }
    assert ForecastConfig(reconciliation="ols").reconciliation == "ols"
    with pytest.raises(ValueError):
        ForecastConfig(reconciliation="middle_out")
