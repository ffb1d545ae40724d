"""Forecast settings (`forecast.yaml` of a project): the schema. `mpp.spec` reads and validates the file."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from mpp.bands import DEFAULT_QUANTILES, validate_quantiles
from mpp.errors import ConfigError
from mpp.hierarchy import METHODS, SAMPLERS
from mpp.strict import StrictModel

MAX_HORIZON = 240  # months (20 years): far beyond any MPP horizon, and paths stay a few hundred MB at most
RECONCILIATION_METHODS = METHODS
# Literals derived from the registries (mypy cannot check a Literal built from a tuple; pydantic validates it)
Reconciliation = Literal[METHODS]  # type: ignore[valid-type]
Sampler = Literal[tuple(SAMPLERS)]  # type: ignore[valid-type]


class Pooling(StrictModel):
    top_n: int = Field(15, ge=1)
    window_months: int = Field(24, ge=1)


class Parallel(StrictModel):
    workers: int = Field(1, ge=1)
    backend: Literal["processes", "dask"] = "processes"
    dask_scheduler: str | None = None


class ForecastConfig(StrictModel):
    horizon: int | Literal["auto"] = "auto"
    n_samples: int = Field(1000, ge=20, le=100_000)
    quantiles: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_QUANTILES))
    reconciliation: Reconciliation = "mint_shrink"
    # the joint-path sampler (mpp.hierarchy.SAMPLERS); true/false are gaussian_copula/independent
    dependence: bool | Sampler = True
    pooling: Pooling = Pooling()
    parallel: Parallel = Parallel()

    @field_validator("horizon")
    @classmethod
    def _horizon_positive(cls, v):
        if v != "auto" and not 1 <= v <= MAX_HORIZON:
            raise ValueError(f"horizon must be 'auto' or a number of months from 1 to {MAX_HORIZON}, got {v}")
        return v

    @field_validator("quantiles")
    @classmethod
    def _quantiles_ordered(cls, q):
        try:
            return validate_quantiles(q)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    @property
    def sampler(self) -> str:
        if isinstance(self.dependence, bool):
            return "gaussian_copula" if self.dependence else "independent"
        return str(self.dependence)

    def horizon_for(self, cutoff) -> int:
        """Months to forecast after `cutoff` (a Period[M]): 'auto' runs to December of the year after next."""
        if self.horizon != "auto":
            return int(self.horizon)
        return 24 + 12 - cutoff.month
