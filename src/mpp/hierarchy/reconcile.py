"""Reconciliation of sample paths: every method is a projection P[n_bottom, n_all].

Base forecasts `y_hat[n_all]` of all series are generally incoherent (the stream forecasts do not add up to the
total forecast). A method picks P so that the bottom forecast is `P @ y_hat` and all series are `S @ P @ y_hat`.
For the trace-minimisation family (Wickramasuriya, Athanasopoulos & Hyndman 2019),

    P = (S' W^-1 S)^-1 S' W^-1

with W the (assumed) covariance of the base forecast errors: identity (`ols`), the number of bottom series
below each node (`wls_struct`), or the Schäfer-Strimmer shrunk covariance of in-sample one-step residuals
(`mint_shrink`). These P satisfy P @ S = I: coherent base forecasts are left unchanged. `bottom_up` and
`top_down` are selection / proportion matrices of the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg

from mpp.errors import ConfigError, DataError
from mpp.hierarchy.structure import Hierarchy

# Variances below this fraction of the largest one are raised to it, so a series whose in-sample errors are
# (almost) all zero does not make W singular; it then gets a very large but finite weight.
RELATIVE_VARIANCE_FLOOR = 1e-8
MIN_RESIDUAL_ROWS = 3


def residual_matrix(residuals: pd.DataFrame | np.ndarray, hierarchy: Hierarchy) -> np.ndarray:
    """Residuals as an array [time, n_all] in `hierarchy.series_ids` order (missing series: all NaN)."""
    if isinstance(residuals, pd.DataFrame):
        unknown = sorted(set(residuals.columns) - set(hierarchy.series_ids))
        if unknown:
            raise DataError(f"residuals for series outside the hierarchy: {', '.join(map(str, unknown[:5]))}")
        return residuals.reindex(columns=hierarchy.series_ids).to_numpy(dtype=float)
    arr = np.asarray(residuals, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != hierarchy.n_all:
        raise DataError(f"residuals must be [time, {hierarchy.n_all}], got shape {arr.shape}")
    return arr


def complete_rows(res: np.ndarray) -> np.ndarray:
    """The time rows [t, series] in which every series has a residual (models start at different months)."""
    return res[~np.isnan(res).any(axis=1)]


def shrunk_covariance(res: np.ndarray) -> tuple[np.ndarray, float]:
    """Schäfer-Strimmer (2005) shrinkage of the residual covariance towards its diagonal.

    `res[time, series]` without NaN. Returns (W, lambda): the sample covariance (centred, divisor T-1) with its
    off-diagonal entries multiplied by (1 - lambda), where
        lambda = sum_{i != j} Var(r_ij) / sum_{i != j} r_ij^2,  clipped to [0, 1],
    r_ij the sample correlations and Var(r_ij) their estimated variance (Schäfer & Strimmer, target "D").
    Series with zero variance get standardised residuals 0 (they carry no correlation information) and a
    variance floor of RELATIVE_VARIANCE_FLOOR times the largest variance.
    """
    T, _ = res.shape
    if T < MIN_RESIDUAL_ROWS:
        raise DataError(f"only {T} months in which every series has an in-sample residual; need {MIN_RESIDUAL_ROWS}")
    X = res - res.mean(axis=0)
    W = X.T @ X / (T - 1)
    sd = np.sqrt(np.diag(W) * (T - 1) / T)  # population sd, so that standardised columns have mean square 1
    positive = sd > 0
    Xs = np.zeros_like(X)
    Xs[:, positive] = X[:, positive] / sd[positive]
    # w_kij = xs_ki * xs_kj; r_ij = T/(T-1) mean_k w_kij; Var(r_ij) = T/(T-1)^3 sum_k (w_kij - mean w_ij)^2
    mean_w = Xs.T @ Xs / T
    sum_sq_dev = (Xs**2).T @ (Xs**2) - T * mean_w**2
    off = ~np.eye(res.shape[1], dtype=bool)
    var_r = T / (T - 1) ** 3 * sum_sq_dev[off].sum()
    sq_r = ((T / (T - 1) * mean_w[off]) ** 2).sum()
    lam = 1.0 if sq_r <= 0 else float(np.clip(var_r / sq_r, 0.0, 1.0))
    shrunk = W * (1.0 - lam)
    diag = np.diag(W)
    if diag.max() <= 0:
        raise DataError("all in-sample residuals are zero; cannot estimate the error covariance")
    np.fill_diagonal(shrunk, np.maximum(diag, RELATIVE_VARIANCE_FLOOR * diag.max()))
    return shrunk, lam


def gls_projection(S: np.ndarray, W: np.ndarray) -> np.ndarray:
    """P = (S' W^-1 S)^-1 S' W^-1 by Cholesky solves (W symmetric positive definite, or a 1-d diagonal)."""
    if W.ndim == 1:
        Winv_S = S / W[:, None]
    else:
        Winv_S = linalg.cho_solve(linalg.cho_factor(W, lower=True), S)  # W^-1 S  [n_all, n_bottom]
    M = S.T @ Winv_S  # S' W^-1 S  [n_bottom, n_bottom], symmetric positive definite
    return linalg.cho_solve(linalg.cho_factor(M, lower=True), Winv_S.T)


def top_down_proportions(history: pd.DataFrame, hierarchy: Hierarchy, window: int | None = None) -> np.ndarray:
    """Average historical proportions p_j = mean_t (y_j,t / y_total,t) of each bottom series in the total.

    `history`: wide period x series (at least the bottom ids). The total is re-summed from the bottom. Months
    with a zero total carry no proportion and are skipped; `window` keeps only the last `window` months.
    """
    missing = [b for b in hierarchy.bottom_ids if b not in history.columns]
    if missing:
        raise DataError(f"history lacks bottom series for top_down: {', '.join(missing[:5])}")
    bottom = history[hierarchy.bottom_ids].sort_index().dropna()
    if window is not None:
        bottom = bottom.iloc[-window:]
    values = bottom.to_numpy(dtype=float)
    total = values.sum(axis=1)
    ok = total > 0
    if not ok.any():
        raise DataError("top_down needs at least one month with a positive total in the history")
    return (values[ok] / total[ok, None]).mean(axis=0)


def _bottom_up(hierarchy: Hierarchy, residuals, history, window) -> np.ndarray:
    n_all, n_bottom = hierarchy.S.shape
    P = np.zeros((n_bottom, n_all))
    P[:, n_all - n_bottom :] = np.eye(n_bottom)
    return P


def _top_down(hierarchy: Hierarchy, residuals, history, window) -> np.ndarray:
    n_all, n_bottom = hierarchy.S.shape
    P = np.zeros((n_bottom, n_all))
    P[:, 0] = top_down_proportions(history, hierarchy, window)
    return P


def _ols(hierarchy: Hierarchy, residuals, history, window) -> np.ndarray:
    return gls_projection(hierarchy.S, np.ones(hierarchy.n_all))


def _wls_struct(hierarchy: Hierarchy, residuals, history, window) -> np.ndarray:
    return gls_projection(hierarchy.S, hierarchy.S.sum(axis=1))


def _mint_shrink(hierarchy: Hierarchy, residuals, history, window) -> np.ndarray:
    res = residual_matrix(residuals, hierarchy)
    absent = [sid for sid, col in zip(hierarchy.series_ids, res.T) if np.isnan(col).all()]
    if absent:
        raise DataError(f"mint_shrink needs in-sample residuals for every series; none for {', '.join(absent[:5])}")
    W, _ = shrunk_covariance(complete_rows(res))
    return gls_projection(hierarchy.S, W)


@dataclass(frozen=True)
class ReconciliationMethod:
    """One reconciliation method: how it computes P, and which inputs it needs besides the hierarchy.

    needs: "residuals" (in-sample one-step errors on the count scale) and/or "history" (the realised wide
    history); the engine computes only what the configured method needs.
    """

    name: str
    projection: Callable[..., np.ndarray]  # (hierarchy, residuals, history, window) -> P[n_bottom, n_all]
    needs: frozenset[str] = frozenset()


RECONCILIATION: dict[str, ReconciliationMethod] = {
    m.name: m
    for m in (
        ReconciliationMethod("bottom_up", _bottom_up),
        ReconciliationMethod("top_down", _top_down, frozenset({"history"})),
        ReconciliationMethod("ols", _ols),
        ReconciliationMethod("wls_struct", _wls_struct),
        ReconciliationMethod("mint_shrink", _mint_shrink, frozenset({"residuals"})),
    )
}
METHODS: tuple[str, ...] = tuple(RECONCILIATION)
_NEEDED = {"residuals": "in-sample residuals", "history": "the realised history"}


def projection_matrix(
    method: str,
    hierarchy: Hierarchy,
    residuals: pd.DataFrame | np.ndarray | None = None,
    history: pd.DataFrame | None = None,
    *,
    window: int | None = None,
) -> np.ndarray:
    """P[n_bottom, n_all] for `method` in METHODS.

    residuals  in-sample one-step errors [time, n_all] (DataFrame with series-id columns or array in
               `hierarchy.series_ids` order), on the original count scale; needed for `mint_shrink`, which
               uses the months where every series has a residual.
    history    wide realised history (period x series ids); needed for `top_down`.
    window     `top_down` only: average the proportions over the last `window` months (None: all).
    """
    if method not in RECONCILIATION:
        raise ConfigError(f"unknown reconciliation method {method!r}; choose one of {', '.join(METHODS)}")
    record = RECONCILIATION[method]
    given = {"residuals": residuals, "history": history}
    for need in sorted(record.needs):
        if given[need] is None:
            raise ConfigError(f"reconciliation {method!r} needs {_NEEDED[need]}")
    return record.projection(hierarchy, residuals, history, window)


def reconcile_paths(paths: np.ndarray, hierarchy: Hierarchy, P: np.ndarray, nonnegative: bool = True) -> np.ndarray:
    """Reconcile every sample path: paths[n_all, horizon, sample] -> coherent paths of the same shape.

    bottom = P @ y for every (horizon, sample) at once; with `nonnegative`, negative bottom values are set to
    zero (the set-negative-to-zero heuristic: it moves the bottom slightly off the projection but keeps exact
    coherence, because every aggregate is then re-summed from the bottom as S @ bottom).
    """
    paths = np.asarray(paths, dtype=float)
    if paths.ndim != 3 or paths.shape[0] != hierarchy.n_all:
        raise DataError(f"paths must be [{hierarchy.n_all}, horizon, sample], got shape {paths.shape}")
    if P.shape != (hierarchy.n_bottom, hierarchy.n_all):
        raise DataError(f"P must be [{hierarchy.n_bottom}, {hierarchy.n_all}], got shape {P.shape}")
    n_all, horizon, n_samples = paths.shape
    bottom = P @ paths.reshape(n_all, horizon * n_samples)  # one matmul over every (horizon, sample)
    if nonnegative:
        np.maximum(bottom, 0.0, out=bottom)
    return (hierarchy.S @ bottom).reshape(n_all, horizon, n_samples)
