"""The built wheel, installed (not editable) in a fresh virtual environment, runs a project anywhere:
`mpp init proj && cd proj && mpp monthly` uses the configuration and the data snapshot packaged in the wheel (real
public data, no network, nothing beside the checkout), prints the national table first and writes only inside
proj/ (nothing under site-packages, the source tree or the folder it was started from)."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def files_under(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, int]:
    """{relative path: mtime_ns} of every file under root (outside `skip`)."""
    out = {}
    for p in root.rglob("*"):
        if p.is_file() and not any(p == s or s in p.parents for s in skip):
            out[str(p.relative_to(root))] = p.stat().st_mtime_ns
    return out


def run(cmd, cwd: Path, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd}: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_mpp_init_and_monthly_writing_only_inside_the_project(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPP_", "MLFLOW_", "PYTHON", "VIRTUAL_ENV"))}
    env["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir()
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    # Build the wheel from the checkout as any user would (isolated build; pip's cache serves the build backend).
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, REPO], tmp_path, env)
    wheel = next(dist.glob("mpp-*.whl"))
    run([sys.executable, "-m", "venv", venv], tmp_path, env)
    py = venv / "bin" / "python"
    run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel], tmp_path, env)
    # The dependencies come from this environment's site-packages through a .pth line (no network, and no
    # second copy of mlflow & co.); its .pth files (an editable mpp, if any) are NOT run from there, so the
    # only mpp the venv sees is the installed wheel.
    venv_site = Path(
        run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, env).stdout.strip()
    )
    ours = [p for p in {*site.getsitepackages(), sysconfig.get_paths()["purelib"]} if Path(p).is_dir()]
    (venv_site / "zz_mpp_test_deps.pth").write_text("\n".join(ours) + "\n")
    where = run(
        [py, "-c", "import mpp, mpp.project as p; print(mpp.__file__); print(p.default_config_dir())"], work, env
    ).stdout.split()
    assert all(str(venv_site) in w for w in where), where  # the wheel's package and its packaged config
    run([py, "-m", "pip", "check"], tmp_path, env)  # every declared dependency is satisfied

    installed_before = files_under(venv_site / "mpp")
    repo_before = run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=all"], tmp_path, env).stdout
    home_before = files_under(tmp_path / "home")  # (building the wheel may leave tool settings there)
    mpp_cmd = venv / "bin" / "mpp"
    run([mpp_cmd, "init", "proj"], work, env)
    proj = work / "proj"
    assert (proj / "mpp.toml").is_file() and (proj / "config" / "variants.yaml").is_file()
    outside_before = files_under(tmp_path, skip=(proj, venv, dist, tmp_path / "home"))
    res = run([mpp_cmd, "monthly", "--samples", "100"], proj, env, timeout=900)
    assert "Champion decision" in res.stdout
    out = res.stdout
    assert (
        out.index("National annual scenario bands, cut-off 2025-06")
        < out.index("Annual bands")
        < out.index("COA occupancy at the end of each year")
    )
    assert "total asylum inflow" in out and "2027" in out

    # Everything it wrote is inside proj/: the seeded snapshot, the store, MLflow, the outputs.
    snap = next((proj / "data" / "snapshot").glob("*/provenance.csv")).parent
    assert (proj / "mlruns/mlflow.db").exists()
    # out/<cut-off>/<data source identity>/...: the national table, and per variant the report and occupancy
    for pattern in (
        "out/2025-06/*/national/bands_annual.csv",
        "out/2025-06/*/*/report.html",
        "out/2025-06/*/*/occupancy/occupancy_bands.csv",
    ):
        assert list(proj.glob(pattern)), pattern
    assert 'data_source = "data/snapshot/' in (proj / "mpp.toml").read_text() and (snap / "real").is_dir()
    bands = list((proj / "out").glob("*/*/*/bands_annual.csv"))  # out/<cut-off>/<data>/<variant>/
    assert bands, "no forecast written under proj/out"
    assert files_under(tmp_path, skip=(proj, venv, dist, tmp_path / "home")) == outside_before
    assert files_under(venv_site / "mpp") == installed_before  # nothing written into site-packages
    assert (
        run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=all"], tmp_path, env).stdout == repo_before
    )  # nor into the source tree
    # HOME only gets per-user caches of libraries (matplotlib's font list), never outputs of the run
    stray = [
        p
        for p in set(files_under(tmp_path / "home")) - set(home_before)
        if not p.startswith((".cache/", ".config/matplotlib/"))
    ]
    assert stray == []
