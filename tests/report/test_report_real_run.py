"""End to end on real data: two variants forecast on the real 7-nationality CBS panel; their report and comparison
page in English and Dutch rendered in headless Chromium (screenshots kept as test artefacts), checked as a reader
sees them, and the workbook checked against the bands CSV."""

from __future__ import annotations

import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pagetext import assert_readable
from report_browser import chromium_or_skip, dump_dom, screenshot

from mpp.report import write_report
from mpp.report.compare import VariantRun, render_compare
from mpp.report.i18n import SCENARIOS


@pytest.fixture(scope="module")
def real_runs(cbs_monthly_path, tmp_path_factory):
    from mpp.data.io import read_realisations
    from mpp.flows.forecast import write_forecast
    from mpp.forecast import run_forecast
    from mpp.spec import load_forecast_config, load_variants

    history = read_realisations(cbs_monthly_path)[0]
    config = load_forecast_config().model_copy(update={"n_samples": 100})
    out = tmp_path_factory.mktemp("real")
    return {
        v: write_forecast(
            run_forecast(history, "2025-06", variant=load_variants().get(v), seed=0, config=config, workers=1), out / v
        )
        for v in ("anchored", "baseline")
    }


@pytest.mark.slow
@pytest.mark.browser
def test_real_data_report_and_comparison_in_chromium(real_runs, tmp_path):
    chromium_or_skip()
    run_dir = real_runs["anchored"]
    from mpp.report.inputs import read_run

    runs = {}
    for v, d in real_runs.items():
        r = read_run(d)
        runs[v] = VariantRun(v, r.bands_annual, r.bands_monthly, {}, r.manifest, None, r.history)
    for lang in ("en", "nl"):
        html, xlsx = write_report(
            run_dir, out=tmp_path / f"report_{lang}.html", excel=tmp_path / f"report_{lang}.xlsx", lang=lang
        )
        text = html.read_text(encoding="utf-8")
        assert_readable(text, lang, f"real report {lang}")
        box = text.split('id="warnings"')[1].split("</div>")[0]
        assert ("Not the national total" if lang == "en" else "Niet het landelijke totaal") in box
        assert ("7 nationalities" if lang == "en" else "7 nationaliteiten") in box
        dom = dump_dom(html, tmp_path / "profile")
        images = re.findall(r'<img [^>]*src="data:image/png;base64,', dom)
        # total + streams (first requests, nareizigers) + top 5 nationalities; annual: total + 2 streams
        assert len(images) == 1 + 2 + 5 + 1 + 2
        shot = screenshot(html, tmp_path / f"report_{lang}.png", tmp_path / "profile", f"real_cbs_report_{lang}.png")
        assert shot.stat().st_size > 50_000

        page = tmp_path / f"compare_{lang}.html"
        page.write_text(render_compare(runs, "2025-06", "anchored", lang), encoding="utf-8")
        assert_readable(page.read_text(encoding="utf-8"), lang, f"real compare {lang}")
        screenshot(page, tmp_path / f"compare_{lang}.png", tmp_path / "profile", f"real_cbs_compare_{lang}.png")

    wb = openpyxl.load_workbook(xlsx)  # the Dutch one
    csv = pd.read_csv(run_dir / "bands_annual.csv", float_precision="round_trip")
    total = csv[csv["series_id"] == "TOTAL/TOTAL"]
    ws = wb["som van reeksen in run"]  # the 7 nationalities' sum is not called the national inflow
    rows = [
        r
        for r in ws.iter_rows(min_row=3, min_col=8, max_col=13, values_only=True)
        if r[0] is not None and r[3] is not None
    ]
    assert [r[0] for r in rows] == total["year"].tolist()
    np.testing.assert_allclose(
        np.array([r[2:] for r in rows], float), total[list(SCENARIOS)].to_numpy(float), rtol=1e-15, atol=0
    )
    assert "Niet het landelijke totaal" in " ".join(str(c.value) for c in wb["Kerncijfers"]["A"] if c.value)
