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
    data: Path | None, cutoff: str | None, out: Path, seed: int, samples: int | None, quiet: bool, as_json: bool
) -> dict:
    from mpp.errors import ConfigError
    from mpp.national.run import run_national, write_national
    from mpp.spec import load_national_config

    if not cutoff:
        raise ConfigError("--national needs --cutoff YYYY-MM (the last month of data to use)")
    if data is None:  # the national sources of the project's data snapshot
        from mpp.project import Project

        data = Project.discover().source_snapshot() / "real"
    run = run_national(cutoff, data_dir=data, cfg=load_national_config(), seed=seed, n_samples=samples)
    write_national(run, out)
    if as_json:
        print(json.dumps(run.manifest, indent=2, default=str))
    elif not quiet:
        print_national_table(out)
    return run.manifest


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
