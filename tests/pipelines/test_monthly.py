"""The monthly pipeline end to end on the real CBS panel, against embedded SQLite and a PostgreSQL-backed server:
two cut-offs register two versions per variant with a revision report, a rerun creates nothing, the registered
pyfunc reproduces the logged bands exactly, a failure half-way leaves the registry as it was, the lock refuses a
second run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock
from mlflow.tracking import MlflowClient

from mpp.errors import DataError, RunFailed, RunLocked
from mpp.flows import run_monthly
from mpp.project import Project
from mpp.tracking import registry as reg

# `make test` keeps the two-cut-off run on SQLite, the rollback on PostgreSQL and the lock; the rest (and the
# other backend of those two, see conftest.SLOW_CASES) run in `make test-all`.
BANDS = ["minimum", "median", "medio", "maximum"]


def _prefix(tmp_path: Path, tracking: str) -> str:
    """A server is shared by the session's tests: give each its own experiment and model names."""
    return "t" + str(abs(hash(str(tmp_path))))[:10] if tracking != "sqlite" else "mpp"


def _configure(fast_config: Path, prefix: str) -> None:
    text = (fast_config / "pipeline.yaml").read_text()
    (fast_config / "pipeline.yaml").write_text(text + f"experiment: {prefix}-monthly\nmodel_prefix: {prefix}\n")


def _client(home: Path) -> MlflowClient:
    uri = Project.discover(home).tracking_uri()
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


SOURCE = "cbs"  # --data FILE is the project's data source (the snapshot's panel), the catalog's entry `cbs`


def _state(client: MlflowClient, prefix: str) -> dict:
    """Versions and aliases of both registered models, comparable before/after."""
    out = {}
    for v in ("baseline", "drift"):
        name = f"{prefix}-{SOURCE}-{v}"
        out[name] = (
            [(str(m.version), m.tags.get("cutoff")) for m in reg.versions(client, name, committed=None)],
            {
                a: (str(mv.version) if (mv := reg.alias_version(client, name, a)) else None)
                for a in ("champion", "challenger")
            },
        )
    return out


def test_two_cutoffs_then_rerun_on_the_real_panel(tracking, fast_config, tmp_path, cbs_monthly_path):
    prefix = _prefix(tmp_path, tracking)
    _configure(fast_config, prefix)
    home = tmp_path / "home"
    first = run_monthly(data=cbs_monthly_path, cutoff="2025-05", home=home, echo=lambda s: None)
    second = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=lambda s: None)
    client = _client(home)
    state = _state(client, prefix)
    for name, (versions, aliases) in state.items():
        assert versions == [("1", "2025-05"), ("2", "2025-06")], name
        assert aliases["champion"] in ("1", "2") and (aliases["champion"] == "2") != (aliases["challenger"] == "2")
    assert first.vintage == "2025-06" and second.vintage == "2025-07"
    assert first.data_hash != second.data_hash  # the 2025-06 vintage has one month more

    # revision report against the previous registered version
    rev = pd.read_csv(second.out_dir / "revision.csv")
    assert list(rev.columns[:5]) == ["quantity", "year", "scenario", "current", "previous"]
    assert {"total asylum inflow", "first asylum requests"} <= set(rev["quantity"])
    cur = pd.read_csv(second.out_dir / "bands_annual.csv")
    prev = pd.read_csv(first.out_dir / "bands_annual.csv")
    row = rev[(rev["series_id"] == "TOTAL/TOTAL") & (rev["year"] == 2025) & (rev["scenario"] == "median")].iloc[0]
    assert row["current"] == cur.query("series_id == 'TOTAL/TOTAL' and year == 2025")["median"].item()
    assert row["previous"] == prev.query("series_id == 'TOTAL/TOTAL' and year == 2025")["median"].item()
    assert "previous forecast" in (second.out_dir / "revision.md").read_text()
    assert not (first.out_dir / "revision.csv").exists()

    # the registered pyfunc gives back exactly the bands that were logged with it
    model = reg.load_version(f"{prefix}-{SOURCE}-drift", "2")
    for kind, f in (("annual", "bands_annual.csv"), ("monthly", "bands_monthly.csv")):
        got = model.predict(pd.DataFrame({"kind": [kind]}))
        logged = pd.read_csv(second.out_dir / f, float_precision="round_trip", dtype={"period": str})
        pd.testing.assert_frame_equal(got[BANDS].reset_index(drop=True), logged[BANDS], check_exact=True)
        assert list(got["series_id"]) == list(logged["series_id"])

    # params, metrics, artifacts of the variant run
    run = client.get_run(second.outcomes["drift"].run_id)
    assert run.data.params["cutoff"] == "2025-06" and run.data.params["data_hash"] == second.data_hash
    assert "stream_nationality.crps_scaled" in run.data.metrics
    names = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"bands_annual.csv", "manifest.json", "revision.csv"} <= names

    # rerunning 2025-06 with the same data and config creates nothing
    n_runs = len(client.search_runs([client.get_experiment_by_name(f"{prefix}-monthly").experiment_id]))
    again = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=lambda s: None)
    assert again.reused and again.parent_run_id == second.parent_run_id
    assert _state(client, prefix) == state
    assert len(client.search_runs([client.get_experiment_by_name(f"{prefix}-monthly").experiment_id])) == n_runs


