"""A run is its data: a real run, a sample run and the real run again at the same cut-off keep their outputs,
run keys, registered models and champions apart; the third run prints the real bands, the real-data champion
stays, the Dutch report and the compare page of the real run survive the sample run; a bare run then reads the
real data."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from mpp.project import Project
from mpp.tracking import registry as reg

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-c", "from mpp.cli import main; main()"]


def _mpp(*args: str, config: Path) -> str:
    env = {**os.environ, "MPP_CONFIG_DIR": str(config), "COLUMNS": "200"}
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _total_2025_median(run_dir: Path) -> str:
    """The TOTAL 2025 median as the console prints it (rounded to tens)."""
    bands = pd.read_csv(run_dir / "bands_annual.csv")
    row = bands[(bands["series_id"] == "TOTAL/TOTAL") & (bands["year"] == 2025)].iloc[0]
    return f"{round(row['median'], -1):,.0f}"


def test_real_then_sample_then_real_again_keeps_the_real_run(fast_config, tmp_path, cbs_monthly_path):
    home = tmp_path / "home"
    real = json.loads(
        _mpp(
            "monthly",
            "--data",
            str(cbs_monthly_path),
            "--cutoff",
            "2025-06",
            "--json",
            "--home",
            str(home),
            config=fast_config,
        )
    )
    real_dir = Path(real["variants"]["drift"]["out_dir"])
    assert re.fullmatch(r"cbs-[0-9a-f]{8}", real_dir.parent.name) and real_dir.parent.parent.name == "2025-06"
    _mpp("report", str(real_dir), "--lang", "nl", config=fast_config)
    _mpp(
        "compare",
        "--cutoff",
        "2025-06",
        "--variants",
        "baseline,drift",
        "--lang",
        "nl",
        "--data",
        str(cbs_monthly_path),
        "--home",
        str(home),
        config=fast_config,
    )
    dutch, compare = real_dir / "report_nl.html", real_dir.parent / "compare_nl.html"
    assert dutch.is_file() and compare.is_file()

    sample_out = _mpp("monthly", "--data", "sample", "--cutoff", "2025-06", "--home", str(home), config=fast_config)
    assert "SAMPLE DATA" in sample_out
    sample_dirs = [p for p in (home / "out" / "2025-06").iterdir() if p.name.startswith("sample-")]
    assert len(sample_dirs) == 1 and _total_2025_median(sample_dirs[0] / "drift") != _total_2025_median(real_dir)

    third = _mpp(
        "monthly", "--data", str(cbs_monthly_path), "--cutoff", "2025-06", "--home", str(home), config=fast_config
    )
    assert "reused" in third and "SAMPLE" not in third
    assert _total_2025_median(real_dir) in third  # the real bands, read from the real run's own folder
    assert _total_2025_median(sample_dirs[0] / "drift") not in third
    assert dutch.is_file() and compare.is_file()  # the sample run deleted nothing of the real run
    # a bare run reads the declared source (config/data.yaml: the project's data source, here the packaged
    # snapshot's panel: the very same data, so the real run is reused), never the sample
    bare = _mpp("monthly", "--cutoff", "2025-06", "--home", str(home), config=fast_config)
    assert "reused" in bare and "SAMPLE" not in bare and _total_2025_median(real_dir) in bare

    # the registry: one model per source and variant; the real champion is the real run's version
    uri = Project.discover(home).tracking_uri()
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    real_name = f"mpp-{real_dir.parent.name.rsplit('-', 1)[0]}-drift"
    champ = reg.alias_version(client, real_name, "champion")
    assert champ is not None and champ.tags["data_kind"] == "real" and champ.tags["data_id"] == real_dir.parent.name
    sample_champ = reg.alias_version(client, "mpp-sample-drift", "champion")
    assert sample_champ is not None and sample_champ.tags["data_kind"] == "sample"
    # MLflow: the sample run is tagged and its dataset input named as sample data
    runs = client.search_runs(
        [client.get_experiment_by_name("mpp-monthly").experiment_id], "tags.`mpp.kind` = 'monthly'"
    )
    kinds = sorted(r.data.tags["data_kind"] for r in runs)
    assert kinds == ["real", "sample"]
    inputs = {r.data.tags["data_kind"]: r.inputs.dataset_inputs[0].dataset.name for r in runs}
    assert inputs["sample"].startswith("sample-") and inputs["real"] == real_dir.parent.name
