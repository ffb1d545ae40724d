"""Report section "reception chain" (issue 18): IND decisions, grants and grant rate per year, the chain's stocks
at year end (IND backlog, amv places in COA, Nidos places, capacity need incl. amv), the Ukrainian scenarios
(labelled as scenarios), and the replay's track record against COA's own figures (fit and check windows apart).
Reads the occupancy folder of the run: ind_flow_bands.csv, occupancy_bands.csv, ukraine_scenarios.csv,
replay_track_record.csv (each optional)."""

from __future__ import annotations

import pandas as pd

from mpp.report.i18n import SCENARIOS, format_number, format_pct, format_rounded, t
from mpp.report.sections import ReportContext, Section, section

FLOWS = ("ind_decisions", "ind_grants", "grant_rate")
STOCKS = ("ind_backlog", "amv_coa_places", "nidos_places", "amv_capacity_need", "capacity_need")
MEASURE_LABEL = {
    "persons_in_coa_reception_total": "occupancy_total",
    "status_holders_in_coa_reception": "status_holders",
}


def _read(path) -> pd.DataFrame | None:
    return pd.read_csv(path, dtype={"period": str}) if path.is_file() else None


def _cell(quantity: str, x: float, lang: str) -> str:
    return format_pct(x, lang) if quantity == "grant_rate" else format_rounded(x, lang)


def flow_rows(flows: pd.DataFrame, lang: str) -> tuple[list[str], list[dict]]:
    annual = flows[flows["period"].str.fullmatch(r"\d{4}")]
    years = sorted(annual["period"].unique())
    rows = []
    for q in FLOWS:
        g = annual[annual["quantity"] == q].set_index("period")
        if g.empty:
            continue
        rows.append(
            {
                "label": t(q, lang),
                "cells": [_cell(q, g.loc[y, s], lang) if y in g.index else "" for y in years for s in SCENARIOS],
            }
        )
    return years, rows


def stock_rows(ob: pd.DataFrame, lang: str) -> tuple[list[str], list[dict]]:
    jan = ob[ob["period"].str.endswith("-01-01")]
    dates = sorted(jan["period"].unique())[1:]  # the start is shown by the occupancy section
    rows = []
    for q in STOCKS:
        g = jan[jan["quantity"] == q].set_index("period")
        if g.empty:
            continue
        rows.append(
            {
                "label": t(q, lang),
                "cells": [format_rounded(g.loc[d, s], lang) if d in g.index else "" for d in dates for s in SCENARIOS],
            }
        )
    return dates, rows


def ukraine_label(name: str, label: str, scenarios: dict, lang: str) -> str:
    """The scenario's label: as the assumptions file words it in English; in Dutch made from the scenario's name
    and its share filing for asylum (the file's label is English prose)."""
    share = ((scenarios.get(name) or {}).get("share_filing_asylum") or {}).get("value")
    if lang == "en" or share is None:
        return label
    return t("ukraine_scenario_label", lang).format(name=t(name, lang), share=format_number(100 * share, lang, 0))


def ukraine_rows(u: pd.DataFrame, lang: str, scenarios: dict | None = None) -> list[dict]:
    rows = []
    last = u["period"].max()
    for name, g in u.groupby("scenario", sort=False):
        end = g[g["period"] == last].iloc[0]
        rows.append(
            {
                "label": ukraine_label(str(name), str(g["label"].iloc[0]), scenarios or {}, lang),
                "filings": format_rounded(g["asylum_filings"].sum(), lang),
                "effect": format_rounded(end["occupancy_effect"], lang),
                "capacity": format_rounded(end["capacity_need_effect"], lang),
                "end": last,
            }
        )
    return rows


def track_rows(tr: pd.DataFrame, lang: str) -> list[dict]:
    out = []
    for _, r in tr[tr["window"] != "start"].iterrows():
        out.append(
            {
                "date": r["date"],
                "label": t(MEASURE_LABEL.get(r["measure"], r["measure"]), lang),
                "observed": format_number(r["observed"], lang),
                "model": format_number(r["model"], lang),
                "error": ("+" if r["pct_error"] > 0 else "") + format_number(r["pct_error"], lang, 1) + "%",
                "window": t("fit_window" if r["window"] == "fit" else "check_window", lang),
                "approx": r.get("kind") == "approx",
            }
        )
    return out


@section("reception_chain", order=65)
def reception_chain(ctx: ReportContext) -> Section | None:
    occ = ctx.run.directory / "occupancy"
    flows, tr, u = (
        _read(occ / "ind_flow_bands.csv"),
        _read(occ / "replay_track_record.csv"),
        _read(occ / "ukraine_scenarios.csv"),
    )
    if flows is None and tr is None and u is None:
        return None
    lang = ctx.lang
    data: dict = {"scenarios": [t(s, lang) for s in SCENARIOS]}
    if flows is not None:
        data["flow_years"], data["flow_rows"] = flow_rows(flows, lang)
    if ctx.run.occupancy_bands is not None:
        data["stock_dates"], data["stock_rows"] = stock_rows(ctx.run.occupancy_bands, lang)
    if u is not None:
        assumed = ctx.run.occupancy_manifest.get("assumptions") or {}
        data["ukraine"] = ukraine_rows(u, lang, (assumed.get("ukraine") or {}).get("scenarios"))
    notes = []
    replay = ctx.run.occupancy_manifest.get("replay") or {}
    if tr is not None:
        data["track"] = track_rows(tr, lang)
        notes.append(
            t("track_record_note", lang).format(
                start=replay.get("periods", ["?"])[0],
                end=replay.get("periods", ["?", "?"])[1],
                fit_until=replay.get("fit_until", "?"),
            )
        )
    elif replay.get("reason"):
        notes.append(t(f"no_track_record_{replay['reason']}", lang).format(real=replay.get("real", "?")))
    elif replay.get("note"):  # outputs written before the reason was recorded
        notes.append(replay["note"])
    data["notes"] = notes
    return Section("reception_chain", t("reception_chain", lang), "sections/reception_chain.html.j2", data)
