import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

# openpyxl writes floats with 16 significant digits (Excel itself keeps 15): equal up to the last binary digit.
EXACT = {"rtol": 1e-15, "atol": 0}

from mpp.report.excel import build_workbook, sheet_title, write_workbook
from mpp.report.i18n import SCENARIOS, t
from mpp.report.inputs import read_run


@pytest.fixture(scope="module")
def workbook(run_dir, tmp_path_factory):
    path = write_workbook(read_run(run_dir), tmp_path_factory.mktemp("xlsx") / "run.xlsx", lang="nl")
    return openpyxl.load_workbook(path)


def _block(ws, first_col: int, n_cols: int) -> pd.DataFrame:
    header = [ws.cell(row=2, column=first_col + j).value for j in range(n_cols)]
    rows = [
        r
        for r in ws.iter_rows(min_row=3, min_col=first_col, max_col=first_col + n_cols - 1, values_only=True)
        if r[0] is not None
    ]
    return pd.DataFrame(rows, columns=header)


def test_sheets_per_quantity_plus_tables_assumptions_metadata(workbook):
    names = workbook.sheetnames
    for expected in (
        "Kerncijfers",
        "totale asielinstroom",
        "eerste asielverzoeken",
        "herhaalde asielverzoeken",
        "nareizigers",
        "Syrië",
        "COA-bezetting",
        "statushouders in COA",
        "aandeel statushouders",
        "IND-werkvoorraad",
        "capaciteitsbehoefte",
        "alle reeksen maand",
        "alle reeksen jaar",
        "Aannames",
        "metagegevens",
    ):
        assert expected in names
    assert all(len(n) <= 31 for n in names)
    # Dutch headers throughout, also in the data sheets
    assert [c.value for c in workbook["COA alle grootheden"][2]] == [
        "grootheid",
        "periode",
        "minimum",
        "mediaan",
        "medio",
        "maximum",
    ]


def _check_bands(ws, first_col: int, key: str, key_nl: str, csv_name: str, run_dir, sid: str) -> pd.DataFrame:
    """The block's forecast rows (those with a median) equal the series' rows of the bands CSV."""
    scen = [t(s, "nl") for s in SCENARIOS]
    block = _block(ws, first_col, 6)
    assert list(block.columns) == [key_nl, "gerealiseerd", *scen]
    csv = pd.read_csv(run_dir / csv_name, float_precision="round_trip")
    csv = csv[csv["series_id"] == sid]
    fc = block[block["mediaan"].notna()]
    assert fc[key_nl].astype(str).tolist() == csv[key].astype(str).tolist()
    np.testing.assert_allclose(fc[scen].to_numpy(float), csv[list(SCENARIOS)].to_numpy(float), **EXACT)
    return block


def test_quantity_sheet_values_equal_the_bands_csv(workbook, run_dir):
    sid = "first_asylum_request/TOTAL"
    ws = workbook["eerste asielverzoeken"]
    assert ws.freeze_panes == "A3"
    monthly = _check_bands(ws, 1, "period", "periode", "bands_monthly.csv", run_dir, sid)
    _check_bands(ws, 8, "year", "jaar", "bands_annual.csv", run_dir, sid)
    hist = pd.read_csv(run_dir / "history.csv", float_precision="round_trip")
    hist = hist[hist["series_id"] == sid].tail(36)
    realised = monthly[monthly["gerealiseerd"].notna()]
    assert realised["periode"].tolist() == hist["period"].tolist()
    np.testing.assert_array_equal(realised["gerealiseerd"].to_numpy(float), hist["value"].to_numpy(float))
    assert ws.cell(row=3 + len(monthly) - 1, column=4).number_format == "#,##0"
    assert ws.column_dimensions["A"].width >= 10


def test_full_band_sheets_equal_the_csv(workbook, run_dir):
    for sheet, name in (("alle reeksen maand", "bands_monthly.csv"), ("alle reeksen jaar", "bands_annual.csv")):
        csv = pd.read_csv(run_dir / name, float_precision="round_trip")
        got = _block(workbook[sheet], 1, len(csv.columns))
        assert list(got.columns) == [t(c, "nl") for c in csv.columns]
        got.columns = list(csv.columns)
        assert len(got) == len(csv)
        key = "period" if "period" in csv.columns else "year"
        assert got[key].astype(str).tolist() == csv[key].astype(str).tolist()
        np.testing.assert_allclose(got[list(SCENARIOS)].to_numpy(float), csv[list(SCENARIOS)].to_numpy(float), **EXACT)


