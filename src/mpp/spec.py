"""The run spec: every setting that changes a run's numbers, read once at the edge, validated and hashed.

This is the only module that opens configuration (YAML) files, through `mpp.strict.load_yaml`. Commands (the CLI, `mpp.flows`, tests) call `load_spec()` once
and pass the spec (or the part a stage needs: a `ForecastConfig`, a `VariantSpec`, `Assumptions`) down; no
stage reads configuration itself.

    RunSpec
      forecast     ForecastConfig   horizon, samples, quantiles, reconciliation, dependence, pooling, parallel
      variants     VariantsConfig   every named variant (family + its parameter model) and the default
      pipeline     PipelineConfig   the monthly run: variants run, candidate, seed, gating, occupancy, report
      assumptions  Assumptions|None occupancy assumptions named by pipeline.occupancy.assumptions
      replay_assumptions            those of the long replay shown as the projection's track record
      national     NationalConfig|None  the national forecast of the run (pipeline.national; national.yaml)
      national_data_hash            sha256 of its source files (their folder, `national_data`, is not hashed)
      catalog      DataCatalog      the project's data sources (data.yaml); which one a bare run reads
      data, cutoff                  the run's data (a source name or path; None = the catalog's default) and
                                    cut-off (None = last)
      files                         where each part came from (not hashed: moving a file changes nothing)

`spec.hash` covers everything but `files`; `spec.variant_hash(name)` covers what one variant's numbers depend
on (forecast settings, that variant's spec, seed), so a change to one variant invalidates only its caches.

YAML is read strictly: a key given twice in one mapping is an error (PyYAML would silently keep the last).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mpp.backtest.spec import AcceptanceBacktest, BacktestSpec
from mpp.data.catalog import DataCatalog, DataSource, resolve_source
from mpp.data.releases import ReleaseCalendar
from mpp.errors import ConfigError
from mpp.forecast.config import ForecastConfig
from mpp.models.variants import VariantsConfig, VariantSpec, parse_variants
from mpp.national.config import NationalConfig
from mpp.occupancy.assumptions import Assumptions, parse_assumptions, validation_message
from mpp.occupancy.scenario import ScenarioSpec
from mpp.overlays.schema import LoadedOverlay, parse_overlay
from mpp.project import Project
from mpp.provenance import hash_bytes, hash_file, hash_json
from mpp.strict import dump_yaml, load_yaml, parse_yaml
from mpp.tracking.config import PipelineConfig


def _fields(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors())


# ------------------------------------------------------------------------------------- one file, validated
def load_forecast_config(path: str | os.PathLike | None = None, project: Project | None = None) -> ForecastConfig:
    path = Path(path) if path else (project or Project.discover()).config_file("forecast.yaml")
    raw = load_yaml(path) or {}
    try:
        return ForecastConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_fields(exc)}") from None


def load_variants(path: str | os.PathLike | None = None, project: Project | None = None) -> VariantsConfig:
    path = Path(path) if path else (project or Project.discover()).config_file("variants.yaml")
    return parse_variants(load_yaml(path), path)


def get_variant(name: str | None = None, path: str | os.PathLike | None = None) -> VariantSpec:
    """The named variant (the configured default when name is None)."""
    return load_variants(path).get(name)


def load_pipeline_config(
    path: str | os.PathLike | None = None, project: Project | None = None
) -> tuple[PipelineConfig, Path]:
    """-> (validated pipeline config, the file it came from)."""
    path = Path(path) if path else (project or Project.discover()).config_file("pipeline.yaml")
    raw = load_yaml(path) or {}
    try:
        return PipelineConfig.model_validate(raw), path
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_fields(exc)}") from None


def load_data_catalog(project: Project | None = None) -> tuple[DataCatalog, Path]:
    """-> (the project's data sources, validated; the file they came from)."""
    path = (project or Project.discover()).config_file("data.yaml")
    raw = load_yaml(path) or {}
    try:
        return DataCatalog.model_validate(raw), path
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_fields(exc)}") from None


def load_assumptions(path: str | os.PathLike) -> Assumptions:
    """Read and validate an occupancy assumptions file; a `from_replay` section copies the named parameters from
    the replay's assumptions file (each with the replay's source, prefixed by where it came from)."""
    path = Path(path)
    raw = load_yaml(path)
    if isinstance(raw, dict) and isinstance(raw.get("from_replay"), dict):
        raw = _with_replay_parameters(raw, path)
    return parse_assumptions(raw, origin=str(path))


def _with_replay_parameters(raw: dict, path: Path) -> dict:
    ref = raw["from_replay"]
    rfile = path.parent / str(ref.get("file"))
    if not rfile.is_file():
        raise ConfigError(f"{path}: from_replay.file {ref.get('file')!r} not found beside it")
    replay = load_assumptions(rfile)
    params = dict(replay.params())
    raw = {**raw, "from_replay": {**ref, "name": replay.name, "version": replay.version}}
    raw["from_replay"]["sha256"] = hash_bytes(rfile.read_bytes())
    for dotted in ref.get("parameters") or ():
        if dotted not in params:
            raise ConfigError(f"{path}: from_replay: {rfile.name} has no parameter {dotted!r}")
        *parents, leaf = dotted.split(".")
        node = raw
        for key in parents:
            node[key] = dict(node.get(key) or {})
            node = node[key]
        if node.get(leaf) is not None:
            raise ConfigError(f"{path}: {dotted} is given here and taken from_replay: give it once")
        p = params[dotted]
        node[leaf] = p.model_copy(
            update={"source": f"from the replay {replay.name} v{replay.version} ({rfile.name}): {p.source}"}
        ).model_dump(mode="json", exclude_none=True)
    return raw


