"""Report section "policy overlays" (issue 17): what the model says, what each overlay adds, and the total, per
year; the fan chart of model + overlays with the model-only band drawn over it; each published target figure's
place in the model's distribution; the revision waterfall (new data / model change / overlays) when present.

Reads `<run>/overlays/` (written by mpp.overlays.write_overlay_run) and `<run>/revision_waterfall.csv`; the
section is absent for a run without overlays and without a waterfall."""

from __future__ import annotations

import json

import pandas as pd

from mpp.report.charts import COLORS, Chart, chart_name, fan_chart, figure_png, new_figure, style_axes
from mpp.report.i18n import SCENARIOS, format_number, format_rounded, series_label, t, tf
from mpp.report.sections import ReportContext, Section, section

SUBDIR = "overlays"
TOTAL_ID = "TOTAL/TOTAL"


def _signed(x: float, lang: str) -> str:
    s = format_rounded(abs(x), lang)
    return s if s in ("", "0") else ("+" if x >= 0 else "-") + s


def _label(ctx: ReportContext, sid: str) -> str:
    if sid == TOTAL_ID and ctx.scope.national is False:
        return t("TOTAL_partial", ctx.lang)
    return series_label(sid, ctx.lang)


def summary_rows(ctx: ReportContext, summary: pd.DataFrame) -> tuple[list[str], list[dict]]:
    """-> (overlay names, rows with label, year, model, one cell per overlay, total, band)."""
    names = [c.removeprefix("overlay: ") for c in dict.fromkeys(summary["component"]) if c.startswith("overlay: ")]
    rows = []
    for (sid, year), g in summary.groupby(["series_id", "year"], sort=False):
        v = g.set_index("component")
        if "model" not in v.index or "total" not in v.index:
            continue
        rows.append(
            {
                "label": _label(ctx, sid),
                "year": int(year),
                "model": format_rounded(v.at["model", "median"], ctx.lang),
                "overlays": [
                    _signed(v.at[f"overlay: {n}", "median"], ctx.lang) if f"overlay: {n}" in v.index else ""
                    for n in names
                ],
                "total": format_rounded(v.at["total", "median"], ctx.lang),
                "band": f"{format_rounded(v.at['total', 'minimum'], ctx.lang)} - "
                f"{format_rounded(v.at['total', 'maximum'], ctx.lang)}",
            }
        )
    return names, rows


def overlay_fan(ctx: ReportContext, total_monthly: pd.DataFrame, sid: str) -> Chart:
    """Fan chart of model + overlays, with the model-only median and P5-P95 as dashed lines."""
    title = f"{_label(ctx, sid)}: {t('model_plus_overlays', ctx.lang)}"
    fig = fan_chart(ctx.run.history_series(sid), total_monthly[total_monthly["series_id"] == sid], title, ctx.lang)
    ax = fig.axes[0]
    m = ctx.run.series_bands(sid).sort_values("period")
    x = pd.PeriodIndex(m["period"], freq="M").to_timestamp()
    ax.plot(
        x,
        m["median"].to_numpy(float),
        color="#d95f02",
        linewidth=1.4,
        linestyle="--",
        label=t("model_only_median", ctx.lang),
    )
    for b in ("minimum", "maximum"):
        ax.plot(
            x,
            m[b].to_numpy(float),
            color="#d95f02",
            linewidth=0.9,
            linestyle=":",
            label=t("model_only_band", ctx.lang) if b == "minimum" else None,
        )
    top = max(ax.get_ylim()[1], float(m["maximum"].max()) * 1.18)
    ax.set_ylim(0, top)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=3)
    return Chart(chart_name("overlay_fan", sid), title, figure_png(fig))


