"""The examples in `--help` of the monthly-job commands run, as printed, in a project just made by `mpp init`
(the order of a first session: data commands, the monthly run, the comparison, the report)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from mpp.cli import app

pytestmark = pytest.mark.slow
COMMANDS = ["data sample", "data check", "data ingest", "data list", "data summary", "monthly", "compare", "report"]


def help_examples(path: str) -> list[str]:
    """The runnable `mpp ...` examples of one command's help (docstring and epilog): each up to a parenthesis
    or `;`; prerequisites in backticks and examples with placeholders (FILE, DIR) left out."""
    group = typer.main.get_command(app)
    cmd = group
    for part in path.split():
        cmd = cmd.commands[part]  # type: ignore[attr-defined]
    text = re.sub(r"`[^`]*`", "", f"{cmd.help or ''} {cmd.epilog or ''}")
    found = []
    for m in re.finditer(r"\bmpp [^;()]*", text):
        example = m.group(0).strip().rstrip(".").strip()
        if example.startswith(f"mpp {path}") and not re.search(r"\b[A-Z]{3,}\b", example):
            found.append(example)
    return found


def test_every_command_has_an_example():
    for path in COMMANDS:
        assert help_examples(path), path


def test_help_examples_run_in_a_new_project(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPP_", "MLFLOW_"))} | {"COLUMNS": "200"}
    mpp = f"{shlex.quote(sys.executable)} -c 'from mpp.cli import main; main()'"

    def run(line: str, cwd: Path) -> str:
        proc = subprocess.run(
            line.replace("mpp ", f"{mpp} ", 1),
            shell=True,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert proc.returncode == 0, f"{line}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        return proc.stdout

    run("mpp init proj", tmp_path)
    proj = tmp_path / "proj"
    # quick gating for the test's sake: one backtest origin (the examples themselves are unchanged)
    pipeline = proj / "config" / "pipeline.yaml"
    pipeline.write_text(pipeline.read_text().replace("  origins: 3 ", "  origins: 1 "))
    ran = []
    for path in COMMANDS:
        for example in help_examples(path):
            run(example, proj)
            ran.append(example)
    assert any(e.startswith("mpp monthly") for e in ran) and any(e.startswith("mpp report") for e in ran)
    assert not (tmp_path / "mlruns").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["proj"]
