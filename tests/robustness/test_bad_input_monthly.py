"""Bad input through `mpp monthly` (issue 14): against a home that already holds a finished month, every rejected
input gives its documented exit code and one line, and the store, the registry (mlflow.db and artifacts) and the
earlier outputs are byte-identical afterwards; nothing is written outside the home."""

from __future__ import annotations

import re

import pytest
from clihelpers import run_main
from robusthelpers import HEADER, VARIANTS_YAML, assert_unchanged, panel_rows, snapshot, write_config, write_panel

pytestmark = pytest.mark.slow  # one real monthly run (about 30 s) shared by the module


@pytest.fixture(scope="module")
def finished_home(tmp_path_factory):
    """A home after one successful `mpp monthly` (cut-off 2024-12) with the quick configuration."""
    root = tmp_path_factory.mktemp("monthly")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MPP_CONFIG_DIR", str(write_config(root / "config")))
        mp.delenv("MLFLOW_TRACKING_URI", raising=False)
        mp.delenv("MPP_HOME", raising=False)
        from mpp.cli import main

        with pytest.raises(SystemExit) as exc:
            main(["monthly", "--data", str(write_panel(root / "good.csv")), "--home", str(root / "home"), "-q"])
        assert exc.value.code in (0, None)
    (report,) = (root / "home" / "out" / "2024-12").glob("*/drift/report.xlsx")
    assert re.fullmatch(r"good-[0-9a-f]{8}", report.parent.parent.name)  # out/<cut-off>/<source>-<hash>/<variant>
    return root


def _file(name: str, content: bytes):
    def make(root, config):
        (root / name).write_bytes(content)
        return ["--data", str(root / name)]

    return make


def _dutch(root, config):
    rows = panel_rows()
    rows[3] = rows[3].rsplit(",", 1)[0] + ",1.000"
    return ["--data", str(write_panel(root / "dutch.csv", rows))]


def _future(root, config):
    return ["--data", str(write_panel(root / "future.csv", panel_rows() + ["2099-01,first_asylum_request,SY,5"]))]


def _bad_variant_name(root, config):
    (config / "variants.yaml").write_text(VARIANTS_YAML + "  ../../../X: {family: drift}\n")
    return ["--data", str(root / "good.csv")]


CASES = {
    "header only": (_file("header.csv", HEADER.encode()), 3, r"header\.csv: .*no data rows"),
    "dutch thousands": (_dutch, 3, r"dutch\.csv:5: value='1\.000': count written with a thousands separator"),
    "binary": (_file("bin.csv", bytes(range(256)) * 8), 3, r"bin\.csv:\d+: (binary data|not UTF-8)"),
    "utf-16": (
        _file("u16.csv", (HEADER + "2024-01,first_asylum_request,SY,5\n").encode("utf-16")),
        3,
        r"u16\.csv: UTF-16/UTF-32 text",
    ),
    "future month": (_future, 3, r"future\.csv:\d+: period='2099-01': period after the vintage"),
    "vintage ../../etc": (
        lambda r, c: ["--data", str(r / "good.csv"), "--vintage", "../../etc"],
        2,
        r"Invalid value for '--vintage': '\.\./\.\./etc' is not a month",
    ),
    "vintage 2099-01": (
        lambda r, c: ["--data", str(r / "good.csv"), "--vintage", "2099-01"],
        2,
        r"Invalid value for '--vintage': 2099-01 is later than",
    ),
    "cutoff 01-06-2025": (
        lambda r, c: ["--data", str(r / "good.csv"), "--cutoff", "01-06-2025"],
        2,
        r"Invalid value for '--cutoff': '01-06-2025' is not a month: expected YYYY-MM",
    ),
    "variant ../../../X": (_bad_variant_name, 4, r"variant '\.\./\.\./\.\./X' cannot be used as a name"),
}


