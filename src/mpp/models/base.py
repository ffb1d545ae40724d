"""The interface every model family implements, and the small helpers they share.

A family is a function `forecast(y, horizon, n_samples, spec, rng) -> SeriesForecast` that fits ONE monthly
series and simulates it. Families do no file I/O and no logging set-up. They raise `FamilyFailed` when a series
defeats them (too short, numerical failure); `mpp.models.forecast_series` then falls back to a simpler family.

Array axes: `paths[horizon, sample]` (month 1..H after the cut-off, one column per sample path).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from mpp.errors import MppError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from mpp.models.variants import VariantSpec

SEASON = 12  # months per seasonal cycle


@dataclass
class SeriesForecast:
    """Sample paths for one series plus what was fitted.

    paths:     [horizon, sample] float64, finite, >= 0 (persons per month)
    family:    the family actually used (after any fallback)
    params:    fitted parameters / chosen form, JSON-serialisable
    aicc:      corrected AIC on the working scale, where the family has a likelihood
    residuals: one-step in-sample errors on the working scale, index = y.index (NaN where undefined)
    fallback:  None, or "<family> failed: <reason>; used <other>"
    """

    paths: np.ndarray
    family: str
    params: dict = field(default_factory=dict)
    aicc: float | None = None
    residuals: pd.Series | None = None
    fallback: str | None = None


FamilyFunction = Callable[[pd.Series, int, int, "VariantSpec", np.random.Generator], SeriesForecast]


@dataclass(frozen=True)
class Family:
    """One model family as the registry knows it. A module of `mpp.models` declares its families in a
    module-level `FAMILY` (or a tuple `FAMILIES`); `mpp.models.families` finds them, so adding a family is one
    module (plus a variant using it in variants.yaml).

    forecast:  the family function (the interface above)
    fallback:  the simpler family tried when this one raises `FamilyFailed`; None only for `naive`
    settings:  its own settings model: the fields of `VariantSpec` it reads (`mpp.models.variants.settings_model`)
    members:   True for combinations of other families (ensemble, auto), which need a `members` list
    panel:     for a family that pools across series, its panel form
               (history[period, series], horizon, n_samples, spec, rng) -> (paths[series, horizon, sample], params);
               the engine then gives it the whole bottom panel at once
    """

    name: str
    forecast: FamilyFunction
    fallback: str | None
    settings: type[BaseModel]
    members: bool = False
    panel: Callable | None = None


class FamilyFailed(Exception):
    """A family cannot forecast this series (a data reason, not a bug); triggers the fallback chain."""


class ForecastArgumentError(MppError, ValueError):
    """forecast_series was called with invalid arguments (horizon, n_samples, y)."""

    exit_code = 2


def check_arguments(y: pd.Series, horizon: int, n_samples: int, seed: int) -> pd.Series:
    """Validate the call; return y as float64 on a monthly PeriodIndex."""
    if not isinstance(y, pd.Series):
        raise ForecastArgumentError(f"y must be a pandas Series, got {type(y).__name__}")
    if not isinstance(y.index, pd.PeriodIndex) or y.index.freqstr not in ("M", "ME"):
        raise ForecastArgumentError("y must have a monthly PeriodIndex")
    if len(y) == 0:
        raise ForecastArgumentError("y is empty")
    expected = pd.period_range(y.index[0], periods=len(y), freq="M")
    if not y.index.equals(expected):
        raise ForecastArgumentError("y's index must be contiguous and sorted monthly periods")
    for name, value, low in (("horizon", horizon, 1), ("n_samples", n_samples, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ForecastArgumentError(f"{name} must be an integer >= {low}, got {value!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ForecastArgumentError(f"seed must be a non-negative integer, got {seed!r}")
    values = pd.to_numeric(y, errors="coerce").astype("float64")
    if not np.isfinite(values.to_numpy()).all():
        raise ForecastArgumentError("y must be finite (no NaN): pass the months known at the cut-off only")
    if (values < 0).any():
        raise ForecastArgumentError("y must be >= 0 (counts of persons)")
    return values


def training_window(y: pd.Series, window: int | None) -> pd.Series:
    """The last `window` months of y (all of y when window is None)."""
    return y if window is None or window >= len(y) else y.iloc[-window:]


def working_series(
    y: pd.Series, window: int | None, transform_kind: str, min_months: int, need_variation: bool = True
) -> tuple[pd.Series, Transform, np.ndarray]:
    """The training window of y, its fitted transform and the transformed values z; FamilyFailed when the window
    is shorter than `min_months` or (if `need_variation`) constant, where likelihood fits degenerate."""
    yw = training_window(y, window)
    if len(yw) < min_months:
        raise FamilyFailed(f"needs at least {min_months} months, got {len(yw)}")
    transform = Transform.fit(transform_kind, yw.to_numpy())
    z = transform.forward(yw.to_numpy())
    if need_variation and np.ptp(z) == 0:
        raise FamilyFailed("constant series: no variation to fit")
    return yw, transform, z


# --- working scale -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transform:
    """Variance-stabilising transform of counts. `log1p` and Box-Cox on y+1 keep back-transformed values >= 0
    after clipping; `lam` is the Box-Cox lambda (None for log1p/none)."""

    kind: str = "log1p"
    lam: float | None = None

    @classmethod
    def fit(cls, kind: str, y: np.ndarray) -> Transform:
        if kind != "boxcox":
            return cls(kind)
        shifted = np.asarray(y, float) + 1.0
        if np.ptp(shifted) == 0:
            return cls("log1p")  # Box-Cox lambda is undefined for a constant series
        _, lam = stats.boxcox(shifted)
        return cls("boxcox", float(np.clip(lam, -0.5, 1.0)))

    def forward(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, float)
        if self.kind == "none":
            return y
        if self.kind == "log1p" or self.lam == 0.0:
            return np.log1p(y)
        return ((y + 1.0) ** self.lam - 1.0) / self.lam

    def inverse(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, float)
        if self.kind == "none":
            return z
        if self.kind == "log1p" or self.lam == 0.0:
            return np.expm1(np.minimum(z, 50.0))  # exp(50) ~ 5e21: caps overflow without touching real values
        base = np.maximum(self.lam * z + 1.0, 0.0)
        return base ** (1.0 / self.lam) - 1.0

    def as_params(self) -> dict:
        return {"transform": self.kind, **({"boxcox_lambda": self.lam} if self.lam is not None else {})}


def finish_paths(paths_working: np.ndarray, transform: Transform, cap: float | None = None) -> np.ndarray:
    """Back-transform [horizon, sample] paths, clip at zero (counts are never negative) and optionally cap
    absurd values; raise FamilyFailed if anything is not finite."""
    paths = transform.inverse(paths_working)
    if not np.isfinite(paths).all():
        raise FamilyFailed("simulated paths are not finite")
    paths = np.maximum(paths, 0.0)
    if cap is not None:
        paths = np.minimum(paths, cap)
    return paths


def path_cap(y: pd.Series, factor: float = 20.0) -> float:
    """An upper bound on any simulated month: `factor` times the series' historical maximum (at least 100).
    Guards against explosive simulations of a mis-specified model without touching plausible values."""
    return float(factor * max(float(y.max()), 5.0) + 100.0)


def full_residuals(y: pd.Series, fitted_part: pd.Series | np.ndarray, start: int | None = None) -> pd.Series:
    """Place residuals of a model fitted on the tail of y onto y's full index (NaN elsewhere)."""
    out = pd.Series(np.nan, index=y.index, dtype="float64")
    values = np.asarray(fitted_part, float)
    begin = len(y) - len(values) if start is None else start
    out.iloc[begin : begin + len(values)] = values
    return out


