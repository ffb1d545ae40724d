"""Forecast run configuration (config/forecast.yaml), validated on load."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mpp.bands import DEFAULT_QUANTILES, validate_quantiles
from mpp.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[3]

RECONCILIATION_METHODS = ("bottom_up", "top_down", "ols", "wls_struct", "mint_shrink")


def config_dir() -> Path:
    """Folder with forecast.yaml, variants.yaml and assumptions/ (override with MPP_CONFIG_DIR)."""
    return Path(os.environ.get("MPP_CONFIG_DIR", REPO_ROOT / "config"))


class Pooling(BaseModel):
    model_config = ConfigDict(extra="forbid")
    top_n: int = Field(15, ge=1)
    window_months: int = Field(24, ge=1)


class Parallel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workers: int = Field(1, ge=1)
    backend: Literal["processes", "dask"] = "processes"
    dask_scheduler: str | None = None


class ForecastConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    horizon: int | Literal["auto"] = "auto"
    n_samples: int = Field(1000, ge=20, le=100_000)
    quantiles: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_QUANTILES))
    reconciliation: Literal["bottom_up", "top_down", "ols", "wls_struct", "mint_shrink"] = "mint_shrink"
    dependence: bool = True
    pooling: Pooling = Pooling()
    parallel: Parallel = Parallel()

    @field_validator("horizon")
    @classmethod
    def _horizon_positive(cls, v):
        if v != "auto" and v < 1:
            raise ValueError("horizon must be a positive number of months or 'auto'")
        return v

    @field_validator("quantiles")
    @classmethod
    def _quantiles_ordered(cls, q):
        try:
            return validate_quantiles(q)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    def horizon_for(self, cutoff) -> int:
        """Months to forecast after `cutoff` (a Period[M]): 'auto' runs to December of the year after next."""
        if self.horizon != "auto":
            return int(self.horizon)
        return 24 + 12 - cutoff.month


def load_forecast_config(path: str | os.PathLike | None = None) -> ForecastConfig:
    path = Path(path) if path else config_dir() / "forecast.yaml"
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: forecast configuration not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    try:
        return ForecastConfig.model_validate(raw)
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {msgs}") from None
