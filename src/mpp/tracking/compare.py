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
    data_id: str = ""  # the data's identity (out/<cut-off>/<data_id>/ holds the run's folder)
    data_kind: str = ""  # sample | real ("" for runs logged before sources were recorded)


def compare_runs(
    loc: Project, cutoff: str, variants: list[str], experiment: str = reg.EXPERIMENT, source: str | None = None
) -> dict[str, TrackedRun]:
    """The newest finished variant run at `cutoff` on data source `source` for each variant, with its logged
    bands and metrics (runs on other data are never mixed in)."""
    reg.quiet_mlflow()  # no "Downloading artifacts" progress bars
    import mlflow.artifacts
    from mlflow.exceptions import MlflowException

    client, exp_id = reg.connect(loc, experiment)
    out = {}
    for v in variants:
        runs = client.search_runs(
            [exp_id],
            filter_string=f"tags.`{reg.TAG_KIND}` = 'variant' and tags.variant = '{v}' and "
            f"tags.cutoff = '{cutoff}' and attributes.status = 'FINISHED'"
            + (f" and tags.data_source = '{source}'" if source else ""),
            order_by=["attributes.start_time DESC"],
            max_results=1,
        )
        if not runs:
            raise MppError(
                f"no finished run of variant {v!r} at cut-off {cutoff}"
                + (f" on data source {source!r}" if source else "")
                + f" in {mask_secrets(loc.tracking_uri())}; run `mpp monthly --cutoff {cutoff}` with it first"
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
            run.info.run_id,
            dict(run.data.metrics),
            read["bands_annual.csv"],
            read["bands_monthly.csv"],
            manifest,
            run.data.tags.get("data_id", ""),
            run.data.tags.get("data_kind", ""),
        )
    return out
