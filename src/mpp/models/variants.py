"""Named model variants: `config/variants.yaml`, validated with pydantic.

A *variant* is a family plus its settings (training window, transform, damping, ensemble members, calibration).
The file is `variants.yaml` of a project's configuration (`mpp.project`); `mpp.spec` reads it and
`parse_variants` validates it. Mistakes raise `ConfigError` naming the file, the variant and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from mpp.errors import ConfigError
from mpp.models.families import all_families, family_names, simple_family_names
from mpp.strict import StrictModel, name_problem


def _known_family(name: str) -> str:
    if name not in all_families():
        raise ValueError(f"unknown family {name!r}; known: {', '.join(family_names())}")
    return name


def _member_family(name: str) -> str:
    if name not in simple_family_names():
        raise ValueError(f"{name!r} cannot be a member; choose one of {', '.join(simple_family_names())}")
    return name


FamilyName = Annotated[str, AfterValidator(_known_family)]
MemberName = Annotated[str, AfterValidator(_member_family)]


class VariantSpec(StrictModel):
    """One named variant. Fields a family does not use are ignored by it (documented per family)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str = "unnamed"
    family: FamilyName
    description: str = ""
    window: int | None = Field(None, ge=13, description="training window in months (None = all history)")
    transform: Literal["log1p", "boxcox", "none"] = "log1p"
    # ETS
    damped: bool | Literal["auto"] = "auto"
    seasonal: bool | Literal["auto"] = "auto"
    # SARIMA: candidate ((p,d,q), (P,D,Q)) orders searched by AICc; empty = the built-in small grid
    orders: list[tuple[tuple[int, int, int], tuple[int, int, int]]] = Field(default_factory=list)
    # Prophet
    changepoint_prior_scale: float = Field(0.05, gt=0)
    # ensemble / auto
    members: list[MemberName] = Field(default_factory=list)
    combine: Literal["mixture", "median"] = "mixture"
    weights: Literal["equal", "inverse_error"] = "equal"
    holdout: int = Field(12, ge=1, le=36, description="months held out to score members (inverse_error, auto)")
    # robust (calibrated level x season with empirical error trajectories)
    level_months: int = Field(3, ge=1, le=24, description="months averaged for the recent level")
    level_weight: float = Field(1.0, ge=0, le=1, description="weight of the recent level vs the last year")
    season_years: int = Field(5, ge=1, le=10, description="years used to estimate the seasonal profile")
    season_shrink: float = Field(0.3, ge=0, le=1, description="shrinkage of the seasonal profile toward flat")
    trend_damping: float = Field(0.0, ge=0, lt=1, description="damping of the recent slope (0 = no trend)")
    calibration_origins: int = Field(96, ge=6, description="past origins whose errors calibrate the paths")
    spread_inflation: float = Field(1.05, gt=0, description="multiplies the empirical log-errors")
    min_spread: float = Field(0.1, ge=0, description="floor on the sd of the log 12-month-sum error")
    jitter: float = Field(0.6, ge=0, description="Gaussian smoothing of the error mixture, as a share of its sd")
    center_errors: bool = Field(True, description="centre past errors on their median (point = median)")
    shape_clip: float = Field(1.0, gt=0, description="clip of monthly log deviations within a year")
    later_years: Literal["chained", "last_year"] = Field(
        "chained",
        description="years after the first: chain this method's own 12-month errors on its recent "
        "level, or restart from the last observed 12-month total with the spread of successive 12-month totals",
    )
    later_center: Literal["median", "mean"] = Field(
        "median",
        description="with later_years=last_year: the later years' median (or mean) 12-month total is "
        "the last observed one",
    )

    @model_validator(mode="after")
    def _members_fit_family(self) -> VariantSpec:
        combines = all_families()[self.family].members
        if combines and not self.members:
            raise ValueError(f"family '{self.family}' needs a non-empty 'members' list")
        if not combines and self.members:
            combinations = "/".join(n for n in family_names() if n not in simple_family_names())
            raise ValueError(f"'members' only applies to {combinations}, not family '{self.family}'")
        return self

    def with_family(self, family: str) -> VariantSpec:
        """The same settings for another (member or fallback) family."""
        return self.model_copy(update={"family": family, "members": [], "name": f"{self.name}:{family}"})


def settings_model(family: str, *fields: str) -> type[BaseModel]:
    """A family's own settings model: the named fields of `VariantSpec`, with their types, defaults and limits."""
    spec_fields = VariantSpec.model_fields
    unknown = [f for f in fields if f not in spec_fields]
    if unknown:
        raise TypeError(f"family {family!r} reads settings VariantSpec does not have: {', '.join(unknown)}")
    definitions: dict = {f: (spec_fields[f].annotation, spec_fields[f]) for f in fields}
    return create_model(f"{family}_settings", __base__=StrictModel, **definitions)


COMMON_SETTINGS = ("window", "transform")


class VariantsConfig(StrictModel):
    default: str
    variants: dict[str, VariantSpec]

    @field_validator("variants")
    @classmethod
    def _names_are_path_safe(cls, variants: dict[str, VariantSpec]) -> dict[str, VariantSpec]:
        """Variant names become folders (out/<cut-off>/<variant>) and model names: never a path elsewhere."""
        for name in variants:
            if (problem := name_problem(name)) is not None:
                raise ValueError(f"variant {problem}")
        return variants

    @model_validator(mode="after")
    def _default_exists(self) -> VariantsConfig:
        if self.default not in self.variants:
            raise ValueError(f"default '{self.default}' is not one of the variants {sorted(self.variants)}")
        return self

    def get(self, name: str | None = None) -> VariantSpec:
        key = self.default if name is None else name
        if key not in self.variants:
            raise ConfigError(f"unknown variant '{key}'; known: {', '.join(sorted(self.variants))}")
        return self.variants[key]


def _describe(err: dict, file: Path) -> str:
    loc = [str(part) for part in err["loc"]]
    where = f"{file}"
    if len(loc) >= 2 and loc[0] == "variants":
        where += f": variant '{loc[1]}'"
        if len(loc) > 2:
            where += f", field '{'.'.join(loc[2:])}'"
    elif loc:
        where += f": field '{'.'.join(loc)}'"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{where}: {msg}"


def parse_variants(raw: object, file: Path | str = "<variants>") -> VariantsConfig:
    """Validate an already-parsed YAML document."""
    file = Path(file)
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: expected a mapping with 'default' and 'variants'")
    variants = raw.get("variants")
    if isinstance(variants, dict):
        for name, body in variants.items():
            if not isinstance(body, dict):
                raise ConfigError(f"{file}: variant '{name}': expected a mapping of settings")
        raw = {**raw, "variants": {name: {**body, "name": name} for name, body in variants.items()}}
    try:
        return VariantsConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError("; ".join(_describe(e, file) for e in exc.errors())) from None
