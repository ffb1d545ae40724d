import json

import pandas as pd
from datahelpers import run

from mpp.errors import OfflineError


def test_sample_ingest_list_summary(tmp_path):
    out, store = tmp_path / "sample.csv", tmp_path / "store"
    assert run("sample", "--out", str(out), "--seed", "3").exit_code == 0
    assert len(pd.read_csv(out)) > 10000
    r = run("ingest", str(out), "--vintage", "2025-07", "--store", str(store))
    assert r.exit_code == 0 and "created" in r.output, r.output
    r = run("ingest", str(out), "--vintage", "2025-07", "--store", str(store))
    assert "unchanged" in r.output
    assert "2025-07" in run("list", "--store", str(store)).output
    summary = run("summary", "--store", str(store)).output
    assert "160 series, 40 nationalities, 2015-01..2025-06" in summary and "2015" in summary
    listed = json.loads(run("list", "--store", str(store), "--json").output)
    assert [v["id"] for v in listed] == ["2025-07"] and listed[0]["rows"] == len(pd.read_csv(out))
    facts = json.loads(run("summary", "--store", str(store), "--json").output)
    assert (facts["series"], facts["nationalities"], facts["first"], facts["last"]) == (160, 40, "2015-01", "2025-06")
    raw = pd.read_csv(out)
    assert (
        sum(facts["annual"]["2016"][s] for s in raw["stream"].unique())
        == raw[raw.period.str.startswith("2016")].value.sum()
    )
    assert facts["annual"]["2016"]["months"] == 12


def test_every_command_has_help_with_an_example():
    for cmd in ("check", "ingest", "list", "summary", "sample", "fetch"):
        r = run(cmd, "--help")
        assert r.exit_code == 0 and "Example" in r.output, cmd


def test_fetch_offline_is_one_clear_error(monkeypatch, tmp_path):
    import cbsodata
    import requests

    def offline(*a, **k):
        raise requests.exceptions.ConnectionError("Name or service not known")

    monkeypatch.setattr(cbsodata, "get_data", offline)
    r = run("fetch", "cbs", "--out", str(tmp_path / "x.csv"))
    assert isinstance(r.exception, OfflineError) and r.exception.exit_code == 5
    assert "no network" in str(r.exception) and not (tmp_path / "x.csv").exists()


def test_fetch_writes_what_cbsodata_returns(monkeypatch, tmp_path, fixtures):
    import cbsodata

    rows = pd.read_csv(fixtures / "cbs_83102NED_titles.csv").to_dict("records")
    monkeypatch.setattr(cbsodata, "get_data", lambda table, filters=None: rows)
    out = tmp_path / "cbs.csv"
    assert run("fetch", "cbs", "--out", str(out)).exit_code == 0
    assert run("check", str(out)).exit_code == 0
