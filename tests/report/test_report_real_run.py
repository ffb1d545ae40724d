"""End to end on real data: a small forecast of the real CBS panel, its HTML report rendered in headless Chromium
(screenshot kept as a test artefact) and its workbook checked against the bands CSV."""

from __future__ import annotations

import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from mpp.report import write_report
from mpp.report.i18n import SCENARIOS

from report_browser import chromium_or_skip, dump_dom, screenshot


@pytest.fixture(scope="module")
def real_run_dir(cbs_monthly_path, tmp_path_factory):
    from mpp.data.io import read_realisations
    from mpp.forecast import load_forecast_config, run_forecast, write_forecast

    history = read_realisations(cbs_monthly_path)[0]
    config = load_forecast_config().model_copy(update={"n_samples": 100})
    result = run_forecast(history, "2025-06", variant="baseline", seed=0, config=config, workers=1)
    return write_forecast(result, tmp_path_factory.mktemp("real") / "cbs_2025-06")


@pytest.mark.slow
@pytest.mark.browser
def test_real_data_report_renders_in_chromium(real_run_dir, tmp_path):
    chromium_or_skip()
    html, xlsx = write_report(real_run_dir, out=tmp_path / "report_nl.html", excel=tmp_path / "report_nl.xlsx",
                              lang="nl")
    dom = dump_dom(html, tmp_path / "profile")
    assert dom.count("<table") >= 3  # headline, assumptions, provenance (no occupancy/backtest in this run)
    images = re.findall(r'<img [^>]*src="data:image/png;base64,', dom)
    # total + streams (first requests, nareizigers) + top 5 nationalities; annual: total + 2 streams
    assert len(images) == 1 + 2 + 5 + 1 + 2
    assert "eerste asielverzoeken" in dom and "nareizigers" in dom and "Syrië" in dom
    shot = screenshot(html, tmp_path / "report_real.png", tmp_path / "profile", "report_real_cbs.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000

    wb = openpyxl.load_workbook(xlsx)
    csv = pd.read_csv(real_run_dir / "bands_annual.csv", float_precision="round_trip")
    total = csv[csv["series_id"] == "TOTAL/TOTAL"]
    ws = wb["totale asielinstroom"]
    rows = [r for r in ws.iter_rows(min_row=3, min_col=8, max_col=13, values_only=True) if r[0] is not None and
            r[3] is not None]
    assert [r[0] for r in rows] == total["year"].tolist()
    np.testing.assert_allclose(np.array([r[2:] for r in rows], float), total[list(SCENARIOS)].to_numpy(float),
                               rtol=1e-15, atol=0)
