"""The monthly pipeline's configuration (`config/pipeline.yaml`), validated on load, and where things live.

Locations: everything the pipeline writes lives under one *home* folder: `--home`, else `$MPP_HOME`, else the
repository root. Under it: `mlruns/` (MLflow SQLite database, artifacts, the run lock), `data/store/` (the
vintage store), `data/sample/sample.csv` (the generated sample panel) and `out/<cutoff>/<variant>/`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mpp.errors import ConfigError
from mpp.forecast.config import REPO_ROOT, config_dir


class Gating(BaseModel):
    """How a new registered version is judged against the current champion of its registered model."""

    model_config = ConfigDict(extra="forbid")
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


class ReplayTrackRecord(BaseModel):
    """The long replay run beside each occupancy projection as its track record (paths relative to the config
    folder; when `real` is absent the run notes it and goes on without)."""

    model_config = ConfigDict(extra="forbid")
    real: str = "../../shared/data/real"
    assumptions: str = "assumptions/replay_2015_2020.yaml"
    start: str = "2015-01"
    end: str = "2020-06"
    fit_until: str = "2016-12-31"


class Occupancy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assumptions: str | None = "assumptions/kernprognose_2025.yaml"
    replay: ReplayTrackRecord | None = None


class PipelineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variants: list[str] = Field(default_factory=lambda: ["baseline"], min_length=1)
    candidate: str | None = None
    seed: int = 0
    n_samples: int | None = Field(None, ge=20)
    gating: Gating = Gating()
    occupancy: Occupancy = Occupancy()
    report: bool = True
    run_key_includes_code: bool = False
    experiment: str = Field("mpp-monthly", min_length=1, description="MLflow experiment of the monthly runs")
    model_prefix: str = Field("mpp", pattern=r"^[A-Za-z0-9_.-]+$", description="registered model = <prefix>-<variant>")

    @field_validator("variants")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError(f"variants must be distinct, got {v}")
        return v


def load_pipeline_config(path: str | os.PathLike | None = None) -> tuple[PipelineConfig, Path]:
    """-> (validated config, the file it came from). Default: `config/pipeline.yaml` (or $MPP_CONFIG_DIR)."""
    path = Path(path) if path else config_dir() / "pipeline.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: pipeline configuration not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    try:
        return PipelineConfig.model_validate(raw), path
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {msgs}") from None


@dataclass(frozen=True)
class Locations:
    """Folders of one installation (see the module docstring)."""

    home: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike | None = None) -> Locations:
        return cls(Path(home or os.environ.get("MPP_HOME") or REPO_ROOT).resolve())

    @property
    def mlruns(self) -> Path:
        return self.home / "mlruns"

    @property
    def lock_file(self) -> Path:
        return self.mlruns / ".mpp.lock"

    @property
    def store(self) -> Path:
        return self.home / "data" / "store"

    @property
    def sample_csv(self) -> Path:
        return self.home / "data" / "sample" / "sample.csv"

    @property
    def out(self) -> Path:
        return self.home / "out"

    def tracking_uri(self) -> str:
        """`$MLFLOW_TRACKING_URI` when set (any MLflow server), else the embedded SQLite database."""
        return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{self.mlruns / 'mlflow.db'}"

    def artifact_root(self) -> str | None:
        """Artifact folder for a new experiment with the embedded backend; a server decides its own."""
        return None if os.environ.get("MLFLOW_TRACKING_URI") else (self.mlruns / "artifacts").as_uri()
