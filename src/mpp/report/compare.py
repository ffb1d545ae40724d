"""The variant comparison page (`mpp compare`): for one cut-off, the annual bands of several variants side by side,
overlaid fan charts of the total and each stream, the backtest scorecard per variant and the differences from the
champion. Pure: runs in, page (HTML) or plain data (JSON) out; reading them from MLflow is mpp.tracking.compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mpp.report.charts import Chart, chart_name, figure_png, overlay_fan_chart
from mpp.report.i18n import SCENARIOS, check_lang, format_number, format_rounded, series_label, t, tf
from mpp.report.scope import RunScope, scope_of
from mpp.report.scorecard import SCORE_ITEMS, score_value
from mpp.report.tables import TOTAL_ID

STREAM_ORDER = ("first_asylum_request", "repeat_asylum_request", "nareizigers", "resettlement")


@dataclass
class VariantRun:
    """One variant's forecast at the cut-off: its bands, backtest metrics and manifest (history optional)."""

    variant: str
    bands_annual: pd.DataFrame
    bands_monthly: pd.DataFrame
    metrics: dict[str, float] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None
    history: pd.DataFrame | None = None  # series_id, period, value


def compared_series(runs: dict[str, VariantRun]) -> list[str]:
    """TOTAL/TOTAL and the stream totals every run has, in stream order."""
    common = set.intersection(*(set(r.bands_annual["series_id"]) for r in runs.values()))
    return [s for s in [TOTAL_ID, *(f"{x}/TOTAL" for x in STREAM_ORDER)] if s in common]


def compared_years(runs: dict[str, VariantRun], n_years: int = 3) -> list[int]:
    """The first forecast year and the next ones that every run covers completely."""
    firsts, lasts = [], []
    for r in runs.values():
        p = pd.PeriodIndex(r.bands_monthly["period"].astype(str), freq="M")
        firsts.append(p.min().year)
        lasts.append(p.max().year if p.max().month == 12 else p.max().year - 1)
    first, last = max(firsts), min(lasts)
    return list(range(first, min(first + n_years, last + 1)))


def _annual(run: VariantRun, sid: str, year: int) -> pd.Series | None:
    a = run.bands_annual
    r = a[(a["series_id"] == sid) & (a["year"].astype(int) == year)]
    return None if r.empty else r.iloc[0]


def _label(sid: str, lang: str, national: bool | None) -> str:
    return t("TOTAL_partial", lang) if sid == TOTAL_ID and national is False else series_label(sid, lang)


