"""The report's national track-record section: the generated tables (scripts/national_backtest.py) shown when a
run has a national forecast beside it, absent otherwise."""

from __future__ import annotations

import pandas as pd
import pytest
from runfixture import make_run, write_national

from mpp.report.html import render_html
from mpp.report.i18n import format_pct, format_rounded
from mpp.report.inputs import read_run
from mpp.report.sections.national_track_record import LOCKED, MEDIO, read_track_record


def test_generated_tables_are_packaged_with_every_band():
    locked, medio = read_track_record(LOCKED), read_track_record(MEDIO)
    assert locked is not None and medio is not None
    for b in ("minimum", "median", "medio", "maximum"):
        assert {f"{b}_exceeded", f"{b}_se"} <= set(locked.columns)
    assert {"current", "next", "year_after"} <= set(locked["horizon"])
    assert not medio.empty and medio["realised"].notna().all()
    assert {"official_medio", "ours_medio", "ours_medio_calibrated"} <= set(medio.columns)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_section_shows_the_generated_figures(tmp_path, no_charts, lang):
    d = make_run(tmp_path / "run", seed=3, cutoff="2025-06", horizon=30)
    write_national(d)
    html = render_html(read_run(d), lang)
    assert 'id="national_track_record"' in html
    locked, medio = read_track_record(LOCKED), read_track_record(MEDIO)
    first = locked[(locked["series_id"] == "first_asylum_request/TOTAL") & (locked["horizon"] == "next")].iloc[0]
    assert format_pct(first["medio_exceeded"], lang, 0) in html
    assert format_pct(first["wape_naive"], lang) in html
    for _, r in medio.iterrows():
        assert r["vintage"] in html
        assert format_rounded(r["official_medio"], lang) in html
        assert format_rounded(r["ours_medio_calibrated"], lang) in html


def test_no_section_without_a_national_forecast(tmp_path, no_charts):
    d = make_run(tmp_path / "run", seed=3, cutoff="2025-06", horizon=30)
    assert 'id="national_track_record"' not in render_html(read_run(d), "en")
    assert isinstance(read_track_record(LOCKED), pd.DataFrame)


def test_rows_in_the_mpps_order_and_errors_signed():
    from mpp.report.sections.national_track_record import locked_rows, medio_rows

    rows = locked_rows(read_track_record(LOCKED), "en")
    labels = [(r["label"], r["horizon"]) for r in rows]
    assert labels[0] == ("first asylum requests", "rest of this year")
    assert labels.index(("repeat asylum requests", "rest of this year")) < labels.index(
        ("repeat asylum requests", "next year")
    )
    assert labels[-1][0] == "total asylum inflow"
    medio = read_track_record(MEDIO)
    for r, (_, m) in zip(medio_rows(medio, "en"), medio.iterrows()):
        assert r["official_error"].startswith("+" if m["official_medio_error"] > 0 else "-")
