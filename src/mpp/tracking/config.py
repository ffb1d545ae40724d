"""The monthly pipeline's settings (`pipeline.yaml` of a project): the schema. `mpp.spec` reads the file;
where a run writes is `mpp.project.Project`."""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import Field, field_validator, model_validator

from mpp.strict import StrictModel, date_field, month_field


class Gating(StrictModel):
    """How a new registered version is judged against the current champion of its registered model."""

    metric: str = "stream_nationality.crps_scaled"
    higher_is_better: bool = False
    margin: float = Field(0.05, ge=0, le=1, description="relative slack: worse by at most this share passes")
    origins: int = Field(3, ge=1, le=60)
    step: int = Field(3, ge=1)
    offset: int = Field(12, ge=1, description="months from the latest backtest origin to the cut-off")
    horizon: int = Field(12, ge=1)
    n_samples: int = Field(200, ge=20)

    def origins_for(self, cutoff: pd.Period) -> list[pd.Period]:
        """Backtest origins, oldest first: cutoff - offset, then every `step` months further back."""
        latest = cutoff - self.offset
        return sorted(latest - i * self.step for i in range(self.origins))


class ReplayTrackRecord(StrictModel):
    """The long replay run beside each occupancy projection as its track record (paths relative to the config
    folder; `real` None = `real/` of the project's reference data; when the series are absent the run notes it
    and goes on without)."""

    real: str | None = None
    assumptions: str = "assumptions/replay_2015_2023.yaml"
    start: str = "2015-01"
    end: str = "2023-03"
    fit_until: str = "2019-12-31"

    @field_validator("start", "end")
    @classmethod
    def _months(cls, v: str, info) -> str:
        return month_field(v, info.field_name)

    @field_validator("fit_until")
    @classmethod
    def _date(cls, v: str) -> str:
        return date_field(v, "fit_until")


class Occupancy(StrictModel):
    assumptions: str | None = "assumptions/projection_2026.yaml"
    replay: ReplayTrackRecord | None = None
    inflow: Literal["national", "panel"] = Field(
        "national",
        description="which sample paths drive the projection: 'national' = the run's national forecast (every "
        "stream of the whole country, needs `national: true`); 'panel' = each variant's own forecast (only the "
        "series of the monthly data: on the CBS panel, 7 nationalities and two streams). A run on sample data "
        "always uses its own (sample) paths, never the real national forecast",
    )


class PipelineConfig(StrictModel):
    variants: list[str] = Field(default_factory=lambda: ["baseline"], min_length=1)
    candidate: str | None = None
    seed: int = 0
    n_samples: int | None = Field(None, ge=20)
    gating: Gating = Gating()
    occupancy: Occupancy = Occupancy()
    report: bool = True
    national: bool = Field(
        True,
        description="make the national forecast of every MPP stream (national.yaml) from the real/ folder of the "
        "project's data snapshot at the run's cut-off and seed, into out/<cut-off>/national/",
    )
    overlays: list[str] = Field(
        default_factory=list,
        description="overlay files (relative to this file's folder) "
        "applied after each variant's forecast; model-only outputs and gating are unchanged",
    )
    run_key_includes_code: bool = False
    experiment: str = Field("mpp-monthly", min_length=1, description="MLflow experiment of the monthly runs")
    model_prefix: str = Field("mpp", pattern=r"^[A-Za-z0-9_.-]+$", description="registered model = <prefix>-<variant>")

    @model_validator(mode="after")
    def _national_inflow(self) -> PipelineConfig:
        if self.occupancy.assumptions and self.occupancy.inflow == "national" and not self.national:
            raise ValueError(
                "occupancy.inflow is 'national' but national is false: switch the national forecast on, or set "
                "occupancy.inflow: panel"
            )
        return self

    @field_validator("variants")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError(f"variants must be distinct, got {v}")
        return v