def load_scenario_spec(path: str | os.PathLike) -> ScenarioSpec:
    """Read and validate a scenario inflow file (`mpp occupancy-scenario --spec`)."""
    path = Path(path)
    raw = load_yaml(path)
    try:
        return ScenarioSpec.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {validation_message(exc)}") from None


def _project_file(model, name: str, path: str | os.PathLike | None, project: Project | None):
    """A project configuration file (or the packaged default) validated against `model`."""
    path = Path(path) if path else (project or Project.discover()).config_file(name)
    raw = load_yaml(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_fields(exc)}") from None


def load_national_config(path: str | os.PathLike | None = None, project: Project | None = None) -> NationalConfig:
    """The national forecast's settings (`national.yaml`: sources, precedence, model)."""
    return _project_file(NationalConfig, "national.yaml", path, project)


def load_release_calendar(path: str | os.PathLike | None = None, project: Project | None = None) -> ReleaseCalendar:
    """The release calendar (`releases.yaml`: publication lag of every source, MPP vintages' dates)."""
    return _project_file(ReleaseCalendar, "releases.yaml", path, project)


def load_acceptance_backtest(
    path: str | os.PathLike | None = None, project: Project | None = None
) -> AcceptanceBacktest:
    """The acceptance backtest's definition (`backtest.yaml`: panel, variants, origins, horizon, workers)."""
    return _project_file(AcceptanceBacktest, "backtest.yaml", path, project)


def load_overlay(path: str | os.PathLike) -> LoadedOverlay:
    """Read and validate one overlay file; any problem is a one-line ConfigError naming the file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"overlay file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"overlay path is a folder, not a file: {path}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: cannot read: not UTF-8 text") from None
    raw = parse_yaml(text, str(path))  # strict: duplicate keys refused with file:line
    return LoadedOverlay(overlay=parse_overlay(raw, str(path)), path=str(path), sha256=hash_bytes(data), text=text)


def load_overlays(paths) -> list[LoadedOverlay]:
    """Several overlay files; two with the same name are refused (names key every output)."""
    loaded = [load_overlay(p) for p in paths]
    names = [o.name for o in loaded]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError(f"overlay name(s) used by more than one file: {', '.join(dup)}")
    return loaded


# --------------------------------------------------------------------------------------------- the run spec
class RunSpec(BaseModel):
    """Everything that changes a run's numbers (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    forecast: ForecastConfig
    variants: VariantsConfig
    pipeline: PipelineConfig = PipelineConfig()
    assumptions: Assumptions | None = None
    replay_assumptions: Assumptions | None = None
    overlays: list[LoadedOverlay] = Field(default_factory=list)  # pipeline.overlays, loaded and hashed
    national: NationalConfig | None = None
    national_data: str | None = None
    national_data_hash: str | None = None
    catalog: DataCatalog = Field(default_factory=DataCatalog)
    releases: ReleaseCalendar | None = None  # publication lags: what a gating backtest origin may read
    data: str | None = None
    cutoff: str | None = None
    files: dict[str, str] = Field(default_factory=dict)

    def _hashed(self) -> dict:
        d = self.model_dump(mode="json", exclude={"files", "overlays", "national_data", "catalog"})  # data: by hash
        d["overlays"] = [[lo.name, lo.sha256] for lo in self.overlays]  # content, not where the file lies
        return d

    @property
    def hash(self) -> str:
        return hash_json(self._hashed())

    @property
    def national_hash(self) -> str | None:
        """What the national forecast's numbers depend on: its settings, its source files' contents, the seed."""
        if self.national is None:
            return None
        return hash_json(
            {
                "national": self.national.model_dump(mode="json"),
                "data": self.national_data_hash,
                "seed": self.pipeline.seed,
            }
        )

    def variant(self, name: str | None = None) -> VariantSpec:
        return self.variants.get(name)

    @property
    def candidate(self) -> str:
        """The published variant: pipeline.candidate, else the default of variants.yaml."""
        return self.pipeline.candidate or self.variants.default

    @property
    def run_variants(self) -> list[str]:
        """Variants of the monthly run (the candidate added when missing), in order."""
        return list(dict.fromkeys([*self.pipeline.variants, self.candidate]))

    def variant_hash(self, name: str, **extra: Any) -> str:
        """Hash of what one variant's forecasts depend on: forecast settings, its spec, the seed (+ `extra`)."""
        return hash_json(
            {
                "forecast": self.forecast.model_dump(mode="json"),
                "variant": self.variant(name).model_dump(mode="json"),
                "seed": self.pipeline.seed,
                **extra,
            }
        )

    def with_samples(self, n_samples: int | None) -> RunSpec:
        """The spec with another number of sample paths (None: unchanged)."""
        if not n_samples:
            return self
        return self.model_copy(update={"forecast": self.forecast.model_copy(update={"n_samples": int(n_samples)})})

    def with_variants(self, names: list[str] | None) -> RunSpec:
        """The spec running these variants this time (None: pipeline.yaml's); unknown names are a ConfigError."""
        if not names:
            return self
        for v in names:
            self.variant(v)
        return self.model_copy(update={"pipeline": self.pipeline.model_copy(update={"variants": list(names)})})

    def source(self, project: Project, available=None, declared=None) -> DataSource:
        """The data source of this run: `data` (an entry's name or a path), else the first of the catalog's
        defaults that `available(source)` accepts (see mpp.data.catalog); `declared()` is the project's
        `data_source` file (mpp.toml), read only when an entry names it."""
        base = Path(self.files.get("data", project.config_file("data.yaml"))).parent
        return resolve_source(
            self.catalog,
            project.home,
            self.data,
            lambda p: project.resolve_config_path(p, base),
            available,
            declared or project.default_data,
        )

    def with_run(self, data: str | os.PathLike | None = None, cutoff: str | None = None) -> RunSpec:
        return self.model_copy(update={"data": str(data) if data else None, "cutoff": str(cutoff) if cutoff else None})


