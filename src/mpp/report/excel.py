"""The Excel workbook of one run (openpyxl), in the report's language (sheet names and headers included).

Sheets: the headline table rounded as published (a note says so); per quantity the monthly and annual bands with
realised history, exact values shown as `#,##0` (shares as `0.0%`); every band exact in the "all series" data
sheets; the assumptions with values, units and sources; the data and technical provenance. Values only (no
formulas), frozen headers.
"""

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
from mpp.report.i18n import SCENARIOS, check_lang, is_share, rounding_unit, series_label, t
from mpp.report.inputs import RunData
from mpp.report.sections import ReportContext
from mpp.report.tables import TOTAL_ID, stream_ids, top_nationalities

COUNT_FORMAT = "#,##0"
SHARE_FORMAT = "0.0%"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=13)
NOTE_FONT = Font(italic=True, color="555555")
FIRST_DATA_ROW = 3  # row 1 title, row 2 headers
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _words_within(text: str, limit: int) -> str:
    """The longest run of whole words of `text` within `limit` characters (a word longer than the limit is the
    only thing ever cut)."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:-(")
    return cut if cut and len(cut) <= limit else text[:limit]


def sheet_title(label: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (<= 31 characters, none of []:*?/\\), shortened at a word boundary."""
    base = _words_within(" ".join(_BAD_SHEET_CHARS.sub(" ", label).split()), 31) or "sheet"
    name, i = base, 2
    while name.lower() in {n.lower() for n in taken}:
        suffix = f" ({i})"
        name, i = _words_within(base, 31 - len(suffix)) + suffix, i + 1
    taken.add(name)
    return name


def sheet_label(ctx: ReportContext, quantity: str) -> str:
    """A short name for a sheet: the short label when there is one, else the report's label."""
    from mpp.report.sections.core import label_of

    key = quantity.split("/")[0] if quantity.endswith("/TOTAL") else quantity
    if quantity == TOTAL_ID and ctx.scope.national is False:
        key = "TOTAL_partial"
    short = t(f"sheet_{key}", ctx.lang)
    return short if not short.startswith("sheet_") else label_of(ctx, quantity)


def _write_block(
    ws: Worksheet,
    col: int,
    header: list[str],
    rows: list[list],
    number_cols: set[int],
    number_format: str = COUNT_FORMAT,
    row_formats: list[str | None] | None = None,
) -> None:
    """A table with its header on row 2 starting at column `col`; `number_cols` (0-based in the block) get
    `number_format` (or the row's own format from `row_formats`)."""
    for j, h in enumerate(header):
        c = ws.cell(row=FIRST_DATA_ROW - 1, column=col + j, value=h)
        c.font, c.fill = HEADER_FONT, HEADER_FILL
        c.alignment = Alignment(horizontal="center")
    for i, row in enumerate(rows):
        fmt = (row_formats[i] if row_formats is not None else None) or number_format
        for j, v in enumerate(row):
            if v is None or (isinstance(v, float) and pd.isna(v)):
                continue
            c = ws.cell(row=FIRST_DATA_ROW + i, column=col + j, value=v)
            if j in number_cols:
                c.number_format = fmt


def _finish(ws: Worksheet, title: str, widths: dict[int, float]) -> None:
    ws.cell(row=1, column=1, value=title).font = TITLE_FONT
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1)
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w


def _quantity_sheet(
    ws: Worksheet,
    title: str,
    history: pd.Series,
    monthly: pd.DataFrame,
    annual: pd.DataFrame,
    lang: str,
    history_months: int = 36,
    number_format: str = COUNT_FORMAT,
) -> None:
    """Monthly table (columns A-F: period, realised, four scenarios) and annual table (H-M) side by side."""
    scen = [t(s, lang) for s in SCENARIOS]
    h = history.dropna().sort_index()
    rows = [[str(p), float(v)] + [None] * 4 for p, v in h.iloc[-history_months:].items()]
    rows += [
        [str(r.period), None] + [float(getattr(r, s)) for s in SCENARIOS]
        for r in monthly.sort_values("period").itertuples(index=False)
    ]
    _write_block(ws, 1, [t("period", lang), t("realised", lang), *scen], rows, {1, 2, 3, 4, 5}, number_format)
    if annual is not None and len(annual):
        first = int(annual["year"].min())
        realised = realised_annual(h)
        arows = [[int(y), float(v)] + [None] * 4 for y, v in realised[realised.index < first].iloc[-5:].items()]
        arows += [
            [int(r.year), None] + [float(getattr(r, s)) for s in SCENARIOS]
            for r in annual.sort_values("year").itertuples(index=False)
        ]
        _write_block(ws, 8, [t("year", lang), t("realised", lang), *scen], arows, {1, 2, 3, 4, 5}, number_format)
    _finish(ws, title, {1: 11, 2: 13, 3: 13, 4: 13, 5: 13, 6: 13, 7: 3, 8: 8, 9: 13, 10: 13, 11: 13, 12: 13, 13: 13})