def test_failure_after_registration_leaves_registry_and_aliases(
    tracking, fast_config, tmp_path, cbs_monthly_path, monkeypatch
):
    prefix = _prefix(tmp_path, tracking)
    _configure(fast_config, prefix)
    home = tmp_path / "home"
    run_monthly(data=cbs_monthly_path, cutoff="2025-05", home=home, echo=lambda s: None)
    client = _client(home)
    before = _state(client, prefix)

    def broken(*args, **kwargs):
        raise OSError("disk full while moving the alias")

    monkeypatch.setattr(reg, "move_aliases", broken)
    with pytest.raises(RunFailed, match="disk full"):
        run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=lambda s: None)
    assert _state(client, prefix) == before
    exp = client.get_experiment_by_name(f"{prefix}-monthly").experiment_id
    failed = client.search_runs([exp], filter_string="tags.`mpp.kind` = 'monthly' and tags.cutoff = '2025-06'")
    assert [r.info.status for r in failed] == ["FAILED"]

    # after the fault is gone the same cut-off runs and registers normally (nothing was half-committed)
    monkeypatch.undo()
    monkeypatch.setenv("MPP_CONFIG_DIR", str(fast_config))
    if tracking != "sqlite":
        monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking)
    ok = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=lambda s: None)
    assert not ok.reused and ok.outcomes["drift"].new_version
    # MLflow never reuses a deleted version number: the rolled-back version 2 is gone, 3 is the new one
    assert _state(client, prefix)[f"{prefix}-{SOURCE}-drift"][0] == [("1", "2025-05"), ("3", "2025-06")]


