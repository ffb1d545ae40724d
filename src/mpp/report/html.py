"""The self-contained HTML report of one run: jinja2 template shipped in the package, CSS inline, images as base64."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import jinja2
import pandas as pd

from mpp.report.charts import annual_chart, fan_chart, figure_png, realised_annual
from mpp.report.i18n import SCENARIOS, check_lang, format_number, series_label, t
from mpp.report.inputs import RunData
from mpp.report.tables import (TOTAL_ID, add_change, backtest_scorecard, family_counts, flatten, headline_table,
                               provenance_rows, revision_against, stream_ids, top_nationalities)


@dataclass
class Chart:
    name: str  # file stem, e.g. "fan_TOTAL_TOTAL"
    title: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def chart_name(kind: str, quantity: str) -> str:
    """A file stem for a chart: 'fan_TOTAL_TOTAL', 'annual_nareizigers_TOTAL', 'fan_occupancy_total'."""
    return f"{kind}_{re.sub(r'[^A-Za-z0-9_]+', '_', quantity)}"


def all_charts(run: RunData, lang: str = "en", top_n: int = 5) -> list[Chart]:
    """Every chart of the report: monthly fans, annual scenarios, occupancy fans."""
    return [*fan_charts(run, lang, top_n), *annual_charts(run, lang), *occupancy_charts(run, lang)]


def quantity_label(quantity: str, lang: str) -> str:
    """Series ids ('s/n') get their series label; occupancy quantities their translated name."""
    return series_label(quantity, lang) if "/" in quantity else t(quantity, lang)


def fan_charts(run: RunData, lang: str, top_n: int = 5) -> list[Chart]:
    """Monthly fan charts: total, each stream, the top nationalities."""
    ids = [TOTAL_ID, *stream_ids(run), *top_nationalities(run, top_n)]
    return [Chart(chart_name("fan", sid), series_label(sid, lang), figure_png(fan_chart(
        run.history_series(sid), run.series_bands(sid), series_label(sid, lang), lang))) for sid in ids]


def annual_charts(run: RunData, lang: str) -> list[Chart]:
    """Annual scenario bars for the total and each stream, with complete realised years before them."""
    out = []
    for sid in [TOTAL_ID, *stream_ids(run)]:
        title = f"{series_label(sid, lang)}: {t('annual_scenarios', lang)}"
        fig = annual_chart(run.series_bands(sid, annual=True), title, lang,
                           realised=realised_annual(run.history_series(sid)))
        out.append(Chart(chart_name("annual", sid), title, figure_png(fig)))
    return out


def occupancy_charts(run: RunData, lang: str) -> list[Chart]:
    """Monthly fan charts of each occupancy quantity (1 January rows 'YYYY-01-01' are left out of the monthly line)."""
    if run.occupancy_bands is None:
        return []
    ob = run.occupancy_bands
    monthly = ob[ob["period"].str.len() == 7]
    out = []
    for quantity, g in monthly.groupby("quantity", sort=False):
        fig = fan_chart(pd.Series(dtype=float), g, t(quantity, lang), lang, ylabel=t("persons", lang))
        out.append(Chart(chart_name("fan", quantity), t(quantity, lang), figure_png(fig)))
    return out


def headline_rows(headline: pd.DataFrame, lang: str) -> tuple[list[int], list[dict[str, Any]]]:
    """Headline table as in the ministry letters: one row per quantity, per year the four scenarios."""
    years = sorted(headline["year"].unique().tolist())
    rows = []
    for quantity, g in headline.groupby("quantity", sort=False):
        by_year = g.set_index("year")
        cells = [format_number(by_year.loc[y, s], lang) if y in by_year.index else ""
                 for y in years for s in SCENARIOS]
        group = t("forecast", lang) if "/" in quantity else f"COA ({t('end_of_year', lang)})"
        rows.append({"label": quantity_label(quantity, lang), "cells": cells, "group": group})
    return [int(y) for y in years], rows


def revision_rows(rev: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    rows = []
    for (quantity, year), g in rev.groupby(["quantity", "year"], sort=False):
        by_s = g.set_index("scenario")
        cells = []
        for s in SCENARIOS:
            if s in by_s.index:
                r = by_s.loc[s]
                pct = "" if pd.isna(r["change_pct"]) else f" ({format_number(r['change_pct'], lang, 1)}%)"
                cells += [format_number(r["current"], lang),
                          f"{'+' if r['change'] > 0 else ''}{format_number(r['change'], lang)}{pct}"]
            else:
                cells += ["", ""]
        rows.append({"label": quantity_label(str(quantity), lang), "year": int(year), "cells": cells})
    return rows


def frame_table(df: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Any small table -> header and formatted text cells (numbers with 3 significant decimals when fractional)."""
    def cell(v):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if pd.isna(v):
                return ""
            return format_number(v, lang, 0 if float(v).is_integer() and abs(v) >= 1 else 3)
        return str(v)
    return {"header": [str(c) for c in df.columns], "rows": [[cell(v) for v in r] for r in df.itertuples(index=False)]}