def _table_sheet(
    ws: Worksheet,
    title: str,
    df: pd.DataFrame,
    number_format_cols: set[str],
    row_formats: list[str | None] | None = None,
) -> None:
    cols = list(df.columns)
    rows = [[v.item() if hasattr(v, "item") else v for v in r] for r in df.itertuples(index=False)]
    _write_block(ws, 1, cols, rows, {i for i, c in enumerate(cols) if c in number_format_cols}, row_formats=row_formats)
    widths = {
        i + 1: max(10, min(60, max([len(str(c))] + [len(str(r[i])) for r in rows[:200]]) + 2))
        for i, c in enumerate(cols)
    }
    _finish(ws, title, widths)


def _translated(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    return df.rename(columns={c: t(c, lang) for c in df.columns})


def _headline_sheet(ws: Worksheet, ctx: ReportContext) -> None:
    """The headline table rounded as published; shares as percentages."""
    from mpp.report.sections.core import label_of

    lang, head = ctx.lang, ctx.headline
    rounded = head.copy()
    for s in SCENARIOS:
        rounded[s] = [
            round(v, 3) if is_share(q) else float(round(v / rounding_unit(v)) * rounding_unit(v))
            for q, v in zip(head["quantity"], head[s])
        ]
    rounded["quantity"] = [label_of(ctx, q) for q in head["quantity"]]
    formats = [SHARE_FORMAT if is_share(q) else COUNT_FORMAT for q in head["quantity"]]
    _table_sheet(
        ws,
        f"{t('report_title', lang)}: {t('cutoff', lang)} {ctx.run.cutoff}",
        _translated(rounded, lang),
        {t(s, lang) for s in SCENARIOS},
        formats,
    )
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 10, 40)
    note = ws.cell(row=FIRST_DATA_ROW + len(rounded) + 1, column=1, value=t("excel_rounded_note", lang))
    note.font = NOTE_FONT
    from mpp.report.html import all_warnings
    from mpp.report.sections.core import occupancy_start

    notes = ([t("start_stock_note", lang)] if occupancy_start(ctx) else []) + all_warnings(ctx)
    for i, w in enumerate(notes):
        ws.cell(row=FIRST_DATA_ROW + len(rounded) + 2 + i, column=1, value=w).font = Font(bold=True, color="8A1C1C")


def _national_sheet(ws: Worksheet, ctx: ReportContext) -> None:
    """The national forecast the HTML shows (every MPP stream and the total, this year + 2), exact values, with
    the page's notes and warnings below."""
    from mpp.report.sections.core import NATIONAL_SERIES, national

    lang, a = ctx.lang, ctx.run.national_annual
    assert a is not None
    sec = national(ctx)
    years = set(sec.data["years"]) if sec is not None else set(a["year"])
    order = {sid: i for i, sid in enumerate(NATIONAL_SERIES)}
    rows = a[a["year"].isin(years) & a["series_id"].isin(order)].copy()
    rows = rows.sort_values(["series_id", "year"], key=lambda c: c.map(order) if c.name == "series_id" else c)
    rows["series_id"] = [series_label(s, lang) for s in rows["series_id"]]
    table = rows[["series_id", "year", *SCENARIOS]].rename(columns={"series_id": "quantity"})
    _table_sheet(ws, t("national", lang), _translated(table, lang), {t(s, lang) for s in SCENARIOS})
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 10, 40)
    lines = [*(sec.data["notes"] if sec is not None else []), *(sec.warnings if sec is not None else [])]
    for i, line in enumerate(lines):
        ws.cell(row=FIRST_DATA_ROW + len(table) + 1 + i, column=1, value=line).font = NOTE_FONT


