"""Pooled conformal calibration of 12-month sums, with named dependence and non-negativity options.

At origin t the calibration set is the method's own errors at EARLIER origins whose 12-month outcome was
complete by t (origin + 12 <= t), pooled across the series of a level and standardised by a per-series scale
known at t (the spread of the series' own successive 12-month totals). So small volatile series share the
pool's shape instead of producing bands many times their outcome, and nothing after t is read.

Options (`CalibrationOptions`):
  space       'log'   errors log1p(A) - log1p(P); sums exp(log1p(P) + s z) - 1: non-negative by construction;
              'count' errors A - P scaled by the spread of 12-month differences; sums P + s z clipped at 0
              (the clipping lifts low totals: kept to measure that bias).
  dependence  'joint'        one past origin per sample gives the error vector of every series (the cross-series
                             dependence of 12-month errors, an empirical copula / Schaake shuffle of whole-year
                             errors);
              'independent'  each series draws its own past error (no dependence);
              'level'        bottom as 'joint'; every aggregate (stream sums, total) calibrated directly on the
                             pooled errors of aggregates, around the sum of bottom points.
  centring   'raw'      keep the pool's bias;
              'centred'  subtract the pool's median error (each series' median is near its point; summed
                         skewed draws still put the aggregates' medians above the sum of points);
              'shifted'  shift every case's draws (bottom series, then each aggregate after summing) so that its
                         median IS the point: the naive total's point with the pool's spread around it at every
                         level (aggregates are then no longer sums of the bottom draws: sums only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mpp.models.pooled import series_scale

#: The named options compared by the protocol: space/dependence/centring.
CALIBRATION_NAMES = (
    "log/joint/raw",
    "log/joint/centred",
    "log/independent/raw",
    "log/level/raw",
    "count/joint/raw",
    "count/joint/centred",
    "count/independent/raw",
    "count/level/raw",
    "log/joint/shifted",
    "count/joint/shifted",
    "count/independent/shifted",
)
CENTRINGS = ("raw", "centred", "shifted")


@dataclass(frozen=True)
class CalibrationOptions:
    space: str = "log"
    dependence: str = "joint"
    centring: str = "raw"
    jitter: float = 0.1  # Gaussian smoothing of the drawn errors, as a share of the pool's sd
    scale_shrink: float = 0.5  # per-series scale shrunk toward the cross-series median by this share

    def __post_init__(self) -> None:
        if self.space not in ("log", "count"):
            raise ValueError(f"space must be log or count, got {self.space!r}")
        if self.dependence not in ("joint", "independent", "level"):
            raise ValueError(f"dependence must be joint, independent or level, got {self.dependence!r}")
        if self.centring not in CENTRINGS:
            raise ValueError(f"centring must be one of {', '.join(CENTRINGS)}, got {self.centring!r}")

    @property
    def label(self) -> str:
        return f"{self.space}/{self.dependence}/{self.centring}"


def options_from_name(name: str) -> CalibrationOptions:
    """'log/joint/raw' -> CalibrationOptions(space='log', dependence='joint', centring='raw')."""
    parts = name.split("/")
    if len(parts) != 3 or parts[2] not in CENTRINGS:
        raise ValueError(f"calibration must look like log/joint/raw, got {name!r}")
    return CalibrationOptions(parts[0], parts[1], parts[2])


def _fwd(x: np.ndarray, space: str) -> np.ndarray:
    return np.log1p(np.maximum(x, 0.0)) if space == "log" else np.asarray(x, float)


def aggregate_matrix(series_ids: list[str]) -> tuple[list[str], np.ndarray]:
    """Aggregates of the bottom series 'stream/nationality': one per stream plus the total. [agg, bottom]."""
    streams = sorted({s.split("/", 1)[0] for s in series_ids})
    names = [f"{s}/TOTAL" for s in streams] + ["TOTAL"]
    m = np.zeros((len(names), len(series_ids)))
    for j, sid in enumerate(series_ids):
        m[streams.index(sid.split("/", 1)[0]), j] = 1.0
    m[-1] = 1.0
    return names, m


def calibrated_sums(
    origins: list[pd.Period],
    points: dict[pd.Period, np.ndarray],
    actual: dict[pd.Period, np.ndarray | None],
    histories: dict[pd.Period, pd.DataFrame],
    opts: CalibrationOptions,
    n_samples: int = 400,
    seed: int = 0,
    lag: int = 0,
) -> dict:
    """For every origin in order: sample sums of the bottom series and of the aggregates.

    points[o]: the method's median 12-month sums of the bottom series at o; actual[o]: the realised sums (None
    while unknown; only used for origins whose outcome is complete before a later origin); histories[o]: the
    panel known at o; lag: months after an outcome's last month before it is published (an origin's errors
    join the pool of a later origin o only when o - lag is past its outcome). Returns {origin: (bottom_sums[series, sample], agg_sums[agg, sample], info)}.
    """
    rng = np.random.default_rng(seed)
    series_ids = list(histories[origins[0]].columns)
    agg_names, amat = aggregate_matrix(series_ids)
    z_bottom: dict[pd.Period, np.ndarray] = {}
    z_agg: dict[pd.Period, np.ndarray] = {}
    out = {}
    for o in sorted(origins):
        hist = histories[o]
        s = series_scale(hist, opts.space, opts.scale_shrink)
        agg_hist = pd.DataFrame(hist.to_numpy(float) @ amat.T, index=hist.index, columns=agg_names)
        s_agg = series_scale(agg_hist, opts.space, 0.0)
        pool = [p for p in z_bottom if p + 12 + lag <= o]
        p = points[o]
        p_agg = amat @ p
        info = {"pool_origins": len(pool)}
        if pool:
            z = np.stack([z_bottom[q] for q in pool])  # [origin, series]
            za = np.stack([z_agg[q] for q in pool])
        else:  # no error known yet: the series' own spread with a normal shape (recorded)
            z = rng.standard_normal((50, len(p)))
            za = rng.standard_normal((50, len(agg_names)))
            info["fallback"] = "no earlier errors: normal errors with the series' own spread"
        if opts.centring == "centred":
            z = z - np.median(z)
            za = za - np.median(za)
        draw = _pooled_draws(z, n_samples, opts, rng)
        bottom = _inverse(p, s, draw.T, opts.space)
        if opts.dependence == "level":
            dra = _pooled_draws(za, n_samples, opts, rng)
            agg = _inverse(p_agg, s_agg, dra.T, opts.space)
        else:
            agg = amat @ bottom
        if opts.centring == "shifted":
            bottom, agg = shift_to_point(bottom, p), shift_to_point(agg, p_agg)
        out[o] = (bottom, agg, info)
        if actual.get(o) is not None:
            a = actual[o]
            z_bottom[o] = (_fwd(a, opts.space) - _fwd(p, opts.space)) / s
            z_agg[o] = (_fwd(amat @ a, opts.space) - _fwd(p_agg, opts.space)) / s_agg
    return out


def shift_to_point(sums: np.ndarray, point: np.ndarray) -> np.ndarray:
    """sums[case, sample] moved so that every case's median is its point (then clipped at 0)."""
    return np.maximum(sums - np.median(sums, axis=1, keepdims=True) + point[:, None], 0.0)


