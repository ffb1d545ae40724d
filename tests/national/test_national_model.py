"""The national model on the real sources: coherence on every path, poisoning after the cut-off, no invented
months in any stored table, the annual table at cut-off 2025-06."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from national_checks import assert_months_quarters_years

from mpp.flows.national import write_national
from mpp.national.model import (
    FIRST,
    FIRST_OTHER,
    FIRST_PANEL,
    NAR,
    NAR_OTHER,
    NAR_PANEL,
    REPEAT,
    RESETTLE,
    TOTAL_ID,
    forecast_national,
)
from mpp.national.run import annual_table, run_national

N = 200


@pytest.fixture(scope="module")
def fc(national_obs, national_cfg):
    return forecast_national(national_obs, "2025-06", national_cfg, seed=3, n_samples=N)


@pytest.fixture(scope="module")
def written(national_dir, national_cfg, tmp_path_factory):
    run = run_national("2025-06", national_dir, national_cfg, seed=1, n_samples=N)
    out = tmp_path_factory.mktemp("national")
    write_national(run, out)
    return run, out


def _i(fc, sid):
    return fc.index(sid)


def test_paths_coherent_across_months_quarters_years_and_streams(fc, national_dir):
    p = fc.paths
    assert p.shape == (len(fc.series_ids), 36, N)
    assert len(fc.series_ids) == 9
    # streams add up to the total on every path and month
    streams = p[_i(fc, FIRST)] + p[_i(fc, REPEAT)] + p[_i(fc, NAR)] + p[_i(fc, RESETTLE)]
    np.testing.assert_allclose(p[_i(fc, TOTAL_ID)], streams, rtol=0, atol=1e-6)
    # nationalities add up to their stream
    np.testing.assert_allclose(p[_i(fc, NAR)], p[_i(fc, NAR_PANEL)] + p[_i(fc, NAR_OTHER)], rtol=0, atol=1e-6)
    np.testing.assert_allclose(p[_i(fc, FIRST)], p[_i(fc, FIRST_PANEL)] + p[_i(fc, FIRST_OTHER)], rtol=0, atol=1e-6)
    assert (p[_i(fc, FIRST_OTHER)] >= 0).all() and (p[_i(fc, NAR_OTHER)] >= -1e-9).all()
    # months -> quarters -> years, for every series
    assert_months_quarters_years(fc)
    quarters, q = fc.quarterly()
    # observed quarters are exact: 2025-Q1 and Q2 of national first requests (CBS 4,530 and 5,330)
    np.testing.assert_allclose(q[_i(fc, FIRST), 0], 4530, atol=1e-6)
    np.testing.assert_allclose(q[_i(fc, FIRST), 1], 5330, atol=1e-6)
    # the panel's observed quarter is exact too: 7 nationalities' first requests 2025-Q2 (CBS 83102NED)
    panel = pd.read_csv(national_dir / "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv")
    q2 = panel[(panel["stream"] == "first_asylum_request") & panel["period"].isin(["2025-04", "2025-05", "2025-06"])]
    np.testing.assert_allclose(q[_i(fc, FIRST_PANEL), 1], q2["value"].sum(), atol=1e-6)
    assert (p >= -1e-9).all()


def test_stored_paths_add_up_to_stored_bands(written):
    run, tmp_path = written
    paths = pd.read_parquet(tmp_path / "paths.parquet")
    months = [c for c in paths.columns if c not in ("series_id", "sample")]
    wide = paths.set_index(["series_id", "sample"])[months]
    total = wide.loc["TOTAL/TOTAL"].to_numpy()
    parts = sum(wide.loc[s].to_numpy() for s in (FIRST, REPEAT, NAR, RESETTLE))
    np.testing.assert_allclose(total, parts, atol=1e-6)
    # 2026 annual bands are quantiles of the stored monthly paths' annual sums
    y2026 = wide.loc[FIRST][[m for m in months if m.startswith("2026")]].sum(axis=1)
    band = run.bands_annual.set_index(["series_id", "year"]).loc[(FIRST, 2026)]
    assert band["median"] == pytest.approx(np.quantile(y2026, 0.5))


def test_poisoning_after_the_cutoff_changes_nothing(national_obs, national_cfg, fc):
    poisoned = national_obs.copy()
    # the real files end at 2025-Q2: add values after the cut-off at every frequency, absurdly large
    poison = poisoned[poisoned["source"] == "cbs_quarterly"].tail(4).copy()
    poison["start"] = [pd.Period(m, "M") for m in ("2025-07", "2025-10", "2026-01", "2026-04")]
    poison["end"] = poison["start"] + 2
    poison["period"] = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    poison["value"] = 1e6
    months = poisoned[(poisoned["source"] == "cbs_panel_7nat")].tail(12).copy()
    months["start"] = months["end"] = [pd.Period("2025-07", "M") + i for i in range(12)]
    months["period"] = months["start"].astype(str)
    months["value"] = 1e6
    annual = (
        poisoned[poisoned["source"] == "cbs_annual"]
        .tail(1)
        .assign(period="2025", value=1e6, start=pd.Period("2025-01", "M"), end=pd.Period("2025-12", "M"))
    )
    poisoned = pd.concat([poisoned, poison, months, annual], ignore_index=True)
    again = forecast_national(poisoned, "2025-06", national_cfg, seed=3, n_samples=N)
    np.testing.assert_array_equal(again.paths, fc.paths)


def test_quarterly_only_stretch_is_never_stored_as_months(written):
    run, tmp_path = written
    obs = pd.read_csv(tmp_path / "observations.csv", dtype=str)
    months = obs[(obs["stream"] == "first_asylum_request") & (obs["freq"] == "M")]
    first_months = months[months["nationality"] == "TOTAL"]
    # every stored national month was published by a source: its file and row hold that period
    assert (first_months["derived"].fillna("") == "").all()
    # the panel's months are sums of its 7 published cells, never national estimates
    assert (months.loc[months["nationality"] != "TOTAL", "derived"] == "sum of 7 nationalities").all()
    # 2023-07..2025-06: national first requests exist only per quarter; no month of it is stored
    stretch = pd.period_range("2023-07", "2025-06", freq="M").astype(str)
    assert not first_months["period"].isin(stretch).any()
    assert (
        obs[(obs["stream"] == "first_asylum_request") & (obs["freq"] == "Q") & (obs["nationality"] == "TOTAL")][
            "period"
        ]
        .isin(["2024-Q1", "2025-Q2"])
        .sum()
        == 2
    )
    # monthly bands and paths start after the cut-off; no earlier month is stored anywhere
    bm = pd.read_csv(tmp_path / "bands_monthly.csv", dtype=str)
    assert pd.PeriodIndex(bm["period"], freq="M").min() == pd.Period("2025-07", "M")
    paths = pd.read_parquet(tmp_path / "paths.parquet")
    assert min(c for c in paths.columns if c[:2] == "20") == "2025-07"


def test_annual_table_at_2025_06_is_ordered_and_nonnegative(written):
    run, _ = written
    t = annual_table(run.bands_annual)
    assert set(t["year"]) == {2025, 2026, 2027}
    assert len(t) == 15
    b = t[["minimum", "median", "medio", "maximum"]].to_numpy()
    assert (b >= 0).all() and (np.diff(b, axis=1) >= 0).all()
    m = run.manifest
    # the manifest names a source per series and frequency
    assert set(m["sources_used"]["first_asylum_request/TOTAL"]) == {"M", "Q", "Y"}
    assert "cbs_quarterly" in m["sources_used"]["first_asylum_request/TOTAL"]["Q"]
    assert m["models"]["resettlement"]["method"] == "stated assumption"


def test_a_cutoff_before_the_panel_is_a_clear_data_error(national_obs, national_cfg):
    from mpp.errors import DataError

    with pytest.raises(DataError, match="7-nationality panel"):
        forecast_national(national_obs, "2015-03", national_cfg, seed=0, n_samples=50)
