"""Log a finished backtest to MLflow: one parent run per backtest, one child run per variant."""

from __future__ import annotations

import re
from pathlib import Path

from mpp.project import Project
from mpp.provenance import code_version
from mpp.tracking.registry import connect, quiet_mlflow

EXPERIMENT = "mpp-backtest"
ARTIFACT_SUFFIXES = (".md", ".html", ".csv", ".png", ".json")


def _metric_name(name: str) -> str:
    """MLflow metric keys allow letters, digits, _ - . / and spaces."""
    return re.sub(r"[^0-9A-Za-z_\-./ ]", "_", name)


def log_backtest(outputs, params: dict, home: str | Path | None = None) -> str:
    """-> the parent run id. `outputs` is a `mpp.flows.backtest.BacktestOutputs`."""
    quiet_mlflow()
    client, exp_id = connect(Project.discover(home), EXPERIMENT)
    parent = client.create_run(
        exp_id,
        run_name=f"backtest {params.get('origins', '')}",
        tags={"mpp.kind": "backtest", "mpp.code_version": code_version()},
    )
    pid = parent.info.run_id
    try:
        for k, v in {**params, "wall_seconds": round(outputs.wall_seconds, 1)}.items():
            client.log_param(pid, k, str(v)[:500])
        for f in sorted(Path(outputs.out_dir).iterdir()):
            if f.is_file() and f.suffix in ARTIFACT_SUFFIXES:
                client.log_artifact(pid, str(f))
        for variant, metrics in outputs.metrics.items():
            child = client.create_run(
                exp_id,
                run_name=variant,
                tags={"mlflow.parentRunId": pid, "mpp.kind": "backtest-variant", "mpp.variant": variant},
            )
            cid = child.info.run_id
            client.log_param(cid, "variant", variant)
            for name, value in metrics.items():
                if value is not None and value == value:  # skip NaN
                    client.log_metric(cid, _metric_name(name), float(value))
            client.set_terminated(cid, "FINISHED")
        client.set_terminated(pid, "FINISHED")
    except BaseException:
        client.set_terminated(pid, "FAILED")
        raise
    return pid
