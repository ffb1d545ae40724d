"""Revision report (*bijstellingen*: how a forecast changed since the previous one), as the ministry letters word it.

Pure functions: two annual band tables in, a long table and sentences out. The pipeline decides which previous
forecast to compare with (the previous registered version of the same variant) and writes the files.
"""

from __future__ import annotations

import pandas as pd

from mpp.bands import BAND_NAMES, compare_bands
from mpp.report.i18n import series_label

SCENARIOS = BAND_NAMES
LEVELS = ("total", "stream")


def _label(series_id: str) -> str:
    return series_label(series_id)


def revision_table(current: pd.DataFrame, previous: pd.DataFrame, levels=LEVELS) -> pd.DataFrame:
    """Annual bands now and before -> `quantity, year, scenario, current, previous` (plus `series_id`).

    Only series of `levels` and years present in both forecasts; quantity is the readable series name.
    """
    out = compare_bands(current.loc[current["level"].isin(levels)], previous.loc[previous["level"].isin(levels)])
    order = {s: i for i, s in enumerate(SCENARIOS)}
    out = out.assign(_s=out["scenario"].map(order), _t=out["series_id"] != "TOTAL/TOTAL")
    out = out.sort_values(["_t", "series_id", "year", "_s"]).drop(columns=["_s", "_t"])
    out.insert(0, "quantity", [_label(s) for s in out["series_id"]])
    return out[["quantity", "year", "scenario", "current", "previous", "series_id"]].reset_index(drop=True)


def _n(x: float, unit: int) -> str:
    return f"{round(x / unit) * unit:,.0f}"


def revision_sentences(table: pd.DataFrame, unit: int = 100) -> list[str]:
    """One sentence per (quantity, year), e.g. 'median first asylum requests 2026: 25,000; previous forecast
    25,000; band narrowed from 13,000-44,000 to 21,000-32,000'. Figures rounded to `unit`."""
    lines = []
    for (quantity, year), g in table.groupby(["quantity", "year"], sort=False):
        v = g.set_index("scenario")
        cur_lo, cur_hi = v.at["minimum", "current"], v.at["maximum", "current"]
        prev_lo, prev_hi = v.at["minimum", "previous"], v.at["maximum", "previous"]
        width_now, width_then = cur_hi - cur_lo, prev_hi - prev_lo
        if round(width_now / unit) == round(width_then / unit):
            how = (
                "same width, moved"
                if (round(cur_lo / unit), round(cur_hi / unit)) != (round(prev_lo / unit), round(prev_hi / unit))
                else "unchanged at"
            )
        else:
            how = "narrowed" if width_now < width_then else "widened"
        band = (
            f"band {how} {_n(cur_lo, unit)}-{_n(cur_hi, unit)}"
            if how == "unchanged at"
            else f"band {how} from {_n(prev_lo, unit)}-{_n(prev_hi, unit)} to {_n(cur_lo, unit)}-{_n(cur_hi, unit)}"
        )
        lines.append(
            f"median {quantity} {year}: {_n(v.at['median', 'current'], unit)}; previous forecast "
            f"{_n(v.at['median', 'previous'], unit)}; medio {_n(v.at['medio', 'current'], unit)} (was "
            f"{_n(v.at['medio', 'previous'], unit)}); {band}"
        )
    return lines


def revision_markdown(table: pd.DataFrame, cutoff: str, previous_cutoff: str, variant: str, previous_label: str) -> str:
    """The revision report as Markdown: heading, what is compared, one bullet per quantity and year."""
    head = (
        f"# Revisions (bijstellingen): {variant}, cut-off {cutoff} against {previous_cutoff}\n\n"
        f"Compared with {previous_label}. Annual totals; band = minimum-maximum (P5-P95); "
        f"medio = the level with a 33% chance of being exceeded. Figures rounded to hundreds.\n\n"
    )
    lines = revision_sentences(table)
    return head + ("\n".join(f"- {s}" for s in lines) if lines else "- no year is covered by both forecasts") + "\n"


WATERFALL_STEPS = ("new data", "model change", "overlays")


def revision_waterfall(
    previous_model: pd.DataFrame,
    current_model: pd.DataFrame,
    previous_total: pd.DataFrame | None = None,
    current_total: pd.DataFrame | None = None,
    bridge_model: pd.DataFrame | None = None,
    band: str = "median",
    levels=LEVELS,
) -> pd.DataFrame:
    """Split the change of a band since the previous forecast into new data, model change and overlays.

    Inputs are annual band tables (`bands_annual.csv`). `*_model` are model-only forecasts, `*_total` the
    model + overlays forecasts (None: that forecast had no overlays, total = model). `bridge_model` is the
    PREVIOUS model configuration run on the CURRENT data (None: the model did not change, so it equals
    `current_model`). With P = previous total, B = bridge, C = current model, T = current total:

        new data = B - previous model;  model change = C - B;  overlays = (T - C) - (P - previous model)

    and P + new data + model change + overlays = T. Every figure is first rounded to whole persons, so the
    steps are integers and add up exactly (no floating-point remainder). One row per series and year present
    in both forecasts: series_id, year, previous, new data, model change, overlays, current.
    """

    def values(df: pd.DataFrame | None, fallback: pd.DataFrame) -> pd.Series:
        d = fallback if df is None else df
        d = d.loc[d["level"].isin(levels)]
        return d.set_index(["series_id", "year"])[band].astype(float).round().astype("int64")

    pm, cm = values(previous_model, previous_model), values(current_model, current_model)
    pt, ct = values(previous_total, previous_model), values(current_total, current_model)
    bm = values(bridge_model, current_model)
    keys = pm.index.intersection(cm.index).intersection(pt.index).intersection(ct.index).intersection(bm.index)
    keys = keys.sort_values()
    pm, cm, pt, ct, bm = (s.reindex(keys) for s in (pm, cm, pt, ct, bm))
    out = pd.DataFrame(
        {
            "previous": pt,
            "new data": bm - pm,
            "model change": cm - bm,
            "overlays": (ct - cm) - (pt - pm),
            "current": ct,
        },
        index=keys,
    ).reset_index()
    out.insert(2, "band", band)
    out["_t"] = out["series_id"] != "TOTAL/TOTAL"
    return out.sort_values(["_t", "series_id", "year"], kind="stable").drop(columns="_t").reset_index(drop=True)


def waterfall_markdown(table: pd.DataFrame, cutoff: str, previous_cutoff: str, variant: str) -> str:
    """The waterfall as Markdown: one line per series and year, previous -> steps -> current."""
    head = (
        f"# Revision waterfall: {variant}, cut-off {cutoff} against {previous_cutoff}\n\n"
        "Change of the median annual total (model + overlays) split into new data (the previous model on "
        "the new data), model change (the current model against that) and overlays (the change in what "
        "overlays add). Whole persons; the steps add up exactly.\n\n"
    )
    lines = [
        f"- {_label(r['series_id'])} {r['year']}: {r['previous']:,} "
        + " ".join(f"{'+' if r[s] >= 0 else '-'} {abs(r[s]):,} ({s})" for s in WATERFALL_STEPS)
        + f" = {r['current']:,}"
        for _, r in table.iterrows()
    ]
    return head + ("\n".join(lines) if lines else "- no year is covered by both forecasts") + "\n"
