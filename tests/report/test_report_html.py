"""The HTML report: content from the template, and rendering in headless Chromium with a screenshot artefact."""

import re

import pytest
from report_browser import chromium_or_skip, dump_dom, screenshot

from mpp.report import write_report
from mpp.report.html import render_html
from mpp.report.inputs import read_run


def test_report_is_self_contained_with_all_sections(run_dir, previous_run_dir):
    html = render_html(read_run(run_dir), "en", previous=read_run(previous_run_dir))
    for section in ("headline", "monthly", "annual", "occupancy", "revision", "backtest", "assumptions",
                    "provenance"):
        assert f'<section id="{section}">' in html
    images = re.findall(r'<img [^>]*src="([^"]+)"', html)
    assert len(images) == 1 + 3 + 4 + 1 + 3 + 4  # total, streams, top nationalities; annual; occupancy
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r'(src|href)="(https?:|file:|/)', html)  # nothing external
    assert "0123456789abcdef" in html and "d" * 64 in html and "c" * 64 in html and "a" * 64 in html
    # revision only for years both runs cover completely (the previous run ends mid-2027)
    revision = html.split('<section id="revision">')[1].split("</section>")[0]
    assert "2026" in revision and "2027" not in revision


def test_dutch_report_without_optional_parts(minimal_run_dir):
    html = render_html(read_run(minimal_run_dir), "nl")
    assert "Kerncijfers" in html and "eerste asielverzoeken" in html and "mediaan" in html
    for absent in ("revision", "backtest", "occupancy"):
        assert f'<section id="{absent}">' not in html


@pytest.mark.browser
def test_report_renders_in_headless_chromium(run_dir, previous_run_dir, tmp_path):
    chromium_or_skip()
    out = tmp_path / "report.html"
    write_report(run_dir, out=out, previous=previous_run_dir, workbook=False)
    dom = dump_dom(out, tmp_path / "profile")
    assert dom.count("<table") >= 6  # headline, revision, scorecard, backtest summary, assumptions, provenance
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', dom)) == 16
    shot = screenshot(out, tmp_path / "report.png", tmp_path / "profile", "report_synthetic.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
