"""Ensemble: fit several member families on the same series and combine their sample paths.

combine:
  mixture (default)  the ensemble's paths are a weighted mixture of the members' paths: member m contributes
                     round(w_m * n_samples) of its own whole paths. A mixture keeps every path a coherent
                     trajectory of one model (so monthly and annual sums stay consistent) and its spread includes
                     the disagreement between models, which is what under-dispersed single models miss.
  median             the elementwise (weighted) median across members of paths with equal sample index: a robust
                     point-like combination, but narrower than any honest predictive distribution; kept for
                     comparison, not recommended for bands.
weights:
  equal              1 / n_members
  inverse_error      each member is refitted without the last `holdout` months and scored on the absolute log
                     error of that holdout total (the quantity the backtest scores); w_m ~ 1 / (error_m + 0.05).
                     Series too short for a holdout (< holdout + 24 months) get equal weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.models.base import Family, SeriesForecast
from mpp.models.registry import run_family
from mpp.models.variants import COMMON_SETTINGS, VariantSpec, settings_model

ERROR_FLOOR = 0.05  # keeps one lucky holdout from taking all the weight


def member_seeds(rng: np.random.Generator, n: int) -> list[int]:
    return [int(s) for s in rng.integers(0, 2**31 - 1, size=n)]


def holdout_errors(
    y: pd.Series, members: list[str], spec: VariantSpec, holdout: int, n_samples: int, seed: int
) -> dict[str, float]:
    """Absolute log error of each member's median holdout total, fitted on y without the last `holdout` months."""
    train, actual = y.iloc[:-holdout], float(y.iloc[-holdout:].sum())
    scores = {}
    for member in members:
        fc = run_family(member, train, holdout, n_samples, spec.with_family(member), seed)
        total = float(np.median(fc.paths.sum(axis=0)))
        scores[member] = float(abs(np.log1p(total) - np.log1p(actual)))
    return scores


def allocate(weights: np.ndarray, n_samples: int) -> np.ndarray:
    """Split n_samples into integer counts proportional to weights (largest remainders)."""
    raw = weights / weights.sum() * n_samples
    counts = np.floor(raw).astype(int)
    counts[np.argsort(raw - counts)[::-1][: n_samples - counts.sum()]] += 1
    return counts


def weighted_median(stack: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Elementwise weighted median over axis 0 of stack[member, horizon, sample]."""
    order = np.argsort(stack, axis=0)
    sorted_vals = np.take_along_axis(stack, order, axis=0)
    cum = np.cumsum(weights[order], axis=0)
    pick = np.argmax(cum >= 0.5 * weights.sum(), axis=0)[None]
    return np.take_along_axis(sorted_vals, pick, axis=0)[0]


def forecast_ensemble(
    y: pd.Series, horizon: int, n_samples: int, spec: VariantSpec, rng: np.random.Generator
) -> SeriesForecast:
    members = list(dict.fromkeys(spec.members))
    seeds = member_seeds(rng, len(members) + 1)
    scores = None
    if spec.weights == "inverse_error" and len(y) >= spec.holdout + 24:
        scores = holdout_errors(y, members, spec, spec.holdout, min(n_samples, 200), seeds[-1])
        weights = np.array([1.0 / (scores[m] + ERROR_FLOOR) for m in members])
    else:
        weights = np.ones(len(members))
    weights = weights / weights.sum()
    fits = [run_family(m, y, horizon, n_samples, spec.with_family(m), s) for m, s in zip(members, seeds)]
    stack = np.stack([f.paths for f in fits])  # [member, horizon, sample]
    if spec.combine == "median":
        paths = weighted_median(stack, weights)
    else:
        counts = allocate(weights, n_samples)
        paths = np.concatenate([stack[i, :, :c] for i, c in enumerate(counts)], axis=1)
        paths = paths[:, rng.permutation(n_samples)]
    residuals = pd.concat([f.residuals for f in fits], axis=1).mean(axis=1, skipna=True)
    params = {
        "members": [f.family for f in fits],
        "combine": spec.combine,
        "weights_rule": spec.weights,
        "weights": dict(zip(members, map(float, weights))),
        "holdout_errors": scores,
        "member_fallbacks": {m: f.fallback for m, f in zip(members, fits) if f.fallback},
        "member_params": {m: f.params for m, f in zip(members, fits)},
    }
    return SeriesForecast(paths, "ensemble", params, None, residuals.reindex(y.index))


FAMILY = Family(
    "ensemble",
    forecast_ensemble,
    fallback="theta",
    settings=settings_model("ensemble", *COMMON_SETTINGS, "members", "combine", "weights", "holdout"),
    members=True,
)