def test_metadata_and_assumptions(workbook):
    meta = {r[1]: r[2] for r in workbook["metagegevens"].iter_rows(min_row=3, values_only=True)}
    assert meta["peildatum data"] == "2025-06" and meta["vingerafdruk data (SHA-256)"] == "d" * 64
    assert meta["MLflow-run"] and meta["vingerafdruk aannames (SHA-256)"] == "a" * 64
    assert meta["soort data"] == "echte data" and "Syrië" in meta["nationaliteiten"]
    rows = {r[1]: r for r in workbook["Aannames"].iter_rows(min_row=3, values_only=True)}
    assert rows["scenario's (percentielen)"][2] == "minimum P5, mediaan P50, medio P67, maximum P95"
    assert rows["procedure: inwilligingspercentage"][2:5] == ("38,0%", "aandeel", "IND 2025")


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    a = sheet_title("nareizigers (family reunification): Eritrea", taken)
    b = sheet_title("nareizigers (family reunification): Ethiopia", taken)
    assert len(a) <= 31 and len(b) <= 31 and a != b and ":" not in a


@pytest.mark.parametrize(
    "label",
    [
        "capaciteitsbehoefte alleenstaande minderjarigen in COA",
        "nareizigers (family reunification): Democratic Republic of the Congo",
        "Oekraïense ontheemden: scenario's, centraal, aandeel dat asiel aanvraagt",
        "first asylum requests: Bosnia and Herzegovina",
    ],
)
def test_sheet_names_are_never_cut_mid_word(label):
    taken: set[str] = set()
    for _ in range(3):  # also the de-duplicated names "... (2)", "... (3)"
        name = sheet_title(label, taken)
        assert len(name) <= 31
        words = re.sub(r" \(\d+\)$", "", name).split()
        assert words == label.replace(":", " ").split()[: len(words)], name


def test_workbook_has_the_national_sheet_and_every_warning_of_the_page(tmp_path_factory):
    from runfixture import make_run, write_national

    from mpp.report.html import report_context

    d = make_run(tmp_path_factory.mktemp("run") / "partial", seed=5, cutoff="2025-06", horizon=30, national=False)
    write_national(d)
    run = read_run(d)
    for lang in ("en", "nl"):
        wb = build_workbook(run, lang)
        national = wb[t("national", lang)]
        assert wb.sheetnames.index(t("national", lang)) == 1  # right after the headline, as on the page
        rows = [r for r in national.iter_rows(min_row=3, values_only=True) if r[1] is not None]
        annual = run.national_annual
        total = annual[annual["series_id"] == "TOTAL/TOTAL"].set_index("year")
        got = {r[1]: r[2:6] for r in rows if r[0] == (t("TOTAL", lang))}
        assert got and all(np.allclose(v, total.loc[y, list(SCENARIOS)].to_numpy(float)) for y, v in got.items())
        first_sheet = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if isinstance(c, str)]
        page_warnings = report_context(run, lang)["warnings"]
        assert page_warnings and all(w in first_sheet for w in page_warnings), lang


def test_dutch_assumption_names_are_dutch(workbook):
    """Every assumption of the packaged assumption files has a label in both languages (no English key parts)."""
    from pathlib import Path

    from mpp.project import default_config_dir
    from mpp.report.i18n import _LABELS
    from mpp.report.sections.assumptions import _walk_assumptions
    from mpp.spec import load_assumptions

    for f in ("kernprognose_2025.yaml", "replay_2015_2023.yaml"):
        a = load_assumptions(Path(default_config_dir()) / "assumptions" / f).model_dump(mode="json")
        for name, _ in _walk_assumptions(a):
            head, *rest = name.split(".")
            assert f"group_{head}" in _LABELS and all(p in _LABELS for p in rest), (f, name)
    names = [r[1] for r in workbook["Aannames"].iter_rows(min_row=3, values_only=True) if r[1]]
    assert not [n for n in names if "_" in n]