@contextmanager
def quiet_fitting() -> Iterator[None]:
    """Silence the optimiser chatter of statsmodels (convergence, frequency and start-value warnings) for one
    fit. Errors still propagate; non-convergence shows up as a worse AICc or a FamilyFailed downstream."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, ValueWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", ValueWarning)
        warnings.filterwarnings("ignore", message=".*(start|Non-stationary|Non-invertible|overflow|divide).*")
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        yield


def annual_log_ratios(values: np.ndarray) -> np.ndarray:
    """log1p-ratio of each trailing 12-month total to the one a year before; element i belongs to the total
    ending at month 2 * SEASON - 1 + i of `values`."""
    sums = np.convolve(np.asarray(values, float), np.ones(SEASON), mode="valid")
    return np.log1p(sums[SEASON:]) - np.log1p(sums[:-SEASON])


def centred_mirrored(errors: np.ndarray) -> np.ndarray:
    """Errors centred on their median and mirrored: a directionless spread whose sums of draws have median 0."""
    e = np.asarray(errors, float)
    if e.size == 0:
        return e
    e = e - np.median(e)
    return np.concatenate([e, -e])


def bootstrap_errors(errors: np.ndarray, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Draw centred errors with replacement; Gaussian with the same spread when there are fewer than 5."""
    e = np.asarray(errors, float)
    e = e[np.isfinite(e)]
    if e.size >= 5:
        e = e - e.mean()
        return rng.choice(e, size=shape, replace=True)
    sd = float(np.std(e)) if e.size >= 2 else 0.0
    return rng.normal(0.0, sd, size=shape)
