"""docs/national.md's nareizigers history table is what scripts/nareizigers_spread.py makes from the data now,
and no year of it shows a break between the IND/ministry and CBS figures."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mpp.backtest.panel_figures import read_block

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("nareizigers_spread", ROOT / "scripts" / "nareizigers_spread.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_history_table_is_the_generated_one(national_obs, national_cfg):
    script = _script()
    block = read_block(
        (ROOT / "docs" / "national.md").read_text(), "nareizigers-spread", "scripts/nareizigers_spread.py"
    )
    assert script.md(script.history_table(national_obs, national_cfg)) in block, (
        "run scripts/nareizigers_spread.py --write"
    )


def test_panel_share_has_no_level_shift_where_the_source_changes(national_obs, national_cfg):
    # the IND years (realised_totals, 2015-2017) and the CBS years (2018..) count the same nareizigers: the
    # one-source CBS panel's share of the national total does not jump where the national source changes
    hist = _script().history_table(national_obs, national_cfg).set_index("year")
    share = hist["panel_share"].astype(float)
    assert set(hist.loc[[2016, 2017], "source"]) == {"realised_totals"} and hist.loc[2018, "source"] == "cbs_annual"
    assert abs(share[[2018, 2019, 2020]].mean() - share[[2016, 2017]].mean()) < 0.03
