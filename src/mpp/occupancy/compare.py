"""Our occupancy setting beside another one (the Kernprognose's): each assumption, ours and theirs with their
sources, and the effect on the median end-of-year occupancy of putting theirs in place of ours, one at a time,
on the same inflow paths."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.occupancy.assumptions import Assumptions, Param
from mpp.occupancy.model import Stocks, project_occupancy
from mpp.occupancy.outputs import end_of_year_median

#: the assumptions compared, each a list of sections or dotted Param paths swapped together
SWAPS: dict[str, tuple[str, ...]] = {
    "start stock (persons in COA on the first day)": (
        "initial_stocks",
        "amv.initial_pending",
        "amv.initial_rejected",
        "amv.initial_nidos",
    ),
    "outflow to housing (status holders leaving COA)": ("housing",),
    "intake shares (who enters COA)": ("intake_share",),
    "departure of rejected residents": ("departure.hazard",),
    "IND decisions per month": ("procedure.ind_decision_capacity",),
    "grant rate": ("procedure.grant_rate",),
    "outflow before a decision": ("procedure.other_outflow_rate",),
}
SECTIONS = ("initial_stocks", "housing", "intake_share")


def swap(ours: Assumptions, theirs: Assumptions, items: tuple[str, ...]) -> Assumptions:
    """`ours` with the listed sections / Params taken from `theirs`."""
    a = ours
    for item in items:
        if item in SECTIONS:
            a = a.model_copy(update={item: getattr(theirs, item)})
        else:
            a = a.replace_param(item, dict(theirs.params())[item])
    return a


def _fmt(p: Param) -> str:
    v = p.values()
    x = v[0] if len(set(v)) == 1 else None
    text = f"{x:,.4g}" if x is not None and abs(x) < 10 else f"{x:,.0f}" if x is not None else "schedule"
    return f"{text} {p.unit}".replace("persons ", "").replace(" persons", "")


def describe(a: Assumptions, items: tuple[str, ...]) -> tuple[str, str]:
    """(values, sources) of the listed sections / Params, compactly."""
    params = dict(a.params())
    values, sources = [], []
    for item in items:
        if item == "initial_stocks":
            s = a.initial_stocks
            groups = ("asylum_seekers", "status_holders", "rejected")
            total = sum(getattr(s, g).values()[0] for g in groups) + (
                a.amv.initial_pending.values()[0] + a.amv.initial_rejected.values()[0] if a.amv else 0.0
            )
            values.append(
                f"{total:,.0f} in COA on {s.date} ("
                + ", ".join(f"{g} {getattr(s, g).values()[0]:,.0f}" for g in groups)
                + (f", amv {a.amv.initial_pending.values()[0]:,.0f}" if a.amv else "")
                + ")"
            )
            sources.append(s.asylum_seekers.source)
            continue
        if item == "housing":
            h = a.housing
            if h.taakstelling:
                targets = ", ".join(f"{t.period} {t.value:,.0f}" for t in h.taakstelling)
                values.append(
                    f"taakstelling {targets} x realisation {_fmt(h.realisation_rate)} x share from COA "
                    f"{_fmt(h.share_from_coa)}"
                )
                sources.append(f"{h.taakstelling[-1].source}; {h.realisation_rate.source}")
            if h.hazard is not None:
                values.append(f"hazard {_fmt(h.hazard)} (mean wait {1 / h.hazard.values()[0]:.1f} months)")
                sources.append(h.hazard.source)
            continue
        if item == "intake_share":
            values.append(", ".join(f"{k} {_fmt(p)}" for k, p in params.items() if k.startswith("intake_share.")))
            sources.append(a.intake_share.nareizigers.source)
            continue
        if item not in params:
            continue
        values.append(f"{item.split('.')[-1]} {_fmt(params[item])}")
        sources.append(params[item].source)
    return "; ".join(values), " | ".join(" ".join(s.split()) for s in sources)


def compare_settings(
    ours: Assumptions,
    theirs: Assumptions,
    inflow: np.ndarray,
    periods: pd.PeriodIndex,
    streams: tuple[str, ...],
    published: dict[int, float] | None = None,
) -> pd.DataFrame:
    """One row per assumption of SWAPS: ours, theirs (values and sources) and the change in the median
    end-of-year occupancy when theirs replaces ours alone; then rows for all of ours, all of theirs and the
    published medians. Columns: assumption, ours, theirs, ours_source, theirs_source, then per year y
    `median_y` (the setting's median) and `effect_y` (minus ours)."""

    def medians(a: Assumptions) -> pd.Series:
        return end_of_year_median(project_occupancy(Stocks.from_assumptions(a), inflow, periods, a, streams))

    base = medians(ours)
    years = list(base.index)
    rows = []
    for label, items in SWAPS.items():
        o, o_src = describe(ours, items)
        t, t_src = describe(theirs, items)
        row = {"assumption": label, "ours": o, "theirs": t, "ours_source": o_src, "theirs_source": t_src}
        m = base if o == t else medians(swap(ours, theirs, items))
        for y in years:
            row[f"median_{y}"] = round(float(m[y]), 1)
            row[f"effect_{y}"] = round(float(m[y] - base[y]), 1)
        rows.append(row)
    all_theirs = medians(theirs)
    for label, m in (("all of ours", base), ("all of theirs", all_theirs)):
        row = {"assumption": label, "ours": "", "theirs": "", "ours_source": "", "theirs_source": ""}
        for y in years:
            row[f"median_{y}"] = round(float(m[y]), 1)
            row[f"effect_{y}"] = round(float(m[y] - base[y]), 1)
        rows.append(row)
    if published:
        row = {"assumption": "published", "ours": "", "theirs": "", "ours_source": "", "theirs_source": ""}
        for y in years:
            row[f"median_{y}"] = published.get(y, np.nan)
            row[f"effect_{y}"] = round(published[y] - float(base[y]), 1) if y in published else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame, years: list[int]) -> str:
    """The comparison as a markdown table (values; sources in the CSV)."""
    head = "| assumption | ours | theirs | " + " | ".join(f"median end {y} (effect)" for y in years) + " |"
    lines = [head, "|" + "---|" * (3 + len(years))]
    for _, r in table.iterrows():
        cells = [
            f"{r[f'median_{y}']:,.0f} ({r[f'effect_{y}']:+,.0f})" if pd.notna(r[f"median_{y}"]) else "" for y in years
        ]
        lines.append(f"| {r['assumption']} | {r['ours']} | {r['theirs']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
