"""Assumptions resolved for a projection's periods (`mpp.occupancy.assumptions` holds the schema): `resolve`
turns the file into plain numpy arrays per projection step (a month or a quarter), each rate converted with
`months_per_step` so that a quarterly run never reads a monthly rate as per quarter."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mpp.errors import ConfigError
from mpp.occupancy.assumptions import Assumptions, Param


@dataclass(frozen=True)
class StepParams:
    """Assumptions as arrays over model steps (`[horizon]`), already converted to the step length."""

    months_per_step: int
    capacity: np.ndarray  # decisions per step
    lead_steps: int  # steps a new applicant waits at least
    grant_rate: np.ndarray  # effective share of non-Dublin decisions granted
    dublin_share: np.ndarray
    other_outflow: np.ndarray  # share of applicants in COA leaving per step
    intake_share: dict[str, np.ndarray]  # per stream
    housing: np.ndarray  # status holders leaving COA for a home by the targets, per step (before the stock cap)
    housing_hazard: np.ndarray  # share of waiting status holders housed per step (zero without a hazard)
    departure_hazard: np.ndarray  # share of rejected leaving per step
    departure_split: tuple[float, float, float]  # voluntary, forced, unknown
    capacity_buffer: np.ndarray
    other_exits: np.ndarray  # persons leaving the backlog per step other than by a decision (zero if not given)
    reentries: np.ndarray  # persons re-entering the backlog per step
    other_exits_to_rejected: np.ndarray
    grant_rate_repeat: np.ndarray | None  # None: repeat requests have `grant_rate`


def months_per_step(periods: pd.PeriodIndex) -> int:
    freq = periods.freqstr.upper()
    if freq.startswith("M"):
        return 1
    if freq.startswith("Q"):
        return 3
    raise ConfigError(f"occupancy runs on monthly or quarterly periods, got frequency {periods.freqstr!r}")


def months_of(periods: pd.PeriodIndex) -> tuple[pd.PeriodIndex, int]:
    """The months the steps cover and the months per step (1 monthly, 3 quarterly)."""
    k = months_per_step(periods)
    first = periods.asfreq("M", how="start")
    months = pd.PeriodIndex([p + i for p in first for i in range(k)], freq="M")
    return months, k


def per_step(monthly: np.ndarray, k: int, how: str) -> np.ndarray:
    """Convert a monthly array (len H*k) to steps: `sum` for counts, `hazard` for compounding rates."""
    m = monthly.reshape(-1, k)
    if how == "sum":
        return m.sum(axis=1)
    if how == "hazard":
        return 1.0 - np.prod(1.0 - m, axis=1)
    if how == "first":
        return m[:, 0]
    raise ValueError(how)


def resolve(a: Assumptions, periods: pd.PeriodIndex) -> StepParams:
    """Assumptions -> per-step arrays for `periods` (monthly or quarterly PeriodIndex)."""
    months, k = months_of(periods)
    p = a.procedure
    g = p.grant_rate.monthly(months)
    if p.grant_rate_by_nationality:
        shares = sum(n.share_of_decisions.monthly(months) for n in p.grant_rate_by_nationality.values())
        mixed = sum(
            n.share_of_decisions.monthly(months) * n.grant_rate.monthly(months)
            for n in p.grant_rate_by_nationality.values()
        )
        g = (1.0 - shares) * g + mixed
    h = a.housing
    if h.taakstelling:
        targets = h.targets()
        half = [f"{m.year}-H{1 if m.month <= 6 else 2}" for m in months]
        missing = sorted({x for x in half if x not in targets})
        if missing:
            raise ConfigError(f"housing.taakstelling has no target for {', '.join(missing)} (projection needs it)")
        housing_m = (
            np.array([targets[x] for x in half])
            / 6.0
            * h.realisation_rate.monthly(months)
            * h.share_from_coa.monthly(months)
        )
    else:
        housing_m = np.zeros(len(months))
    hazard_m = h.hazard.monthly(months) if h.hazard is not None else np.zeros(len(months))
    lead = p.min_lead_time.values()[0] if p.min_lead_time.value is not None else max(p.min_lead_time.values())
    d = a.departure
    return StepParams(
        months_per_step=k,
        capacity=per_step(p.ind_decision_capacity.monthly(months), k, "sum"),
        lead_steps=int(math.ceil(round(lead, 9) / k)),
        grant_rate=per_step(g, k, "first"),
        dublin_share=per_step(p.dublin_share.monthly(months), k, "first"),
        other_outflow=per_step(p.other_outflow_rate.monthly(months), k, "hazard"),
        intake_share={
            s: per_step(getattr(a.intake_share, s).monthly(months), k, "first")
            for s in type(a.intake_share).model_fields
        },
        housing=per_step(housing_m, k, "sum"),
        housing_hazard=per_step(hazard_m, k, "hazard"),
        departure_hazard=per_step(d.hazard.monthly(months), k, "hazard"),
        departure_split=(d.voluntary_share.values()[0], d.forced_share.values()[0], d.unknown_share.values()[0]),
        capacity_buffer=per_step(a.capacity_buffer.monthly(months), k, "first"),
        other_exits=per_step(_opt(p.other_exits, months), k, "sum"),
        reentries=per_step(_opt(p.reentries, months), k, "sum"),
        other_exits_to_rejected=per_step(_opt(p.other_exits_to_rejected, months), k, "first"),
        grant_rate_repeat=None
        if p.grant_rate_repeat is None
        else per_step(p.grant_rate_repeat.monthly(months), k, "first"),
    )


def _opt(p: Param | None, months: pd.PeriodIndex) -> np.ndarray:
    return np.zeros(len(months)) if p is None else p.monthly(months)
