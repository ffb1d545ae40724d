"""The built-in sections of the report (see the package docstring for how to add one)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from mpp.provenance import code_version
from mpp.report.charts import Chart, annual_chart, chart_name, fan_chart, figure_png, realised_annual
from mpp.report.i18n import (
    SCENARIOS,
    format_number,
    format_pct,
    format_rounded,
    is_share,
    nationality_name,
    series_label,
    t,
)
from mpp.report.plausibility import plausibility_flags
from mpp.report.scorecard import scorecard_rows, variant_summary
from mpp.report.sections import ReportContext, Section, section
from mpp.report.tables import (
    TOTAL_ID,
    add_change,
    headline_years,
    revision_against,
    stream_ids,
    top_nationalities,
)

OCCUPANCY_ORDER = (
    "occupancy_total",
    "asylum_seekers",
    "status_holders",
    "rejected",
    "status_holder_share",
    "ind_backlog",
    "capacity_need",
)
OBSERVED_YEARS = 8  # realised COA figures drawn up to this many years before the projection starts
COA_MEASURES = {
    "persons_in_coa_reception_total": "occupancy_total",
    "status_holders_in_coa_reception": "status_holders",
}


def label_of(ctx: ReportContext, quantity: str) -> str:
    """Readable name of a series id or occupancy quantity; the run's TOTAL says so when it is not national."""
    if quantity == TOTAL_ID and ctx.scope.national is False:
        return t("TOTAL_partial", ctx.lang)
    if "/" in quantity:
        return series_label(quantity, ctx.lang)
    return t(quantity, ctx.lang)


def fmt_value(quantity: str, x: float, lang: str) -> str:
    return format_pct(x, lang, 1) if is_share(quantity) else format_rounded(x, lang)


def occupancy_start(ctx: ReportContext) -> str | None:
    """The date of the projection's starting stock ('2026-01-01') when the occupancy table has it."""
    ob = ctx.run.occupancy_bands
    if ob is None:
        return None
    monthly = ob.loc[ob["period"].str.len() == 7, "period"]
    if not len(monthly):
        return None
    first = pd.Period(monthly.min(), "M")
    key = f"{first.year}-{first.month:02d}-01"
    return key if (ob["period"] == key).any() else None


# --- headline ----------------------------------------------------------------------------------------------------


@section("headline", order=20)
def headline(ctx: ReportContext) -> Section:
    head = ctx.headline
    years = sorted(int(y) for y in head["year"].unique())
    start = occupancy_start(ctx)
    start_year = int(start[:4]) - 1 if start and start[5:7] == "01" else None  # a 1 January stock ends a year
    rows, any_start = [], False
    for quantity, g in head.groupby("quantity", sort=False):
        by_year = g.set_index("year")
        cells = []
        for y in years:
            if y not in by_year.index:
                cells.append({"text": "", "span": 4})
                continue
            r = by_year.loc[y]
            if "/" not in quantity and y == start_year and r["minimum"] == r["maximum"]:
                any_start = True
                cells.append(
                    {
                        "text": t("start_stock", ctx.lang).format(
                            value=fmt_value(quantity, r["median"], ctx.lang), date=start
                        ),
                        "span": 4,
                        "cls": "start",
                    }
                )
            else:
                cells += [{"text": fmt_value(quantity, r[s], ctx.lang), "span": 1} for s in SCENARIOS]
        group = t("forecast", ctx.lang) if "/" in quantity else f"COA ({t('end_of_year', ctx.lang)})"
        rows.append({"label": label_of(ctx, quantity), "cells": cells, "group": group})
    ids = [TOTAL_ID, *stream_ids(ctx.run), *top_nationalities(ctx.run, ctx.top_n)]
    warnings = plausibility_flags(ctx.run, ids, headline_years(ctx.run), ctx.lang, lambda q: label_of(ctx, q))
    notes = [t("scenario_note", ctx.lang), t("rounded_note", ctx.lang), t("headline_note", ctx.lang)]
    if any_start:
        notes.append(t("start_stock_note", ctx.lang))
    return Section(
        "headline",
        t("headline", ctx.lang),
        "sections/headline.html.j2",
        {"years": years, "scenarios": [t(s, ctx.lang) for s in SCENARIOS], "rows": rows, "notes": notes},
        warnings,
    )


# --- national forecast (mpp forecast --national) ---------------------------------------------------------------

