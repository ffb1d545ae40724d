"""`mpp monthly` (the README's main command), `mpp compare` (variants side by side) and `mpp ui` (MLflow UI)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from mpp.cli.app import app, console
from mpp.cli.render import annual_bands_table, overlay_summary_table, plausibility_lines
from mpp.data.catalog import SAMPLE_MARK
from mpp.errors import MppError, RunFailed
from mpp.redact import mask_secrets
from mpp.strict import month_option, past_month_option

HOME_HELP = (
    "Project folder holding config/, mlruns/, data/store/ and out/ (default: $MPP_HOME, else the project "
    "around the working directory (mpp.toml or [tool.mpp]), else the working directory)."
)


@app.command(
    "monthly",
    epilog="Examples: mpp monthly   (the project's declared data source, config/data.yaml: by default the packaged "
    "snapshot of the public sources);  "
    "mpp monthly --data sample --cutoff 2025-06 --variants baseline,theta --samples 100  (the generated sample, "
    "two variants, coarse bands); your own file: mpp monthly --data FILE.  "
    "Exit codes: 0 ok, 2 usage, 3 data invalid, 4 config invalid, 5 tracking server unreachable, 6 run failed "
    "(nothing registered or promoted), 73 cannot write, 75 another run holds the lock. See docs/scheduling.md.",
)
def monthly_command(
    data: str = typer.Option(
        None,
        "--data",
        help="A data source of config/data.yaml by name (e.g. sample), or a realisations file (CSV/CBS/Eurostat) or "
        "vintage-store folder; default: the project's declared source (`default` in config/data.yaml: the "
        "project's data_source of mpp.toml, else the packaged snapshot's CBS 83102NED panel of 7 nationalities).",
    ),
    cutoff: str = typer.Option(
        None, "--cutoff", callback=month_option, help="Last month used (YYYY-MM); default: last month of the data."
    ),
    vintage: str = typer.Option(
        None,
        "--vintage",
        callback=past_month_option,
        help="Publication month of this data, YYYY-MM (default: cut-off + 1).",
    ),
    home: Path = typer.Option(None, "--home", "--mlruns-home", help=HOME_HELP),
    config: Path = typer.Option(
        None, "--config", help="Pipeline configuration (default: the project's pipeline.yaml)."
    ),
    samples: int = typer.Option(None, "--samples", min=20, help="Sample paths per series (default from config)."),
    variants: str = typer.Option(
        None,
        "--variants",
        help="Comma-separated variants to run this time, e.g. baseline,drift (default: pipeline.yaml's `variants`; "
        "the published variant is always added).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (run, versions, decisions) for scripts."),
) -> None:
    """Monthly re-estimation: ingest, validate, forecast every variant, the national forecast of every MPP stream,
    occupancy, backtest gating, MLflow tracking and registry, revision report; prints the national table first,
    then the panel's annual bands, occupancy, the report and the champion decision."""
    from mpp.flows import run_monthly

    silent = quiet or as_json
    res = run_monthly(
        data=data,
        cutoff=cutoff,
        vintage=vintage,
        home=home,
        config=config,
        n_samples=samples,
        variants=[v.strip() for v in variants.split(",") if v.strip()] if variants else None,
        echo=(lambda s: None) if silent else (lambda s: console.print(s, highlight=False)),
    )
    national_dir = res.out_dir.parent / "national"
    if as_json:
        summary = monthly_summary(res)
        if (national_dir / "manifest.json").is_file():
            manifest = json.loads((national_dir / "manifest.json").read_text(encoding="utf-8"))
            summary["national"] = {
                "out_dir": str(national_dir),
                "cutoff": manifest["cutoff"],
                "seed": manifest["seed"],
                "findings": len(manifest["findings"]),
            }
        print(json.dumps(summary, indent=2, default=str))
    if silent:
        return
    cand = res.outcomes[res.candidate]
    if (national_dir / "bands_annual.csv").is_file():
        from mpp.cli.national import print_national_table

        print_national_table(national_dir)
    if (cand.out_dir / "bands_annual.csv").is_file():
        console.print(
            annual_bands_table(
                pd.read_csv(cand.out_dir / "bands_annual.csv"),
                f"Annual bands, {res.candidate}, cut-off {res.cutoff}, data {res.identity.key} (vintage "
                f"{res.vintage})" + (f"  {SAMPLE_MARK}" if res.is_sample else ""),
            )
        )
    if (cand.out_dir / "overlays" / "summary.csv").is_file():
        console.print(
            overlay_summary_table(
                pd.read_csv(cand.out_dir / "overlays" / "summary.csv"),
                f"Model / overlays / total (medians), {res.candidate}, cut-off "
                f"{res.cutoff}; files in {cand.out_dir / 'overlays'}",
            )
        )
        pfile = cand.out_dir / "overlays" / "plausibility.csv"
        if pfile.stat().st_size > 1 and len(plaus := pd.read_csv(pfile)):
            for line in plausibility_lines(plaus):
                console.print(f"  {line}", highlight=False)
    if (occ := cand.out_dir / "occupancy" / "occupancy_bands.csv").is_file():
        from mpp.cli.occupancy import occupancy_inflow, occupancy_year_table

        console.print(occupancy_year_table(pd.read_csv(occ, dtype={"period": str})))
        console.print(f"  inflow: {occupancy_inflow(occ.parent / 'manifest.json')}", highlight=False)
    if (cand.out_dir / "report.html").is_file():
        console.print(f"report: {cand.out_dir / 'report.html'}", highlight=False, soft_wrap=True)
    if cand.revision_lines:
        console.print(f"[bold]Revisions against version {cand.previous_version or 'previous'}[/]")
        for line in cand.revision_lines:
            console.print(f"  {line}", highlight=False)
    if (cand.out_dir / "revision_waterfall.md").is_file():
        lines = (cand.out_dir / "revision_waterfall.md").read_text().splitlines()
        console.print("[bold]Revision waterfall (median; new data / model change / overlays)[/]")
        for line in (x for x in lines if x.startswith("- ") and "TOTAL" not in x[:3]):
            console.print(f"  {line[2:]}", highlight=False)
    console.print(decision_table(res))
    console.print(
        f"* published variant. Outputs: {res.out_dir.parent}; MLflow run {res.parent_run_id} "
        f"({mask_secrets(res.tracking_uri)})",
        highlight=False,
    )
    if res.is_sample:
        console.print(f"[bold red]{SAMPLE_MARK}[/]: declare your data in config/data.yaml or pass --data")


