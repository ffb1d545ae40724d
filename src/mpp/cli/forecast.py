"""`mpp forecast`: forecast every series of a data file or store and write bands, paths and a manifest."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from mpp.cli.app import app, console
from mpp.cli.render import annual_bands_table, print_overlay_run
from mpp.strict import month_option


@app.command(
    "forecast",
    epilog="Example (the project's data source, by default the packaged snapshot): mpp forecast --cutoff 2025-06 "
    "--variant baseline --out out/fc   (then: mpp report out/fc); national: mpp forecast --national --cutoff "
    "2025-06 --out out/national",
)
def forecast_command(
    data: Path = typer.Option(
        None,
        "--data",
        help="Realisations: a CSV/CBS/Eurostat file, or a vintage store folder (with --national: the folder of the "
        "national source files); default: the project's data source (data_source in mpp.toml, else the packaged "
        "snapshot of the public sources).",
    ),
    cutoff: str = typer.Option(
        None, "--cutoff", callback=month_option, help="Last month used (YYYY-MM); default: last month of the data."
    ),
    variant: str = typer.Option(
        None, "--variant", help="Model variant from the project's variants.yaml (default: its default)."
    ),
    horizon: int = typer.Option(None, "--horizon", min=1, help="Months ahead (default: to December of next year + 1)."),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    seed: int = typer.Option(0, "--seed", help="Random seed: same inputs and seed give the same numbers."),
    workers: int = typer.Option(None, "--workers", min=1, help="Parallel worker processes."),
    backend: str = typer.Option(None, "--backend", help="processes or dask."),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address (with --backend dask)."),
    samples: int = typer.Option(None, "--samples", min=20, help="Sample paths per series (default from config)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or table."),
    as_json: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
    overlay: list[Path] = typer.Option(
        None,
        "--overlay",
        help="Overlay file (repeatable): writes model + overlays "
        "to <out>/overlays/ beside the unchanged model-only forecast.",
    ),
    national: bool = typer.Option(
        False,
        "--national",
        help="National forecast of every MPP stream from the "
        "mixed-frequency national sources (config/national.yaml; docs/national.md).",
    ),
) -> None:
    """Fit the variant to every series, reconcile the sample paths and write the scenario bands."""
    if national:
        from mpp.cli.national import national_forecast

        national_forecast(data, cutoff, out, seed, samples, quiet, as_json, _load_overlays(overlay))
        return
    from mpp.flows import forecast_to_dir
    from mpp.project import Project

    result, run = forecast_to_dir(
        data or Project.discover().default_data(),
        out,
        cutoff=cutoff,
        variant=variant,
        horizon=horizon,
        seed=seed,
        workers=workers,
        backend=backend,
        scheduler=scheduler,
        n_samples=samples,
        progress=not (quiet or as_json),
        overlays=_load_overlays(overlay),
    )
    if as_json:
        print(
            json.dumps(
                result.manifest
                if run is None
                else {**result.manifest, "overlays": run.total.manifest["overlays"], "overlay_notes": run.notes},
                indent=2,
                default=str,
            )
        )
        return
    if not quiet:
        m = result.manifest
        console.print(
            annual_bands_table(
                result.bands_annual, f"Annual scenario bands, variant {m['variant']}, cut-off {m['cutoff']}"
            )
        )
        if m["fallbacks"]:
            console.print(f"[yellow]{len(m['fallbacks'])} series fell back to a simpler model[/] (see manifest.json)")
        console.print(f"written to {out}")
        if run is not None:
            print_overlay_run(console, run, out / "overlays")


def _load_overlays(paths):
    if not paths:
        return []
    from mpp.spec import load_overlays

    return load_overlays(paths)
