"""An overlay run beside its model-only forecast: the layout (written by `mpp.flows.overlays.write_overlay_run`),
the tables it holds and reading a forecast directory back as a forecast result.

<forecast dir>/                  the model-only forecast, exactly as without overlays
<forecast dir>/overlays/         a complete forecast directory of "model + overlays" (bands, paths, manifest;
                                 occupancy and reports read it like any forecast), plus
    summary.csv                  model / each overlay / total per series (total, streams) and year, with bands
    contributions.csv            each overlay's annual contribution (bands of the per-path difference), all series
    implied.csv                  target overlays: the change each published figure implies, per year
    plausibility.csv             each target figure's percentile in the model's distribution
    files/<name>.yaml            the overlay files as applied (their sha256 is in manifest.json)
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.bands import annual_bands, monthly_bands
from mpp.data.schema import series_level, split_series_id
from mpp.forecast.engine import ForecastResult
from mpp.forecast.io import read_forecast, read_paths
from mpp.overlays.apply import OverlayRun, run_quantiles
from mpp.overlays.plausibility import plausibility_table

SUBDIR = "overlays"


def target_figures(run: OverlayRun) -> list[tuple[str, str, int, float]]:
    """(label, series, year, figure) of every target effect: the published figures to check."""
    out = []
    for lo in run.overlays:
        for e in lo.overlay.effects:
            if e.target is not None:
                out += [(lo.name, e.target.series, y, v) for y, v in e.target.annual.items()]
    return out


def last_realised_year(run: OverlayRun, series_id: str) -> tuple[int | None, float | None]:
    """The last calendar year fully realised before the forecast, and its total (what the panel covers)."""
    h = run.model.history_wide
    if series_id not in h.columns or h.empty:
        return None, None
    year = run.model.periods[0].year - 1
    months = pd.period_range(f"{year}-01", f"{year}-12", freq="M")
    vals = h[series_id].reindex(months)
    return (year, float(vals.sum())) if not vals.isna().any() else (None, None)


def plausibility_of_targets(run: OverlayRun) -> pd.DataFrame:
    table = plausibility_table(run.model, target_figures(run))
    if not table.empty:
        real = {sid: last_realised_year(run, sid) for sid in table["series_id"].unique()}
        table["panel_realised_year"] = table["series_id"].map(lambda s: real[s][0])
        table["panel_realised_total"] = table["series_id"].map(lambda s: real[s][1])
    return table


def summary_wide(summary: pd.DataFrame, band: str = "median") -> pd.DataFrame:
    """summary.csv -> one row per (series, year) and one column per component (model, overlays, total)."""
    w = summary.pivot_table(index=["series_id", "year"], columns="component", values=band, aggfunc="first", sort=False)
    cols = ["model"] + [c for c in w.columns if c.startswith("overlay: ")] + ["total"]
    w = w[[c for c in cols if c in w.columns]]
    w.columns.name = None
    return w.reset_index().replace({np.nan: None})


def read_forecast_dir(directory: str | Path) -> ForecastResult:
    """A forecast directory as a ForecastResult: `mpp forecast`'s (with history.csv), or any other directory in
    the same paths layout, such as the national forecast's (then without realised months: only years wholly
    inside the horizon get annual figures, and a target for the cut-off year is not applied)."""

    d = Path(directory)
    if (d / "history.csv").is_file():
        return read_forecast(d)
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    ids, periods, arr = read_paths(d)
    order = [s for s in manifest.get("series_order") or ids if s in ids]
    paths = arr[[ids.index(s) for s in order]]
    q = run_quantiles(manifest)
    history = pd.DataFrame(index=pd.PeriodIndex([], freq="M"), columns=order, dtype=float)
    return ForecastResult(
        series_ids=order,
        levels=[series_level(*split_series_id(s)) for s in order],
        periods=periods,
        paths=paths,
        bands_monthly=monthly_bands(paths, order, periods, q),
        bands_annual=annual_bands(paths, order, periods, q, realised=history),
        history_wide=history,
        manifest={**manifest, "quantiles": q},
    )
