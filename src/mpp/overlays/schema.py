"""Overlay files: policy measures and published figures as versioned, validated adjustments (YAML).

An overlay states what a policy is assumed to do, apart from what the statistics say. One file:

    name: budget_2025_inflow
    version: "1"
    description: ...
    source: {document: "Kamerbrief MPP 2024-II, section 4", date: "2024-11-..."}
    status: adopted | scenario | illustrative
    order: 1                     # optional: the order in which overlapping overlays are applied
    effects:
      - quantity: inflow         # or an occupancy assumption: grant_rate, dublin_share, decision_capacity,
                                 # housing, or any dotted parameter path of the assumptions file
        streams: all             # or a list of streams
        nationalities: all       # or a list of nationality codes (bottom series of the forecast)
        start: 2026-06
        end: 2027-12             # optional, last month (inclusive)
        phase_in_months: 6       # linear ramp: full size from the 6th month on
        change: multiplicative   # or additive (persons per month, spread over the touched series)
        size: 0.9                # a point value, or {quantiles: {0.05: 0.8, 0.5: 0.9, 0.95: 1.0}}
      - quantity: inflow         # the target form: a published annual series instead of a size
        target:
          series: TOTAL/TOTAL    # the series the figures are stated for (total or a stream total)
          annual: {2027: 24730, 2028: 24730}

Every problem is a ConfigError naming the file and field. Months are strict YYYY-MM.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mpp.data.schema import STREAMS, TOTAL
from mpp.errors import ConfigError
from mpp.strict import month_problem

STATUSES = ("adopted", "scenario", "illustrative")
INFLOW = "inflow"
# Short names of the occupancy assumptions an overlay may change -> their dotted path in the assumptions file.
OCCUPANCY_QUANTITIES: dict[str, str] = {
    "grant_rate": "procedure.grant_rate",
    "dublin_share": "procedure.dublin_share",
    "decision_capacity": "procedure.ind_decision_capacity",
    "housing": "housing.realisation_rate",
}


def _month(v: Any, field: str) -> str:
    problem = month_problem(v)  # the project's strict month rule (mpp.strict): only YYYY-MM
    if problem is not None:
        raise ValueError(f"{field} must be a month YYYY-MM: {problem}")
    return str(v).strip()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    document: str = Field(min_length=3, description="the document the overlay's numbers come from")
    date: str = Field(min_length=4, description="its date (YYYY, YYYY-MM or YYYY-MM-DD)")
    url: str | None = None
    note: str | None = None


class Size(_Strict):
    """The size of an effect: a point `value`, or a distribution given by `quantiles` {probability: value}.

    A distribution is sampled per path by inverse-CDF: piecewise linear between the stated quantiles and flat
    beyond the outermost ones (no tail is invented beyond what the source states)."""

    value: float | None = None
    quantiles: dict[float, float] | None = None

    @model_validator(mode="after")
    def _one(self) -> Size:
        if (self.value is None) == (self.quantiles is None):
            raise ValueError("give exactly one of value or quantiles")
        if self.quantiles is not None:
            probs = sorted(self.quantiles)
            if len(probs) < 2:
                raise ValueError("quantiles needs at least two probabilities")
            if not all(0.0 < p < 1.0 for p in probs):
                raise ValueError("quantile probabilities must be within (0, 1)")
            vals = [self.quantiles[p] for p in probs]
            if any(b < a for a, b in zip(vals, vals[1:])):
                raise ValueError("quantile values must not decrease with the probability")
        if not all(math.isfinite(v) for v in self.values()):
            raise ValueError("sizes must be finite numbers")
        return self

    def values(self) -> list[float]:
        return [self.value] if self.value is not None else list(self.quantiles.values())

    @property
    def is_point(self) -> bool:
        return self.value is not None

    def median(self) -> float:

        if self.value is not None:
            return float(self.value)
        probs = sorted(self.quantiles)
        return float(np.interp(0.5, probs, [self.quantiles[p] for p in probs]))

    def draw(self, u):
        """Sizes for uniform draws `u` (array): inverse CDF of the stated quantiles."""

        u = np.asarray(u, dtype=float)
        if self.value is not None:
            return np.full(u.shape, float(self.value))
        probs = sorted(self.quantiles)
        return np.interp(u, probs, [self.quantiles[p] for p in probs])


class Target(_Strict):
    series: str = Field(TOTAL + "/" + TOTAL, description="series the annual figures are stated for")
    annual: dict[int, float]

    @field_validator("series")
    @classmethod
    def _series(cls, v: str) -> str:
        if "/" not in v:
            raise ValueError(f"target series must be 'stream/TOTAL' or 'TOTAL/TOTAL', got {v!r}")
        stream, nat = v.split("/", 1)
        if nat != TOTAL or (stream != TOTAL and stream not in STREAMS):
            raise ValueError(f"target series must be TOTAL/TOTAL or a stream total (<stream>/TOTAL), got {v!r}")
        return v

    @field_validator("annual")
    @classmethod
    def _values(cls, v: dict[int, float]) -> dict[int, float]:
        if not v:
            raise ValueError("annual needs at least one year")
        for year, x in v.items():
            if not (1900 < int(year) < 2200) or not (math.isfinite(x) and x >= 0):
                raise ValueError(f"annual figure {year}: {x} is not a non-negative number for a plausible year")
        return {int(k): float(x) for k, x in sorted(v.items())}


class Effect(_Strict):
    quantity: str = INFLOW
    streams: Literal["all"] | list[str] = "all"
    nationalities: Literal["all"] | list[str] = "all"
    start: str | None = None
    end: str | None = None
    phase_in_months: int = Field(0, ge=0, le=120)
    change: Literal["multiplicative", "additive"] | None = None
    size: Size | None = None
    target: Target | None = None
    note: str | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _months(cls, v: Any, info) -> str | None:
        return None if v is None else _month(v, info.field_name)

    @field_validator("size", mode="before")
    @classmethod
    def _size(cls, v: Any) -> Any:
        return {"value": v} if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @field_validator("streams")
    @classmethod
    def _streams(cls, v):
        if isinstance(v, list):
            bad = [s for s in v if s not in STREAMS]
            if bad or not v:
                raise ValueError(f"unknown stream(s) {bad or v}; known: {', '.join(STREAMS)}")
        return v

    @field_validator("quantity")
    @classmethod
    def _quantity(cls, v: str) -> str:
        if v == INFLOW or v in OCCUPANCY_QUANTITIES or re.match(r"^[a-z_]+(\.[A-Za-z_]+)+$", v):
            return v
        raise ValueError(
            f"unknown quantity {v!r}: inflow, {', '.join(OCCUPANCY_QUANTITIES)}, or a dotted "
            "parameter path of the occupancy assumptions (e.g. procedure.other_outflow_rate)"
        )

    @model_validator(mode="after")
    def _form(self) -> Effect:
        if self.target is not None:
            if self.quantity != INFLOW:
                raise ValueError("the target form is for inflow only")
            if self.size is not None or self.change is not None or self.start is not None:
                raise ValueError("a target effect states annual figures; leave out size, change and start")
            if self.streams != "all" or self.nationalities != "all":
                raise ValueError(
                    "a target effect applies to everything below target.series; leave out streams and nationalities"
                )
            return self
        if self.size is None or self.change is None or self.start is None:
            raise ValueError("an effect needs start, change and size (or the target form)")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.change == "multiplicative" and min(self.size.values()) < 0:
            raise ValueError("a multiplicative size is a factor and must be >= 0 (0.9 = 10% less)")
        if self.quantity != INFLOW and (self.streams != "all" or self.nationalities != "all"):
            raise ValueError(
                "an occupancy effect changes an assumption, not series: leave out streams and nationalities"
            )
        return self

    @property
    def parameter(self) -> str | None:
        """Dotted assumptions path of an occupancy effect (None for inflow)."""
        if self.quantity == INFLOW:
            return None
        return OCCUPANCY_QUANTITIES.get(self.quantity, self.quantity)


class Overlay(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    version: str = Field(min_length=1)
    description: str = Field(min_length=3)
    source: Source
    status: Literal["adopted", "scenario", "illustrative"]
    order: int | None = None
    effects: list[Effect] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> str:
        return str(v)


class LoadedOverlay(BaseModel):
    """A validated overlay with the file it came from and the file's hash (logged with every run)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    overlay: Overlay
    path: str
    sha256: str
    text: str

    @property
    def name(self) -> str:
        return self.overlay.name


def _message(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors())


def parse_overlay(raw: Any, origin: str = "overlay") -> Overlay:
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: an overlay file must be a mapping (name, description, source, status, effects)")
    try:
        return Overlay.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{origin}: {_message(exc)}") from None
