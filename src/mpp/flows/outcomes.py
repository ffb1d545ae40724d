"""The records of a monthly run: one per variant, and the run's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mpp.data.catalog import DataIdentity
from mpp.tracking.gating import Decision

VALUE_COLS = ["period", "stream", "nationality", "value"]


@dataclass
class VariantOutcome:
    variant: str
    out_dir: Path
    run_key: str
    run_id: str | None = None
    model_uri: str | None = None
    model_id: str | None = None
    version: str | None = None
    new_version: bool = False
    decision: Decision | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    revision: pd.DataFrame | None = None
    revision_lines: list[str] = field(default_factory=list)
    previous_version: str | None = None


@dataclass
class MonthlyResult:
    cutoff: str
    vintage: str
    data_hash: str
    parent_run_id: str
    reused: bool
    candidate: str
    outcomes: dict[str, VariantOutcome]
    tracking_uri: str
    identity: DataIdentity
    model_prefix: str = "mpp"

    @property
    def is_sample(self) -> bool:
        return self.identity.source.is_sample

    def model_name(self, variant: str) -> str:
        from mpp.tracking.registry import model_name

        return model_name(variant, self.model_prefix, self.identity.source.name)

    @property
    def out_dir(self) -> Path:
        return self.outcomes[self.candidate].out_dir

    def bands_annual(self, variant: str | None = None) -> pd.DataFrame:
        return pd.read_csv(self.outcomes[variant or self.candidate].out_dir / "bands_annual.csv")
