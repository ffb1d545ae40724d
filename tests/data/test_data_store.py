import pandas as pd
import pytest
from datahelpers import tree_hash

from mpp.data.load import load_file
from mpp.data.store import VintageStore
from mpp.errors import DataError

REAL_NAME = "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"


@pytest.fixture
def panel(real_dir):
    return load_file(real_dir / REAL_NAME)


def test_ingest_is_idempotent_and_reads_back_exactly(panel, tmp_path):
    store = VintageStore(tmp_path / "s")
    first = store.ingest(panel, "2025-07", "cbs")
    before = tree_hash(tmp_path / "s")
    again = store.ingest(panel, "2025-07", "cbs")
    assert first.created and not again.created and again.id == first.id
    assert tree_hash(tmp_path / "s") == before
    back = store.read("2025-07")
    pd.testing.assert_frame_equal(back.drop(columns="vintage"), panel)
    assert (back["vintage"] == pd.Period("2025-07", freq="M")).all()


def test_revision_in_same_month_gets_a_sequence_and_both_read_back(panel, tmp_path):
    store = VintageStore(tmp_path / "s")
    store.ingest(panel, "2025-07", "cbs")
    revised = panel.copy()
    revised.loc[revised.index[-1], "value"] += 5
    r = store.ingest(revised, "2025-07", "cbs")
    assert r.created and r.id == "2025-07.2"
    assert [e["id"] for e in store.vintages()] == ["2025-07", "2025-07.2"]
    pd.testing.assert_frame_equal(store.read("2025-07").drop(columns="vintage"), panel)
    pd.testing.assert_frame_equal(store.read().drop(columns="vintage"), revised)


def test_read_as_of_picks_latest_vintage_published_by_then(panel, tmp_path):
    store = VintageStore(tmp_path / "s")
    old = panel[panel["period"] <= pd.Period("2024-12", freq="M")].reset_index(drop=True)
    store.ingest(old, "2025-01", "cbs")
    store.ingest(panel, "2025-07", "cbs")
    assert store.read_as_of("2025-03")["period"].max() == pd.Period("2024-12", freq="M")
    assert store.read_as_of("2025-07")["period"].max() == pd.Period("2025-06", freq="M")
    with pytest.raises(DataError, match="no vintage published on or before 2024-12"):
        store.read_as_of("2024-12")


def test_real_ind_revision_history_as_two_vintages(real_dir, tmp_path):
    """IND reports give each month's figure first as published and then as revised a month later."""
    src = pd.read_csv(real_dir / "ind_monthly_national_all_vintages_2018_2023.csv")
    src = src[src["stream"] != "total_asylum_inflow"]
    first = src[src["source"].str.contains("own-month figure")]
    revised = src[src["source"].str.contains("revised")]
    months = sorted(set(first["period"]) & set(revised["period"]))
    # a contiguous run of months with both figures (the files have real gaps elsewhere)
    run = [m for m in months if "2020-02" <= m <= "2020-05"]
    assert run == ["2020-02", "2020-03", "2020-04", "2020-05"]
    store = VintageStore(tmp_path / "s")
    frames = {}
    for label, part, vintage in (("first", first, "2020-06"), ("revised", revised, "2020-07")):
        df = part[part["period"].isin(run)][["period", "stream", "nationality", "value"]]
        df = df.assign(period=pd.PeriodIndex(df["period"], freq="M"), source=f"IND {label}")
        from mpp.data.schema import canonical

        frames[label] = canonical(df)
        assert store.ingest(frames[label], vintage, f"IND {label}").created
    a, b = store.read("2020-06"), store.read("2020-07")
    pd.testing.assert_frame_equal(a.drop(columns="vintage"), frames["first"])
    pd.testing.assert_frame_equal(b.drop(columns="vintage"), frames["revised"])
    assert (a["value"].to_numpy() != b["value"].to_numpy()).any()  # real revisions exist (e.g. April 2020)
