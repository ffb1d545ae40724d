"""The national forecast settings (`national.yaml` of a project): the schema. `mpp.spec` reads the file."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mpp.bands import validate_quantiles

FREQS = ("M", "Q", "Y")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    reader: Literal["eurostat_tsv", "tidy", "realised_totals", "panel_sum"]
    rounding: float = Field(1, gt=0)


class FirstModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["level_rw", "ets"] = "level_rw"
    start: str = "2008Q1"
    scale: float = Field(1.0, gt=0)


class NareizigersModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["panel_share", "annual_rw"] = "panel_share"
    base: Literal["level_rw", "level_ar", "ets"] = "level_rw"
    share_years: int = Field(3, ge=1)
    scale: float = Field(1.0, gt=0)


class RepeatModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["ratio_to_first", "annual_level"] = "ratio_to_first"
    ratio_years: int = Field(3, ge=1)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n_samples: int = Field(1000, ge=20)
    quantiles: dict[str, float]
    first_asylum_request: FirstModel = FirstModel()
    nareizigers: NareizigersModel = NareizigersModel()
    repeat_asylum_request: RepeatModel = RepeatModel()
    monthly_profile: Literal["bootstrap", "mean"] = "bootstrap"


class Resettlement(BaseModel):
    model_config = ConfigDict(extra="forbid")
    minimum: float = Field(ge=0)
    median: float = Field(ge=0)
    maximum: float = Field(ge=0)
    source: str

    @model_validator(mode="after")
    def _ordered(self):
        if not self.minimum <= self.median <= self.maximum:
            raise ValueError("resettlement needs minimum <= median <= maximum")
        return self


class Tolerance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    relative: float = Field(0.01, ge=0, lt=1)


class NationalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: dict[str, Source]
    precedence: dict[str, dict[Literal["M", "Q", "Y"], list[str]]]
    tolerance: Tolerance = Tolerance()
    model: Model
    resettlement: Resettlement

    @model_validator(mode="after")
    def _known_sources(self):
        for stream, by_freq in self.precedence.items():
            for freq, names in by_freq.items():
                unknown = [n for n in names if n not in self.sources]
                if unknown:
                    raise ValueError(f"precedence.{stream}.{freq} names unknown source(s) {', '.join(unknown)}")
        validate_quantiles(self.model.quantiles)
        return self
