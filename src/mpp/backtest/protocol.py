"""The evaluation protocol that cannot flatter: tuning and locked origins, CRPS of 12-month sums, paired
bootstrap standard errors of every difference to the naive 12-month total.

- `OriginSplit` splits backtest origins into *tuning* origins (default up to 2021-12), on which every setting
  and the default are chosen, and *locked* origins (default 2022-03 onward), which only report. Any code that
  makes a choice goes through `OriginSplit.tuning_only` / `OriginSplit.assert_tuning` (or `choose_on_tuning`),
  which raise `LockedOriginError` when a locked origin reaches it.
- `crps_of_sums` scores sample 12-month sums with `scoringrules.crps_ensemble` (a maintained library rather
  than hand-rolled code; the test checks it against an independent brute-force computation).
- `paired_bootstrap` resamples whole origins (the cases of one origin share its shocks) to give the standard
  error of a difference of two ratio statistics (WAPE, mean CRPS) computed on the same cases.
- `score_cases` / `summarise` turn a table of cases (one per origin x series, with the outcome, the naive
  total and sample sums) into the protocol's figures.

Pure: no I/O. The runner that produces cases is `mpp.skill.run` (scripts/protocol.py writes the docs table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mpp.errors import MppError

#: Default split of the issue-13 protocol: choices on origins up to 2021-12, headline on 2022-03 onward.
TUNING_END = "2021-12"
LOCKED_START = "2022-03"


class LockedOriginError(MppError):
    """A choice (a setting, a default, a calibration) was about to read a locked origin."""

    exit_code = 4


def _period(value) -> pd.Period:
    return value if isinstance(value, pd.Period) else pd.Period(str(value), freq="M")


@dataclass(frozen=True)
class OriginSplit:
    """Origins <= `tuning_end` are tuning origins; origins >= `locked_start` are locked; between is a gap
    (neither chooses nor reports). Configurable; the defaults are the issue's."""

    tuning_end: str = TUNING_END
    locked_start: str = LOCKED_START

    def __post_init__(self) -> None:
        if _period(self.locked_start) <= _period(self.tuning_end):
            raise ValueError(f"locked_start {self.locked_start} must come after tuning_end {self.tuning_end}")

    def role(self, origin) -> str:
        o = _period(origin)
        if o <= _period(self.tuning_end):
            return "tuning"
        if o >= _period(self.locked_start):
            return "locked"
        return "gap"

    def tuning(self, origins: Iterable) -> list[pd.Period]:
        return [_period(o) for o in origins if self.role(o) == "tuning"]

    def locked(self, origins: Iterable) -> list[pd.Period]:
        return [_period(o) for o in origins if self.role(o) == "locked"]

    def assert_tuning(self, frame: pd.DataFrame, column: str = "origin", what: str = "a choice") -> None:
        """Raise `LockedOriginError` if `frame` holds any origin that is not a tuning origin."""
        bad = sorted({str(o) for o in frame[column] if self.role(o) != "tuning"})
        if bad:
            raise LockedOriginError(
                f"{what} would read non-tuning origins {', '.join(bad[:5])}{' ...' if len(bad) > 5 else ''} "
                f"(tuning origins end {self.tuning_end}); choose on tuning origins only"
            )

    def tuning_only(self, frame: pd.DataFrame, column: str = "origin") -> pd.DataFrame:
        """The rows of tuning origins (the only view a choice may receive)."""
        keep = np.array([self.role(o) == "tuning" for o in frame[column]], dtype=bool)
        return frame.loc[keep]

    def locked_only(self, frame: pd.DataFrame, column: str = "origin") -> pd.DataFrame:
        keep = np.array([self.role(o) == "locked" for o in frame[column]], dtype=bool)
        return frame.loc[keep]


def choose_on_tuning(
    split: OriginSplit,
    candidates: Mapping[str, pd.DataFrame],
    criterion: Callable[[pd.DataFrame], float],
    what: str = "the choice",
) -> tuple[str, dict]:
    """The candidate with the smallest `criterion`, computed on its per-case frame. Every frame must hold
    tuning origins only (else `LockedOriginError`): pass `split.tuning_only(frame)`. Ties keep the first."""
    scores: dict[str, float] = {}
    for name, frame in candidates.items():
        split.assert_tuning(frame, what=f"{what} ({name})")
        scores[name] = float(criterion(frame))
    best = min(scores, key=lambda k: np.nan_to_num(scores[k], nan=np.inf))
    return best, scores


# --------------------------------------------------------------------------------------------- scores


