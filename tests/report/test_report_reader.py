"""What a reader sees: the report and the comparison page in English and Dutch, checked as visible text (no raw
metric keys, no unrounded floats, shares as percentages, warnings on the first screen) and rendered in headless
Chromium with a screenshot per page kept in test-artifacts/."""

from __future__ import annotations

import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pagetext import DECIMAL_3, LONG_DECIMAL, RAW_KEY, assert_readable, visible_text
from report_browser import chromium_or_skip, dump_dom, screenshot
from runfixture import make_run, stub_charts, write_national

from mpp.report.compare import VariantRun, compare_data, render_compare
from mpp.report.excel import write_workbook
from mpp.report.html import render_html
from mpp.report.inputs import read_run
from mpp.report.sections import ReportContext, Section, registered, section
from mpp.report.sections.core import headline


def _variant_runs(*dirs) -> dict[str, VariantRun]:
    runs = {}
    for name, d in dirs:
        r = read_run(d)
        runs[name] = VariantRun(
            name,
            r.bands_annual,
            r.bands_monthly,
            (r.backtest_summary or {}).get("auto", {}),
            r.manifest,
            f"run-{name}",
            r.history,
        )
    return runs


@pytest.fixture(scope="session")
def partial_run_dir(tmp_path_factory):
    """A run on a panel of a few named nationalities without resettlement (like the 7-nationality CBS panel), with
    a national forecast beside it in its national/ folder."""
    d = make_run(tmp_path_factory.mktemp("run") / "partial", seed=5, cutoff="2025-06", horizon=30, national=False)
    write_national(d)
    return d


@pytest.fixture(scope="session")
def second_variant_dir(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("run") / "second", seed=4, cutoff="2025-06", horizon=30)


def render_pages(run_dir, previous_run_dir, partial_run_dir, second_variant_dir, names=None) -> dict[str, str]:
    """Report (full run with revision; the partial panel) and comparison page, in en and nl."""
    run, prev, partial = read_run(run_dir), read_run(previous_run_dir), read_run(partial_run_dir)
    runs = _variant_runs(("auto", run_dir), ("theta", second_variant_dir))
    make = {
        "report": lambda lang: render_html(run, lang, previous=prev),
        "partial": lambda lang: render_html(partial, lang),
        "compare": lambda lang: render_compare(runs, "2025-06", "auto", lang),
    }
    names = names or [f"{k}_{lang}" for k in make for lang in ("en", "nl")]
    return {n: make[n.split("_")[0]](n.split("_")[1]) for n in names}


@pytest.fixture(scope="session")
def pages(run_dir, previous_run_dir, partial_run_dir, second_variant_dir) -> dict[str, str]:
    """Every page once, for the text checks (charts stubbed)."""
    with pytest.MonkeyPatch.context() as mp:
        stub_charts(mp)
        return render_pages(run_dir, previous_run_dir, partial_run_dir, second_variant_dir)


def test_no_raw_metric_keys_or_unrounded_floats_in_visible_text(pages):
    for name, html in pages.items():
        assert_readable(html, name.rsplit("_", 1)[1], name)


def test_the_checks_would_catch_what_they_look_for():
    assert RAW_KEY.search("anchored.coverage90_next12 0.94") and RAW_KEY.search("quantile.medio_x")
    assert not RAW_KEY.search("sample.csv") and not RAW_KEY.search("docs/models.md")
    assert LONG_DECIMAL.search("30835.79258073802") and DECIMAL_3["en"].search("0.227")
    assert not DECIMAL_3["en"].search("30,835") and not DECIMAL_3["nl"].search("30.835")
    assert visible_text("<style>a.b_c{}</style><p>x</p><img alt='y'>") == ["x", "y"]


def test_shares_are_percentages_in_html_and_excel(pages, run_dir, tmp_path):
    head = pages["report_en"].split('<section id="headline">')[1].split("</section>")[0]
    row = head.split("share of status holders in COA")[1].split("</tr>")[0]
    cells = re.findall(r'<td[^>]*class="num[^"]*">([^<]*)</td>', row)
    assert len(cells) >= 4 and all(re.fullmatch(r"\d{1,2}\.\d%", c) for c in cells), cells
    assert "22,9%" in pages["report_nl"]  # the starting share 16,000 / 70,000 in Dutch notation

    wb = openpyxl.load_workbook(write_workbook(read_run(run_dir), tmp_path / "r.xlsx", "nl"))
    ws = wb["Kerncijfers"]
    share_rows = [r for r in ws.iter_rows(min_row=3) if r[0].value == "aandeel statushouders in COA"]
    assert share_rows and all(c.number_format == "0.0%" and 0 < c.value < 1 for r in share_rows for c in r[2:6])
    counts = [r for r in ws.iter_rows(min_row=3) if r[0].value == "totale asielinstroom"]
    assert all(c.value % 100 == 0 and c.number_format == "#,##0" for r in counts for c in r[2:6])  # as published
    sheet = wb["aandeel statushouders"]
    assert {sheet.cell(row=5, column=c).number_format for c in range(3, 7)} == {"0.0%"}
    # exact values stay in the data sheets
    exact = pd.read_csv(run_dir / "bands_annual.csv", float_precision="round_trip")
    data = [r for r in wb["alle reeksen jaar"].iter_rows(min_row=3, values_only=True) if r[0] == "TOTAL/TOTAL"]
    np.testing.assert_allclose(
        [r[6] for r in data], exact.loc[exact["series_id"] == "TOTAL/TOTAL", "median"], rtol=1e-15
    )
    assert [c.value for c in wb["alle reeksen jaar"][2]][:5] == [
        "reeks-id",
        "niveau",
        "stroom",
        "nationaliteit",
        "jaar",
    ]


