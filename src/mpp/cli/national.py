"""`mpp forecast --national` (and the national table `mpp monthly` prints): the national forecast of every stream the MPP
publishes, from the mixed-frequency national sources. Thin: run, write, print."""

from __future__ import annotations

import json
from pathlib import Path

from rich.table import Table

from mpp.bands import BAND_NAMES

NAMES = {
    "first_asylum_request/TOTAL": "first asylum requests",
    "repeat_asylum_request/TOTAL": "repeat requests",
    "nareizigers/TOTAL": "nareizigers",
    "resettlement/TOTAL": "resettlement (assumption)",
    "TOTAL/TOTAL": "total asylum inflow",
}


def national_forecast(
    data: Path | None,
    cutoff: str | None,
    out: Path,
    seed: int,
    samples: int | None,
    quiet: bool,
    as_json: bool,
    overlays: list | None = None,
):
    """Run the national flow and print its table (and the overlay table) -> the overlay run or None."""
    from mpp.cli.render import print_overlay_run
    from mpp.errors import ConfigError
    from mpp.flows import national_to_dir

    if not cutoff:
        raise ConfigError("--national needs --cutoff YYYY-MM (the last month of data to use)")
    if data is None:  # the national sources of the project's data snapshot
        from mpp.project import Project

        data = Project.discover().source_snapshot() / "real"
    run, overlay_run = national_to_dir(cutoff, data, out, seed=seed, n_samples=samples, overlays=overlays)
    if as_json:
        print(json.dumps(run.manifest, indent=2, default=str))
    elif not quiet:
        print_national_table(out)
        if overlay_run is not None:
            from mpp.cli.app import console

            print_overlay_run(console, overlay_run, out / "overlays")
    return overlay_run


def print_national_table(folder: Path) -> None:
    """The MPP's national table of a national forecast folder: every stream and the total, this year and the
    next two, four bands (rounded to tens), with the number of validation findings."""
    import pandas as pd

    from mpp.cli.app import console
    from mpp.national.run import annual_table

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    t = Table(
        title=f"National annual scenario bands, cut-off {manifest['cutoff']} ({manifest['n_samples']} paths, "
        f"seed {manifest['seed']})",
        title_justify="left",
    )
    for col in ("quantity", "year", *BAND_NAMES):
        t.add_column(col, justify="left" if col == "quantity" else "right")
    for _, r in annual_table(pd.read_csv(folder / "bands_annual.csv")).iterrows():
        t.add_row(NAMES.get(r["series_id"], r["series_id"]), str(r["year"]), *(f"{r[b]:,.0f}" for b in BAND_NAMES))
    console.print(t)
    n = len(manifest["findings"])
    if n:
        console.print(f"[yellow]{n} validation finding(s) where sources disagree[/] ({folder / 'findings.csv'})")
    console.print(f"national forecast: {folder}", highlight=False, soft_wrap=True)
