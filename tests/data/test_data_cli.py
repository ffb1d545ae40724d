import json

import pandas as pd
from datahelpers import run

from mpp.errors import DataError, OfflineError


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


def _recorded_sources(monkeypatch, fixtures):
    """cbsodata and the Eurostat API answer with recorded responses (the formats the sources publish)."""
    import cbsodata

    import mpp.data.fetch as fetch

    rows = pd.read_csv(fixtures / "cbs_83102NED_titles.csv").to_dict("records")
    monkeypatch.setattr(cbsodata, "get_data", lambda table, filters=None: rows)
    tsv = (fixtures / "eurostat_migr_asyappctzm.tsv").read_bytes()
    eurostat = fetch.SOURCES["eurostat"]
    monkeypatch.setitem(fetch.SOURCES, "eurostat", (*eurostat[:4], lambda: tsv))
    return tsv


def test_fetch_writes_a_new_verified_snapshot_and_makes_it_the_data_source(monkeypatch, tmp_path, fixtures):
    from mpp.data.snapshot import FETCHED_PANEL, packaged_snapshot, read_manifest, verify_snapshot
    from mpp.project import Project, init_project

    tsv = _recorded_sources(monkeypatch, fixtures)
    init_project(tmp_path / "p")
    r = run("fetch", "--home", str(tmp_path / "p"), "--date", "2027-01-15")
    assert r.exit_code == 0, r.output
    new = tmp_path / "p" / "data" / "snapshot" / "2027-01-15"
    rows = {m.file: m for m in verify_snapshot(new)}
    assert rows[FETCHED_PANEL].retrieved == "2027-01-15" and "cbsodata" in rows[FETCHED_PANEL].source
    assert (new / "real" / "eurostat_migr_asyappctzm_NL.tsv").read_bytes() == tsv  # byte for byte
    old = {m.file: m for m in read_manifest(packaged_snapshot())}
    assert all(rows[f] == m for f, m in old.items())  # the previous files and their provenance kept
    p = Project.discover(start=tmp_path / "p")
    assert p.data_source == new and p.default_data() == new / FETCHED_PANEL
    assert run("check", str(new / FETCHED_PANEL)).exit_code == 0
    again = run("fetch", "--home", str(tmp_path / "p"), "--date", "2027-01-15")
    assert isinstance(again.exception, DataError) and "never overwritten" in str(again.exception)


def test_fetch_without_network_is_one_line_exit_5_and_writes_nothing(monkeypatch, tmp_path):
    import requests

    from mpp.project import init_project

    def offline(*a, **k):
        raise requests.exceptions.ConnectionError("Name or service not known")

    monkeypatch.setattr(requests, "get", offline)
    init_project(tmp_path / "p")
    before = sorted(p.name for p in (tmp_path / "p" / "data" / "snapshot").iterdir())
    r = run("fetch", "eurostat", "--home", str(tmp_path / "p"), "--date", "2027-01-15")
    assert isinstance(r.exception, OfflineError) and r.exception.exit_code == 5
    assert str(r.exception) == "cannot download Eurostat migr_asyappctzm: no network (ConnectionError)"
    assert sorted(p.name for p in (tmp_path / "p" / "data" / "snapshot").iterdir()) == before


def test_a_fetched_file_that_does_not_validate_is_not_kept(monkeypatch, tmp_path, fixtures):
    _recorded_sources(monkeypatch, fixtures)
    import mpp.data.fetch as fetch

    bad = (fixtures / "eurostat_migr_asyappctzm.tsv").read_text().replace("2830 ", "-5 ", 1).encode()
    monkeypatch.setitem(fetch.SOURCES, "eurostat", (*fetch.SOURCES["eurostat"][:4], lambda: bad))
    out = tmp_path / "e.tsv"
    r = run("fetch", "eurostat", "--out", str(out))
    assert isinstance(r.exception, DataError) and "does not validate" in str(r.exception) and not out.exists()
