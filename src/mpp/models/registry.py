"""The fallback chain behind `forecast_series`; the family records come from `mpp.models.families`.

Family modules are imported on first use (Prophet and its Stan backend take a second to import).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from mpp.models.base import FamilyFailed, FamilyFunction, SeriesForecast, check_arguments
from mpp.models.families import family as family_record
from mpp.models.variants import VariantSpec


def family_function(name: str) -> FamilyFunction:
    return family_record(name).forecast


def panel_function(family: str) -> Callable | None:
    """The panel form of a family that pools across series, or None for a family fitted one series at a time."""
    return family_record(family).panel


def _numerical_failure(exc: Exception) -> bool:
    """Errors numerical libraries raise on awkward data (singular matrices, failed optimisers, NaN input to
    Stan). Anything else (TypeError, AttributeError, ...) is a bug and propagates."""
    return isinstance(exc, (FamilyFailed, ValueError, np.linalg.LinAlgError, ArithmeticError, RuntimeError))


def run_family(family: str, y: pd.Series, horizon: int, n_samples: int, spec: VariantSpec, seed: int) -> SeriesForecast:
    """Run `family` (with spec's settings) and walk the fallback chain on failure; records what happened.

    Every attempt starts from a fresh `default_rng(seed)`, so a result never depends on which attempt failed.
    """
    reasons: list[str] = []
    current: str | None = family
    while current is not None:
        try:
            spec_now = spec if current == spec.family else spec.with_family(current)
            result = family_function(current)(y, horizon, n_samples, spec_now, np.random.default_rng(seed))
            _check_result(result, y, horizon, n_samples, current)
        except Exception as exc:  # noqa: BLE001 - filtered by _numerical_failure, bugs re-raised
            if not _numerical_failure(exc):
                raise
            reasons.append(f"{current} failed: {_one_line(exc)}")
            current = family_record(current).fallback
            continue
        if reasons:
            result.fallback = "; ".join(reasons) + f"; used {current}"
        return result
    raise AssertionError(f"fallback chain exhausted: {'; '.join(reasons)}")  # naive cannot fail on valid y


def _check_result(result: SeriesForecast, y: pd.Series, horizon: int, n_samples: int, family: str) -> None:
    paths = result.paths
    if paths.shape != (horizon, n_samples):
        raise AssertionError(f"{family} returned paths of shape {paths.shape}, expected {(horizon, n_samples)}")
    if not np.isfinite(paths).all() or (paths < 0).any():
        raise FamilyFailed("paths not finite or negative")
    if result.residuals is None or not result.residuals.index.equals(y.index):
        raise AssertionError(f"{family} returned residuals not on y's index")
    result.paths = np.ascontiguousarray(paths, dtype="float64")


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def forecast_series(y: pd.Series, horizon: int, n_samples: int, spec: VariantSpec, seed: int) -> SeriesForecast:
    """Fit the variant's family to one monthly series and simulate `n_samples` paths of `horizon` months.

    y: float series on a contiguous monthly PeriodIndex ending at the cut-off. Never raises for data reasons:
    a failing family falls back to simpler ones (recorded in `fallback`). Invalid arguments raise
    `ForecastArgumentError`. All randomness derives from `np.random.default_rng(seed)`.
    """
    values = check_arguments(y, horizon, n_samples, seed)
    if not isinstance(spec, VariantSpec):
        raise TypeError(f"spec must be a VariantSpec, got {type(spec).__name__}")
    return run_family(spec.family, values, int(horizon), int(n_samples), spec, int(seed))