def waterfall_chart(ctx: ReportContext, row: pd.Series) -> Chart:
    """Previous -> new data -> model change -> overlays -> current, for one series and year."""
    steps = [
        ("previous", row["previous"]),
        ("new data", row["new data"]),
        ("model change", row["model change"]),
        ("overlays", row["overlays"]),
    ]
    fig, ax = new_figure((8.0, 3.2))
    level, labels = 0.0, []
    for i, (name, v) in enumerate(steps):
        if i == 0:
            ax.bar(i, v, color=COLORS["median"])
            level = v
        else:
            ax.bar(i, v, bottom=level, color="#1b9e77" if v >= 0 else "#d95f02")
            level += v
        labels.append(t(name.replace(" ", "_"), ctx.lang))
    ax.bar(len(steps), row["current"], color=COLORS["median"])
    labels.append(t("current", ctx.lang))
    for i, v in enumerate([s[1] for s in steps] + [row["current"]]):
        y = row["current"] if i == len(steps) else (steps[0][1] if i == 0 else sum(s[1] for s in steps[: i + 1]))
        ax.annotate(
            format_rounded(v, ctx.lang) if i in (0, len(steps)) else _signed(v, ctx.lang),
            (i, y),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_xticks(range(len(labels)), labels)
    title = f"{_label(ctx, row['series_id'])} {int(row['year'])}: {t('revision_waterfall', ctx.lang)}"
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    style_axes(ax, ctx.lang, t("persons", ctx.lang))
    ax.set_ylim(0, max(row["previous"], row["current"], level) * 1.15 or 1)
    return Chart(chart_name("waterfall", f"{row['series_id']}_{int(row['year'])}"), title, figure_png(fig))


def plausibility_sentences(ctx: ReportContext, table: pd.DataFrame) -> list[str]:
    out = []
    for _, r in table.iterrows():
        out.append(
            tf(
                "plausibility_sentence",
                ctx.lang,
                series=_label(ctx, r["series_id"]),
                year=int(r["year"]),
                figure=format_number(r["figure"], ctx.lang),
                pct=format_number(r["percentile"], ctx.lang),
                median=format_rounded(r["model_median"], ctx.lang),
                low=format_rounded(r["model_minimum"], ctx.lang),
                high=format_rounded(r["model_maximum"], ctx.lang),
                change=format_number(r["implied_change_pct"], ctx.lang),
            )
        )
    return out


@section("overlays", order=35)
def overlays(ctx: ReportContext) -> Section | None:
    d = ctx.run.directory / SUBDIR
    waterfall_file = ctx.run.directory / "revision_waterfall.csv"
    has_overlays = (d / "summary.csv").is_file() and (d / "manifest.json").is_file()
    if not has_overlays and not waterfall_file.is_file():
        return None
    data: dict = {
        "names": [],
        "rows": [],
        "overlays": [],
        "sentences": [],
        "charts": [],
        "waterfall": [],
        "scenarios": [t(s, ctx.lang) for s in SCENARIOS],
    }
    warnings: list[str] = []
    if has_overlays:
        manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        summary = pd.read_csv(d / "summary.csv")
        data["names"], data["rows"] = summary_rows(ctx, summary)
        for o in manifest.get("overlays", []):
            src = o.get("source", {})
            data["overlays"].append(
                {
                    "name": o["name"],
                    "version": o.get("version", ""),
                    "status": t(f"status_{o.get('status')}", ctx.lang),
                    "source": f"{src.get('document', '')} ({src.get('date', '')})",
                    "sha": str(o.get("sha256", ""))[:12],
                }
            )
            if o.get("status") == "illustrative":
                warnings.append(tf("overlay_illustrative", ctx.lang, name=o["name"]))
        pfile = d / "plausibility.csv"
        if pfile.is_file() and pfile.stat().st_size > 1:
            try:
                table = pd.read_csv(pfile)
            except pd.errors.EmptyDataError:
                table = pd.DataFrame()
            if len(table):
                data["sentences"] = plausibility_sentences(ctx, table)
                if ctx.scope.national is False and (table["series_id"] == TOTAL_ID).any():
                    warnings.append(t("overlay_scope_warning", ctx.lang))
        monthly = pd.read_csv(d / "bands_monthly.csv", dtype={"period": str})
        data["charts"] = [overlay_fan(ctx, monthly, TOTAL_ID)]
    if waterfall_file.is_file():
        w = pd.read_csv(waterfall_file)
        tot = w[w["series_id"] == TOTAL_ID]
        data["waterfall"] = [
            {
                "label": _label(ctx, r["series_id"]),
                "year": int(r["year"]),
                "cells": [
                    format_rounded(r["previous"], ctx.lang),
                    _signed(r["new data"], ctx.lang),
                    _signed(r["model change"], ctx.lang),
                    _signed(r["overlays"], ctx.lang),
                    format_rounded(r["current"], ctx.lang),
                ],
            }
            for _, r in w.iterrows()
        ]
        data["charts"] += [waterfall_chart(ctx, r) for _, r in tot.head(3).iterrows()]
    return Section("overlays", t("overlays_title", ctx.lang), "sections/overlays.html.j2", data, warnings)


__all__ = ["overlays", "summary_rows", "overlay_fan", "waterfall_chart"]