def differences(runs: dict[str, VariantRun], champion: str, series: list[str], years: list[int]) -> pd.DataFrame:
    """Per other variant, series and year: median difference from the champion (absolute and %) and the ratio of
    band widths (maximum - minimum)."""
    rows = []
    champ = runs[champion]
    for v, r in runs.items():
        if v == champion:
            continue
        for sid in series:
            for y in years:
                a, c = _annual(r, sid, y), _annual(champ, sid, y)
                if a is None or c is None:
                    continue
                diff = float(a["median"] - c["median"])
                width_c = float(c["maximum"] - c["minimum"])
                rows.append(
                    {
                        "variant": v,
                        "series_id": sid,
                        "year": y,
                        "median": float(a["median"]),
                        "champion_median": float(c["median"]),
                        "median_difference": diff,
                        "median_difference_pct": 100 * diff / float(c["median"]) if c["median"] else np.nan,
                        "width_ratio": float(a["maximum"] - a["minimum"]) / width_c if width_c else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def compare_data(runs: dict[str, VariantRun], cutoff: str, champion: str | None = None) -> dict[str, Any]:
    """Everything the page shows as plain data (the --json output)."""
    champion = champion if champion in runs else next(iter(runs))
    series, years = compared_series(runs), compared_years(runs)
    diffs = differences(runs, champion, series, years)
    return {
        "cutoff": cutoff,
        "champion": champion,
        "series": series,
        "years": years,
        "variants": {
            v: {
                "run_id": r.run_id,
                "annual": [
                    {"series_id": sid, "year": y, **{s: float(row[s]) for s in SCENARIOS}}
                    for sid in series
                    for y in years
                    if (row := _annual(r, sid, y)) is not None
                ],
                "scores": {
                    k: float(r.metrics[k])
                    for k in [*SCORE_ITEMS, "crps_skill_se", "n_origins"]
                    if k in r.metrics and r.metrics[k] == r.metrics[k]
                },
                "difference_from_champion": diffs[diffs["variant"] == v].drop(columns="variant").to_dict("records")
                if len(diffs)
                else [],
            }
            for v, r in runs.items()
        },
    }


def _scope(runs: dict[str, VariantRun], champion: str) -> RunScope:
    return scope_of(runs[champion].manifest, runs[champion].bands_monthly)


def overlay_charts(runs: dict[str, VariantRun], series: list[str], lang: str, national: bool | None) -> list[Chart]:
    out = []
    for sid in series:
        history = pd.Series(dtype=float)
        for r in runs.values():
            if r.history is not None and len(h := r.history[r.history["series_id"] == sid]):
                history = pd.Series(h["value"].to_numpy(float), index=pd.PeriodIndex(h["period"].astype(str), freq="M"))
                break
        bands = {v: r.bands_monthly[r.bands_monthly["series_id"] == sid] for v, r in runs.items()}
        title = _label(sid, lang, national)
        out.append(Chart(chart_name("compare", sid), title, figure_png(overlay_fan_chart(history, bands, title, lang))))
    return out


def compare_context(
    runs: dict[str, VariantRun], cutoff: str, champion: str | None = None, lang: str = "en"
) -> dict[str, Any]:
    check_lang(lang)
    data = compare_data(runs, cutoff, champion)
    champion, series, years = data["champion"], data["series"], data["years"]
    scope: RunScope = _scope(runs, champion)
    bands = []
    for sid in series:
        rows = []
        for v, r in runs.items():
            cells = []
            for y in years:
                row = _annual(r, sid, y)
                cells += [format_rounded(row[s], lang) if row is not None else "" for s in SCENARIOS]
            rows.append({"variant": v, "champion": v == champion, "cells": cells})
        bands.append({"label": _label(sid, lang, scope.national), "rows": rows})
    diffs = differences(runs, champion, series, years)
    diff_rows = []
    for (v, sid), g in diffs.groupby(["variant", "series_id"], sort=False) if len(diffs) else []:
        cells = []
        for y in years:
            r = g[g["year"] == y]
            if r.empty:
                cells += ["", ""]
                continue
            r = r.iloc[0]
            sign = "+" if r["median_difference"] > 0 else ""
            pct = (
                ""
                if pd.isna(r["median_difference_pct"])
                else f" ({sign}{format_number(r['median_difference_pct'], lang, 1)}%)"
            )
            ratio = "" if pd.isna(r["width_ratio"]) else tf("times", lang, x=format_number(r["width_ratio"], lang, 2))
            cells += [f"{sign}{format_rounded(r['median_difference'], lang)}{pct}", ratio]
        diff_rows.append({"variant": v, "label": _label(sid, lang, scope.national), "cells": cells})
    score_keys = [k for k in SCORE_ITEMS if any(score_value(r.metrics, k, lang) for r in runs.values())]
    i = 0 if lang == "en" else 1
    scores = [
        {
            "label": SCORE_ITEMS[k][i],
            "target": SCORE_ITEMS[k][4],
            "meaning": SCORE_ITEMS[k][2 + i],
            "values": [score_value(r.metrics, k, lang) for r in runs.values()],
        }
        for k in score_keys
    ]
    n_origins = {v: r.metrics.get("n_origins") for v, r in runs.items()}
    warnings = scope.warnings(lang)
    for v, r in runs.items():
        if not r.metrics:
            warnings.append(tf("compare_no_scores", lang, variant=v))
    return {
        "lang": lang,
        "t": lambda k: t(k, lang),
        "cutoff": cutoff,
        "champion": champion,
        "variants": list(runs),
        "years": years,
        "scenarios": [t(s, lang) for s in SCENARIOS],
        "bands": bands,
        "diff_rows": diff_rows,
        "scores": scores,
        "charts": overlay_charts(runs, series, lang, scope.national),
        "warnings": warnings,
        "sample": scope.sample,
        "national": scope.national,
        "origins": ", ".join(f"{v}: {format_number(n, lang)}" for v, n in n_origins.items() if n),
        "descriptions": [(v, (r.manifest.get("variant_spec") or {}).get("description", "")) for v, r in runs.items()],
    }


def render_compare(runs: dict[str, VariantRun], cutoff: str, champion: str | None = None, lang: str = "en") -> str:
    """The comparison page as one self-contained HTML document."""
    from mpp.report.html import render_template

    return render_template("compare.html.j2", **compare_context(runs, cutoff, champion, lang))
