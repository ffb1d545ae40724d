"""config/national.yaml, validated on load with clear messages."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mpp.bands import validate_quantiles
from mpp.errors import ConfigError
from mpp.forecast.config import config_dir

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


def load_national_config(path: str | Path | None = None) -> NationalConfig:
    if path is None:  # the config folder's file, else the one shipped with the repository
        path = config_dir() / "national.yaml"
        if not path.exists():
            path = Path(__file__).resolve().parents[3] / "config" / "national.yaml"
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
    try:
        return NationalConfig.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top)"
        raise ConfigError(f"{path}: {where}: {err['msg']}") from None
