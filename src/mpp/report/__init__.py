"""Analyst outputs of a run: fan charts (EN/NL), a self-contained HTML report and an Excel workbook.

from mpp.report import read_run, render_html, write_report
write_report("runs/2025-06", previous="runs/2024-12", lang="nl")   # report.html + report.xlsx in the run dir
"""

from __future__ import annotations

from pathlib import Path

from mpp.provenance import atomic_write_bytes, atomic_write_text
from mpp.report.charts import annual_chart, fan_chart, figure_png
from mpp.report.excel import build_workbook, write_workbook
from mpp.report.html import all_charts, render_html
from mpp.report.i18n import check_lang
from mpp.report.inputs import RunData, attach_national, read_coa_observations, read_run
from mpp.report.tables import headline_table

__all__ = [
    "RunData",
    "read_run",
    "fan_chart",
    "annual_chart",
    "figure_png",
    "render_html",
    "build_workbook",
    "write_workbook",
    "headline_table",
    "write_report",
    "write_charts",
    "default_paths",
]


def default_paths(run_dir: str | Path, lang: str = "en") -> tuple[Path, Path]:
    """report.html / report.xlsx in the run directory (report_nl.* for Dutch)."""
    stem = "report" if lang == "en" else f"report_{lang}"
    d = Path(run_dir)
    return d / f"{stem}.html", d / f"{stem}.xlsx"


def write_report(
    run_dir: str | Path,
    *,
    out: str | Path | None = None,
    excel: str | Path | None = None,
    previous: str | Path | None = None,
    lang: str = "en",
    html: bool = True,
    workbook: bool = True,
    coa_observations=None,
    national: str | Path | None = None,
) -> list[Path]:
    """Read a run directory (and optionally the previous run) and write the HTML report and/or the workbook.
    coa_observations: realised COA figures (a CSV path or a frame with date, measure, value) drawn before the
    occupancy projection. national: a national forecast folder (mpp forecast --national) shown beside the run
    (a run folder's own national/ subfolder is used without it). Returns the paths written."""
    check_lang(lang)
    run = read_run(run_dir)
    if national is not None:
        attach_national(run, national)
    obs = read_coa_observations(coa_observations)
    prev = read_run(previous) if previous is not None else None
    html_path, xlsx_path = default_paths(run_dir, lang)
    written = []
    if html:
        target = Path(out) if out is not None else html_path
        atomic_write_text(target, render_html(run, lang, previous=prev, coa_observations=obs))
        written.append(target)
    if workbook:
        target = Path(excel) if excel is not None else xlsx_path
        write_workbook(run, target, lang)
        written.append(target)
    return written


def write_charts(run_dir: str | Path, out_dir: str | Path, lang: str = "en", coa_observations=None) -> list[Path]:
    """Every chart of the report as a separate PNG in `out_dir` (for slides and notes): fan_*.png, annual_*.png."""

    check_lang(lang)
    out = Path(out_dir)
    written = []
    for chart in all_charts(read_run(run_dir), lang, coa_observations=read_coa_observations(coa_observations)):
        path = out / f"{chart.name}.png"
        atomic_write_bytes(path, chart.png)
        written.append(path)
    return written
