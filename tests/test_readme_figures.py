"""README's accuracy figures for the panel are the generated ones: its marked blocks equal what the files
written by scripts/readme_figures.py (from `mpp backtest` and `mpp forecast --national --overlay`) render."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mpp.backtest.panel_figures import (
    fan_caption,
    overlay_table,
    panel_table,
    percentile_sentence,
    read_block,
    readme_block,
    write_block,
)
from mpp.backtest.protocol import OriginSplit
from mpp.national.backtest import BLOCK_BEGIN, BLOCK_END
from mpp.project import Project
from mpp.spec import load_variants

ROOT = Path(__file__).resolve().parents[1]


def test_readme_panel_block_equals_the_generated_table():
    gen = json.loads((ROOT / "docs" / "panel_figures.json").read_text(encoding="utf-8"))
    expected = readme_block(pd.DataFrame(gen["table"]), gen["command"], gen["default"])
    assert read_block((ROOT / "README.md").read_text(encoding="utf-8"), "panel-accuracy") == expected
    assert gen["default"] == load_variants().default  # regenerate after the default changes


def test_readme_fan_chart_is_the_generated_one_of_the_default_variant():
    gen = json.loads((ROOT / "docs" / "fan_chart.json").read_text(encoding="utf-8"))
    block = read_block((ROOT / "README.md").read_text(encoding="utf-8"), "fan-chart")
    assert block == fan_caption(gen["variant"], gen["command"]) and "docs/img/fan_chart_total.png" in block
    assert gen["variant"] == load_variants().default  # regenerate after the default changes
    assert (ROOT / "docs" / "img" / "fan_chart_total.png").stat().st_size > 10_000


def test_readme_overlay_percentile_equals_the_generated_run():
    gen = json.loads((ROOT / "docs" / "overlay_percentile.json").read_text(encoding="utf-8"))
    expected = percentile_sentence(gen["row"], gen["command"])
    assert read_block((ROOT / "README.md").read_text(encoding="utf-8"), "overlay-percentile") == expected
    overlays = (ROOT / "docs" / "overlays.md").read_text(encoding="utf-8")
    assert read_block(overlays, "overlay-percentile") == expected
    table = read_block(overlays, "overlay-table")
    assert table == overlay_table(gen["row"], gen["command"]) and f"P{gen['row']['percentile']:.1f} (implied" in table


def test_the_generated_overlay_figures_are_what_the_national_forecast_gives_now(tmp_path):
    # the files can go stale together with README (a national model change without regenerating): re-run it (~10 s)
    spec = importlib.util.spec_from_file_location("readme_figures", ROOT / "scripts" / "readme_figures.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    gen = json.loads((ROOT / "docs" / "overlay_percentile.json").read_text(encoding="utf-8"))
    now = script.national_overlay_row(Project.discover(start=ROOT).reference_folder() / "real", tmp_path / "national")
    assert now.pop("series_id") == gen["row"].pop("series_id") == "TOTAL/TOTAL"
    assert now == pytest.approx(gen["row"], rel=1e-9), "run python scripts/readme_figures.py --national-only"


def test_blocks_are_replaced_between_their_markers_only():
    text = "a\n<!-- generated:x (scripts/readme_figures.py; do not edit) -->\nold\n<!-- end:x -->\nb"
    new = write_block(text, "x", "new 1\nnew 2")
    assert read_block(new, "x") == "new 1\nnew 2" and new.startswith("a\n") and new.endswith("\nb")
    with pytest.raises(ValueError):
        write_block(text, "y", "z")


def test_panel_table_from_a_backtest_detail():
    rows = []
    for o, actual in (("2021-06", 100.0), ("2022-06", 200.0)):
        for sid, level, median, naive in (
            ("a/x", "stream_nationality", 110.0, 90.0),
            ("a/TOTAL", "stream", 120.0, 100.0),
            ("TOTAL/x", "nationality", 0.0, 0.0),  # nationality totals are not among the protocol's cases
        ):
            rows.append(
                dict(
                    variant="v",
                    origin=o,
                    series_id=sid,
                    level=level,
                    target="next12",
                    actual=actual,
                    abs_error=abs(median - actual),
                    snaive=naive,
                    covered=1.0,
                    exceed_medio=0.0,
                    exceed_median=1.0,
                )
            )
    t = panel_table(pd.DataFrame(rows), OriginSplit(), n_boot=10)
    locked = t.loc[t["origins_role"] == "locked"].iloc[0]
    assert locked["cases"] == 2 and locked["origins"] == 1
    assert locked["wape"] == pytest.approx((90 + 80) / 400)
    assert locked["wape_naive"] == pytest.approx((110 + 100) / 400)
    assert locked["wape_aggregate"] == pytest.approx(80 / 200)
    assert np.isclose(locked["d_wape"], locked["wape"] - locked["wape_naive"])
    assert set(t["origins_role"]) == {"locked", "tuning"}


# An accuracy figure: a percentage, percentage points, a score 0.xyz or a percentile (P6.9, P67).
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s?(?:%|pp\b)|\b0\.\d{2,}\b|\bP\d+(?:\.\d+)?\b")
_ALLOWED = {"33%"}  # the definition of the medio (33% chance of being exceeded), not a result


def _outside_generated_blocks(text: str) -> str:
    text = re.sub(r"<!-- generated:(\S+) .*?<!-- end:\1 -->", "", text, flags=re.S)
    return re.sub(re.escape(BLOCK_BEGIN) + ".*?" + re.escape(BLOCK_END), "", text, flags=re.S)


def test_readme_states_no_accuracy_figure_outside_a_generated_block():
    outside = _outside_generated_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert set(_FIGURE.findall(outside)) <= _ALLOWED


def test_the_figure_guard_sees_figures_and_skips_blocks():
    text = f"a 21.4% WAPE, 0.217, P3.4, +5 pp\n{BLOCK_BEGIN}\n12%\n{BLOCK_END}\n<!-- generated:x (s) -->\n0.5%\n<!-- end:x -->"
    assert set(_FIGURE.findall(_outside_generated_blocks(text))) == {"21.4%", "0.217", "P3.4", "5 pp"}
