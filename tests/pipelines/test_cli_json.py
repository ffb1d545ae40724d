"""Scripting output: `mpp monthly --json` and `mpp data check --json` print plain JSON and keep exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

CLI = [sys.executable, "-c", "from mpp.cli import main; main()"]


def test_monthly_json_reports_versions_and_decisions(fast_config, tmp_path, cbs_monthly_path):
    env = {**os.environ, "MPP_CONFIG_DIR": str(fast_config)}
    proc = subprocess.run(
        [
            *CLI,
            "monthly",
            "--home",
            str(tmp_path / "home"),
            "--data",
            str(cbs_monthly_path),
            "--cutoff",
            "2025-06",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["cutoff"] == "2025-06" and out["published_variant"] == "drift" and out["reused"] is False
    assert set(out["variants"]) == {"baseline", "drift"}
    assert all(v["version"] == "1" and v["alias"] == "champion" for v in out["variants"].values())


def test_data_check_json_lists_problems_and_exits_3(tmp_path, cbs_monthly_path):
    bad = tmp_path / "bad.csv"
    lines = cbs_monthly_path.read_text().splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",-5"
    bad.write_text("\n".join(lines) + "\n")
    proc = subprocess.run(
        [*CLI, "data", "check", "--json", str(cbs_monthly_path), str(bad)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 3
    good, rejected = (json.loads(line) for line in proc.stdout.splitlines())
    assert good["status"] == "ok" and good["rows"] == 1764
    assert rejected["status"] == "rejected"
    assert rejected["problems"][0]["row"] == 6 and "negative" in rejected["problems"][0]["reason"]
