"""Pure parts of tracking: run keys, the champion decision, pipeline config validation, revision wording."""

from __future__ import annotations

import pandas as pd
import pytest

from mpp.errors import ConfigError
from mpp.revision import revision_markdown, revision_sentences, revision_table
from mpp.spec import load_pipeline_config
from mpp.tracking import decide, run_key

METRIC = "stream_nationality.crps_scaled"


def test_run_key_changes_with_every_input_and_code_only_when_asked():
    base = run_key("2025-06", "d1", "c1", "robust")
    assert base == run_key("2025-06", "d1", "c1", "robust")
    others = [
        run_key("2025-05", "d1", "c1", "robust"),
        run_key("2025-06", "d2", "c1", "robust"),
        run_key("2025-06", "d1", "c2", "robust"),
        run_key("2025-06", "d1", "c1", "baseline"),
        run_key("2025-06", "d1", "c1", "robust", code="0.1+gabc"),
    ]
    assert len({base, *others}) == 6


@pytest.mark.parametrize("cand, champ, promote", [(1.04, 1.0, True), (1.06, 1.0, False), (0.9, 1.0, True)])
def test_promotion_within_the_margin_only(cand, champ, promote):
    d = decide({METRIC: cand}, {METRIC: champ}, METRIC, margin=0.05, champion_version="3")
    assert d.promote is promote and d.alias == ("champion" if promote else "challenger")
    assert "champion v3" in d.reasons[0] and "5%" in d.reasons[0]


def test_higher_is_better_and_missing_scores():
    assert not decide({"cov": 0.80}, {"cov": 0.90}, "cov", 0.05, higher_is_better=True).promote
    assert decide({"cov": 0.88}, {"cov": 0.90}, "cov", 0.05, higher_is_better=True).promote
    assert decide({}, None, METRIC, 0.05).promote  # first version
    assert not decide({}, {METRIC: 1.0}, METRIC, 0.05).promote
    assert decide({METRIC: 2.0}, {}, METRIC, 0.05).promote


def test_pipeline_config_errors_name_the_field(tmp_path):
    f = tmp_path / "pipeline.yaml"
    f.write_text("variants: [baseline, baseline]\ngating: {margin: -1}\n")
    with pytest.raises(ConfigError, match="gating.margin") as e:
        load_pipeline_config(f)
    assert "distinct" in str(e.value)
    f.write_text("unknown_key: 1\n")
    with pytest.raises(ConfigError, match="unknown_key"):
        load_pipeline_config(f)
    cfg, _ = load_pipeline_config()  # the shipped config/pipeline.yaml is valid
    assert "baseline" in cfg.variants


def test_backtest_origins_end_offset_months_before_the_cutoff(tmp_path):
    f = tmp_path / "pipeline.yaml"
    f.write_text("gating: {origins: 3, step: 3, offset: 12}\n")
    cfg, _ = load_pipeline_config(f)
    assert [str(o) for o in cfg.gating.origins_for(pd.Period("2025-06", "M"))] == ["2023-12", "2024-03", "2024-06"]


def _bands(values: dict[tuple[str, int], tuple[float, float, float, float]]) -> pd.DataFrame:
    rows = [
        {
            "series_id": sid,
            "level": "total" if sid == "TOTAL/TOTAL" else "stream",
            "year": y,
            "minimum": v[0],
            "median": v[1],
            "medio": v[2],
            "maximum": v[3],
        }
        for (sid, y), v in values.items()
    ]
    return pd.DataFrame(rows)


def test_revision_wording_like_the_ministry_letters():
    cur = _bands(
        {
            ("first_asylum_request/TOTAL", 2026): (21000, 25000, 27000, 32000),
            ("TOTAL/TOTAL", 2026): (30000, 40000, 44000, 60000),
            ("TOTAL/TOTAL", 2027): (1, 2, 3, 4),
        }
    )
    prev = _bands(
        {
            ("first_asylum_request/TOTAL", 2026): (13000, 25000, 29000, 44000),
            ("TOTAL/TOTAL", 2026): (25000, 38000, 41000, 50000),
        }
    )
    table = revision_table(cur, prev)
    assert list(table.columns[:5]) == ["quantity", "year", "scenario", "current", "previous"]
    assert len(table) == 8  # 2 quantity-years in both x 4 scenarios; 2027 has no previous figure
    assert table["quantity"].iloc[0] == "total asylum inflow"  # the total first
    lines = revision_sentences(table)
    assert lines[1] == (
        "median first asylum requests 2026: 25,000; previous forecast 25,000; medio 27,000 (was "
        "29,000); band narrowed from 13,000-44,000 to 21,000-32,000"
    )
    assert "band widened from 25,000-50,000 to 30,000-60,000" in lines[0]
    md = revision_markdown(table, "2025-06", "2025-05", "robust", "version 1")
    assert md.startswith("# Revisions (bijstellingen)") and md.count("\n- ") == 2
