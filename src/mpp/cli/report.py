"""`mpp report RUN_DIR`: the HTML report and the Excel workbook of a forecast run."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from mpp.cli.app import app, console


@app.command(
    "report",
    epilog="Example (after `mpp monthly --data sample --cutoff 2025-06`): mpp report out/2025-06/sample-*/baseline "
    "--lang nl --charts charts   (run folders: out/<cut-off>/<data source>-<hash>/<variant>)",
)
def report(
    run_dir: Path = typer.Argument(..., help="Forecast run directory (bands_monthly.csv, manifest.json, ...)."),
    previous: Path | None = typer.Option(None, "--previous", help="Previous run directory, for the revision table."),
    out: Path | None = typer.Option(None, "--out", help="HTML file to write (default RUN_DIR/report[_nl].html)."),
    excel: Path | None = typer.Option(None, "--excel", help="Workbook to write (default RUN_DIR/report[_nl].xlsx)."),
    lang: str = typer.Option("en", "--lang", help="Language of labels: en or nl."),
    charts: Path | None = typer.Option(None, "--charts", help="Also write every chart as a PNG into this folder."),
    coa_observations: Path | None = typer.Option(
        None,
        "--coa-observations",
        help="Realised COA figures (CSV: date, measure, value), drawn before the occupancy projection.",
    ),
    national: Path | None = typer.Option(
        None,
        "--national",
        help="National forecast folder (from mpp forecast "
        "--national) to show beside the run; default RUN_DIR/national when present.",
    ),
    html_only: bool = typer.Option(False, "--html-only", help="Write only the HTML report."),
    excel_only: bool = typer.Option(False, "--excel-only", help="Write only the workbook."),
    as_json: bool = typer.Option(False, "--json", help="Print the written files as JSON."),
) -> None:
    """Write the self-contained HTML report and the Excel workbook of a run (both by default)."""
    from mpp.errors import MppError
    from mpp.report import write_charts, write_report

    if html_only and excel_only:
        raise MppError("--html-only and --excel-only exclude each other")
    files = [
        str(p)
        for p in write_report(
            run_dir,
            out=out,
            excel=excel,
            previous=previous,
            lang=lang,
            html=not excel_only,
            workbook=not html_only,
            coa_observations=coa_observations,
            national=national,
        )
    ]
    chart_files = (
        [str(p) for p in write_charts(run_dir, charts, lang=lang, coa_observations=coa_observations)]
        if charts is not None
        else []
    )
    if as_json:
        print(json.dumps({"files": files, "charts": chart_files}, indent=2))
        return
    for path in files:
        console.print(f"wrote {path}")
    if charts is not None:
        console.print(f"wrote {len(chart_files)} charts to {charts}")
