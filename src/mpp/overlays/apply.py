"""Applying overlays to a forecast's reconciled sample paths, keeping every level coherent.

The model-only forecast is never changed: `apply_overlays` returns a new "model + overlays" forecast next to it.

How an inflow effect is applied (per path, per month):
- at the bottom of the hierarchy (stream x nationality) only, on the bottom series the effect names;
- multiplicative: value x (1 + w (size - 1)); additive: w x size persons per month, spread over the touched
  bottom series in proportion to their values in that path and month (equally where they are all zero), never
  taking a series below zero (the amount that could not be taken is reported as `clipped`);
- w is the phase-in weight: 0 before `start` and after `end`, rising linearly to 1 over `phase_in_months`;
- an uncertain size is drawn once per path (the same size for all months and series of that path), from a
  random stream seeded by the run's seed, the overlay's name and the effect's position: same inputs and seed,
  same numbers; the draw does not depend on which other overlays are present;
- the change of the bottom series is then summed up through the summing matrix S and added to every
  aggregate, so all levels stay coherent; a series the effect does not touch keeps its exact values.
The target form derives, per year, the factor on the forecast months that brings the median annual total of
the target series (realised months plus forecast) to the published figure, and applies that factor to every
bottom series below the target series (deterministic: a published figure is a point).

Order and conflicts: two effects that touch the same series and months are refused, unless both come from
overlays with a distinct `order` (then they are applied in that order). Overlays that do not overlap commute.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mpp.bands import annual_bands, annual_paths, manifest_quantiles, monthly_bands
from mpp.data.schema import TOTAL, split_series_id
from mpp.errors import ConfigError
from mpp.forecast.engine import ForecastResult
from mpp.overlays.schema import INFLOW, Effect, LoadedOverlay

SUMMARY_LEVELS = ("total", "stream")


@dataclass
class OverlayRun:
    """The model-only forecast, the model + overlays forecast and what each overlay contributed."""

    model: ForecastResult
    total: ForecastResult
    overlays: list[LoadedOverlay]
    contributions: pd.DataFrame  # overlay, series_id, level, year, minimum, median, medio, maximum (annual diff.)
    implied: pd.DataFrame  # target effects: overlay, series_id, year, target, realised, model_median, factor, ...
    notes: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # overlay names in the order they were applied

    def summary(self, levels=SUMMARY_LEVELS) -> pd.DataFrame:
        return summary_table(self, levels)


def run_quantiles(manifest: dict) -> dict[str, float]:
    """The band quantiles of a forecast's manifest in band order (a JSON round trip may sort the keys)."""
    return manifest_quantiles(manifest)


def effect_seed(seed: int, overlay: str, index: int) -> np.random.SeedSequence:
    return np.random.SeedSequence([int(seed), zlib.crc32(overlay.encode()), int(index)])


def phase_weights(effect: Effect, periods: pd.PeriodIndex) -> np.ndarray:
    """w[h] in [0, 1]: 0 before start and after end, linear ramp over phase_in_months, then 1."""
    start = pd.Period(effect.start, freq="M")
    k = (periods.asi8 - start.ordinal).astype(float)  # months since start, 0 at start
    if effect.phase_in_months > 0:
        w = np.clip((k + 1) / effect.phase_in_months, 0.0, 1.0)
    else:
        w = np.ones(len(periods))
    w[k < 0] = 0.0
    if effect.end is not None:
        w[periods.asi8 > pd.Period(effect.end, freq="M").ordinal] = 0.0
    return w


def _where(lo: LoadedOverlay, i: int) -> str:
    return f"overlay {lo.name!r} ({lo.path}) effect {i + 1}"


def _bottom_mask(effect: Effect, bottom_ids: list[str], where: str) -> np.ndarray:
    """Which bottom series an inflow effect touches; unknown streams or nationalities are refused."""
    parts = [split_series_id(b) for b in bottom_ids]
    streams_here = sorted({s for s, _ in parts})
    streams = streams_here if effect.streams == "all" else list(effect.streams)
    missing = [s for s in streams if s not in streams_here]
    if missing:
        raise ConfigError(
            f"{where}: stream(s) {', '.join(missing)} not in this forecast (its streams: {', '.join(streams_here)})"
        )
    if effect.nationalities != "all":
        for nat in effect.nationalities:
            if not any(s in streams and n == nat for s, n in parts):
                known = sorted({n for s, n in parts if s in streams})
                raise ConfigError(
                    f"{where}: nationality {nat!r} is not a series of this forecast in stream(s) "
                    f"{', '.join(streams)} (known: {', '.join(known)}; small nationalities are "
                    f"pooled into OTHER)"
                )
    return np.array([s in streams and (effect.nationalities == "all" or n in effect.nationalities) for s, n in parts])