NATIONAL_SERIES = (
    TOTAL_ID,
    "first_asylum_request/TOTAL",
    "repeat_asylum_request/TOTAL",
    "nareizigers/TOTAL",
    "resettlement/TOTAL",
)


@section("national", order=18)
def national(ctx: ReportContext) -> Section | None:
    """The national forecast beside the run: the MPP's own quantities, rounded as published."""
    a, m, lang = ctx.run.national_annual, ctx.run.national_manifest, ctx.lang
    if a is None or not len(a):
        return None
    first = int(pd.Period(m["cutoff"], "M").year) if m.get("cutoff") else int(a["year"].min())
    years = [y for y in range(first, first + 3) if y in set(a["year"])]
    models = m.get("models") or {}
    rows = []
    for sid in NATIONAL_SERIES:
        g = a[a["series_id"] == sid].set_index("year")
        if g.empty:
            continue
        label = series_label(sid, lang)
        method = (models.get(sid.split("/")[0]) or {}).get("method", "")
        if "assum" in str(method):
            label += f" ({t('assumption', lang)})"
        cells = [
            {"text": format_rounded(g.loc[y, s], lang) if y in g.index else "", "span": 1}
            for y in years
            for s in SCENARIOS
        ]
        rows.append({"label": label, "cells": cells, "group": ""})
    files = sorted(
        {
            Path(str(f.get("file", ""))).name
            for f in (m.get("source_files") or {}).values()
            if isinstance(f, dict) and f.get("file")
        }
    )
    notes = [
        t("national_note", lang).format(cutoff=m.get("cutoff", "?"), files=", ".join(files) or "?"),
        t("scenario_note", lang),
        t("rounded_note", lang),
    ]
    findings = m.get("findings") or []
    if findings:
        notes.append(t("national_findings", lang).format(n=len(findings)))
    warnings = []
    if m.get("cutoff") and ctx.run.cutoff and str(m["cutoff"])[:7] != ctx.run.cutoff:
        warnings.append(t("national_cutoff_differs", lang).format(national=m["cutoff"], run=ctx.run.cutoff))
    return Section(
        "national",
        t("national", lang),
        "sections/headline.html.j2",
        {"years": years, "scenarios": [t(s, lang) for s in SCENARIOS], "rows": rows, "notes": notes},
        warnings,
    )


# --- revision ----------------------------------------------------------------------------------------------------


def revision_table(ctx: ReportContext) -> pd.DataFrame | None:
    if ctx.run.revision is not None:
        return add_change(ctx.run.revision)
    if ctx.previous is not None:
        from mpp.report.tables import headline_table

        return revision_against(ctx.headline, headline_table(ctx.previous))
    return None


def revision_sentences(ctx: ReportContext, rev: pd.DataFrame) -> list[str]:
    """One sentence per inflow quantity and year about the change of the median."""
    out = []
    med = rev[(rev["scenario"] == "median") & rev["quantity"].astype(str).str.contains("/")]
    for r in med.itertuples(index=False):
        q = str(r.quantity)
        vals = {
            "label": label_of(ctx, q)[:1].upper() + label_of(ctx, q)[1:],
            "year": int(r.year),
            "current": fmt_value(q, r.current, ctx.lang),
            "previous": fmt_value(q, r.previous, ctx.lang),
            "change": format_rounded(abs(r.change), ctx.lang),
            "pct": "" if pd.isna(r.change_pct) else format_number(abs(r.change_pct), ctx.lang, 1) + "%",
        }
        key = (
            "revision_sentence_same"
            if abs(r.change) < 0.5 * 10
            else "revision_sentence_up"
            if r.change > 0
            else "revision_sentence_down"
        )
        out.append(t(key, ctx.lang).format(**vals))
    return out