def crps_of_sums(sums: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """CRPS of sample sums `sums[case, sample]` against `actual[case]` with `scoringrules.crps_ensemble`
    (energy form, all N^2 pairs: the same estimator as `mpp.backtest.scores.crps_samples`)."""
    import scoringrules as sr

    sums = np.asarray(sums, dtype=float)
    actual = np.asarray(actual, dtype=float)
    return np.asarray(sr.crps_ensemble(actual, sums, m_axis=-1, estimator="nrg", backend="numpy"), dtype=float)


def paired_bootstrap(
    groups: np.ndarray,
    num_a: np.ndarray,
    num_b: np.ndarray,
    den: np.ndarray | None = None,
    n_boot: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """Difference sum(num_a)/sum(den) - sum(num_b)/sum(den) and its bootstrap standard error, resampling
    whole groups (origins) with replacement; both statistics use the same resample (paired).

    WAPE: num = |F - A|, den = A. Mean CRPS: num = CRPS, den = None (counts cases)."""
    groups = np.asarray(groups)
    num_a = np.asarray(num_a, float)
    num_b = np.asarray(num_b, float)
    den = np.ones_like(num_a) if den is None else np.asarray(den, float)
    codes, index = np.unique(groups, return_inverse=True)
    g = len(codes)
    sa = np.bincount(index, num_a, g)
    sb = np.bincount(index, num_b, g)
    sd = np.bincount(index, den, g)
    diff = (sa.sum() - sb.sum()) / sd.sum()
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, g, size=(n_boot, g))
    counts = np.stack([np.bincount(d, minlength=g) for d in draws])  # [boot, group]
    boot = (counts @ sa - counts @ sb) / (counts @ sd)
    return float(diff), float(np.std(boot, ddof=1))


#: Columns every case table carries (one row per origin x series).
CASE_COLUMNS = ("origin", "series_id", "level", "actual", "naive")


def score_cases(cases: pd.DataFrame, sums: np.ndarray, lower: float = 0.05, upper: float = 0.95) -> pd.DataFrame:
    """Per-case scores of sample 12-month sums `sums[case, sample]` (rows aligned with `cases`).

    Adds: median, lo, hi (the P5/P95 band), crps, abs_error (of the median), covered, rel_width
    ((P95-P5)/outcome) and the naive total's abs_error_naive."""
    missing = [c for c in CASE_COLUMNS if c not in cases.columns]
    if missing:
        raise ValueError(f"cases lack columns {missing}")
    sums = np.asarray(sums, float)
    if sums.ndim != 2 or sums.shape[0] != len(cases):
        raise ValueError(f"sums must be [case, sample] with {len(cases)} cases, got {sums.shape}")
    if not np.isfinite(sums).all():
        raise ValueError("sums hold NaN or infinite values")
    out = cases.reset_index(drop=True).copy()
    q = np.quantile(sums, [lower, 0.5, upper], axis=1)
    a = out["actual"].to_numpy(float)
    out["median"], out["lo"], out["hi"] = q[1], q[0], q[2]
    out["mean"] = sums.mean(axis=1)
    out["crps"] = crps_of_sums(sums, a)
    out["abs_error"] = np.abs(q[1] - a)
    out["abs_error_naive"] = np.abs(out["naive"].to_numpy(float) - a)
    out["covered"] = ((a >= q[0]) & (a <= q[2])).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rel_width"] = np.where(a > 0, (q[2] - q[0]) / a, np.nan)
    return out


def wape(frame: pd.DataFrame, column: str = "abs_error") -> float:
    den = frame["actual"].sum()
    return float(frame[column].sum() / den) if den > 0 else float("nan")


def summarise(scored: pd.DataFrame, reference: pd.DataFrame | None = None, n_boot: int = 2000, seed: int = 0) -> dict:
    """The protocol's figures for one method on one set of origins.

    `scored`: from `score_cases`. `reference`: the seasonal-naive simulation's scored cases on the same
    (origin, series_id) for the CRPS skill (1 - sum CRPS / sum CRPS_ref). Levels: 'bottom' vs the rest
    ('aggregate': stream sums and the grand total)."""
    s = scored.reset_index(drop=True)
    bottom = s["level"] == "bottom"
    agg = ~bottom
    row = {
        "origins": s["origin"].nunique(),
        "cases": len(s),
        "wape": wape(s),
        "wape_bottom": wape(s.loc[bottom]),
        "wape_aggregate": wape(s.loc[agg]),
        "wape_naive": wape(s, "abs_error_naive"),
        "wape_aggregate_naive": wape(s.loc[agg], "abs_error_naive"),
        "cov90": float(s["covered"].mean()),
        "cov90_aggregate": float(s.loc[agg, "covered"].mean()),
        "median_rel_width": float(np.nanmedian(s["rel_width"])),
        "bias_aggregate": float(s.loc[agg, "median"].sum() / s.loc[agg, "actual"].sum() - 1.0),
        "mean_crps": float(s["crps"].mean()),
    }
    groups = s["origin"].astype(str).to_numpy()
    a = s["actual"].to_numpy(float)
    row["d_wape"], row["se_d_wape"] = paired_bootstrap(groups, s["abs_error"], s["abs_error_naive"], a, n_boot, seed)
    ga = groups[agg.to_numpy()]
    row["d_wape_aggregate"], row["se_d_wape_aggregate"] = paired_bootstrap(
        ga, s.loc[agg, "abs_error"], s.loc[agg, "abs_error_naive"], s.loc[agg, "actual"], n_boot, seed
    )
    if reference is not None:
        ref = reference.set_index(["origin", "series_id"])["crps"]
        ref = ref.reindex(pd.MultiIndex.from_frame(s[["origin", "series_id"]])).to_numpy(float)
        if np.isnan(ref).any():
            raise ValueError("the reference lacks some of the scored cases")
        row["crps_skill"] = float(1.0 - s["crps"].sum() / ref.sum())
        d, se = paired_bootstrap(groups, s["crps"], ref, None, n_boot, seed)
        row["se_crps_skill"] = float(se * len(s) / ref.sum())  # skill = -d * n / sum(ref)
    return row


__all__ = [
    "CASE_COLUMNS",
    "LOCKED_START",
    "LockedOriginError",
    "OriginSplit",
    "TUNING_END",
    "choose_on_tuning",
    "crps_of_sums",
    "paired_bootstrap",
    "score_cases",
    "summarise",
    "wape",
]