def _target_mask(effect: Effect, bottom_ids: list[str], series_ids: list[str], where: str) -> np.ndarray:
    sid = effect.target.series
    if sid not in series_ids:
        raise ConfigError(f"{where}: target series {sid!r} is not in this forecast")
    stream = split_series_id(sid)[0]
    return np.array([stream == TOTAL or split_series_id(b)[0] == stream for b in bottom_ids])


@dataclass
class _Plan:
    lo: LoadedOverlay
    index: int
    effect: Effect
    rows: np.ndarray  # bool[n_bottom]
    months: np.ndarray  # bool[horizon]

    @property
    def where(self) -> str:
        return _where(self.lo, self.index)


def _plans(overlays: list[LoadedOverlay], model: ForecastResult, bottom_ids: list[str], notes: list[str]):
    plans: list[_Plan] = []
    periods = model.periods
    for lo in overlays:
        for i, eff in enumerate(lo.overlay.effects):
            if eff.quantity != INFLOW:
                continue
            where = _where(lo, i)
            if eff.target is not None:
                rows = _target_mask(eff, bottom_ids, model.series_ids, where)
                months = np.isin(periods.year, list(eff.target.annual))
            else:
                rows = _bottom_mask(eff, bottom_ids, where)
                months = phase_weights(eff, periods) > 0
            if not months.any():
                notes.append(f"{where} touches no forecast month ({periods[0]}..{periods[-1]}): not applied")
            plans.append(_Plan(lo, i, eff, rows, months))
    return plans


def check_conflicts(plans: list[_Plan], bottom_ids: list[str], periods: pd.PeriodIndex) -> None:
    """Refuse two effects on the same series and months unless their overlays have distinct `order`s."""
    for a_i, a in enumerate(plans):
        for b in plans[a_i + 1 :]:
            rows, months = a.rows & b.rows, a.months & b.months
            if not (rows.any() and months.any()):
                continue
            oa, ob = a.lo.overlay.order, b.lo.overlay.order
            if a.lo is not b.lo and oa is not None and ob is not None and oa != ob:
                continue
            sid = bottom_ids[int(np.flatnonzero(rows)[0])]
            month = periods[int(np.flatnonzero(months)[0])]
            why = (
                "two effects of one overlay; merge them into one effect"
                if a.lo is b.lo
                else "give both overlays a distinct `order` to say which applies first"
            )
            raise ConfigError(
                f"overlays conflict: {a.where} and {b.where} both change {sid} in {month} "
                f"({int(rows.sum())} series x {int(months.sum())} months); {why}"
            )


def ordered_overlays(overlays: list[LoadedOverlay]) -> list[LoadedOverlay]:
    """Overlays with an `order` by that order, then the others in the given order (they overlap nothing)."""
    with_order = sorted((o for o in overlays if o.overlay.order is not None), key=lambda o: o.overlay.order)
    return with_order + [o for o in overlays if o.overlay.order is None]


