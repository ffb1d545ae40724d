"""The occupancy run folders: `mpp occupancy` and the monthly run (`project_from_forecast`), `mpp occupancy-replay`
(`replay_to_dir`), `mpp occupancy-compare` (`compare_to_dir`) and `mpp occupancy-scenario` (`write_stream_paths`).
Each reads its inputs, calls the stage (`mpp.occupancy.run`, `mpp.occupancy.compare`) and writes the folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mpp.data.guard import guarded_read
from mpp.errors import DataError
from mpp.occupancy.assumptions import Assumptions
from mpp.occupancy.compare import compare_settings, markdown
from mpp.occupancy.inputs import read_stream_paths, stream_paths_frame
from mpp.occupancy.run import ReplayRun, project_paths, replay_long, with_quantity
from mpp.provenance import (
    atomic_write_bytes,
    atomic_write_csv,
    atomic_write_json,
    atomic_write_parquet,
    atomic_write_text,
    hash_file,
)


def _file_facts(prefix: str, path: Path | None) -> dict[str, str | None]:
    """{prefix_file, prefix_hash} of an input file as a manifest records it (None, None without one)."""
    return {f"{prefix}_file": str(path) if path else None, f"{prefix}_hash": hash_file(path) if path else None}


def _write_tables(out: Path, tables: dict[str, pd.DataFrame]) -> None:
    for name, table in tables.items():
        atomic_write_csv(out / name, table)


def project_from_forecast(
    forecast: Path,
    assumptions: Assumptions,
    out: Path,
    sensitivity: bool = False,
    overlays: list | None = None,
    replay: dict | None = None,
    assumptions_file: Path | None = None,
    quantiles: dict[str, float] | None = None,
    overlay_effects: Callable[..., tuple[Assumptions, list[dict]]] | None = None,
) -> dict:
    """Occupancy of the forecast in `forecast` (`mpp.occupancy.run.project_paths`): write occupancy_bands.csv,
    ind_flow_bands.csv (and sensitivity.csv, ukraine_scenarios.csv, replay_track_record.csv) and manifest.json
    into `out` -> the manifest. Raises `ForecastMissesStart` when the forecast does not reach the assumptions'
    initial-stock month."""
    forecast, out = Path(forecast), Path(out)
    streams, periods, paths, fmanifest = read_stream_paths(forecast)
    files = {
        **_file_facts("assumptions", assumptions_file),
        "forecast_dir": str(forecast),
        "forecast_manifest_hash": hash_file(forecast / "manifest.json"),
        "forecast_paths_hash": hash_file(forecast / "paths.parquet"),
    }
    run = project_paths(
        streams,
        periods,
        paths,
        fmanifest,
        assumptions,
        files,
        sensitivity=sensitivity,
        overlays=overlays,
        replay=replay,
        quantiles=quantiles,
        overlay_effects=overlay_effects,
    )
    _write_tables(out, run.tables)
    atomic_write_json(out / "manifest.json", run.manifest)
    return run.manifest


def replay_to_dir(
    real_dir: Path,
    start: str,
    end: str,
    assumptions: Assumptions,
    observations: Path,
    out: Path,
    fit_until: str,
    nareizigers_profile: str = "panel",
    calibrate: list[str] | None = None,
    chart: bool = True,
    assumptions_file: Path | None = None,
    band: bool = False,
) -> dict:
    """The long replay (`mpp.occupancy.run.replay_long`) against the COA observations in `observations`: its
    tables, replay_table.md, replay.png (with `chart`) and manifest.json in `out` -> the manifest."""
    obs = guarded_read(pd.read_csv, observations, "COA observations CSV")
    files = {**_file_facts("observations", Path(observations)), **_file_facts("assumptions", assumptions_file)}
    run = replay_long(
        real_dir, start, end, assumptions, obs, fit_until, files, nareizigers_profile, calibrate, band=band
    )
    out = Path(out)
    _write_tables(out, run.tables)
    atomic_write_text(out / "replay_table.md", run.markdown)
    if chart:
        _write_replay_chart(out / "replay.png", run, start, end, fit_until)
        run.manifest["outputs"].append("replay.png")
    atomic_write_json(out / "manifest.json", run.manifest)
    return run.manifest


def _write_replay_chart(path: Path, run: ReplayRun, start: str, end: str, fit_until: str) -> None:
    """replay.png: the replay against COA's figures (the band shaded when there is one)."""
    from mpp.report.charts import figure_png, replay_chart  # matplotlib only when a replay is drawn

    atomic_write_bytes(
        path,
        figure_png(
            replay_chart(
                run.monthly,
                with_quantity(run.comparison),
                f"Replay {start}..{end}: realised inflow, decisions, backlog vs COA",
                fit_until=fit_until,
                band=run.band,
            )
        ),
    )


def compare_to_dir(
    forecast: Path,
    ours: Assumptions,
    theirs: Assumptions,
    out: Path,
    published: Path | None = None,
    vintage: str = "Kernprognose 2025",
) -> str:
    """`mpp occupancy-compare`: each assumption ours beside theirs on the inflow paths of `forecast`, with the
    published median end-of-year occupancy of `vintage` (from `published`); setting_comparison.csv and .md in
    `out` -> the markdown table."""
    streams, periods, paths, _ = read_stream_paths(forecast)
    start = pd.Period(ours.initial_stocks.date[:7], freq="M")
    if start not in periods or theirs.initial_stocks.date != ours.initial_stocks.date:
        raise DataError("both settings must start on the same day, inside the forecast")
    i = periods.get_loc(start)
    pub = None
    if published is not None:
        p = guarded_read(pd.read_csv, published, "published figures CSV")
        p = p[(p["vintage"] == vintage) & (p["quantity"] == "coa_occupancy_end_of_year") & (p["scenario"] == "median")]
        pub = {int(r["target_year"]): float(r["value"]) for _, r in p.iterrows()}
    table = compare_settings(ours, theirs, paths[:, i:], periods[i:], streams, pub)
    years = sorted(int(c.split("_")[1]) for c in table.columns if c.startswith("median_"))
    md = markdown(table, years)
    atomic_write_csv(Path(out) / "setting_comparison.csv", table)
    atomic_write_text(Path(out) / "setting_comparison.md", md + "\n")
    return md


def write_stream_paths(
    out_dir: str | Path, streams: tuple[str, ...], periods: pd.PeriodIndex, paths: np.ndarray, manifest: dict[str, Any]
) -> None:
    """Write `paths[stream, horizon, sample]` as a forecast-format directory (stream totals plus TOTAL/TOTAL)."""
    out = Path(out_dir)
    atomic_write_parquet(out / "paths.parquet", stream_paths_frame(streams, periods, paths))
    atomic_write_json(out / "manifest.json", manifest)