def decision_table(res) -> Table:
    """The champion decision of every variant of a monthly run (the published one starred)."""
    t = Table(title="Champion decision" + (" (reused finished run)" if res.reused else ""), title_justify="left")
    for col in ("model", "version", "alias", "reasons"):
        t.add_column(col)
    for v, o in res.outcomes.items():
        alias = o.decision.alias if o.decision else "-"
        t.add_row(
            res.model_name(v) + (" *" if v == res.candidate else ""),
            str(o.version or "-"),
            alias if o.new_version or res.reused else f"{alias} (existing version)",
            "; ".join(o.decision.reasons) if o.decision else "version with the same run key reused",
        )
    return t


def monthly_summary(res) -> dict:
    """What a scheduler or script needs from a monthly run, as plain data."""
    return {
        "cutoff": res.cutoff,
        "vintage": res.vintage,
        "data_hash": res.data_hash,
        "data_source": res.identity.source.name,
        "data_id": res.identity.key,
        "sample": res.is_sample,
        "reused": res.reused,
        "published_variant": res.candidate,
        "mlflow_run_id": res.parent_run_id,
        "tracking_uri": mask_secrets(res.tracking_uri),
        "variants": {
            v: {
                "out_dir": str(o.out_dir),
                "version": o.version,
                "new_version": o.new_version,
                "alias": o.decision.alias if o.decision else None,
                "reasons": o.decision.reasons if o.decision else [],
                "metrics": o.metrics,
                "revision": o.revision_lines,
            }
            for v, o in res.outcomes.items()
        },
    }


@app.command("init", epilog="Example: mpp init myproject && cd myproject && mpp monthly")
def init_command(
    folder: Path = typer.Argument(..., help="Folder to make a project (created when missing)."),
    force: bool = typer.Option(False, "--force", help="Overwrite configuration files that exist."),
) -> None:
    """Scaffold a project: mpp.toml, config/ (copies of the packaged defaults), data/, mlruns/, models/."""
    from mpp.project import init_project

    written = init_project(folder, force=force)
    console.print(
        f"project {folder.resolve()}: {len(written)} file(s) written; run mpp commands inside it", highlight=False
    )


