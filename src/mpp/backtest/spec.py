"""One backtest run as a frozen object: what the CLI, the flow and the pipeline used to relay as a dozen
parameters. Where the data and the outputs live stays with the flow (`mpp.flows.backtest`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from pydantic import Field

from mpp.strict import StrictModel


@dataclass(frozen=True)
class BacktestSpec:
    """variants: compared variants (the baseline is always added); origins: forecast origins, oldest first;
    horizon: months forecast at each origin; seed: all randomness; workers/backend: parallelism across origins;
    progress: a progress bar; n_boot: bootstrap draws of the headline standard errors; publication_lag: months
    between a month's end and its publication (None: the release calendar's lag of the panel); peer: compare with
    the official forecasts when the project names reference data; track: log to MLflow."""

    variants: tuple[str, ...]
    origins: tuple[pd.Period, ...]
    horizon: int
    seed: int = 0
    workers: int = 1
    backend: str = "processes"
    progress: bool = True
    n_boot: int = 1000
    publication_lag: int | None = None
    peer: bool = True
    track: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "variants", tuple(self.variants))
        object.__setattr__(self, "origins", tuple(self.origins))

    def with_lag(self, publication_lag: int) -> BacktestSpec:
        return replace(self, publication_lag=publication_lag)


class AcceptanceBacktest(StrictModel):
    """`backtest.yaml` of a project: the acceptance backtest that `pipelines/backtest.py` runs (docs/backtest.md)."""

    panel: str = Field(description="the monthly panel, relative to the project's reference data")
    variants: list[str] = Field(min_length=1)
    origins: str = Field(description="FIRST:LAST[:STEP] months")
    horizon: int = Field(12, ge=1)
    workers: int = Field(2, ge=1)