def report_context(run: RunData, lang: str = "en", previous: RunData | None = None, top_n: int = 5) -> dict[str, Any]:
    """Everything the template shows, computed from the run (pure: no disk access)."""
    from mpp.provenance import code_version

    check_lang(lang)
    headline = headline_table(run)
    years, head_rows = headline_rows(headline, lang)
    if run.revision is not None:
        revision = add_change(run.revision)
    elif previous is not None:
        revision = revision_against(headline, headline_table(previous))
    else:
        revision = None
    m = run.manifest
    provenance = provenance_rows(run)
    if previous is not None:
        provenance.append(("previous_run", f"{previous.directory} (cutoff {previous.cutoff})"))
    provenance.append(("report_code_version", code_version()))
    provenance.append(("report_created", datetime.now(timezone.utc).isoformat(timespec="seconds")))

    forecast_assumptions = [(k, str(m[k])) for k in ("variant", "reconciliation", "seed", "n_samples", "horizon")
                            if k in m]
    forecast_assumptions += [(f"quantile.{name}", str(level)) for name, level in (m.get("quantiles") or {}).items()]
    fallbacks = m.get("fallbacks") or {}
    occupancy_assumptions = flatten(run.occupancy_manifest.get("assumptions") or {})
    scorecard = backtest_scorecard(run.backtest_scores) if run.backtest_scores is not None else None

    return {
        "lang": lang, "t": lambda k: t(k, lang), "cutoff": run.cutoff or "?", "variant": m.get("variant", "?"),
        "scenarios": [t(s, lang) for s in SCENARIOS], "years": years, "headline_rows": head_rows,
        "fan_charts": fan_charts(run, lang, top_n), "annual_charts": annual_charts(run, lang),
        "occupancy_charts": occupancy_charts(run, lang),
        "revision_rows": revision_rows(revision, lang) if revision is not None and len(revision) else None,
        "backtest_summary": flatten(run.backtest_summary) if run.backtest_summary else None,
        "backtest_table": frame_table(scorecard, lang) if scorecard is not None and len(scorecard) else None,
        "forecast_assumptions": forecast_assumptions,
        "families": frame_table(family_counts(m), lang),
        "fallbacks": [(series_label(k, lang), str(v)) for k, v in fallbacks.items()],
        "occupancy_assumptions": occupancy_assumptions, "provenance": provenance,
    }


_ENV = jinja2.Environment(loader=jinja2.PackageLoader("mpp.report", "templates"),
                          autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)


def render_html(run: RunData, lang: str = "en", previous: RunData | None = None, top_n: int = 5) -> str:
    """The report as one self-contained HTML document (no external files, scripts or fonts)."""
    return _ENV.get_template("report.html.j2").render(**report_context(run, lang, previous, top_n))