def _apply_effect(
    plan: _Plan,
    bottom: np.ndarray,
    periods: pd.PeriodIndex,
    seed: int,
    target_rows: list[dict],
    model_total: dict,
    notes: list[str],
) -> np.ndarray:
    """The new bottom paths after one effect (a copy; untouched cells keep their exact values)."""
    eff, rows = plan.effect, plan.rows
    new = bottom.copy()
    if not plan.months.any():
        return new
    n_samples = bottom.shape[2]
    if eff.target is None:
        w = phase_weights(eff, periods)  # [h]
        u = np.random.default_rng(effect_seed(seed, plan.lo.name, plan.index)).random(n_samples)
        size = eff.size.draw(u)  # [sample]
        sub = bottom[rows]  # [b, h, s]
        if eff.change == "multiplicative":
            factor = 1.0 + w[:, None] * (size[None, :] - 1.0)  # [h, s]
            new[rows] = sub * factor[None]
        else:
            add = w[:, None] * size[None, :]  # [h, s]
            base = np.clip(sub, 0.0, None)
            tot = base.sum(axis=0)  # [h, s]
            share = np.where(tot[None] > 0, base / np.where(tot > 0, tot, 1.0)[None], 1.0 / sub.shape[0])
            changed = sub + share * add[None]
            floor = np.minimum(sub, 0.0)
            clipped = np.where(changed < floor, floor - changed, 0.0)
            if clipped.any():
                notes.append(
                    f"{plan.where}: {clipped.sum() / n_samples:,.1f} persons per path could not be "
                    "taken off (series at zero)"
                )
            new[rows] = changed + clipped
        return new
    # target form: the factor on the forecast months of each year that moves the median annual total
    sid = eff.target.series
    first = periods[0]
    hist = model_total["history"]
    for year, figure in eff.target.annual.items():
        in_year = periods.year == year
        if not in_year.any() or pd.Period(f"{year}-12", freq="M") > periods[-1]:
            notes.append(f"{plan.where}: {year} is not a complete year of the forecast horizon; not applied")
            continue
        before = pd.period_range(f"{year}-01", first - 1, freq="M") if first.year == year else []
        realised = 0.0
        if len(before):
            vals = hist.reindex(before)[sid] if sid in hist.columns else pd.Series(np.nan, index=before)
            if vals.isna().any():
                notes.append(f"{plan.where}: realised months of {year} missing for {sid}; not applied")
                continue
            realised = float(vals.sum())
        forecast = bottom[rows][:, in_year, :].sum(axis=(0, 1))  # [sample] current paths of the target series
        med = float(np.median(forecast))
        remaining = figure - realised
        if med <= 0:
            notes.append(f"{plan.where}: median forecast of {sid} in {year} is 0; no factor can be derived")
            continue
        factor = max(remaining, 0.0) / med
        if remaining < 0:
            notes.append(
                f"{plan.where}: {year}: the target {figure:,.0f} is below what is already realised "
                f"({realised:,.0f}); the remaining months are set to 0"
            )
        new[np.ix_(rows, in_year)] = bottom[np.ix_(rows, in_year)] * factor
        annual = realised + forecast
        target_rows.append(
            {
                "overlay": plan.lo.name,
                "effect": plan.index + 1,
                "series_id": sid,
                "year": int(year),
                "target": figure,
                "realised_months": int(len(before)),
                "realised": realised,
                "median_before": float(np.median(annual)),
                "minimum_before": float(np.quantile(annual, model_total["q"]["minimum"])),
                "maximum_before": float(np.quantile(annual, model_total["q"]["maximum"])),
                "implied_factor": factor,
                "implied_change": figure - float(np.median(annual)),
                "implied_change_pct": 100.0 * (figure / float(np.median(annual)) - 1.0),
            }
        )
    return new


def _rebuild(model: ForecastResult, paths: np.ndarray, extra: dict[str, Any]) -> ForecastResult:
    q = run_quantiles(model.manifest)
    if np.array_equal(paths, model.paths):
        bm, ba = model.bands_monthly.copy(), model.bands_annual.copy()
    else:
        bm = monthly_bands(paths, model.series_ids, model.periods, q)
        ba = annual_bands(paths, model.series_ids, model.periods, q, realised=model.history_wide)
    manifest = {**model.manifest, **extra}
    return ForecastResult(
        series_ids=list(model.series_ids),
        levels=list(model.levels),
        periods=model.periods,
        paths=paths,
        bands_monthly=bm,
        bands_annual=ba,
        history_wide=model.history_wide,
        manifest=manifest,
        fits=model.fits,
    )


def _diff_bands(name: str, diff: np.ndarray, model: ForecastResult, q: dict[str, float]) -> pd.DataFrame:
    """Bands of the annual difference an overlay made, per series and year."""
    first = model.periods[0]
    zeros = None  # the realised months of the first year differ by 0 between model and total
    if first.month != 1:
        zeros = pd.DataFrame(
            0.0, index=pd.period_range(f"{first.year}-01", first - 1, freq="M"), columns=model.series_ids
        )
    years, annual = annual_paths(diff, model.series_ids, model.periods, realised=zeros)
    qs = np.quantile(annual, list(q.values()), axis=-1)  # [band, series, year]
    rows = []
    for i, sid in enumerate(model.series_ids):
        for j, y in enumerate(years):
            rows.append(
                {
                    "overlay": name,
                    "series_id": sid,
                    "level": model.levels[i],
                    "year": int(y),
                    **{b: float(qs[k, i, j]) for k, b in enumerate(q)},
                    "mean": float(annual[i, j].mean()),
                }
            )
    return pd.DataFrame(rows)


