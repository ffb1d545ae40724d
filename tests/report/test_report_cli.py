import openpyxl
from typer.testing import CliRunner

from mpp.cli import app

runner = CliRunner()


def test_report_command_writes_html_and_workbook_by_default(run_dir, tmp_path, no_charts):
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    result = runner.invoke(app, ["report", str(run_dir), "--out", str(html), "--excel", str(xlsx), "--lang", "nl"])
    assert result.exit_code == 0, result.output
    assert "Kerncijfers" in html.read_text(encoding="utf-8")
    assert "Kerncijfers" in openpyxl.load_workbook(xlsx).sheetnames


def test_report_command_user_errors(tmp_path, run_dir):
    from mpp.errors import DataError, MppError

    result = runner.invoke(app, ["report", str(tmp_path / "missing")])
    assert isinstance(result.exception, DataError)
    result = runner.invoke(app, ["report", str(run_dir), "--lang", "de", "--out", str(tmp_path / "x.html")])
    assert isinstance(result.exception, MppError) and "unknown language" in str(result.exception)


def test_report_command_writes_every_chart_as_png(run_dir, tmp_path, no_charts):
    result = runner.invoke(
        app,
        [
            "report",
            str(run_dir),
            "--html-only",
            "--out",
            str(tmp_path / "r.html"),
            "--charts",
            str(tmp_path / "charts"),
        ],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "charts").glob("*.png"))
    assert "fan_TOTAL_TOTAL.png" in names and "annual_nareizigers_TOTAL.png" in names
    assert "fan_occupancy_total.png" in names and "fan_status_holder_share.png" in names and len(names) == 17
    assert not (tmp_path / "r.xlsx").exists() and not (run_dir / "report.xlsx").exists()


def test_report_command_json_lists_the_written_files(run_dir, tmp_path, no_charts):
    import json

    result = runner.invoke(
        app, ["report", str(run_dir), "--out", str(tmp_path / "r.html"), "--excel", str(tmp_path / "r.xlsx"), "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out == {"files": [str(tmp_path / "r.html"), str(tmp_path / "r.xlsx")], "charts": []}


def test_ui_says_where_it_listens_before_starting(tmp_path, monkeypatch):
    import subprocess

    calls = []
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setattr(subprocess, "call", lambda cmd, **kw: calls.append((cmd, kw)) or 0)
    result = runner.invoke(app, ["ui", "--home", str(tmp_path), "--port", "5123"])
    assert result.exit_code == 0, result.output
    assert "Starting the MLflow UI" in result.output and "http://127.0.0.1:5123" in result.output
    cmd, kw = calls[0]
    assert cmd[cmd.index("--port") + 1] == "5123" and "ignore::DeprecationWarning" in kw["env"]["PYTHONWARNINGS"]


def test_help_examples_use_the_packaged_snapshot_or_the_sample():
    import typer

    commands = typer.main.get_command(app).commands
    for name in ("forecast", "backtest", "occupancy", "report", "compare", "monthly"):
        example = (commands[name].epilog or "") + (commands[name].help or "").split("Example", 1)[-1]
        assert "Example" in (commands[name].epilog or commands[name].help), name
        assert "../shared" not in example and ("snapshot" in example or "sample" in example), name
    assert "Example" in runner.invoke(app, ["forecast", "--help"], env={"COLUMNS": "200"}).output