def _all_files(root) -> set[str]:
    return {str(p) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("case", list(CASES))
def test_rejected_input_leaves_store_registry_and_outputs_byte_identical(case, finished_home, capsys, monkeypatch):
    root = finished_home
    config = write_config(root / f"config-{re.sub(r'[^a-z0-9]+', '-', case)}")
    monkeypatch.setenv("MPP_CONFIG_DIR", str(config))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    make, code, message = CASES[case]
    args = make(root, config)
    before, files_before = snapshot(root / "home"), _all_files(root)
    res = run_main(capsys, "monthly", *args, "--home", str(root / "home"), "-q")
    assert res.code == code, res
    assert re.search(message, res.err), res.err
    assert "Traceback" not in res.err
    assert_unchanged(before, root / "home")
    assert _all_files(root) == files_before, "something was written"


def test_unreachable_tracking_server_exits_5_before_anything_is_stored(finished_home, capsys, monkeypatch):
    import socket

    root = finished_home
    monkeypatch.setenv("MPP_CONFIG_DIR", str(write_config(root / "config-offline")))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://mpp:hunter2@127.0.0.1:{port}")
    other = write_panel(root / "other.csv", panel_rows(seed=5))
    before, files_before = snapshot(root / "home"), _all_files(root)
    res = run_main(capsys, "monthly", "--data", str(other), "--home", str(root / "home"), "-q")
    assert res.code == 5, res
    assert "MLFLOW_TRACKING_URI=http://***@127.0.0.1" in res.err and "hunter2" not in res.err + res.out
    assert_unchanged(before, root / "home")
    assert _all_files(root) == files_before


def test_failed_run_leaves_no_finished_looking_output_and_keeps_the_earlier_one(finished_home, capsys, monkeypatch):
    """A run that fails at its very last step (after the reports were written) exits 6; out/<cut-off> is the
    earlier run's, byte for byte, and no half-finished report or staging folder is left."""
    from mpp.tracking.monthly import MonthlyTracking

    root = finished_home
    monkeypatch.setenv("MPP_CONFIG_DIR", str(write_config(root / "config-fail")))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)

    def broken(*a, **k):
        raise RuntimeError("alias store gone")

    monkeypatch.setattr(MonthlyTracking, "commit", broken)
    before = snapshot(root / "home" / "out")
    res = run_main(
        capsys, "monthly", "--data", str(root / "good.csv"), "--home", str(root / "home"), "--samples", "30", "-q"
    )
    assert res.code == 6, res
    assert_unchanged(before, root / "home" / "out")
    assert sorted(p.name for p in (root / "home" / "out").iterdir()) == ["2024-12"]


def test_revision_reads_the_previous_forecast_without_unpickling(finished_home, capsys, monkeypatch):
    """The next month's revision report compares with the previous registered version through its logged bands
    CSV; loading a pickled model would fail here."""
    import mlflow.pyfunc

    root = finished_home
    monkeypatch.setenv("MPP_CONFIG_DIR", str(write_config(root / "config-next")))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)

    def no_unpickling(*a, **k):
        raise AssertionError("the scheduled run must not unpickle a registered model")

    monkeypatch.setattr(mlflow.pyfunc, "load_model", no_unpickling)
    later = write_panel(root / "later.csv", panel_rows(end_year=2025))
    res = run_main(  # this month's file of the same source (`good`): the revision compares with its last version
        capsys, "monthly", "--data", f"good={later}", "--cutoff", "2025-03", "--home", str(root / "home"), "-q"
    )
    assert res.code == 0, res
    (revision,) = (root / "home" / "out" / "2025-03").glob("good-*/drift/revision.csv")
    assert revision.is_file()
    import pandas as pd

    (previous_file,) = (root / "home" / "out" / "2024-12").glob("good-*/drift/bands_annual.csv")
    previous = pd.read_csv(previous_file)
    expected = previous.melt(
        id_vars=["series_id", "year"],
        value_vars=["minimum", "median", "medio", "maximum"],
        var_name="scenario",
        value_name="expected",
    )
    table = pd.read_csv(revision).merge(expected, on=["series_id", "year", "scenario"])
    assert len(table) > 0 and (table["previous"] - table["expected"]).abs().max() < 1e-6