def _pooled_draws(z: np.ndarray, n_samples: int, opts: CalibrationOptions, rng: np.random.Generator) -> np.ndarray:
    """Draws [sample, series] whose marginal is the POOLED error distribution (every series, every past
    origin) and whose dependence follows the past error vectors (joint/level: the ranks of one past origin's
    errors per sample, an empirical copula) or none (independent)."""
    n_orig, n_series = z.shape
    pooled = np.sort(z.ravel())
    if opts.dependence == "independent":
        u = rng.uniform(size=(n_samples, n_series))
    else:
        ranks = z.argsort(axis=0).argsort(axis=0)  # rank of each origin's error within its series
        pick = rng.integers(0, n_orig, size=n_samples)
        u = (ranks[pick] + rng.uniform(size=(n_samples, n_series))) / n_orig
    # The pooled quantiles at u (numpy's default 'linear' rule: position u * (n - 1) in the sorted pool).
    draw = np.interp(np.clip(u, 0.0, 1.0) * (pooled.size - 1), np.arange(pooled.size), pooled)
    return draw + opts.jitter * np.std(pooled) * rng.standard_normal(draw.shape) if pooled.size > 1 else draw


def _inverse(point: np.ndarray, scale: np.ndarray, z: np.ndarray, space: str) -> np.ndarray:
    """Sums from standardised errors z[series, sample]; never negative."""
    if space == "log":
        return np.expm1(np.log1p(np.maximum(point, 0))[:, None] + scale[:, None] * z).clip(min=0.0)
    return np.maximum(point[:, None] + scale[:, None] * z, 0.0)


__all__ = [
    "CALIBRATION_NAMES",
    "CalibrationOptions",
    "options_from_name",
    "shift_to_point",
    "aggregate_matrix",
    "calibrated_sums",
    "series_scale",
]