def summing_structure(series_ids: list[str]) -> tuple[list[str], np.ndarray]:
    """-> (bottom series, S[series, bottom]) of any grouped set of series ids "stream/nationality".

    The bottom series are the stream x nationality series, plus every stream total that has no nationality
    below it (a national forecast whose streams are not split), or TOTAL/TOTAL alone. S[a, b] = 1 when bottom
    b is part of series a (same stream or TOTAL, same nationality or TOTAL)."""
    parts = [split_series_id(s) for s in series_ids]
    split_streams = {st for st, n in parts if st != TOTAL and n != TOTAL}
    bottom = [sid for sid, (st, n) in zip(series_ids, parts) if st != TOTAL and (n != TOTAL or st not in split_streams)]
    if not bottom:
        bottom = [sid for sid in series_ids if sid == f"{TOTAL}/{TOTAL}"]
    if not bottom:
        raise ConfigError("the forecast has no series overlays can be applied to")
    bparts = [split_series_id(b) for b in bottom]
    S = np.array([[float((sa in (TOTAL, sb)) and (na in (TOTAL, nb))) for sb, nb in bparts] for sa, na in parts])
    return bottom, S


def apply_overlays(model: ForecastResult, overlays: list[LoadedOverlay], seed: int | None = None) -> OverlayRun:
    """Model + overlays from a model-only forecast (which is left untouched). `seed` defaults to the run's."""
    seed = int(model.manifest.get("seed", 0) if seed is None else seed)
    q = run_quantiles(model.manifest)
    bottom_ids, S = summing_structure(model.series_ids)
    bpos = [model.series_ids.index(b) for b in bottom_ids]
    notes: list[str] = []
    ordered = ordered_overlays(list(overlays))
    plans = _plans(ordered, model, bottom_ids, notes)
    check_conflicts(plans, bottom_ids, model.periods)

    paths = model.paths
    contributions, implied = [], []
    ctx = {"history": model.history_wide, "q": q}
    for lo in ordered:
        before = paths
        bottom = paths[bpos]
        new_bottom = bottom
        for plan in (p for p in plans if p.lo is lo):
            new_bottom = _apply_effect(plan, new_bottom, model.periods, seed, implied, ctx, notes)
        delta = new_bottom - bottom  # [b, h, s]; exactly 0 where nothing changed
        if delta.any():
            paths = paths + np.einsum("ab,bhs->ahs", S, delta)
        contributions.append(_diff_bands(lo.name, paths - before, model, q))
    occupancy = [(lo.name, i) for lo in ordered for i, e in enumerate(lo.overlay.effects) if e.quantity != INFLOW]
    extra = {
        "label": "model + overlays",
        "overlays": [
            {
                "name": lo.name,
                "version": lo.overlay.version,
                "status": lo.overlay.status,
                "order": lo.overlay.order,
                "file": lo.path,
                "sha256": lo.sha256,
                "source": lo.overlay.source.model_dump(exclude_none=True),
            }
            for lo in ordered
        ],
        "overlay_seed": seed,
        "overlay_notes": notes,
        "occupancy_overlay_effects": [f"{n}#{i + 1}" for n, i in occupancy],
    }
    total = _rebuild(model, paths, extra)
    contrib = (
        pd.concat(contributions, ignore_index=True)
        if contributions
        else pd.DataFrame(columns=["overlay", "series_id", "level", "year", *q, "mean"])
    )
    return OverlayRun(
        model=model,
        total=total,
        overlays=ordered,
        contributions=contrib,
        implied=pd.DataFrame(implied),
        notes=notes,
        order=[lo.name for lo in ordered],
    )


def summary_table(run: OverlayRun, levels=SUMMARY_LEVELS) -> pd.DataFrame:
    """The "model / overlays / total" table: per series (of `levels`) and year, one row per component
    (model, each overlay's contribution, total) with the band columns (quantiles of each path's annual value
    or, for an overlay, of each path's annual difference)."""
    q = list(run_quantiles(run.model.manifest))
    cols = ["series_id", "level", "year", *q]
    m = run.model.bands_annual.loc[run.model.bands_annual["level"].isin(levels), cols].assign(component="model")
    t = run.total.bands_annual.loc[run.total.bands_annual["level"].isin(levels), cols].assign(component="total")
    parts = [m]
    if not run.contributions.empty:
        c = run.contributions.loc[run.contributions["level"].isin(levels)]
        c = c.loc[c["year"].isin(set(m["year"]))]
        parts.append(c[["overlay", *cols]].assign(component="overlay: " + c["overlay"]).drop(columns="overlay"))
    parts.append(t)
    out = pd.concat(parts, ignore_index=True)
    order = {"model": 0, "total": 2}
    out["_c"] = out["component"].map(lambda c: order.get(c, 1))
    out["_t"] = out["series_id"] != "TOTAL/TOTAL"
    out = out.sort_values(["_t", "series_id", "year", "_c"], kind="stable").drop(columns=["_c", "_t"])
    return out[["series_id", "level", "year", "component", *q]].reset_index(drop=True)
