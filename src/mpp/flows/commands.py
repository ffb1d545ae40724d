"""The flows of the one-stage commands: `mpp forecast` (also `--national`) and `mpp backtest`. Each reads its
inputs, calls the stages (which take and return objects) and writes the run folder; the CLI only parses and prints.
"""

from __future__ import annotations

from pathlib import Path

from mpp.backtest.spec import BacktestSpec
from mpp.data.io import read_realisations
from mpp.flows.backtest import run_backtest_pipeline
from mpp.flows.forecast import write_forecast
from mpp.flows.national import write_national
from mpp.flows.overlays import write_overlay_run
from mpp.forecast import run_forecast
from mpp.national.run import run_national
from mpp.overlays import apply_overlays, read_forecast_dir
from mpp.project import Project
from mpp.spec import RunSpec, load_national_config, load_release_calendar, load_spec


def forecast_to_dir(
    data: str | Path,
    out: str | Path,
    cutoff: str | None = None,
    variant: str | None = None,
    horizon: int | None = None,
    seed: int = 0,
    workers: int | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    n_samples: int | None = None,
    progress: bool = False,
    spec: RunSpec | None = None,
    home: str | Path | None = None,
    overlays: list | None = None,
):
    """`mpp forecast`: read and validate `data`, forecast one variant, apply `overlays` (model + overlays beside
    the unchanged model-only forecast), then write -> (result, overlay run or None). Overlays are applied before
    anything is written: a refused overlay leaves no half-written output."""
    spec = (spec or load_spec(Project.discover(home))).with_samples(n_samples)
    history, vintage = read_realisations(Path(data))
    result = run_forecast(
        history,
        cutoff or history["period"].max(),
        variant=spec.variant(variant),
        horizon=horizon,
        seed=seed,
        workers=workers,
        backend=backend,
        scheduler=scheduler,
        config=spec.forecast,
        progress=progress,
        data_vintage=vintage,
    )
    run = None
    if overlays:
        run = apply_overlays(result, overlays, seed=seed)
    write_forecast(result, Path(out))
    if run is not None:
        write_overlay_run(run, Path(out))
    return result, run


def national_to_dir(
    cutoff: str,
    data: str | Path,
    out: str | Path,
    seed: int = 0,
    n_samples: int | None = None,
    overlays: list | None = None,
    home: str | Path | None = None,
):
    """`mpp forecast --national`: the national forecast from the source files in `data` into `out`, then the
    `overlays` applied to it (model + overlays in `out/overlays/`) -> (national run, overlay run or None)."""
    project = Project.discover(home)
    run = run_national(
        cutoff, data_dir=Path(data), cfg=load_national_config(project=project), seed=seed, n_samples=n_samples
    )
    write_national(run, Path(out))
    overlay_run = None
    if overlays:
        overlay_run = apply_overlays(read_forecast_dir(Path(out)), overlays, seed=seed)
        write_overlay_run(overlay_run, Path(out))
    return run, overlay_run


def backtest(
    data: str | Path,
    plan: BacktestSpec,
    out: str | Path,
    home: str | Path | None = None,
    spec: RunSpec | None = None,
    echo=None,
):
    """`mpp backtest`: the rolling-origin backtest `plan` on `data` into `out`, the peer comparison with the
    official forecasts (`mpp_published.csv` of the project's reference data: `reference_data`, else the data
    source's snapshot) when `plan.peer`, logged to MLflow when `plan.track` -> (outputs, MLflow run id or None).
    A plan without a publication lag gets the release calendar's lag of the CBS monthly panel (releases.yaml)."""

    project = Project.for_writing(home) if plan.track else Project.discover(home)
    spec = spec or load_spec(project)
    if plan.publication_lag is None:
        plan = plan.with_lag(load_release_calendar(project=project).monthly_lag())
    if plan.track:  # an unreachable tracking server is exit 5 now, not after the whole backtest
        from mpp.tracking.registry import check_reachable

        check_reachable(project.tracking_uri())
    res = run_backtest_pipeline(
        data,
        plan,
        out,
        shared_data=project.reference_folder() if plan.peer else None,
        catalog=spec.variants,
        config=spec.forecast,
        log=echo,
    )
    run_id = None
    if plan.track:
        from mpp.tracking.backtest_log import log_backtest

        origins = plan.origins
        run_id = log_backtest(
            res,
            {
                "data": str(data),
                "variants": ",".join(plan.variants),
                "origins": f"{origins[0]}:{origins[-1]}" if origins else "",
                "horizon": plan.horizon,
                "seed": plan.seed,
                "publication_lag": plan.publication_lag,
                "spec_hash": spec.hash,
            },
            home=project.home,
        )
    return res, run_id
