"""MinT-shrink on the real CBS panel (7 nationalities x 2 streams), checked against an independent computation.

The independent side builds every series straight from the CSV (groupby, not S), estimates the
Schäfer-Strimmer shrunk covariance in the textbook matrix form (as in Hyndman's `hts::shrink.estim`, on centred
residuals), and reconciles with the constraint-matrix form  y~ = (I - W U (U'WU)^-1 U') y^  where U' y = 0
are the aggregation constraints. That is a different computation from ours, S (S'W^-1 S)^-1 S'W^-1 y^.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.data.schema import TOTAL
from mpp.hierarchy import build_hierarchy, projection_matrix, reconcile_paths, shrunk_covariance
from mpp.hierarchy.reconcile import residual_matrix


@pytest.fixture(scope="module")
def panel(cbs_panel):
    raw = cbs_panel
    series = {
        "TOTAL/TOTAL": raw.groupby("period")["value"].sum(),
        **{f"{s}/{TOTAL}": g.groupby("period")["value"].sum() for s, g in raw.groupby("stream")},
        **{f"{TOTAL}/{n}": g.groupby("period")["value"].sum() for n, g in raw.groupby("nationality")},
        **{f"{s}/{n}": g.set_index("period")["value"] for (s, n), g in raw.groupby(["stream", "nationality"])},
    }
    y = pd.DataFrame(series).astype(float)  # [month, series]
    h = build_hierarchy([c for c in y.columns if TOTAL not in c])
    return h, y[h.series_ids]


def textbook_inputs(y: pd.DataFrame):
    """Seasonal-naive one-step residuals and incoherent base forecasts for the next 12 months."""
    resid = (y - y.shift(12)).iloc[12:].to_numpy()  # [month, series]
    last, before = y.iloc[-12:].to_numpy(), y.iloc[-24:-12].to_numpy()
    growth = last.sum(axis=0) / before.sum(axis=0)  # each series' own year-on-year growth: not additive
    base = (last * growth).T  # [series, horizon]
    return resid, base


def textbook_shrunk_covariance(E: np.ndarray) -> tuple[np.ndarray, float]:
    n = E.shape[0]
    covm = np.cov(E, rowvar=False)
    corm = np.corrcoef(E, rowvar=False)
    xs = (E - E.mean(axis=0)) / E.std(axis=0)
    v = (xs**2).T @ (xs**2) / (n * (n - 1)) - (xs.T @ xs) ** 2 / (n**2 * (n - 1))
    np.fill_diagonal(v, 0.0)
    d = corm**2
    np.fill_diagonal(d, 0.0)
    lam = max(min(v.sum() / d.sum(), 1.0), 0.0)
    return lam * np.diag(np.diag(covm)) + (1 - lam) * covm, lam


def test_real_panel_has_the_expected_hierarchy(panel):
    h, y = panel
    assert h.n_bottom == 14 and h.n_all == 1 + 2 + 7 + 14
    assert len(y) == 126 and not y.isna().any().any()
    np.testing.assert_allclose(y.to_numpy() @ np.eye(h.n_all)[:, -14:] @ h.S.T, y.to_numpy())


def test_mint_shrink_matches_the_independent_closed_form_on_the_real_panel(panel):
    h, y = panel
    resid, base = textbook_inputs(y)
    W_ref, lam_ref = textbook_shrunk_covariance(resid)
    W, lam = shrunk_covariance(resid)
    assert 0.0 < lam < 1.0
    assert lam == pytest.approx(lam_ref, abs=1e-12)
    np.testing.assert_allclose(W, W_ref, rtol=1e-10)

    n_agg = h.n_all - h.n_bottom
    Ut = np.hstack([np.eye(n_agg), -h.S[:n_agg]])  # U' y = 0 <=> aggregates equal sums of the bottom
    U = Ut.T
    reference = base - W_ref @ U @ np.linalg.solve(U.T @ W_ref @ U, Ut @ base)  # [series, horizon]
    assert np.abs(Ut @ base).max() > 100  # the base forecasts really are incoherent

    P = projection_matrix("mint_shrink", h, residuals=pd.DataFrame(resid, columns=h.series_ids))
    ours = reconcile_paths(base[:, :, None], h, P, nonnegative=False)[:, :, 0]
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-8)
    np.testing.assert_allclose(P @ h.S, np.eye(h.n_bottom), atol=1e-10)


def test_mint_shrink_on_the_real_panel_ignores_the_leading_nan_residuals(panel):
    h, y = panel
    resid_frame = y - y.shift(12)  # first 12 months NaN, as a seasonal model would give
    P_nan = projection_matrix("mint_shrink", h, residuals=resid_frame)
    P_complete = projection_matrix("mint_shrink", h, residuals=resid_frame.iloc[12:].to_numpy())
    np.testing.assert_array_equal(P_nan, P_complete)
    assert residual_matrix(resid_frame, h).shape == (126, 24)


def test_mint_shrink_matches_hierarchicalforecast_when_installed(panel):
    """Optional cross-check with Nixtla hierarchicalforecast (not a dependency: skipped when absent)."""
    methods = pytest.importorskip("hierarchicalforecast.methods")
    h, y = panel
    resid, base = textbook_inputs(y)
    mint = methods.MinTrace(method="mint_shrink")
    theirs = mint.fit_predict(
        S=h.S, y_hat=base, y_insample=y.iloc[12:].to_numpy().T, y_hat_insample=y.shift(12).iloc[12:].to_numpy().T
    )["mean"]
    P = projection_matrix("mint_shrink", h, residuals=resid)
    np.testing.assert_allclose(h.S @ P @ base, theirs, rtol=0, atol=1e-8)
