"""The whole backtest into one folder: tables, ranking, headline, plots, summaries; the CLI on real data."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from mpp.backtest.runner import FrameSource, parse_origins
from mpp.cli.app import app
from mpp.flows.backtest import load_metrics, run_backtest_pipeline
from mpp.spec import BacktestSpec, load_spec

OUTPUTS = (
    "scores.csv",
    "scores.parquet",
    "scores_detail.parquet",
    "ranking.csv",
    "headline.csv",
    "annual_errors.csv",
    "summary_metrics.json",
    "summary.md",
    "summary.html",
    "error_by_horizon.png",
    "coverage_by_level.png",
    "annual_error_by_origin_year.png",
)


def test_pipeline_writes_every_output(panel, fast_config, tmp_path):
    res = run_backtest_pipeline(
        FrameSource(panel, "synthetic"),
        BacktestSpec(("drift",), tuple(parse_origins("2018-12:2019-12:6")), 13, progress=False, n_boot=50),
        tmp_path,
        shared_data=None,
        catalog=load_spec().variants,
        config=load_spec().forecast,
    )
    for f in OUTPUTS:
        assert (tmp_path / f).stat().st_size > 0, f
    scores = pd.read_csv(tmp_path / "scores.csv")
    assert set(scores["level"]) == {"total", "stream", "nationality", "stream_nationality"}
    assert set(scores["target"]) == {"month", "half", "next12", "year"}
    assert set(scores["variant"]) == {"baseline", "drift"}
    assert set(res.ranking.groupby("level")["rank"].apply(tuple)) == {(1, 2)}
    metrics = load_metrics(tmp_path)
    assert set(metrics) == {"baseline", "drift"} and metrics["baseline"]["crps_skill"] == 0.0
    assert "wape_next12" in metrics["drift"] and "total.mase" in metrics["drift"]
    md = (tmp_path / "summary.md").read_text()
    assert "Headline" in md and "default variant drift" in md


@pytest.mark.slow
def test_cli_backtest_on_the_real_panel_with_official_peer(cbs_monthly_path, fast_config, tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    out, home = tmp_path / "bt", tmp_path / "home"
    args = [
        "backtest",
        "--data",
        str(cbs_monthly_path),
        "--variants",
        "drift",
        "--origins",
        "2023-06:2024-06:12",
        "--horizon",
        "12",
        "--out",
        str(out),
        "--quiet",
        "--home",
        str(home),
    ]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "Headline" in r.output and "wall time" in r.output
    # logged to MLflow: a parent run with the outputs, a child run per variant with its scores
    from mlflow.tracking import MlflowClient

    client = MlflowClient(f"sqlite:///{home / 'mlruns' / 'mlflow.db'}")
    exp = client.get_experiment_by_name("mpp-backtest")
    runs = client.search_runs([exp.experiment_id])
    parents = [x for x in runs if x.data.tags.get("mpp.kind") == "backtest"]
    children = {x.data.tags["mpp.variant"]: x for x in runs if x.data.tags.get("mpp.kind") == "backtest-variant"}
    assert len(parents) == 1 and parents[0].info.status == "FINISHED"
    assert set(children) == {"drift", "baseline"}
    assert all(c.data.tags["mlflow.parentRunId"] == parents[0].info.run_id for c in children.values())
    assert children["drift"].data.metrics  # the summary metrics of the variant
    assert "summary.md" in {a.path for a in client.list_artifacts(parents[0].info.run_id)}
    peer = pd.read_csv(out / "official_peer.csv")
    official = peer.loc[
        (peer["forecaster"] == "official MPP") & (peer["vintage"] == "MPP 2024-II") & (peer["target_year"] == 2024)
    ].iloc[0]
    assert official["realised"] == 45600 and official["approx"] == "yes"
    ours = peer.loc[(peer["forecaster"] != "official MPP") & (peer["data_cutoff"] == "2024-06")]
    assert {"panel_first_requests_and_nareizigers", "first_asylum_request"} <= set(ours["quantity"])
    national = ours.loc[ours["quantity"] == "first_asylum_request"].iloc[0]
    assert national["realised"] == 32175 and "assumption" in national["vintage"]
    detail = pd.read_parquet(out / "scores_detail.parquet")
    assert detail.loc[detail["target"] == "month", "period"].max() == "2025-06"
    assert json.loads((out / "backtest.json").read_text())["horizon"] == 12


def test_cli_backtest_json_prints_headline_and_metrics(cbs_monthly_path, fast_config, tmp_path):
    args = [
        "backtest",
        "--data",
        str(cbs_monthly_path),
        "--variants",
        "drift",
        "--origins",
        "2024-06:2024-06",
        "--horizon",
        "12",
        "--out",
        str(tmp_path / "bt"),
        "--no-peer",
        "--no-track",
        "--json",
    ]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["mlflow_run_id"] is None and set(out["metrics"]) == {"drift", "baseline"}
    assert {h["variant"] for h in out["headline"]} == {"drift", "baseline"}


def test_backtest_spec_is_frozen_and_the_acceptance_run_is_configuration():
    from dataclasses import FrozenInstanceError

    from mpp.spec import load_acceptance_backtest

    plan = BacktestSpec(["drift"], parse_origins("2019-06:2019-12:6"), 12)
    assert plan.variants == ("drift",) and plan.origins == tuple(parse_origins("2019-06:2019-12:6"))
    with pytest.raises(FrozenInstanceError):
        plan.seed = 1  # type: ignore[misc]
    assert plan.publication_lag is None and plan.with_lag(2).publication_lag == 2
    run = load_acceptance_backtest()
    assert (run.origins, run.horizon, run.workers) == ("2019-06:2024-06:3", 12, 2)
    assert run.panel.startswith("real/") and run.variants[0] == "baseline"
