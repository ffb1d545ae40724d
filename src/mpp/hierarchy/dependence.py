"""Cross-series dependence for independently simulated sample paths (an empirical-copula reordering).

Each series' model simulates its N sample paths on its own, so sample k of Syria and sample k of Eritrea are
independent, and a bottom-up total would be too narrow when the series really move together (a common shock:
a route opens, a policy changes). The Schaake-shuffle idea fixes that without touching any series' marginal
distribution: draw N joint vectors that carry the dependence, and for every series reorder its N paths so that
the path ranks follow the ranks of that series' component in the joint draws.

Choices, and why:
- Joint draws come from a Gaussian copula with the Schäfer-Strimmer shrunk correlation of the in-sample
  one-step residuals (the same estimator as MinT-shrink). A bootstrap of residual rows would give N >> T draws
  with many exact ties (about 130 months of residuals for 1,000 samples), whose ranks are then arbitrary.
- Paths are ranked by their sum over the horizon and moved whole, so each path keeps its own dynamics over
  time (autocorrelation matters for annual sums); the dependence is imposed on the cumulative level, which is
  what annual bands and occupancy depend on. Per-step reordering would cut paths into pieces.
- Series without any residual keep their order (stay independent of the rest).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from mpp.errors import DataError
from mpp.hierarchy.reconcile import MIN_RESIDUAL_ROWS, complete_rows, shrunk_covariance


def residual_correlation(res: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shrunk correlation of the series that have residuals. `res[time, series]` may hold NaN.

    Returns (R[k, k], columns) with `columns` the indices of the k series that have at least one residual;
    the months used are those in which all of them have one. Zero-variance series get zero correlation.
    """
    has_any = ~np.isnan(res).all(axis=0)
    columns = np.flatnonzero(has_any)
    rows = complete_rows(res[:, columns])
    if len(rows) < MIN_RESIDUAL_ROWS:
        raise DataError(f"only {len(rows)} months in which every series has a residual; cannot estimate dependence")
    W, _ = shrunk_covariance(rows)
    var = np.var(rows, axis=0, ddof=1)
    sd = np.sqrt(np.where(var > 0, var, np.inf))  # zero-variance series: correlation 0
    R = W / np.outer(sd, sd)
    np.fill_diagonal(R, 1.0)
    return R, columns


def gaussian_copula_draws(R: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws [n, k] of N(0, R) (R is positive semi-definite; tiny negative eigenvalues are clipped)."""
    eigval, eigvec = np.linalg.eigh(R)
    root = eigvec * np.sqrt(np.clip(eigval, 0.0, None))
    return rng.standard_normal((n, R.shape[0])) @ root.T


def impose_dependence(paths: np.ndarray, residuals: pd.DataFrame | np.ndarray, seed: int) -> np.ndarray:
    """Reorder the samples of every series so that their ranks follow jointly drawn residuals.

    paths      paths[n_all, horizon, sample] (any order of series, matching `residuals`' columns)
    residuals  in-sample one-step errors [time, n_all]: a DataFrame whose columns follow the series order of
               `paths` (NaN where a model has none), or an array of that shape
    seed       the draws, hence the result, are a function of the seed only

    Returns a new array in which, for each series, the set of paths is the same (each path intact over the
    horizon); only which sample index holds which path changes. Deterministic given the seed.
    """
    paths = np.asarray(paths, dtype=float)
    if paths.ndim != 3:
        raise DataError(f"paths must be [series, horizon, sample], got shape {paths.shape}")
    res = residuals.to_numpy(dtype=float) if isinstance(residuals, pd.DataFrame) else np.asarray(residuals, dtype=float)
    if res.ndim != 2 or res.shape[1] != paths.shape[0]:
        raise DataError(f"residuals must be [time, {paths.shape[0]}], got shape {res.shape}")
    n_samples = paths.shape[2]
    R, columns = residual_correlation(res)
    draws = gaussian_copula_draws(R, n_samples, np.random.default_rng(seed))  # [sample, k]
    out = paths.copy()
    totals = paths.sum(axis=1)  # [series, sample]
    for c, i in enumerate(columns):
        by_size = np.argsort(totals[i], kind="stable")  # path indices from smallest to largest sum
        target_rank = np.argsort(np.argsort(draws[:, c], kind="stable"), kind="stable")
        out[i] = paths[i][:, by_size[target_rank]]
    return out


def independent(paths: np.ndarray, residuals: pd.DataFrame | np.ndarray, seed: int) -> np.ndarray:
    """No dependence: every series keeps its own sample order (series stay independent)."""
    return np.asarray(paths, dtype=float)


# The joint-path samplers, beside the reconciliation methods' P: (paths, residuals, seed) -> reordered paths.
Sampler = Callable[[np.ndarray, "pd.DataFrame | np.ndarray", int], np.ndarray]
SAMPLERS: dict[str, Sampler] = {"gaussian_copula": impose_dependence, "independent": independent}
