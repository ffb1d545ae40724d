"""The Excel workbook of one run (openpyxl): a sheet per quantity with monthly and annual bands, the full band
tables, the assumptions and the metadata. Values only (no formulas), frozen headers, `#,##0` number formats."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mpp.provenance import atomic_write_bytes
from mpp.report.charts import realised_annual
from mpp.report.excel_safety import neutralise_formulas
from mpp.report.html import quantity_label
from mpp.report.i18n import SCENARIOS, check_lang, series_label, t
from mpp.report.inputs import RunData
from mpp.report.tables import (TOTAL_ID, family_counts, flatten, headline_table, provenance_rows, stream_ids,
                               top_nationalities)

COUNT_FORMAT = "#,##0"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=13)
FIRST_DATA_ROW = 3  # row 1 title, row 2 headers
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(label: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (<= 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub(" ", label).strip()[:31] or "sheet"
    name, i = base, 2
    while name.lower() in {n.lower() for n in taken}:
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(name)
    return name


def _write_block(ws: Worksheet, col: int, header: list[str], rows: list[list], number_cols: set[int]) -> None:
    """A table with its header on row 2 starting at column `col`; `number_cols` (0-based in the block) get #,##0."""
    for j, h in enumerate(header):
        c = ws.cell(row=FIRST_DATA_ROW - 1, column=col + j, value=h)
        c.font, c.fill = HEADER_FONT, HEADER_FILL
        c.alignment = Alignment(horizontal="center")
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is None or (isinstance(v, float) and pd.isna(v)):
                continue
            c = ws.cell(row=FIRST_DATA_ROW + i, column=col + j, value=v)
            if j in number_cols:
                c.number_format = COUNT_FORMAT


def _finish(ws: Worksheet, title: str, widths: dict[int, float]) -> None:
    ws.cell(row=1, column=1, value=title).font = TITLE_FONT
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w


def _quantity_sheet(ws: Worksheet, title: str, history: pd.Series, monthly: pd.DataFrame, annual: pd.DataFrame,
                    lang: str, history_months: int = 36) -> None:
    """Monthly table (columns A-F: period, realised, four scenarios) and annual table (H-M) side by side."""
    scen = [t(s, lang) for s in SCENARIOS]
    h = history.dropna().sort_index()
    rows = [[str(p), float(v)] + [None] * 4 for p, v in h.iloc[-history_months:].items()]
    rows += [[str(r.period), None] + [float(getattr(r, s)) for s in SCENARIOS]
             for r in monthly.sort_values("period").itertuples(index=False)]
    _write_block(ws, 1, [t("period", lang), t("realised", lang), *scen], rows, {1, 2, 3, 4, 5})
    if annual is not None and len(annual):
        first = int(annual["year"].min())
        realised = realised_annual(h)
        arows = [[int(y), float(v)] + [None] * 4 for y, v in realised[realised.index < first].iloc[-5:].items()]
        arows += [[int(r.year), None] + [float(getattr(r, s)) for s in SCENARIOS]
                  for r in annual.sort_values("year").itertuples(index=False)]
        _write_block(ws, 8, [t("year", lang), t("realised", lang), *scen], arows, {1, 2, 3, 4, 5})
    _finish(ws, title, {1: 11, 2: 13, 3: 13, 4: 13, 5: 13, 6: 13, 7: 3, 8: 8, 9: 13, 10: 13, 11: 13, 12: 13, 13: 13})


def _table_sheet(ws: Worksheet, title: str, df: pd.DataFrame, number_format_cols: set[str]) -> None:
    cols = list(df.columns)
    rows = [[v.item() if hasattr(v, "item") else v for v in r] for r in df.itertuples(index=False)]
    _write_block(ws, 1, cols, rows, {i for i, c in enumerate(cols) if c in number_format_cols})
    widths = {i + 1: max(10, min(48, max([len(str(c))] + [len(str(r[i])) for r in rows[:200]]) + 2))
              for i, c in enumerate(cols)}
    _finish(ws, title, widths)


def build_workbook(run: RunData, lang: str = "en", top_n: int = 5) -> Workbook:
    """The workbook in memory (no disk access)."""
    check_lang(lang)
    wb = Workbook()
    taken: set[str] = set()
    headline = headline_table(run)
    ws = wb.active
    ws.title = sheet_title(t("headline", lang).split(":")[0], taken)
    hl = headline.assign(quantity=[quantity_label(q, lang) for q in headline["quantity"]])
    hl.columns = [t(c, lang) for c in hl.columns]
    _table_sheet(ws, f"{t('report_title', lang)}: {t('cutoff', lang)} {run.cutoff}", hl,
                 {t(s, lang) for s in SCENARIOS})

    for sid in [TOTAL_ID, *stream_ids(run), *top_nationalities(run, top_n)]:
        label = series_label(sid, lang)
        _quantity_sheet(wb.create_sheet(sheet_title(label, taken)), f"{label} ({sid})", run.history_series(sid),
                        run.series_bands(sid), run.series_bands(sid, annual=True), lang)
    if run.occupancy_bands is not None:
        ob = run.occupancy_bands
        for quantity, g in ob.groupby("quantity", sort=False):
            label = t(quantity, lang)
            monthly = g[g["period"].str.len() == 7]
            _quantity_sheet(wb.create_sheet(sheet_title(label, taken)), f"{label} ({quantity})",
                            pd.Series(dtype=float), monthly, None, lang)
        _table_sheet(wb.create_sheet(sheet_title(t("occupancy_table", lang), taken)), t("occupancy", lang), ob,
                     set(SCENARIOS))

    _table_sheet(wb.create_sheet(sheet_title(t("all_series_monthly", lang), taken)), "bands_monthly.csv",
                 run.bands_monthly, set(SCENARIOS))
    _table_sheet(wb.create_sheet(sheet_title(t("all_series_annual", lang), taken)), "bands_annual.csv",
                 run.bands_annual, set(SCENARIOS))

    m = run.manifest
    assumptions = [("variant", m.get("variant")), ("reconciliation", m.get("reconciliation"))]
    assumptions += [(f"quantile.{k}", v) for k, v in (m.get("quantiles") or {}).items()]
    assumptions += [(f"family.{r.family}", int(r.series)) for r in family_counts(m).itertuples(index=False)]
    assumptions += [(f"fallback.{k}", v) for k, v in (m.get("fallbacks") or {}).items()]
    assumptions += [(f"occupancy.{k}", v) for k, v in flatten(run.occupancy_manifest.get("assumptions") or {})]
    _table_sheet(wb.create_sheet(sheet_title(t("assumptions", lang), taken)), t("assumptions", lang),
                 pd.DataFrame([(k, v) for k, v in assumptions if v is not None],
                              columns=[t("key", lang), t("value", lang)]).astype(str), set())
    meta = provenance_rows(run)
    _table_sheet(wb.create_sheet(sheet_title(t("metadata", lang), taken)), t("provenance", lang),
                 pd.DataFrame(meta, columns=[t("key", lang), t("value", lang)]), set())
    return wb


def write_workbook(run: RunData, path: str | Path, lang: str = "en", top_n: int = 5) -> Path:
    """Write the workbook atomically to `path` (.xlsx)."""
    buf = io.BytesIO()
    wb = build_workbook(run, lang, top_n)
    neutralise_formulas(wb)
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue())
    return Path(path)