def test_partial_panel_warns_before_the_headline(pages):
    for lang, words in (("en", "Not the national total"), ("nl", "Niet het landelijke totaal")):
        html = pages[f"partial_{lang}"]
        box = html.split('id="warnings"')[1].split("</div>")[0]
        assert words in box and ("4 nationalities" in box or "4 nationaliteiten" in box)
        assert html.index('id="warnings"') < html.index('<section id="headline">')
    head = pages["partial_en"].split('<section id="headline">')[1].split("</section>")[0]
    assert "sum of the series in this run" in head and "total asylum inflow" not in head  # not called national
    assert "Not the national total" not in pages["report_en"]


def test_national_forecast_is_shown_first_when_the_run_has_it(pages):
    html = pages["partial_en"]
    assert html.index('id="warnings"') < html.index('<section id="national">') < html.index('<section id="headline">')
    assert "The national forecast is shown separately" in html.split('id="warnings"')[1].split("</div>")[0]
    nat = html.split('<section id="national">')[1].split("</section>")[0]
    assert "total asylum inflow" in nat and "resettlement (assumption)" in nat and "42,000" in nat
    assert "cbs_first_asylum_requests_quarterly_national.csv" in nat and "two sources disagree: 1 (" in nat
    assert '<section id="national">' not in pages["report_en"]  # the full run has no national folder


def test_sample_data_is_said_on_the_first_screen(tmp_path, no_charts):
    html = render_html(read_run(make_run(tmp_path / "s", seed=6, horizon=18, sample=True, with_optional=False)))
    box = html.split('id="warnings"')[1].split("</div>")[0]
    assert "Generated sample data" in box and "generated sample (synthetic, not real)" in html


def test_headline_is_rounded_and_labels_the_start_stock(pages, run_dir):
    head = pages["report_en"].split('<section id="headline">')[1].split("</section>")[0]
    assert "70,000 (start stock 2026-01-01, assumed)" in head
    annual = pd.read_csv(run_dir / "bands_annual.csv")
    med = annual.loc[(annual["series_id"] == "TOTAL/TOTAL") & (annual["year"] == 2026), "median"].iloc[0]
    assert f"{round(med / 100) * 100:,.0f}" in head


def test_revision_in_sentences(pages):
    rev = pages["report_en"].split('<section id="revision">')[1].split("</section>")[0]
    assert re.search(
        r"Total asylum inflow 2026: median [\d,]+, [\d,]+ \([\d.]+%\) (higher|lower) than in the "
        r"previous forecast \([\d,]+\)\.",
        rev,
    )
    assert "vorige prognose" in pages["report_nl"]


def test_scorecard_is_short_and_explained(pages, run_dir):
    bt = pages["report_en"].split('<section id="backtest">')[1].split("</section>")[0]
    rows = re.findall(r"<tr><td class=\"label\">([^<]+)</td>", bt)
    assert rows == [
        "Error of 12-month totals",
        "Same error for the naive rule",
        "Band coverage of 12-month totals",
        "Medio exceeded",
        "Median exceeded",
        "Skill against the naive rule",
        "Band width",
    ]
    summary = read_run(run_dir).backtest_summary["auto"]
    assert f"{100 * summary['wape_next12']:.1f}%" in bt and "3 earlier cut-offs" in bt


def test_plausibility_flag_names_the_figure(run_dir):
    run = read_run(run_dir)
    a = run.bands_annual
    a.loc[(a["series_id"] == "nareizigers/TOTAL") & (a["year"] == 2027), "maximum"] = 60000.0
    warnings = headline(ReportContext(run, "en")).warnings
    flag = [w for w in warnings if w.startswith("nareizigers")]
    assert len(flag) == 1 and "maximum for 2027 (60,000)" in flag[0] and "times the highest year on record" in flag[0]


def test_a_section_is_a_function_and_a_template(minimal_run_dir, no_charts):
    @section("test_extra", order=33)
    def extra(ctx: ReportContext) -> Section:
        return Section("test_extra", "Extra", "sections/kv.html.j2", {"rows": [("a", "b")]}, ["extra warning"])

    try:
        assert registered().index("test_extra") == registered().index("revision") + 1
        html = render_html(read_run(minimal_run_dir))
        assert '<section id="test_extra">' in html and "extra warning" in html.split('id="warnings"')[1]
        assert html.index('<section id="test_extra">') < html.index('<section id="monthly">')
    finally:
        from mpp.report import sections

        sections._REGISTRY.pop("test_extra")