def test_second_run_is_refused_while_the_lock_is_held(fast_config, tmp_path, cbs_monthly_path):
    home = tmp_path / "home"
    lock = Project.discover(home).lock_file
    lock.parent.mkdir(parents=True)
    with FileLock(str(lock)):
        with pytest.raises(RunLocked):
            run_monthly(data=cbs_monthly_path, home=home, echo=lambda s: None)
        env = {**os.environ, "MPP_CONFIG_DIR": str(fast_config)}
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "from mpp.cli import main; main()",
                "monthly",
                "--home",
                str(home),
                "--data",
                str(cbs_monthly_path),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    assert proc.returncode == 75, proc.stderr
    assert "another mpp monthly run" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_invalid_data_exits_3_and_invalid_config_exits_4(fast_config, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("period,stream,nationality,value\n2024-01,first_asylum_request,SYR,-5\n")
    with pytest.raises(DataError):
        run_monthly(data=bad, home=tmp_path / "home", echo=lambda s: None)
    env = {**os.environ, "MPP_CONFIG_DIR": str(fast_config)}
    cli = [sys.executable, "-c", "from mpp.cli import main; main()", "monthly", "--home", str(tmp_path / "home")]
    assert subprocess.run([*cli, "--data", str(bad)], capture_output=True, env=env, timeout=120).returncode == 3
    (fast_config / "pipeline.yaml").write_text("variants: [baseline]\ngating: {margin: 2}\n")
    proc = subprocess.run(cli, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 4 and "gating.margin" in proc.stderr


@pytest.mark.slow
def test_compare_prints_both_variants_and_writes_the_overlay_and_ui_has_help(fast_config, tmp_path, cbs_monthly_path):
    from typer.testing import CliRunner

    from mpp.cli import app

    home = tmp_path / "home"
    run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=lambda s: None)
    out = tmp_path / "cmp.html"
    res = CliRunner().invoke(
        app,
        [
            "compare",
            "--cutoff",
            "2025-06",
            "--variants",
            "baseline,drift",
            "--data",
            str(cbs_monthly_path),
            "--home",
            str(home),
            "--out",
            str(out),
        ],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert "baseline" in res.output and "drift *" in res.output  # drift is the published variant (champion)
    assert "Downloading" not in res.output and "crps_scaled" not in res.output  # quiet, no raw metric keys
    page = out.read_text(encoding="utf-8")
    assert "Differences from the champion" in page and "Error of 12-month totals" in page
    assert page.count('<img alt="') == 3  # total + first requests + nareizigers overlaid
    res = CliRunner().invoke(
        app,
        [
            "compare",
            "--cutoff",
            "2025-06",
            "--variants",
            "baseline,drift",
            "--data",
            str(cbs_monthly_path),
            "--home",
            str(home),
            "--out",
            str(tmp_path / "cmp_nl.html"),
            "--lang",
            "nl",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["champion"] == "drift" and set(data["variants"]) == {"baseline", "drift"}
    assert data["variants"]["baseline"]["difference_from_champion"] and "Downloading" not in res.output
    assert "Verschillen met de kampioen" in (tmp_path / "cmp_nl.html").read_text(encoding="utf-8")
    res = CliRunner().invoke(app, ["compare", "--cutoff", "2024-01", "--variants", "drift", "--home", str(home)])
    assert res.exit_code != 0 and "no finished run" in str(res.exception)
    res = CliRunner().invoke(app, ["ui", "--help"])
    assert res.exit_code == 0 and "127.0.0.1" in res.output


@pytest.mark.slow
def test_sigterm_after_registration_rolls_back_and_exits_6(fast_config, tmp_path, cbs_monthly_path):
    """A scheduler's SIGTERM while the aliases are about to move: versions rolled back, aliases kept, FAILED."""
    import signal
    import time

    home = tmp_path / "home"
    run_monthly(data=cbs_monthly_path, cutoff="2025-05", home=home, echo=lambda s: None)
    client = _client(home)
    before = _state(client, "mpp")
    # the child announces the alias step on stderr and then waits there, so the signal lands at a known point
    code = (
        "import sys, time\n"
        "import mpp.tracking.registry as r\n"
        "def slow(*a, **k):\n"
        "    print('MOVING-ALIASES', file=sys.stderr, flush=True)\n"
        "    time.sleep(120)\n"
        "r.move_aliases = slow\n"
        "from mpp.cli import main\n"
        "main()\n"
    )
    env = {**os.environ, "MPP_CONFIG_DIR": str(fast_config)}
    env.pop("MLFLOW_TRACKING_URI", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "monthly",
            "--home",
            str(home),
            "--data",
            str(cbs_monthly_path),
            "--cutoff",
            "2025-06",
            "--quiet",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 300
    for line in proc.stderr:
        if "MOVING-ALIASES" in line or time.monotonic() > deadline:
            break
    assert proc.poll() is None, "the run ended before reaching the alias step"
    proc.send_signal(signal.SIGTERM)
    rest = proc.stderr.read()
    assert proc.wait(timeout=120) == 6, rest
    assert "terminated by signal" in rest
    assert _state(client, "mpp") == before
    exp = client.get_experiment_by_name("mpp-monthly").experiment_id
    runs = client.search_runs([exp], filter_string="tags.`mpp.kind` = 'monthly' and tags.cutoff = '2025-06'")
    assert [r.info.status for r in runs] == ["FAILED"]


@pytest.mark.slow
def test_editing_one_variant_recomputes_only_that_variant_and_the_log_says_why(fast_config, tmp_path, cbs_monthly_path):
    home = tmp_path / "home"
    first_log: list[str] = []
    first = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=first_log.append)
    assert "backtest baseline: 1 of 1 origin(s) recomputed (not computed yet)" in first_log
    again_log: list[str] = []
    again = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=again_log.append)
    assert again.reused and any("reused from finished MLflow run" in x and "same data hash" in x for x in again_log)

    text = (fast_config / "variants.yaml").read_text()
    (fast_config / "variants.yaml").write_text(
        text.replace("drift: {family: drift}", "drift: {family: drift, window: 60}")
    )
    log: list[str] = []
    edited = run_monthly(data=cbs_monthly_path, cutoff="2025-06", home=home, echo=log.append)
    assert not edited.reused
    assert any(x.startswith("cut-off 2025-06: no finished run with data hash") for x in log)
    # the gating backtest: baseline's part reused, drift's recomputed, and why
    assert "backtest baseline: 1 of 1 origin(s) reused (same spec, data and code)" in log
    assert "backtest drift: 1 of 1 origin(s) recomputed (changed: variant spec or forecast settings)" in log
    # the registry: baseline's version (same run key) reused, a new version for drift only
    assert not edited.outcomes["baseline"].new_version
    assert edited.outcomes["baseline"].version == first.outcomes["baseline"].version
    assert edited.outcomes["drift"].new_version and edited.outcomes["drift"].version != first.outcomes["drift"].version