@section("revision", order=30)
def revision(ctx: ReportContext) -> Section | None:
    rev = revision_table(ctx)
    if rev is None or not len(rev):
        return None
    rows = []
    for (quantity, year), g in rev.groupby(["quantity", "year"], sort=False):
        q = str(quantity)
        by_s = g.set_index("scenario")
        cells = []
        for s in SCENARIOS:
            if s not in by_s.index:
                cells += ["", ""]
                continue
            r = by_s.loc[s]
            if is_share(q):
                change = ("+" if r["change"] > 0 else "") + format_number(100 * r["change"], ctx.lang, 1) + " pp"
            else:
                pct = "" if pd.isna(r["change_pct"]) else f" ({format_number(r['change_pct'], ctx.lang, 1)}%)"
                change = ("+" if r["change"] > 0 else "") + format_rounded(r["change"], ctx.lang) + pct
            cells += [fmt_value(q, r["current"], ctx.lang), change]
        rows.append({"label": label_of(ctx, q), "year": int(year), "cells": cells})
    prev = ctx.previous.cutoff if ctx.previous is not None else None
    return Section(
        "revision",
        t("revision", ctx.lang),
        "sections/revision.html.j2",
        {
            "sentences": revision_sentences(ctx, rev),
            "rows": rows,
            "previous_cutoff": prev,
            "scenarios": [t(s, ctx.lang) for s in SCENARIOS],
        },
    )


# --- charts ------------------------------------------------------------------------------------------------------


def fan_charts(ctx: ReportContext) -> list[Chart]:
    ids = [TOTAL_ID, *stream_ids(ctx.run), *top_nationalities(ctx.run, ctx.top_n)]
    return [
        Chart(
            chart_name("fan", sid),
            label_of(ctx, sid),
            figure_png(fan_chart(ctx.run.history_series(sid), ctx.run.series_bands(sid), label_of(ctx, sid), ctx.lang)),
        )
        for sid in ids
    ]


def annual_charts(ctx: ReportContext) -> list[Chart]:
    out = []
    for sid in [TOTAL_ID, *stream_ids(ctx.run)]:
        title = f"{label_of(ctx, sid)}: {t('annual_scenarios', ctx.lang)}"
        fig = annual_chart(
            ctx.run.series_bands(sid, annual=True),
            title,
            ctx.lang,
            realised=realised_annual(ctx.run.history_series(sid)),
        )
        out.append(Chart(chart_name("annual", sid), title, figure_png(fig)))
    return out


def coa_observed(ctx: ReportContext, quantity: str) -> pd.Series | None:
    obs = ctx.coa_observations
    if obs is None or not len(obs):
        return None
    measures = [m for m, q in COA_MEASURES.items() if q == quantity]
    o = obs[obs["measure"].isin(measures)]
    ob = ctx.run.occupancy_bands
    start = pd.Period(ob.loc[ob["period"].str.len() == 7, "period"].min(), "M").to_timestamp()
    o = o[pd.to_datetime(o["date"]) >= start - pd.DateOffset(years=OBSERVED_YEARS)]
    if not len(o):
        return None
    return pd.Series(o["value"].to_numpy(float), index=pd.to_datetime(o["date"])).groupby(level=0).last()


def occupancy_charts(ctx: ReportContext) -> list[Chart]:
    ob = ctx.run.occupancy_bands
    if ob is None:
        return []
    monthly = ob[ob["period"].str.len() == 7]
    present = list(dict.fromkeys(monthly["quantity"]))
    order = [q for q in OCCUPANCY_ORDER if q in present] + [q for q in present if q not in OCCUPANCY_ORDER]
    out = []
    for quantity in order:
        g = monthly[monthly["quantity"] == quantity]
        share = is_share(quantity)
        fig = fan_chart(
            pd.Series(dtype=float),
            g,
            t(quantity, ctx.lang),
            ctx.lang,
            percent=share,
            ylabel=t("share", ctx.lang) if share else t("persons", ctx.lang),
            observed=coa_observed(ctx, quantity),
            observed_label=t("realised_coa", ctx.lang),
        )
        out.append(Chart(chart_name("fan", quantity), t(quantity, ctx.lang), figure_png(fig)))
    return out


_ZERO_STREAM = re.compile(r"stream '(\w+)' has no '\S+' paths: treated as zero inflow")


def occupancy_warning(text: str, lang: str) -> str:
    """An occupancy manifest warning in the reader's words (the known ones translated, others as written)."""
    if m := _ZERO_STREAM.fullmatch(text):
        return t("occupancy_zero_stream", lang).format(stream=t(m.group(1), lang))
    return f"{t('occupancy', lang)}: {text}"


@section("monthly", order=40)
def monthly(ctx: ReportContext) -> Section:
    nat_total = len(
        set(ctx.run.bands_monthly.loc[ctx.run.bands_monthly["level"] == "nationality", "nationality"])
        - {"OTHER", "UNKNOWN"}
    )
    shown = len(top_nationalities(ctx.run, ctx.top_n))
    notes = [t("top_nationalities_note", ctx.lang).format(n=shown, total=nat_total)] if shown else []
    return Section(
        "monthly", t("monthly_charts", ctx.lang), "sections/charts.html.j2", {"charts": fan_charts(ctx), "notes": notes}
    )


