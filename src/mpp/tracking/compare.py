"""Variants of one cut-off side by side, read back from MLflow (not from the out/ folder, which may be gone)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mpp.errors import MppError
from mpp.project import Project
from mpp.redact import mask_secrets
from mpp.tracking import registry as reg


@dataclass
class TrackedRun:
    run_id: str
    metrics: dict[str, float]
    bands_annual: pd.DataFrame
    bands_monthly: pd.DataFrame
    manifest: dict


def compare_runs(
    loc: Project, cutoff: str, variants: list[str], experiment: str = reg.EXPERIMENT
) -> dict[str, TrackedRun]:
    """The newest finished variant run at `cutoff` for each variant, with its logged bands and metrics."""
    reg.quiet_mlflow()  # no "Downloading artifacts" progress bars
    import mlflow.artifacts
    from mlflow.exceptions import MlflowException

    client, exp_id = reg.connect(loc, experiment)
    out = {}
    for v in variants:
        runs = client.search_runs(
            [exp_id],
            filter_string=f"tags.`{reg.TAG_KIND}` = 'variant' and tags.variant = '{v}' and "
            f"tags.cutoff = '{cutoff}' and attributes.status = 'FINISHED'",
            order_by=["attributes.start_time DESC"],
            max_results=1,
        )
        if not runs:
            raise MppError(
                f"no finished run of variant {v!r} at cut-off {cutoff} in "
                f"{mask_secrets(loc.tracking_uri())}; run `mpp monthly --cutoff {cutoff}` with it first"
            )
        run = runs[0]
        with tempfile.TemporaryDirectory() as tmp:
            read = {}
            for f in ("bands_annual.csv", "bands_monthly.csv"):
                p = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path=f, dst_path=tmp)
                read[f] = pd.read_csv(p, dtype={"period": str})
            try:
                p = mlflow.artifacts.download_artifacts(
                    run_id=run.info.run_id, artifact_path="manifest.json", dst_path=tmp
                )
                manifest = json.loads(Path(p).read_text())
            except (MlflowException, OSError):  # runs logged before the manifest was an artifact
                manifest = {}
        out[v] = TrackedRun(
            run.info.run_id, dict(run.data.metrics), read["bands_annual.csv"], read["bands_monthly.csv"], manifest
        )
    return out
