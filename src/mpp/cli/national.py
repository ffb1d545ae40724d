"""`mpp forecast --national` (and `mpp monthly --national`): the national forecast of every stream the MPP
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
    from mpp.cli.app import console
    from mpp.errors import ConfigError
    from mpp.national.run import annual_table, run_national, write_national
    from mpp.spec import load_national_config

    if not cutoff:
        raise ConfigError("--national needs --cutoff YYYY-MM (the last month of data to use)")
    if data is None:
        raise ConfigError("--national needs --data: the folder of the national source files")
    run = run_national(cutoff, data_dir=data, cfg=load_national_config(), seed=seed, n_samples=samples)
    write_national(run, out)
    if as_json:
        print(json.dumps(run.manifest, indent=2, default=str))
    elif not quiet:
        t = Table(
            title=f"National annual scenario bands, cut-off {run.manifest['cutoff']} "
            f"({run.manifest['n_samples']} paths)",
            title_justify="left",
        )
        for col in ("quantity", "year", *BAND_NAMES):
            t.add_column(col, justify="left" if col == "quantity" else "right")
        for _, r in annual_table(run).iterrows():
            t.add_row(NAMES.get(r["series_id"], r["series_id"]), str(r["year"]), *(f"{r[b]:,.0f}" for b in BAND_NAMES))
        console.print(t)
        n = len(run.manifest["findings"])
        if n:
            console.print(f"[yellow]{n} validation finding(s) where sources disagree[/] (findings.csv)")
        console.print(f"written to {out}")
    return run.manifest