@section("annual", order=50)
def annual(ctx: ReportContext) -> Section:
    return Section(
        "annual", t("annual_charts", ctx.lang), "sections/charts.html.j2", {"charts": annual_charts(ctx), "notes": []}
    )


@section("occupancy", order=60)
def occupancy(ctx: ReportContext) -> Section | None:
    charts = occupancy_charts(ctx)
    if not charts:
        return None
    national = (ctx.run.occupancy_manifest.get("forecast") or {}).get("kind") == "national"
    notes = [t("occupancy_from_national" if national else "occupancy_from_own", ctx.lang)]
    notes += [] if ctx.coa_observations is not None else [t("no_coa_history", ctx.lang)]
    warnings = [occupancy_warning(str(w), ctx.lang) for w in ctx.run.occupancy_manifest.get("warnings") or []]
    return Section(
        "occupancy", t("occupancy", ctx.lang), "sections/charts.html.j2", {"charts": charts, "notes": notes}, warnings
    )


# --- backtest ----------------------------------------------------------------------------------------------------


@section("backtest", order=70)
def backtest(ctx: ReportContext) -> Section | None:
    metrics = variant_summary(ctx.run.backtest_summary, ctx.run.manifest.get("variant"))
    rows = scorecard_rows(metrics, ctx.lang)
    if not rows:
        return None
    n = metrics.get("n_origins") if metrics else None
    note = t("scorecard_note", ctx.lang).format(
        variant=ctx.run.manifest.get("variant", "?"), n=format_number(n, ctx.lang) if n else "?"
    )
    return Section("backtest", t("backtest", ctx.lang), "sections/backtest.html.j2", {"rows": rows, "note": note})


# --- data and technical provenance -------------------------------------------------------------------------------


@section("data", order=90)
def data(ctx: ReportContext) -> Section:
    lang, m, sc = ctx.lang, ctx.run.manifest, ctx.scope
    rows: list[tuple[str, str]] = []
    rows.append(
        (
            t("data_kind", lang),
            t("sample_kind", lang) if sc.sample else t("real_kind", lang) if sc.known else t("unknown", lang),
        )
    )
    if sc.sources:
        rows.append((t("data_files", lang), ", ".join(sc.sources)))
    if m.get("data_vintage"):
        rows.append((t("data_vintage", lang), str(m["data_vintage"])))
    first = sc.first_period or m.get("data_first_period")
    if first:
        rows.append((t("data_period", lang), f"{first} - {sc.last_period or ctx.run.cutoff}"))
    rows.append((t("cutoff", lang), str(ctx.run.cutoff)))
    if sc.known:
        rows.append(
            (
                t("streams", lang),
                ", ".join(t(s, lang) for s in sc.streams)
                + (
                    f" ({t('not_in_data', lang)}: {', '.join(t(s, lang) for s in sc.missing_streams)})"
                    if sc.missing_streams
                    else ""
                ),
            )
        )
        nats = ", ".join(nationality_name(n, lang) for n in sc.nationalities[:15])
        more = f", ... ({len(sc.nationalities)})" if len(sc.nationalities) > 15 else ""
        rows.append((t("nationalities", lang), nats + more))
        rows.append(
            (
                t("coverage", lang),
                t("national_yes", lang) if sc.national else t("national_no", lang).format(what=sc.coverage_text(lang)),
            )
        )
    return Section("data", t("data_provenance", lang), "sections/kv.html.j2", {"rows": rows})


@section("provenance", order=95)
def provenance(ctx: ReportContext) -> Section:

    from mpp.report.tables import provenance_rows

    lang = ctx.lang
    rows = [(t(k, lang), v) for k, v in provenance_rows(ctx.run)]
    if ctx.previous is not None:
        rows.append((t("previous_run", lang), f"{ctx.previous.directory} ({t('cutoff', lang)} {ctx.previous.cutoff})"))
    rows.append((t("report_code_version", lang), code_version()))
    rows.append((t("report_created", lang), datetime.now(UTC).isoformat(timespec="seconds")))
    return Section("provenance", t("technical", lang), "sections/kv.html.j2", {"rows": rows, "mono": True})
