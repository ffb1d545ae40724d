"""Variants of one cut-off side by side, read back from MLflow (not from the out/ folder, which may be gone)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mpp.errors import MppError
from mpp.redact import mask_secrets
from mpp.tracking import registry as reg
from mpp.tracking.config import Locations


@dataclass
class TrackedRun:
    run_id: str
    metrics: dict[str, float]
    bands_annual: pd.DataFrame
    bands_monthly: pd.DataFrame


def compare_runs(loc: Locations, cutoff: str, variants: list[str], experiment: str = reg.EXPERIMENT
                 ) -> dict[str, TrackedRun]:
    """The newest finished variant run at `cutoff` for each variant, with its logged bands and metrics."""
    import mlflow.artifacts

    client, exp_id = reg.connect(loc, experiment)
    out = {}
    for v in variants:
        runs = client.search_runs(
            [exp_id], filter_string=f"tags.`{reg.TAG_KIND}` = 'variant' and tags.variant = '{v}' and "
                                    f"tags.cutoff = '{cutoff}' and attributes.status = 'FINISHED'",
            order_by=["attributes.start_time DESC"], max_results=1)
        if not runs:
            raise MppError(f"no finished run of variant {v!r} at cut-off {cutoff} in "
                           f"{mask_secrets(loc.tracking_uri())}; run `mpp monthly --cutoff {cutoff}` with it first")
        run = runs[0]
        with tempfile.TemporaryDirectory() as tmp:
            read = {}
            for f in ("bands_annual.csv", "bands_monthly.csv"):
                p = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path=f, dst_path=tmp)
                read[f] = pd.read_csv(p, dtype={"period": str})
        out[v] = TrackedRun(run.info.run_id, dict(run.data.metrics), read["bands_annual.csv"],
                            read["bands_monthly.csv"])
    return out


def overlay_chart(runs: dict[str, TrackedRun], series_id: str, path: Path, title: str) -> Path:
    """Outer bands (minimum-maximum) and medians of several variants on one chart, written as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 5))
    for i, (v, r) in enumerate(runs.items()):
        b = r.bands_monthly[r.bands_monthly["series_id"] == series_id]
        if b.empty:
            continue
        x = pd.PeriodIndex(b["period"], freq="M").to_timestamp()
        color = f"C{i}"
        ax.fill_between(x, b["minimum"], b["maximum"], color=color, alpha=0.15, linewidth=0)
        ax.plot(x, b["median"], color=color, linewidth=1.8, label=f"{v} median (band P5-P95)")
    ax.set_title(title, loc="left")
    ax.set_ylabel("persons per month")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path
