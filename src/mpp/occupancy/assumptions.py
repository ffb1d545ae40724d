"""The assumptions file of the occupancy projection: schema, loading, and conversion to per-step arrays.

Every number in the file is a `Param`: a value (or a schedule of values by start month) together with its
unit and its source. Units are checked against what each field expects, so a capacity "per year" cannot be
read as "per month" by accident. `mpp.occupancy.resolution.resolve(assumptions, periods)` turns the file into numpy arrays per
model step (a month, or a quarter when replaying on quarterly totals), converting rates to the step length.

Dutch words: *taakstelling* is the half-yearly number of status holders municipalities must house;
*werkvoorraad* is the IND backlog of undecided applications; *nareizigers* are family members who follow a
status holder with a permit; *Dublin* transfers hand an applicant to the EU state responsible for the claim.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mpp.errors import ConfigError
from mpp.strict import StrictModel, date_field

# Unit vocabulary: what a unit string means and which values it allows.
UNIT_BOUNDS: dict[str, tuple[float, float]] = {
    "persons": (0.0, math.inf),
    "persons per month": (0.0, math.inf),
    "persons per half-year": (0.0, math.inf),
    "fraction": (0.0, 1.0),
    "per month": (0.0, 1.0),  # a monthly hazard / rate: share of the stock leaving in a month
    "months": (0.0, 120.0),
    "persons per year": (0.0, math.inf),
    "log standard deviation": (0.0, 3.0),  # sd of log(annual level) in a scenario inflow spec
}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_HALF_YEAR = re.compile(r"^(\d{4})-H([12])$")


class _Strict(StrictModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Step(_Strict):
    start: str = Field(description="first month (YYYY-MM) from which `value` applies")
    value: float

    @field_validator("start")
    @classmethod
    def _month(cls, v: str) -> str:
        if not _MONTH.match(v):
            raise ValueError(f"start must be YYYY-MM, got {v!r}")
        return v


class Param(_Strict):
    """One assumed number: a constant `value` or a `schedule` of steps, with its `unit` and `source`."""

    value: float | None = None
    schedule: tuple[Step, ...] | None = None
    unit: str
    source: str = Field(min_length=3)
    note: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Param:
        if (self.value is None) == (self.schedule is None):
            raise ValueError("give exactly one of `value` or `schedule`")
        if self.unit not in UNIT_BOUNDS:
            raise ValueError(f"unknown unit {self.unit!r}; known: {sorted(UNIT_BOUNDS)}")
        lo, hi = UNIT_BOUNDS[self.unit]
        for v in self.values():
            if not (lo <= v <= hi) or not math.isfinite(v):
                raise ValueError(f"value {v} outside [{lo}, {hi}] for unit {self.unit!r}")
        if self.schedule is not None:
            starts = [s.start for s in self.schedule]
            if starts != sorted(starts) or len(set(starts)) != len(starts):
                raise ValueError("schedule starts must be strictly increasing")
        return self

    def values(self) -> list[float]:
        return [self.value] if self.value is not None else [s.value for s in self.schedule or ()]

    def monthly(self, months: pd.PeriodIndex) -> np.ndarray:
        """Value in force in each month; before the first schedule step the first value applies."""
        if self.value is not None:
            return np.full(len(months), float(self.value))
        starts = pd.PeriodIndex([s.start for s in self.schedule], freq="M")
        idx = np.searchsorted(starts.asi8, months.asi8, side="right") - 1
        vals = np.array([s.value for s in self.schedule], dtype=float)
        return vals[np.clip(idx, 0, None)]

    def scaled(self, factor: float) -> Param:
        """The same assumption times `factor` (clipped to the unit's bounds), for sensitivity runs."""
        lo, hi = UNIT_BOUNDS[self.unit]
        clip = lambda v: float(min(max(v * factor, lo), hi))  # noqa: E731
        if self.value is not None:
            return self.model_copy(update={"value": clip(self.value)})
        return self.model_copy(
            update={"schedule": tuple(Step(start=s.start, value=clip(s.value)) for s in self.schedule)}
        )


class _Section(_Strict):
    """A group of Params whose expected units are declared in `_units`."""

    _units: ClassVar[dict[str, str]] = {}

    @model_validator(mode="after")
    def _check_units(self) -> _Section:
        for name, unit in self._units.items():
            p = getattr(self, name)
            if p is not None and p.unit != unit:
                raise ValueError(f"{name}: unit must be {unit!r}, got {p.unit!r}")
        return self


class InitialStocks(_Section):
    """Stocks at the start of the first projected month (the day after the cut-off)."""

    date: str = Field(description="reference date, YYYY-MM-DD")

    @field_validator("date")
    @classmethod
    def _calendar_date(cls, v: str) -> str:
        return date_field(v, "initial_stocks.date")

    asylum_seekers: Param  # in COA reception, awaiting an IND first-instance decision
    pending_outside_coa: Param  # awaiting a decision but not in COA reception (part of the IND backlog only)
    status_holders: Param  # in COA with a permit, waiting for municipal housing
    rejected: Param  # in COA after a negative decision (appeal, departure preparation)
    _units: ClassVar[dict[str, str]] = {
        k: "persons" for k in ("asylum_seekers", "pending_outside_coa", "status_holders", "rejected")
    }


class IntakeShare(_Section):
    """Share of each stream's inflow that enters COA reception."""

    first_asylum_request: Param
    repeat_asylum_request: Param
    nareizigers: Param
    resettlement: Param
    _units: ClassVar[dict[str, str]] = {
        k: "fraction" for k in ("first_asylum_request", "repeat_asylum_request", "nareizigers", "resettlement")
    }


class NationalityGrant(_Strict):
    share_of_decisions: Param
    grant_rate: Param

    @model_validator(mode="after")
    def _units_ok(self) -> NationalityGrant:
        for name in ("share_of_decisions", "grant_rate"):
            if getattr(self, name).unit != "fraction":
                raise ValueError(f"{name}: unit must be 'fraction'")
        return self


class Procedure(_Section):
    ind_decision_capacity: Param  # first-instance decisions the IND can take per month
    min_lead_time: Param  # months an applicant waits at least before a decision
    grant_rate: Param  # share of (non-Dublin) decisions that grant a permit
    grant_rate_by_nationality: dict[str, NationalityGrant] = Field(default_factory=dict)
    dublin_share: Param  # share of decisions that end in a Dublin transfer (leave reception at decision)
    other_outflow_rate: Param  # monthly share of applicants in COA leaving otherwise (withdrawal, unknown destination)
    # Optional, for replays driven by a realised backlog: persons leaving the backlog per month other than by a
    # decision on the merits (Dublin decisions, withdrawals, ...), shared in/outside COA by weight, and persons
    # re-entering it (e.g. cases returned after appeal), entering COA by the first-request intake share.
    other_exits: Param | None = None
    reentries: Param | None = None
    # share of `other_exits` in COA who stay in COA as rejected residents (rest leave COA)
    other_exits_to_rejected: Param | None = None
    # grant rate of repeat requests where it differs from `grant_rate` (which then applies to first requests);
    # decisions are mixed by the stream shares of the procedure intake `min_lead_time` months earlier
    grant_rate_repeat: Param | None = None
    _units: ClassVar[dict[str, str]] = {
        "ind_decision_capacity": "persons per month",
        "min_lead_time": "months",
        "grant_rate": "fraction",
        "dublin_share": "fraction",
        "other_outflow_rate": "per month",
        "other_exits": "persons per month",
        "reentries": "persons per month",
        "other_exits_to_rejected": "fraction",
        "grant_rate_repeat": "fraction",
    }

    @model_validator(mode="after")
    def _shares(self) -> Procedure:
        for i in range(
            max((len(g.share_of_decisions.values()) for g in self.grant_rate_by_nationality.values()), default=0)
        ):
            total = sum(
                g.share_of_decisions.values()[min(i, len(g.share_of_decisions.values()) - 1)]
                for g in self.grant_rate_by_nationality.values()
            )
            if total > 1 + 1e-9:
                raise ValueError(f"grant_rate_by_nationality: shares of decisions sum to {total:.3f} > 1")
        return self


class HalfYearTarget(_Strict):
    period: str  # "2026-H1" or "2026-H2"
    value: float = Field(ge=0)
    unit: str
    source: str = Field(min_length=3)
    note: str | None = None

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        if not _HALF_YEAR.match(v):
            raise ValueError(f"period must look like 2026-H1, got {v!r}")
        return v

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        if v != "persons per half-year":
            raise ValueError(f"taakstelling unit must be 'persons per half-year', got {v!r}")
        return v


class Housing(_Section):
    """How status holders leave COA for a municipal home: by the half-yearly target (taakstelling x realisation
    x share from COA, spread evenly over the months), or, where the targets are unknown (a historical replay),
    by a monthly `hazard` on the waiting status holders (mean wait 1/hazard months); both may be given and add up."""

    taakstelling: tuple[HalfYearTarget, ...] = ()
    realisation_rate: Param | None = None  # share of the target that municipalities actually house
    share_from_coa: Param | None = None  # share of the housed that leave COA (rest: nareizigers housed directly)
    hazard: Param | None = None  # monthly share of status holders in COA that is housed
    _units: ClassVar[dict[str, str]] = {
        "realisation_rate": "fraction",
        "share_from_coa": "fraction",
        "hazard": "per month",
    }

    @model_validator(mode="after")
    def _one_mechanism(self) -> Housing:
        if self.taakstelling and (self.realisation_rate is None or self.share_from_coa is None):
            raise ValueError("taakstelling needs realisation_rate and share_from_coa")
        if not self.taakstelling and self.hazard is None:
            raise ValueError("give taakstelling (with realisation_rate and share_from_coa) or a monthly hazard")
        return self

    def targets(self) -> dict[str, float]:
        periods = [t.period for t in self.taakstelling]
        if len(set(periods)) != len(periods):
            raise ValueError("taakstelling lists a half-year twice")
        return {t.period: t.value for t in self.taakstelling}

    @model_validator(mode="after")
    def _unique(self) -> Housing:
        self.targets()
        return self


class Departure(_Section):
    hazard: Param  # monthly share of rejected residents leaving COA
    voluntary_share: Param
    forced_share: Param
    unknown_share: Param  # vertrek met onbekende bestemming (destination unknown)
    _units: ClassVar[dict[str, str]] = {k: "fraction" for k in ("voluntary_share", "forced_share", "unknown_share")} | {
        "hazard": "per month"
    }

    @model_validator(mode="after")
    def _split(self) -> Departure:
        s = self.voluntary_share.values()[0] + self.forced_share.values()[0] + self.unknown_share.values()[0]
        if abs(s - 1.0) > 1e-6:
            raise ValueError(f"departure shares must sum to 1, got {s:.4f}")
        return self


class Uncertainty(_Section):
    """Parameter uncertainty drawn once per sample path (persistent over the horizon), seeded: the IND's decision
    capacity is multiplied by exp(capacity_log_sd * z), the grant rates shifted on the logit scale by
    grant_rate_logit_sd * z', the AMV share multiplied by exp(amv_share_log_sd * z''). Absent = no parameter
    uncertainty (paths differ only by their inflow)."""

    seed: int = 0
    capacity_log_sd: Param | None = None
    grant_rate_logit_sd: Param | None = None
    amv_share_log_sd: Param | None = None
    _units: ClassVar[dict[str, str]] = {
        k: "log standard deviation" for k in ("capacity_log_sd", "grant_rate_logit_sd", "amv_share_log_sd")
    }


class Amv(_Section):
    """Unaccompanied minors (amv, alleenstaande minderjarige vreemdelingen) as their own segment. A share of
    first requests are amv: they are taken out of the adult/family procedure and live in COA's amv places while
    pending (and after a rejection, until they leave); once granted they move to Nidos places (small-scale
    municipal reception for status-holding minors) and leave those with a monthly hazard (age 18, housing)."""

    share_of_first_requests: Param
    decision_hazard: Param  # share of pending amv decided per month
    grant_rate: Param
    rejected_departure_hazard: Param  # rejected amv leaving COA per month
    nidos_exit_hazard: Param  # status-holding amv leaving Nidos places per month
    initial_pending: Param
    initial_rejected: Param
    initial_nidos: Param
    _units: ClassVar[dict[str, str]] = {
        "share_of_first_requests": "fraction",
        "decision_hazard": "per month",
        "grant_rate": "fraction",
        "rejected_departure_hazard": "per month",
        "nidos_exit_hazard": "per month",
        "initial_pending": "persons",
        "initial_rejected": "persons",
        "initial_nidos": "persons",
    }


class UkraineScenario(_Section):
    """One SCENARIO (an assumption, not a forecast) for the Ukrainian displaced in municipal reception under the
    temporary protection directive: arrivals and departures until the directive ends, then within `spread_months`
    a share files a first asylum request (entering the first-request inflow, hence the procedure and COA by the
    first-request intake share) and the rest leaves municipal reception."""

    label: str = Field(min_length=10)
    initial_stock: Param
    arrivals: Param  # persons per month entering municipal reception until the end of the directive
    departure_hazard: Param  # monthly share leaving until the end of the directive
    share_filing_asylum: Param
    spread_months: Param
    _units: ClassVar[dict[str, str]] = {
        "initial_stock": "persons",
        "arrivals": "persons per month",
        "departure_hazard": "per month",
        "share_filing_asylum": "fraction",
        "spread_months": "months",
    }

    @field_validator("label")
    @classmethod
    def _says_scenario(cls, v: str) -> str:
        if "scenario" not in v.lower():
            raise ValueError("label must say plainly that this is a scenario")
        return v


class Ukraine(_Strict):
    """Optional module; `enabled: false` (or no section) leaves every other output unchanged."""

    enabled: bool = True
    directive_end: str = Field(description="first month without temporary protection, YYYY-MM")
    directive_end_source: str = Field(min_length=3)
    active: str
    scenarios: dict[str, UkraineScenario]

    @model_validator(mode="after")
    def _active(self) -> Ukraine:
        if not _MONTH.match(self.directive_end):
            raise ValueError(f"directive_end must be YYYY-MM, got {self.directive_end!r}")
        if self.active not in self.scenarios:
            raise ValueError(f"active scenario {self.active!r} not in scenarios {sorted(self.scenarios)}")
        return self


class FromReplay(_Strict):
    """Parameters a projection takes from a replay's assumptions file (the rates the replay estimated, so the
    replay's record is the projection's record). `mpp.spec.load_assumptions` copies them in and records the
    replay file's name, version and sha256 here."""

    file: str = Field(description="the replay's assumptions file, relative to this file")
    parameters: tuple[str, ...] = Field(description="dotted Param paths copied from the replay")
    name: str | None = None
    version: str | None = None
    sha256: str | None = None


class Assumptions(_Strict):
    name: str
    version: str
    description: str = ""
    initial_stocks: InitialStocks
    intake_share: IntakeShare
    procedure: Procedure
    housing: Housing
    departure: Departure
    capacity_buffer: Param  # capacity need = occupancy x (1 + buffer)
    uncertainty: Uncertainty | None = None
    amv: Amv | None = None
    ukraine: Ukraine | None = None
    from_replay: FromReplay | None = None

    @field_validator("capacity_buffer")
    @classmethod
    def _buffer_unit(cls, v: Param) -> Param:
        if v.unit != "fraction":
            raise ValueError("capacity_buffer: unit must be 'fraction'")
        return v

    def params(self) -> Iterator[tuple[str, Param]]:
        """Every Param with its dotted path, e.g. ('procedure.grant_rate', Param(...))."""
        yield from _walk(self, "")

    def replace_param(self, path: str, new: Param) -> Assumptions:
        return _replace(self, path.split("."), new)


def _walk(model: BaseModel, prefix: str) -> Iterator[tuple[str, Param]]:
    for name in type(model).model_fields:
        v = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(v, Param):
            yield path, v
        elif isinstance(v, BaseModel):
            yield from _walk(v, path + ".")
        elif isinstance(v, dict):
            for k, sub in v.items():
                if isinstance(sub, BaseModel):
                    yield from _walk(sub, f"{path}.{k}.")


def _replace(model: BaseModel, parts: list[str], new: Any) -> BaseModel:
    head, rest = parts[0], parts[1:]
    cur = getattr(model, head)
    if not rest:
        return model.model_copy(update={head: new})
    if isinstance(cur, dict):
        key, rest2 = rest[0], rest[1:]
        child = cur[key] if not rest2 else _replace(cur[key], rest2, new)
        return model.model_copy(update={head: {**cur, key: child}})
    return model.model_copy(update={head: _replace(cur, rest, new)})


def parse_assumptions(raw: Any, origin: str = "assumptions") -> Assumptions:
    try:
        return Assumptions.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{origin}: {validation_message(exc)}") from None


def validation_message(exc: ValidationError) -> str:
    """One line naming every invalid field, e.g. 'procedure.grant_rate: Value error, ...'."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors())