def test_compare_data_differences_from_the_champion(run_dir, second_variant_dir):
    runs = _variant_runs(("auto", run_dir), ("theta", second_variant_dir))
    data = compare_data(runs, "2025-06", "auto")
    assert data["champion"] == "auto" and data["years"] == [2025, 2026, 2027]
    assert data["series"][0] == "TOTAL/TOTAL" and "nareizigers/TOTAL" in data["series"]
    diff = pd.DataFrame(data["variants"]["theta"]["difference_from_champion"])
    a, b = (pd.read_csv(d / "bands_annual.csv").set_index(["series_id", "year"]) for d in (second_variant_dir, run_dir))
    r = diff[(diff["series_id"] == "TOTAL/TOTAL") & (diff["year"] == 2026)].iloc[0]
    assert r["median_difference"] == pytest.approx(
        a.loc[("TOTAL/TOTAL", 2026), "median"] - b.loc[("TOTAL/TOTAL", 2026), "median"]
    )
    width = lambda x: x.loc[("TOTAL/TOTAL", 2026), "maximum"] - x.loc[("TOTAL/TOTAL", 2026), "minimum"]  # noqa: E731
    assert r["width_ratio"] == pytest.approx(width(a) / width(b))
    assert data["variants"]["auto"]["difference_from_champion"] == []
    assert set(data["variants"]["auto"]["scores"]) >= {"wape_next12", "coverage90_next12", "exceed_medio"}


@pytest.mark.browser
def test_pages_render_in_chromium_with_a_screenshot(
    run_dir, previous_run_dir, partial_run_dir, second_variant_dir, tmp_path
):
    chromium_or_skip()
    real = render_pages(
        run_dir, previous_run_dir, partial_run_dir, second_variant_dir, ["report_en", "partial_nl", "compare_en"]
    )
    for name, html in real.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        shot = screenshot(path, tmp_path / f"{name}.png", tmp_path / "profile", f"synthetic_{name}.png")
        assert shot.stat().st_size > 50_000
    dom = dump_dom(tmp_path / "report_en.html", tmp_path / "profile")
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', dom)) == 17  # 8 fans, 4 annual, 5 occupancy
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', real["compare_en"])) == 4  # total + 3 streams
    # the warning box of the partial panel ends on the first screen (800 px high at 1280 wide)
    probe = tmp_path / "probe.html"
    probe.write_text(
        real["partial_nl"].replace(
            "</body>",
            "<script>document.body.setAttribute('data-bottom', "
            "Math.round(document.getElementById('warnings').getBoundingClientRect().bottom));</script></body>",
        ),
        encoding="utf-8",
    )
    bottom = int(re.search(r'data-bottom="(\d+)"', dump_dom(probe, tmp_path / "profile")).group(1))
    assert 0 < bottom < 800


def test_assumptions_from_the_shipped_file_read_as_prose(run_dir, tmp_path):
    """Every occupancy assumption of the shipped Kernprognose file (as the occupancy manifest records it) with
    value, unit and source; setting names inside source notes in words, shares as percentages."""
    import json
    import shutil
    from pathlib import Path

    from mpp.report.sections.assumptions import assumptions, humanize_keys
    from mpp.spec import load_assumptions

    example = (
        Path(__file__).resolve().parents[2]
        / "src"
        / "mpp"
        / "resources"
        / "config"
        / "assumptions"
        / "kernprognose_2025.yaml"
    )
    d = tmp_path / "run"
    shutil.copytree(run_dir, d)
    manifest = json.loads((d / "occupancy" / "manifest.json").read_text())
    recorded = load_assumptions(example).model_dump(mode="json", exclude_none=True)  # as mpp.occupancy.run does
    (d / "occupancy" / "manifest.json").write_text(json.dumps({**manifest, "assumptions": recorded}))
    for lang in ("en", "nl"):
        s = assumptions(ReportContext(read_run(d), lang))
        rows = {r["name"]: r for r in s.data["occupancy"]}
        assert len(rows) > 15 and all(r["unit"] and r["source"] for r in rows.values())
        grant = rows["procedure: grant rate" if lang == "en" else "procedure: inwilligingspercentage"]
        assert grant["value"] == ("38.0%" if lang == "en" else "38,0%") and grant["unit"] in ("share", "aandeel")
        assert (
            "initial stocks: status holders in COA" if lang == "en" else "beginstanden: statushouders in COA"
        ) in rows
        assert not any(RAW_KEY.search(r["source"]) for r in rows.values())
    assert (
        humanize_keys("see intake_share.first_asylum_request and data.csv, www.coa.nl")
        == "see intake share: first asylum requests and data.csv, www.coa.nl"
    )
