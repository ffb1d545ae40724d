"""Scenario inflow paths: a documented generator for running the occupancy model on published assumptions.

THIS IS A SCENARIO INPUT, NOT A FORECAST. It turns stated annual medians and spreads per stream (e.g. those
of a published Kernprognose) into monthly sample paths in the forecast directory format, so the occupancy
model can be run on a published setting without a fitted forecast:

  level[stream, year, sample] = median[stream, year] * exp(sigma[stream, year] * z[stream, sample])
  z[stream, sample] = sqrt(c) * z_common[sample] + sqrt(1 - c) * z_own[stream, sample]   (standard normal)
  inflow[stream, month, sample] = level[stream, year(month), sample] * profile[stream][calendar month]

so each year's level is lognormal with the stated median and log-sd; a path that is high in one year stays
high in the next (rank persistence), and streams share a common factor with weight `c`. The monthly profile
is the average share of each calendar month in its year, measured on a real panel (the CBS monthly panel of
seven nationalities), or flat.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mpp.data.schema import STREAMS
from mpp.errors import ConfigError
from mpp.occupancy.assumptions import Param


class StreamScenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    annual_median: dict[int, Param]
    log_sigma: dict[int, Param]
    seasonal_profile: str = Field(description="'flat' or a stream name of the real panel whose profile to use")

    @model_validator(mode="after")
    def _check(self) -> StreamScenario:
        if set(self.annual_median) != set(self.log_sigma):
            raise ValueError("annual_median and log_sigma must list the same years")
        for y, p in self.annual_median.items():
            if p.unit != "persons per year" or p.value is None:
                raise ValueError(f"annual_median[{y}]: a constant value in 'persons per year'")
        for y, p in self.log_sigma.items():
            if p.unit != "log standard deviation" or p.value is None:
                raise ValueError(f"log_sigma[{y}]: a constant value in 'log standard deviation'")
        return self


class ScenarioSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    label: str = Field(min_length=10, description="says plainly that this is a scenario input, not a forecast")
    start: str
    end: str
    n_samples: int = Field(gt=0, le=100_000)
    seed: int
    common_factor_share: Param
    streams: dict[str, StreamScenario]

    @field_validator("streams")
    @classmethod
    def _streams(cls, v: dict[str, StreamScenario]) -> dict[str, StreamScenario]:
        unknown = set(v) - set(STREAMS)
        if unknown:
            raise ValueError(f"unknown streams {sorted(unknown)}; known: {list(STREAMS)}")
        return v

    def periods(self) -> pd.PeriodIndex:
        return pd.period_range(self.start, self.end, freq="M")

    @model_validator(mode="after")
    def _years(self) -> ScenarioSpec:
        years = set(self.periods().year)
        for s, sc in self.streams.items():
            missing = years - set(sc.annual_median)
            if missing:
                raise ValueError(f"streams.{s}: no annual_median for {sorted(missing)}")
        if self.common_factor_share.unit != "fraction":
            raise ValueError("common_factor_share: unit must be 'fraction'")
        return self


def seasonal_profile(panel: pd.DataFrame, stream: str) -> np.ndarray:
    """Average share of each calendar month in its year, -> profile[12] summing to 1.

    `panel` has columns period ('YYYY-MM'), stream, value (summed over any other columns); only complete
    calendar years (12 months present) are used.
    """
    sub = panel[panel["stream"] == stream]
    if sub.empty:
        raise ConfigError(f"seasonal profile: the panel has no stream {stream!r}")
    monthly = sub.groupby(sub["period"].astype(str))["value"].sum()
    idx = pd.PeriodIndex(monthly.index, freq="M")
    frame = pd.DataFrame({"year": idx.year, "month": idx.month, "value": monthly.to_numpy(dtype=float)})
    complete = frame.groupby("year")["month"].transform("count") == 12
    frame = frame[complete]
    if frame.empty:
        raise ConfigError(f"seasonal profile: no complete year for stream {stream!r}")
    frame = frame.assign(share=frame["value"] / frame.groupby("year")["value"].transform("sum"))
    prof = frame.groupby("month")["share"].mean().reindex(range(1, 13)).to_numpy()
    return prof / prof.sum()


def scenario_inflow(
    spec: ScenarioSpec, profiles: dict[str, np.ndarray]
) -> tuple[tuple[str, ...], pd.PeriodIndex, np.ndarray]:
    """-> (streams, periods, inflow[stream, horizon, sample]); streams absent from the spec are zero.

    `profiles[name]` is a 12-month profile for each non-flat `seasonal_profile` name used by the spec."""
    periods = spec.periods()
    rng = np.random.default_rng(spec.seed)
    n = spec.n_samples
    c = float(
        spec.common_factor_share.value
        if spec.common_factor_share.value is not None
        else spec.common_factor_share.values()[0]
    )
    z_common = rng.standard_normal(n)
    out = np.zeros((len(STREAMS), len(periods), n))
    for i, s in enumerate(STREAMS):
        z_own = rng.standard_normal(n)  # drawn for every stream so results do not depend on which are listed
        sc = spec.streams.get(s)
        if sc is None:
            continue
        z = np.sqrt(c) * z_common + np.sqrt(1.0 - c) * z_own
        prof = np.full(12, 1 / 12) if sc.seasonal_profile == "flat" else profiles[sc.seasonal_profile]
        for t, p in enumerate(periods):
            level = sc.annual_median[p.year].value * np.exp(sc.log_sigma[p.year].value * z)
            out[i, t] = level * prof[p.month - 1]
    return STREAMS, periods, out
