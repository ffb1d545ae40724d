"""Usage mistakes get click's short usage message and exit 2, never a traceback (issue 14)."""

from __future__ import annotations

import re

import pytest
from clihelpers import run_main


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "Usage: mpp [OPTIONS] COMMAND"),
        (("forecast",), "Error: Missing option '--out'."),
        (("forcast",), "Error: No such command 'forcast'. Did you mean 'forecast'?"),
        (("forecast", "--data", "x.csv", "--out", "o", "--horizon", "abc"), "Error: Invalid value for '--horizon'"),
        (("--bogus",), "Error: No such option: --bogus"),
        (("data", "check", "x.csv", "--wat"), "Error: No such option: --wat"),
        (
            ("forecast", "--data", "x.csv", "--out", "o", "--cutoff", "01-06-2025"),
            "Error: Invalid value for '--cutoff': '01-06-2025' is not a month: expected YYYY-MM, e.g. 2025-06",
        ),
        (("monthly", "--cutoff", "2025/06"), "Invalid value for '--cutoff': '2025/06' is not a month"),
        (("monthly", "--vintage", "../../etc"), "Invalid value for '--vintage': '../../etc' is not a month"),
        (("data", "ingest", "x.csv", "--vintage", "2099-01"), "Invalid value for '--vintage': 2099-01 is later than"),
        (("data", "check", "x.csv", "--vintage", "2025-13"), "Invalid value for '--vintage': '2025-13' is not a month"),
        (("data", "sample", "--out", "x.csv", "--start", "juni-2025"), "Invalid value for '--start'"),
        (("compare", "--cutoff", "2025-6", "--variants", "a"), "Invalid value for '--cutoff': '2025-6' is not a month"),
        (
            (
                "occupancy-replay",
                "--real",
                "r",
                "--start",
                "2018-1",
                "--end",
                "2018-12",
                "--assumptions",
                "a.yaml",
                "--observations",
                "o.csv",
                "--out",
                "o",
                "--fit-until",
                "2018-06-30",
            ),
            "Invalid value for '--start'",
        ),
    ],
)
def test_usage_errors_exit_2_without_traceback(capsys, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    res = run_main(capsys, *args)
    assert res.code == 2, res
    assert message in res.err + res.out
    assert "Traceback" not in res.err + res.out
    assert not any(tmp_path.iterdir()), "a usage error wrote something"


def test_version_prints_version_and_code_revision(capsys):
    from mpp import __version__

    res = run_main(capsys, "--version")
    assert res.code == 0
    assert re.fullmatch(
        rf"mpp {re.escape(__version__)} \(code {re.escape(__version__)}(\+g[0-9a-f]{{12}}(-dirty)?)?\)\n", res.out
    ), res.out


def test_help_exits_0(capsys):
    res = run_main(capsys, "--help")
    assert res.code == 0 and "monthly" in res.out


def test_bug_is_one_line_exit_1_and_masks_secrets(capsys, monkeypatch):
    """An unexpected exception is a one-line 'internal error' (exit 1); MPP_DEBUG=1 adds the traceback,
    with credentials masked in both."""
    import mpp.cli.data as data_cli

    def boom(*a, **k):
        raise RuntimeError("cannot reach http://alice:s3cret@tracking.example/api?token=abc")

    monkeypatch.setattr(data_cli, "summarise", boom)
    monkeypatch.setattr("mpp.data.load.load_file", lambda f: None)
    res = run_main(capsys, "data", "summary", "--file", "x.csv")
    assert res.code == 1
    assert res.err.startswith(
        "error: internal error (RuntimeError: cannot reach http://***@tracking.example/api?token=***)"
    )
    assert len(res.err.strip().splitlines()) == 1
    assert "s3cret" not in res.err and "Traceback" not in res.err
    monkeypatch.setenv("MPP_DEBUG", "1")
    res = run_main(capsys, "data", "summary", "--file", "x.csv")
    assert "Traceback" in res.err and "s3cret" not in res.err and "abc" not in res.err
