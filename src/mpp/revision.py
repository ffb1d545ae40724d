"""Revision report (*bijstellingen*: how a forecast changed since the previous one), as the ministry letters word it.

Pure functions: two annual band tables in, a long table and sentences out. The pipeline decides which previous
forecast to compare with (the previous registered version of the same variant) and writes the files.
"""

from __future__ import annotations

import pandas as pd

SCENARIOS = ("minimum", "median", "medio", "maximum")
LEVELS = ("total", "stream")


def _label(series_id: str) -> str:
    try:
        from mpp.report.i18n import series_label

        return series_label(series_id)
    except ImportError:  # reports not installed: the id is still readable
        return series_id.replace("/TOTAL", "").replace("_", " ")


def revision_table(current: pd.DataFrame, previous: pd.DataFrame, levels=LEVELS) -> pd.DataFrame:
    """Annual bands now and before -> `quantity, year, scenario, current, previous` (plus `series_id`).

    Only series of `levels` and years present in both forecasts; quantity is the readable series name.
    """
    keep = ["series_id", "year", *SCENARIOS]
    cur = current.loc[current["level"].isin(levels), keep]
    prev = previous.loc[previous["level"].isin(levels), keep]
    long = []
    for df, name in ((cur, "current"), (prev, "previous")):
        m = df.melt(id_vars=["series_id", "year"], value_vars=list(SCENARIOS), var_name="scenario",
                    value_name=name)
        m["year"] = m["year"].astype(int)
        long.append(m)
    out = long[0].merge(long[1], on=["series_id", "year", "scenario"], how="inner")
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
            how = "same width, moved" if (round(cur_lo / unit), round(cur_hi / unit)) != (
                round(prev_lo / unit), round(prev_hi / unit)) else "unchanged at"
        else:
            how = "narrowed" if width_now < width_then else "widened"
        band = (f"band {how} {_n(cur_lo, unit)}-{_n(cur_hi, unit)}" if how == "unchanged at" else
                f"band {how} from {_n(prev_lo, unit)}-{_n(prev_hi, unit)} to {_n(cur_lo, unit)}-{_n(cur_hi, unit)}")
        lines.append(f"median {quantity} {year}: {_n(v.at['median', 'current'], unit)}; previous forecast "
                     f"{_n(v.at['median', 'previous'], unit)}; medio {_n(v.at['medio', 'current'], unit)} (was "
                     f"{_n(v.at['medio', 'previous'], unit)}); {band}")
    return lines


def revision_markdown(table: pd.DataFrame, cutoff: str, previous_cutoff: str, variant: str,
                      previous_label: str) -> str:
    """The revision report as Markdown: heading, what is compared, one bullet per quantity and year."""
    head = (f"# Revisions (bijstellingen): {variant}, cut-off {cutoff} against {previous_cutoff}\n\n"
            f"Compared with {previous_label}. Annual totals; band = minimum-maximum (P5-P95); "
            f"medio = the level with a 33% chance of being exceeded. Figures rounded to hundreds.\n\n")
    lines = revision_sentences(table)
    return head + ("\n".join(f"- {s}" for s in lines) if lines else "- no year is covered by both forecasts") + "\n"
