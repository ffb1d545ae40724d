"""The revision waterfall (new data / model change / overlays) adds up exactly to the total change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.revision import WATERFALL_STEPS, revision_waterfall, waterfall_markdown


def bands(values: dict, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for (sid, year), med in values.items():
        level = "total" if sid == "TOTAL/TOTAL" else "stream" if sid.endswith("/TOTAL") else "stream_nationality"
        rows.append(
            {
                "series_id": sid,
                "level": level,
                "year": year,
                "minimum": med * 0.7,
                "median": med,
                "medio": med * 1.1,
                "maximum": med * 1.4 + rng.random(),
            }
        )
    return pd.DataFrame(rows)


KEYS = [("TOTAL/TOTAL", 2026), ("TOTAL/TOTAL", 2027), ("nareizigers/TOTAL", 2026), ("nareizigers/TOTAL", 2027)]


@pytest.mark.parametrize("seed", range(5))
def test_steps_add_up_exactly_to_the_change(seed):
    rng = np.random.default_rng(seed)
    draw = lambda: bands({k: float(rng.uniform(1e3, 9e4)) + rng.random() / 3 for k in KEYS}, seed)  # noqa: E731
    pm, pt, bm, cm, ct = draw(), draw(), draw(), draw(), draw()
    w = revision_waterfall(pm, cm, previous_total=pt, current_total=ct, bridge_model=bm)
    assert len(w) == len(KEYS)
    steps = w[list(WATERFALL_STEPS)].sum(axis=1)
    assert (w["previous"] + steps == w["current"]).all()  # integers: exact
    cur = ct.set_index(["series_id", "year"])["median"].round().astype("int64")
    prev = pt.set_index(["series_id", "year"])["median"].round().astype("int64")
    for _, r in w.iterrows():
        assert r["current"] == cur[(r["series_id"], r["year"])] and r["previous"] == prev[(r["series_id"], r["year"])]
    # the steps are what they say: new data compares the same model on old and new data
    b = bm.set_index(["series_id", "year"])["median"].round().astype("int64")
    p = pm.set_index(["series_id", "year"])["median"].round().astype("int64")
    r0 = w.iloc[0]
    assert r0["new data"] == b[(r0["series_id"], r0["year"])] - p[(r0["series_id"], r0["year"])]


def test_no_overlays_and_no_model_change_leave_only_new_data():
    prev = bands({k: 1000.0 for k in KEYS})
    cur = bands({k: 1234.4 for k in KEYS})
    w = revision_waterfall(prev, cur)
    assert (w["new data"] == 234).all() and (w["model change"] == 0).all() and (w["overlays"] == 0).all()
    md = waterfall_markdown(w, "2025-06", "2025-05", "drift")
    assert "1,000 + 234 (new data) + 0 (model change) + 0 (overlays) = 1,234" in md


def test_overlay_added_this_month_is_the_overlay_step():
    prev = bands({k: 1000.0 for k in KEYS})
    cur = bands({k: 1100.0 for k in KEYS})
    cur_total = bands({k: 800.0 for k in KEYS})
    w = revision_waterfall(prev, cur, current_total=cur_total)
    assert (w["new data"] == 100).all() and (w["overlays"] == -300).all() and (w["current"] == 800).all()


def test_overlay_stage_and_waterfall_files(overlay_file, tmp_path):
    """Previous month without overlays, this month with one: the overlay step is exactly total - model."""
    from overlayfixture import make_result

    from mpp.flows.forecast import write_forecast
    from mpp.flows.overlays import overlay_stage, write_waterfall
    from mpp.spec import load_overlays

    prev, cur = make_result(seed=1), make_result(seed=2)
    write_forecast(prev, tmp_path / "prev")
    write_forecast(cur, tmp_path / "cur")
    stage = overlay_stage(
        tmp_path / "cur", load_overlays([overlay_file("x", "- {start: 2026-01, change: multiplicative, size: 0.7}")])
    )
    assert (stage.directory / "summary.csv").is_file() and stage.occupancy_dir is None
    w = write_waterfall(tmp_path / "cur", tmp_path / "prev", prev.bands_annual, "2025-06", "2025-05", "test")
    assert (w["previous"] + w["new data"] + w["model change"] + w["overlays"] == w["current"]).all()
    row = w[(w["series_id"] == "TOTAL/TOTAL") & (w["year"] == 2027)].iloc[0]
    total = stage.run.total.bands_annual.set_index(["series_id", "year"]).loc[("TOTAL/TOTAL", 2027), "median"]
    model = cur.bands_annual.set_index(["series_id", "year"]).loc[("TOTAL/TOTAL", 2027), "median"]
    assert row["overlays"] == round(total) - round(model) and row["model change"] == 0
    assert "(overlays)" in (tmp_path / "cur" / "revision_waterfall.md").read_text()
    assert overlay_stage(tmp_path / "cur", []) is None
