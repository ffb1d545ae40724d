"""The national forecast settings (`national.yaml` of a project): the schema. `mpp.spec` reads the file."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mpp.bands import validate_quantiles

FREQS = ("M", "Q", "Y")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    reader: Literal["eurostat_tsv", "tidy", "realised_totals", "panel_sum", "eurostat_decisions", "cbs_permits"]
    rounding: float = Field(1, gt=0)


class FirstModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["level_rw", "level_ar", "ets"] = "level_rw"
    start: str = "2008Q1"
    scale: float = Field(1.0, gt=0)
    # quarters ended by the cut-off but not yet published: forecast (none) or nowcast from the 7-nationality
    # panel's published months (mpp.national.nowcast)
    nowcast: Literal["none", "panel_last", "panel_mean4"] = "none"


class GrantsModel(BaseModel):
    """Nareizigers from asylum grants (mpp.national.grants); every value here was fixed before any backtest."""

    model_config = ConfigDict(extra="forbid")
    # grants after the last published one: a ratio to first requests `processing_quarters` earlier on the
    # same path (ratio_to_first), a random walk of the log annual grant level (level_rw), or an AR(1) of it
    # reverting to the mean of the published years (level_ar; a random walk with fewer than 8 years)
    forecast: Literal["ratio_to_first", "level_rw", "level_ar"] = "ratio_to_first"
    processing_quarters: int = Field(4, ge=0, le=12)
    # the step spread of that random walk, from the annual log changes of the published years: their
    # standard deviation (sd) or 1.4826 x their median absolute deviation (mad, robust to a boom-bust)
    step_scale: Literal["sd", "mad"] = "sd"
    # which months follow the grants: every month after the cut-off, or only the calendar years after the
    # cut-off's year (the rest of the running year then follows its observed months, as panel_share)
    months: Literal["after_cutoff", "later_years"] = "after_cutoff"
    # grant -> arrival lag: gamma with this shape; its mean (years) is estimated on a grid, flat prior
    lag_shape: float = Field(4.0, gt=0)
    lag_mean_years: tuple[float, float] = (0.25, 3.0)
    # follow-up ratio (arrivals per grant), log scale: normal-inverse-gamma prior
    ratio_prior: float = Field(1.0, gt=0)
    ratio_prior_weight: float = Field(0.25, gt=0)
    sigma_prior: float = Field(0.25, gt=0)
    sigma_prior_df: float = Field(4.0, gt=0)
    sigma_max: float = Field(1.0, gt=0)  # a year's log noise above this (a factor e) is not drawn


class NareizigersModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["panel_share", "annual_rw", "grants"] = "panel_share"
    base: Literal["level_rw", "level_ar", "ets"] = "level_rw"
    share_years: int = Field(3, ge=1)
    scale: float = Field(1.0, gt=0)
    grants: GrantsModel = GrantsModel()


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
