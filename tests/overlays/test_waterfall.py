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
        rows.append({"series_id": sid, "level": level, "year": year, "minimum": med * 0.7, "median": med,
                     "medio": med * 1.1, "maximum": med * 1.4 + rng.random()})
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
