"""The forecast engine: realisations -> per-series sample paths -> dependence -> reconciliation -> bands.

Orchestration only: models know how to fit one series (mpp.models), the hierarchy module knows how to
reconcile (mpp.hierarchy), bands know quantiles (mpp.bands). This module wires them and records what it did.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from mpp.bands import annual_bands, monthly_bands
from mpp.data.schema import OTHER, TOTAL, series_level, split_series_id
from mpp.data.scope import data_scope
from mpp.errors import DataError
from mpp.forecast.config import ForecastConfig
from mpp.forecast.parallel import map_tasks
from mpp.hierarchy import (
    RECONCILIATION,
    SAMPLERS,
    aggregate_history,
    build_hierarchy,
    pool_small_nationalities,
    projection_matrix,
    reconcile_paths,
)
from mpp.models import SeriesForecast, forecast_series
from mpp.models.base import FamilyFailed, Transform
from mpp.models.registry import panel_function
from mpp.models.variants import VariantSpec
from mpp.provenance import code_version, hash_frame, hash_json


@dataclass
class ForecastResult:
    """Reconciled sample paths and their bands. `paths[series, horizon, sample]` follows `series_ids`."""

    series_ids: list[str]
    levels: list[str]
    periods: pd.PeriodIndex
    paths: np.ndarray
    bands_monthly: pd.DataFrame
    bands_annual: pd.DataFrame
    history_wide: pd.DataFrame  # period x series_id, realised values up to the cut-off, every level
    manifest: dict[str, Any]
    fits: pd.DataFrame = field(default_factory=pd.DataFrame)  # series_id, family, fallback, aicc, params

    def series_paths(self, sid: str) -> np.ndarray:
        """paths[horizon, sample] of one series."""
        return self.paths[self.series_ids.index(sid)]


def series_seed(seed: int, sid: str) -> int:
    """A per-series seed that depends only on the run seed and the series id (not on worker or order)."""
    return int(np.random.SeedSequence([int(seed), zlib.crc32(sid.encode())]).generate_state(1)[0])


def bottom_table(history: pd.DataFrame, cutoff: pd.Period, top_n: int, window_months: int) -> pd.DataFrame:
    """Canonical rows up to the cut-off, reduced to bottom series (stream x nationality, small ones pooled).

    Where a source states a stream's TOTAL beside its nationalities, the part the nationalities do not cover
    becomes OTHER (so the stream total stays the stated one); a stream given only as a TOTAL becomes a single
    OTHER series of that stream.
    """
    h = history.loc[history["period"] <= cutoff, ["period", "stream", "nationality", "value"]]
    if h.empty:
        raise DataError(f"no realisations at or before the cut-off {cutoff}")
    is_total = h["nationality"] == TOTAL
    parts, totals = h.loc[~is_total], h.loc[is_total]
    if not totals.empty:
        covered = parts.groupby(["period", "stream"], as_index=False)["value"].sum()
        rest = totals.merge(covered, on=["period", "stream"], how="left", suffixes=("", "_parts"))
        rest["value"] = rest["value"] - rest["value_parts"].fillna(0).astype("int64")
        if (rest["value"] < 0).any():
            bad = rest.loc[rest["value"] < 0].iloc[0]
            raise DataError(f"nationalities of {bad['stream']} sum above the stated TOTAL in {bad['period']}")
        rest = rest.assign(nationality=OTHER)[["period", "stream", "nationality", "value"]]
        parts = pd.concat([parts, rest]).groupby(["period", "stream", "nationality"], as_index=False)["value"].sum()
    return pool_small_nationalities(parts, top_n=top_n, window_months=window_months)


def count_residuals(y: pd.Series, residuals: pd.Series | None, params: dict, spec) -> pd.Series:
    """One-step in-sample errors in persons: y minus the back-transformed working-scale fitted value."""
    if residuals is None:
        return pd.Series(np.nan, index=y.index)
    transform = Transform(
        kind=params.get("transform", getattr(spec, "transform", "log1p")), lam=params.get("boxcox_lambda")
    )
    r = residuals.reindex(y.index).to_numpy(dtype=float)
    fitted = transform.inverse(transform.forward(y.to_numpy(dtype=float)) - r)
    return pd.Series(y.to_numpy(dtype=float) - np.maximum(fitted, 0.0), index=y.index)


def _fit_task(task: tuple) -> Any:
    sid, y, horizon, n_samples, spec, seed = task
    return forecast_series(y, horizon=horizon, n_samples=n_samples, spec=spec, seed=seed)


def _panel_fits(panel, hist: pd.DataFrame, hierarchy, horizon: int, n_samples: int, spec, seed: int) -> list:
    """A panel family's bottom paths summed to every level (coherent before reconciliation), as one
    `SeriesForecast` per series; residuals are the seasonal differences on log1p (for MinT's weights)."""
    bottom, params = panel(hist[hierarchy.bottom_ids], horizon, n_samples, spec, np.random.default_rng(seed))
    paths = np.einsum("ab,bhs->ahs", hierarchy.S, bottom)
    return [
        SeriesForecast(
            paths=paths[i],
            family=spec.family,
            params=params,
            residuals=pd.Series(np.log1p(hist[sid].to_numpy(float)), index=hist.index).diff(12),
        )
        for i, sid in enumerate(hierarchy.series_ids)
    ]


def run_forecast(
    history: pd.DataFrame,
    cutoff: pd.Period | str,
    variant: VariantSpec,
    horizon: int | None = None,
    seed: int = 0,
    workers: int | None = None,
    backend: str | None = None,
    config: ForecastConfig | None = None,
    progress: bool = False,
    scheduler: str | None = None,
    data_vintage: str | None = None,
) -> ForecastResult:
    """Forecast every series of `history` (canonical realisations) after `cutoff`.

    Only rows at or before the cut-off are used. Returns reconciled paths for every level and their bands.
    `variant` and `config` come validated from the run spec (`mpp.spec`); this stage reads no configuration.
    """
    if not isinstance(variant, VariantSpec) or not isinstance(config, ForecastConfig):
        raise TypeError("run_forecast needs a VariantSpec and a ForecastConfig (see mpp.spec.load_spec)")
    spec = variant
    cutoff = pd.Period(cutoff, freq="M")
    last = history["period"].max()
    if cutoff > last:
        raise DataError(f"the cut-off {cutoff} is after the last month of the data ({last})")
    horizon = int(horizon or config.horizon_for(cutoff))
    workers = workers or config.parallel.workers
    backend = backend or config.parallel.backend
    scheduler = scheduler or config.parallel.dask_scheduler

    bottom = bottom_table(history, cutoff, config.pooling.top_n, config.pooling.window_months)
    bottom_ids = sorted((bottom["stream"] + "/" + bottom["nationality"]).unique())
    hierarchy = build_hierarchy(bottom_ids)
    # A month a series has no row for, inside the panel's range, is a zero (validated data has no gaps).
    start = bottom["period"].min()
    months = pd.period_range(start, cutoff, freq="M")
    hist = aggregate_history(bottom, hierarchy).reindex(months, fill_value=0).astype(float)

    panel = panel_function(spec.family)
    fits = None
    if panel is not None:
        try:
            fits = _panel_fits(panel, hist, hierarchy, horizon, config.n_samples, spec, seed)
        except FamilyFailed:  # e.g. under a year of history: each series walks the usual fallback chain
            panel = None
    if fits is None:
        tasks = [
            (sid, hist[sid].copy(), horizon, config.n_samples, spec, series_seed(seed, sid))
            for sid in hierarchy.series_ids
        ]
        fits = map_tasks(
            _fit_task,
            tasks,
            workers=workers,
            backend=backend,
            scheduler=scheduler,
            progress=progress,
            description=f"fitting {spec.name}",
        )

    base = np.stack([f.paths for f in fits])  # [series, horizon, sample]
    residuals = pd.DataFrame({sid: f.residuals for sid, f in zip(hierarchy.series_ids, fits)})
    # rank dependence is scale-free: the working-scale (log) residuals are the better-behaved estimate
    if panel is None:  # a panel family draws its own cross-series dependence
        base = SAMPLERS[config.sampler](base, residuals, seed)
    count_resid = None
    if "residuals" in RECONCILIATION[config.reconciliation].needs:
        # MinT weighs series by their error covariance in persons, the scale the aggregation constraints hold on
        count_resid = pd.DataFrame(
            {sid: count_residuals(hist[sid], f.residuals, f.params, spec) for sid, f in zip(hierarchy.series_ids, fits)}
        )
    P = projection_matrix(config.reconciliation, hierarchy, residuals=count_resid, history=hist)
    paths = reconcile_paths(base, hierarchy, P)

    periods = pd.period_range(cutoff + 1, periods=horizon, freq="M")
    quantiles = dict(config.quantiles)
    bm = monthly_bands(paths, hierarchy.series_ids, periods, quantiles)
    ba = annual_bands(paths, hierarchy.series_ids, periods, quantiles, realised=hist)

    fit_table = _fit_table(hierarchy.series_ids, fits)
    used = history.loc[history["period"] <= cutoff]
    manifest = _manifest(spec, config, hierarchy, fits, cutoff, horizon, periods, seed, used, data_vintage, panel)
    return ForecastResult(
        series_ids=list(hierarchy.series_ids),
        levels=list(hierarchy.levels),
        periods=periods,
        paths=paths,
        bands_monthly=bm,
        bands_annual=ba,
        history_wide=hist,
        manifest=manifest,
        fits=fit_table,
    )


def _fit_table(series_ids: list[str], fits: list) -> pd.DataFrame:
    """One row per series: the family used, why it fell back, AICc and the fitted parameters (JSON)."""
    return pd.DataFrame(
        {
            "series_id": series_ids,
            "level": [series_level(*split_series_id(s)) for s in series_ids],
            "family": [f.family for f in fits],
            "fallback": [f.fallback or "" for f in fits],
            "aicc": [f.aicc for f in fits],
            "params": [json.dumps(f.params, sort_keys=True, default=str) for f in fits],
        }
    )


def _manifest(spec, config, hierarchy, fits, cutoff, horizon, periods, seed, used, data_vintage, panel) -> dict:
    """What a forecast was made from and with: settings, data identity and scope, code, families, fallbacks."""
    quantiles = dict(config.quantiles)
    spec_dict = spec.model_dump()
    return {
        "cutoff": str(cutoff),
        "variant": spec.name,
        "variant_spec": spec_dict,
        "horizon": horizon,
        "first_period": str(periods[0]),
        "last_period": str(periods[-1]),
        "seed": int(seed),
        "n_samples": int(config.n_samples),
        "quantiles": quantiles,
        "reconciliation": config.reconciliation,
        "dependence": config.dependence if panel is None else False,
        "pooling": config.pooling.model_dump(),
        "n_series": len(hierarchy.series_ids),
        "n_bottom": len(hierarchy.bottom_ids),
        "series_order": list(hierarchy.series_ids),
        "data_vintage": data_vintage or _vintage_of(used),
        "data_hash": hash_frame(used[["period", "stream", "nationality", "value"]]),
        "data_first_period": str(used["period"].min()),
        "data_scope": data_scope(used),
        "config_hash": hash_json({"forecast": config.model_dump(), "variant": spec_dict}),
        "code_version": code_version(),
        "families": dict(zip(hierarchy.series_ids, (f.family for f in fits))),
        "fallbacks": {sid: f.fallback for sid, f in zip(hierarchy.series_ids, fits) if f.fallback},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _vintage_of(df: pd.DataFrame) -> str | None:
    if "vintage" in df.columns and df["vintage"].notna().any():
        return str(df["vintage"].dropna().max())
    return None
