"""The report's overlay section: model / overlays / total table, both fans, plausibility, waterfall, warnings;
readable in English and Dutch; absent for a run without overlays."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from overlayfixture import make_result  # noqa: E402
from pagetext import assert_readable, visible_text  # noqa: E402
from runfixture import stub_charts  # noqa: E402

from mpp.flows.forecast import write_forecast  # noqa: E402
from mpp.flows.overlays import write_overlay_run, write_waterfall  # noqa: E402
from mpp.overlays import apply_overlays, read_forecast_dir  # noqa: E402
from mpp.report import read_run, render_html  # noqa: E402
from mpp.report.sections import ReportContext, build_sections  # noqa: E402
from mpp.spec import load_overlays  # noqa: E402

PARTIAL_SCOPE = {
    "streams": ["first_asylum_request", "nareizigers"],
    "missing_streams": ["repeat_asylum_request", "resettlement"],
    "nationalities": ["ERI", "SYR"],
    "n_nationalities": 2,
    "stated_totals": [],
    "remainder_categories": [],
    "complete_nationalities": False,
    "national_total": False,
    "sources": ["cbs_test.csv"],
    "sample": False,
    "first_period": "2023-01",
    "last_period": "2025-06",
}


def make_run(directory: Path, seed: int, national: bool = True) -> Path:
    r = make_result(seed=seed)
    if not national:
        r.manifest["data_scope"] = PARTIAL_SCOPE
    write_forecast(r, directory)
    return directory


@pytest.fixture()
def no_charts(monkeypatch):
    stub_charts(monkeypatch)


OVERLAY = """name: {name}
version: 2
description: test overlay
source: {{document: Test letter, date: "2025-09"}}
status: {status}
effects:
{effects}"""


def _overlay(tmp_path, name, status, effects):
    p = tmp_path / f"{name}.yaml"
    p.write_text(OVERLAY.format(name=name, status=status, effects=textwrap.indent(textwrap.dedent(effects), "  ")))
    return p


@pytest.fixture(scope="module")
def overlay_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ov")
    run_dir = make_run(tmp / "2025-06", seed=4, national=False)
    prev_dir = make_run(tmp / "2025-05", seed=5, national=False)
    ov = load_overlays(
        [
            _overlay(tmp, "budget", "adopted", "- target: {series: TOTAL/TOTAL, annual: {2026: 9000, 2027: 5000}}\n"),
        ]
    )
    run = apply_overlays(read_forecast_dir(run_dir), ov)
    write_overlay_run(run, run_dir)
    write_waterfall(run_dir, prev_dir, pd.read_csv(prev_dir / "bands_annual.csv"), "2025-06", "2025-05", "test")
    return run_dir


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_overlay_section_reads_well(overlay_run, lang, no_charts):
    html = render_html(read_run(overlay_run), lang)
    assert_readable(html, lang, f"overlays {lang}")
    text = " ".join(visible_text(html))
    if lang == "en":
        assert "Policy overlays: model, overlays and total" in text and "+ budget" in text
        assert "the published 5,000 lies at percentile" in text
        assert "revision waterfall" in text and "The steps add up exactly" in text
        assert "only part of the inflow" in text  # national figures on a partial panel are flagged
    else:
        assert "Beleidsoverlays" in text and "bijstelling in stappen" in text


def test_section_has_both_fans_and_the_waterfall_chart(overlay_run):
    ctx = ReportContext(read_run(overlay_run), "en")
    s = next(x for x in build_sections(ctx) if x.id == "overlays")
    names = [c.name for c in s.data["charts"]]
    assert names[0].startswith("overlay_fan") and any(n.startswith("waterfall") for n in names)
    assert s.data["names"] == ["budget"] and s.data["rows"][0]["year"] == 2025


def test_no_overlay_section_without_overlays(tmp_path):
    run_dir = make_run(tmp_path / "plain", seed=3)
    assert "overlays" not in [s.id for s in build_sections(ReportContext(read_run(run_dir), "en"))]


def test_illustrative_overlay_is_a_warning(tmp_path, no_charts):
    run_dir = make_run(tmp_path / "r", seed=6)
    ov = load_overlays(
        [
            _overlay(
                tmp_path,
                "pact",
                "illustrative",
                "- {start: 2026-07, change: multiplicative, size: {quantiles: {0.05: 0.8, 0.95: 1.05}}}\n",
            )
        ]
    )
    write_overlay_run(apply_overlays(read_forecast_dir(run_dir), ov), run_dir)
    s = next(x for x in build_sections(ReportContext(read_run(run_dir), "en")) if x.id == "overlays")
    assert any("pact is illustrative" in w for w in s.warnings)