def load_spec(
    project: Project | None = None,
    pipeline_file: str | os.PathLike | None = None,
    data: str | os.PathLike | None = None,
    cutoff: str | None = None,
    n_samples: int | None = None,
) -> RunSpec:
    """Read forecast.yaml, variants.yaml, pipeline.yaml and the occupancy assumptions of `project` (default:
    the discovered one), validate them together and return the run spec.

    `n_samples` replaces forecast.n_samples. Unknown variant names in pipeline.yaml
    and a missing assumptions file are errors here, before anything runs."""
    project = project or Project.discover()
    ffile = project.config_file("forecast.yaml")
    vfile = project.config_file("variants.yaml")
    pfile = Path(pipeline_file) if pipeline_file else project.config_file("pipeline.yaml")
    forecast = load_forecast_config(ffile)
    variants = load_variants(vfile)
    pipeline, _ = load_pipeline_config(pfile)
    files = {"forecast": str(ffile), "variants": str(vfile), "pipeline": str(pfile)}
    assumptions = None
    if pipeline.occupancy.assumptions:
        afile = project.resolve_config_path(pipeline.occupancy.assumptions, pfile.parent)
        if not afile.is_file():
            raise ConfigError(f"{pfile}: occupancy assumptions file not found: {afile}")
        assumptions = load_assumptions(afile)
        files["assumptions"] = str(afile)
    replay_assumptions = None
    if (replay := pipeline.occupancy.replay) is not None:
        rfile = project.resolve_config_path(replay.assumptions, pfile.parent)
        if not rfile.is_file():
            raise ConfigError(f"{pfile}: occupancy.replay assumptions file not found: {rfile}")
        replay_assumptions = load_assumptions(rfile)
        files["replay_assumptions"] = str(rfile)
        real = (pfile.parent / replay.real).resolve() if replay.real else project.reference_folder() / "real"
        files["replay_real"] = str(real)
    national = national_data = national_data_hash = None
    if pipeline.national:
        nfile = project.config_file("national.yaml")
        national = load_national_config(nfile)
        real = project.source_snapshot() / "real"
        national_data = str(real)
        national_data_hash = hash_json({k: hash_file(real / s.file) for k, s in sorted(national.sources.items())})
        files.update(national=str(nfile), national_data=national_data)
    catalog, cfile = load_data_catalog(project)
    files["data"] = str(cfile)
    releases = load_release_calendar(project=project)
    files["releases"] = str(project.config_file("releases.yaml"))
    overlay_files = [project.resolve_config_path(o, pfile.parent) for o in pipeline.overlays]
    overlays = load_overlays(overlay_files)
    files.update({f"overlay:{lo.name}": lo.path for lo in overlays})
    spec = RunSpec(
        forecast=forecast,
        variants=variants,
        pipeline=pipeline,
        assumptions=assumptions,
        replay_assumptions=replay_assumptions,
        overlays=overlays,
        national=national,
        national_data=national_data,
        national_data_hash=national_data_hash,
        catalog=catalog,
        releases=releases,
        files=files,
    )
    for v in spec.run_variants:
        spec.variant(v)  # ConfigError naming the unknown variant
    return spec.with_samples(n_samples).with_run(data, cutoff)


__all__ = [
    "AcceptanceBacktest",
    "BacktestSpec",
    "RunSpec",
    "dump_yaml",
    "get_variant",
    "load_acceptance_backtest",
    "load_assumptions",
    "load_data_catalog",
    "load_forecast_config",
    "load_pipeline_config",
    "load_national_config",
    "load_overlay",
    "load_overlays",
    "load_scenario_spec",
    "load_spec",
    "load_variants",
    "load_yaml",
    "parse_yaml",
]