@app.command(
    "compare",
    epilog="Example (after `mpp monthly --data sample --cutoff 2025-06 --variants baseline,theta`): "
    "mpp compare --data sample --cutoff 2025-06 --variants baseline,theta --lang nl   "
    "(writes out/2025-06/sample-<hash>/compare_nl.html)",
)
def compare_command(
    cutoff: str = typer.Option(
        ..., "--cutoff", callback=month_option, help="Cut-off month of the tracked runs (YYYY-MM)."
    ),
    variants: str = typer.Option(..., "--variants", help="Comma-separated variant names, e.g. anchored,baseline."),
    champion: str = typer.Option(
        None,
        "--champion",
        help="Variant the others are compared with (default: the "
        "published variant of the pipeline configuration, else the first of --variants).",
    ),
    data: str = typer.Option(
        None,
        "--data",
        help="Data source (a name of config/data.yaml or a path) whose runs to compare; default: "
        "the project's declared source.",
    ),
    home: Path = typer.Option(None, "--home", help=HOME_HELP),
    out: Path = typer.Option(
        None, "--out", help="HTML page to write (default out/<cutoff>/<data>/compare[_nl].html, beside the runs)."
    ),
    lang: str = typer.Option("en", "--lang", help="Language of the page: en or nl."),
    as_json: bool = typer.Option(False, "--json", help="Print bands, scores and differences as JSON (for scripts)."),
) -> None:
    """The variants of one cut-off side by side: an HTML page with their annual bands, overlaid fan charts, backtest
    scorecards and differences from the champion."""
    from mpp.flows.compare import compare_page
    from mpp.report.compare import compare_data

    names = [v.strip() for v in variants.split(",") if v.strip()]
    if not names:
        raise MppError("--variants: give at least one variant name")
    path, runs, champion = compare_page(cutoff, names, champion, data=data, home=home, out=out, lang=lang)
    if as_json:
        print(json.dumps({**compare_data(runs, cutoff, champion), "page": str(path)}, indent=2, default=str))
        return
    data = compare_data(runs, cutoff, champion)
    t = Table(
        title=f"Annual median (minimum - maximum), total, cut-off {cutoff}; champion {data['champion']}",
        title_justify="left",
    )
    t.add_column("variant")
    for y in data["years"]:
        t.add_column(str(y), justify="right")
    for v, d in data["variants"].items():
        cells = {a["year"]: a for a in d["annual"] if a["series_id"] == "TOTAL/TOTAL"}
        t.add_row(
            v + (" *" if v == data["champion"] else ""),
            *(
                f"{round(cells[y]['median'], -2):,.0f} ({round(cells[y]['minimum'], -2):,.0f}-"
                f"{round(cells[y]['maximum'], -2):,.0f})"
                if y in cells
                else "-"
                for y in data["years"]
            ),
        )
    console.print(t)
    console.print(f"comparison page: {path}", highlight=False, soft_wrap=True)


@app.command("ui", epilog="Example: mpp ui --port 5000   (then open http://127.0.0.1:5000)")
def ui_command(
    home: Path = typer.Option(None, "--home", help=HOME_HELP),
    port: int = typer.Option(5000, "--port", help="Port on 127.0.0.1."),
) -> None:
    """Start the MLflow UI on 127.0.0.1 for the runs and registered models of `mpp monthly`."""
    import os
    import subprocess
    import sys

    from mpp.project import Project

    loc = Project.discover(home)
    uri = loc.tracking_uri()
    if not uri.startswith("sqlite:"):
        raise MppError(f"MLFLOW_TRACKING_URI points at a server ({mask_secrets(uri)}): open it in the browser instead")
    console.print(
        f"Starting the MLflow UI for {mask_secrets(uri)}\n  it will listen on http://127.0.0.1:{port} (only "
        f"this machine); the first start can take up to a minute. Ctrl-C stops it.",
        highlight=False,
        soft_wrap=True,
    )
    cmd = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", uri, "--host", "127.0.0.1", "--port", str(port)]
    if (root := loc.artifact_root()) is not None:
        cmd += ["--default-artifact-root", root]
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::FutureWarning,ignore::UserWarning"}
    rc = subprocess.call(cmd, env=env)
    if rc != 0:  # only documented exit codes leave mpp (docs/scheduling.md)
        raise RunFailed(f"the MLflow UI stopped with exit code {rc}")
