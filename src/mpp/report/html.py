"""The self-contained HTML report of one run: jinja2 templates shipped in the package, CSS inline, images as base64.

The page is a header (title, what the data is, every warning of the run in one box) followed by the registered
sections of mpp.report.sections in order.
"""

from __future__ import annotations

from typing import Any

import jinja2
import pandas as pd

from mpp.report.charts import Chart, chart_name  # noqa: F401  (re-exported for callers of the old module)
from mpp.report.i18n import check_lang, t
from mpp.report.inputs import RunData
from mpp.report.sections import ReportContext, build_sections


def all_charts(
    run: RunData, lang: str = "en", top_n: int = 5, coa_observations: pd.DataFrame | None = None
) -> list[Chart]:
    """Every chart of the report: monthly fans, annual scenarios, occupancy fans."""
    from mpp.report.sections.core import annual_charts, fan_charts, occupancy_charts

    ctx = ReportContext(run, lang, top_n=top_n, coa_observations=coa_observations)
    return [*fan_charts(ctx), *annual_charts(ctx), *occupancy_charts(ctx)]


def run_warnings(ctx: ReportContext) -> list[str]:
    """Warnings that belong on the first screen: what the data is, and what the run's manifest warns about."""
    out = ctx.scope.warnings(ctx.lang)
    if ctx.scope.national is False and ctx.run.national_annual is not None:
        out.append(t("national_shown", ctx.lang))
    out += [str(w) for w in ctx.run.manifest.get("warnings") or []]
    return out


def all_warnings(ctx: ReportContext, sections: list | None = None) -> list[str]:
    """Every warning of the run, once each, in the order the page's first screen shows them (the workbook shows
    the same list)."""
    warnings = run_warnings(ctx)
    for s in build_sections(ctx) if sections is None else sections:
        warnings += [w for w in s.warnings if w not in warnings]
    return warnings


def report_context(
    run: RunData,
    lang: str = "en",
    previous: RunData | None = None,
    top_n: int = 5,
    coa_observations: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Everything the page template shows, computed from the run (no disk access beyond the run's own files)."""
    check_lang(lang)
    ctx = ReportContext(run, lang, previous, top_n, coa_observations)
    sections = build_sections(ctx)
    warnings = all_warnings(ctx, sections)
    m = run.manifest
    return {
        "lang": lang,
        "t": lambda k: t(k, lang),
        "cutoff": run.cutoff or "?",
        "variant": m.get("variant", "?"),
        "sample": ctx.scope.sample,
        "national": ctx.scope.national,
        "warnings": warnings,
        "sections": sections,
    }


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("mpp.report", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_template(name: str, **context: Any) -> str:
    return _ENV.get_template(name).render(**context)


def render_html(
    run: RunData,
    lang: str = "en",
    previous: RunData | None = None,
    top_n: int = 5,
    coa_observations: pd.DataFrame | None = None,
) -> str:
    """The report as one self-contained HTML document (no external files, scripts or fonts)."""
    return render_template("report.html.j2", **report_context(run, lang, previous, top_n, coa_observations))
