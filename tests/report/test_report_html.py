"""The HTML report: content from the template, and rendering in headless Chromium with a screenshot artefact."""

import re

from mpp.report.html import render_html
from mpp.report.inputs import read_run


def test_report_is_self_contained_with_all_sections(run_dir, previous_run_dir):
    html = render_html(read_run(run_dir), "en", previous=read_run(previous_run_dir))
    ids = re.findall(r'<section id="([a-z_]+)">', html)
    assert ids == [
        "headline",
        "revision",
        "monthly",
        "annual",
        "occupancy",
        "backtest",
        "assumptions",
        "data",
        "provenance",
    ]
    images = re.findall(r'<img [^>]*src="([^"]+)"', html)
    assert len(images) == 1 + 3 + 4 + 1 + 3 + 5  # total, streams, top nationalities; annual; occupancy
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r'(src|href)="(https?:|file:|/)', html)  # nothing external
    assert "0123456789abcdef" in html and "d" * 64 in html and "c" * 64 in html and "a" * 64 in html
    # revision only for years both runs cover completely (the previous run ends mid-2027)
    revision = html.split('<section id="revision">')[1].split("</section>")[0]
    assert "2026" in revision and "2027" not in revision


def test_dutch_report_without_optional_parts(minimal_run_dir, no_charts):
    html = render_html(read_run(minimal_run_dir), "nl")
    assert "Kerncijfers" in html and "eerste asielverzoeken" in html and "mediaan" in html
    for absent in ("revision", "backtest", "occupancy"):
        assert f'<section id="{absent}">' not in html