def _assumption_rows(ctx: ReportContext) -> pd.DataFrame:
    from mpp.report.sections.assumptions import forecast_settings, occupancy_assumption_rows

    lang = ctx.lang
    rows = [(t("forecast_settings", lang), k, v, "", "") for k, v in forecast_settings(ctx)]
    from mpp.report.tables import family_counts

    rows += [
        (t("model_choices", lang), str(r.family), int(r.series), t("series", lang), "")
        for r in family_counts(ctx.run.manifest).itertuples(index=False)
    ]
    rows += [
        (t("fallbacks", lang), series_label(k, lang), str(v), "", "")
        for k, v in (ctx.run.manifest.get("fallbacks") or {}).items()
    ]
    rows += [
        (t("occupancy_assumptions", lang), r["name"], r["value"], r["unit"], r["source"])
        for r in occupancy_assumption_rows(ctx)
    ]
    return pd.DataFrame(rows, columns=[t(c, lang) for c in ("section", "assumption", "value", "unit", "source")])


def build_workbook(run: RunData, lang: str = "en", top_n: int = 5) -> Workbook:
    """The workbook in memory (no disk access beyond the run's own files)."""
    from mpp.report.sections.core import OCCUPANCY_ORDER, data, label_of, provenance

    check_lang(lang)
    ctx = ReportContext(run, lang, top_n=top_n)
    wb = Workbook()
    taken: set[str] = set()
    ws = wb.active
    ws.title = sheet_title(t("sheet_headline", lang), taken)
    _headline_sheet(ws, ctx)

    if run.national_annual is not None and len(run.national_annual):
        _national_sheet(wb.create_sheet(sheet_title(t("national", lang), taken)), ctx)
    for sid in [TOTAL_ID, *stream_ids(run), *top_nationalities(run, top_n)]:
        label = label_of(ctx, sid)
        _quantity_sheet(
            wb.create_sheet(sheet_title(sheet_label(ctx, sid), taken)),
            label,
            run.history_series(sid),
            run.series_bands(sid),
            run.series_bands(sid, annual=True),
            lang,
        )
    if run.occupancy_bands is not None:
        ob = run.occupancy_bands
        present = list(dict.fromkeys(ob["quantity"]))
        for quantity in [q for q in OCCUPANCY_ORDER if q in present] + [q for q in present if q not in OCCUPANCY_ORDER]:
            g = ob[ob["quantity"] == quantity]
            _quantity_sheet(
                wb.create_sheet(sheet_title(sheet_label(ctx, quantity), taken)),
                t(quantity, lang),
                pd.Series(dtype=float),
                g[g["period"].str.len() == 7],
                None,
                lang,
                number_format=SHARE_FORMAT if is_share(quantity) else COUNT_FORMAT,
            )
        table = ob.assign(quantity=[t(q, lang) for q in ob["quantity"]])
        _table_sheet(
            wb.create_sheet(sheet_title(t("occupancy_table", lang), taken)),
            t("occupancy", lang),
            _translated(table, lang),
            {t(s, lang) for s in SCENARIOS},
            [SHARE_FORMAT if is_share(q) else COUNT_FORMAT for q in ob["quantity"]],
        )

    for key, frame, name in (
        ("all_series_monthly", run.bands_monthly, "bands_monthly.csv"),
        ("all_series_annual", run.bands_annual, "bands_annual.csv"),
    ):
        _table_sheet(
            wb.create_sheet(sheet_title(t(key, lang), taken)),
            f"{t(key, lang)} ({name})",
            _translated(frame, lang),
            {t(s, lang) for s in SCENARIOS},
        )

    _table_sheet(
        wb.create_sheet(sheet_title(t("assumptions", lang), taken)),
        t("assumptions", lang),
        _assumption_rows(ctx),
        set(),
    )
    meta = [(t("data_provenance", lang), k, v) for k, v in data(ctx).data["rows"]]
    meta += [(t("technical", lang), k, v) for k, v in provenance(ctx).data["rows"]]
    _table_sheet(
        wb.create_sheet(sheet_title(t("metadata", lang), taken)),
        t("provenance", lang),
        pd.DataFrame(meta, columns=[t("section", lang), t("key", lang), t("value", lang)]),
        set(),
    )
    return wb


def write_workbook(run: RunData, path: str | Path, lang: str = "en", top_n: int = 5) -> Path:
    """Write the workbook atomically to `path` (.xlsx)."""
    buf = io.BytesIO()
    wb = build_workbook(run, lang, top_n)
    neutralise_formulas(wb)
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue())
    return Path(path)
