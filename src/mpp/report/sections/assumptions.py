"""The report's assumptions section: the forecast settings of the run and the occupancy assumptions with their
units and sources (also the Excel workbook's assumptions sheet). Split from `mpp.report.sections.core`."""

from __future__ import annotations

import re
from typing import Any

from mpp.report.i18n import SCENARIOS, format_number, format_pct, series_label, t
from mpp.report.sections import ReportContext, Section, section
from mpp.report.tables import family_counts


def forecast_settings(ctx: ReportContext) -> list[tuple[str, str]]:
    m, lang = ctx.run.manifest, ctx.lang
    rows: list[tuple[str, str]] = []
    spec = m.get("variant_spec") or {}
    variant = str(m.get("variant", "?"))
    rows.append((t("variant", lang), variant + (f": {spec['description']}" if spec.get("description") else "")))
    q = m.get("quantiles") or {}
    if q:
        rows.append(
            (
                t("scenarios_label", lang),
                ", ".join(f"{t(k, lang)} P{format_number(100 * float(q[k]), lang)}" for k in SCENARIOS if k in q),
            )
        )
    if m.get("horizon"):
        span = f" ({m['first_period']} - {m['last_period']})" if m.get("first_period") and m.get("last_period") else ""
        rows.append((t("horizon", lang), f"{m['horizon']} {t('months', lang)}{span}"))
    if m.get("n_samples"):
        rows.append((t("n_samples", lang), format_number(m["n_samples"], lang)))
    if m.get("reconciliation"):
        rows.append((t("reconciliation", lang), str(m["reconciliation"])))
    if "seed" in m:
        rows.append((t("seed", lang), str(m["seed"])))
    return rows


def occupancy_assumption_rows(ctx: ReportContext) -> list[dict[str, str]]:
    """Name, value(s), unit and source of every occupancy assumption, from the assumptions the occupancy manifest
    records (the validated content the projection used, as plain data: the report reads no configuration)."""
    rows = []
    for name, v in _walk_assumptions(ctx.run.occupancy_manifest.get("assumptions") or {}):
        unit = str(v.get("unit", ""))
        value = (
            _fmt_param(v["value"], unit, ctx.lang)
            if v.get("value") is not None
            else "; ".join(
                f"{s.get('start')}: {_fmt_param(s.get('value'), unit, ctx.lang)}" for s in v.get("schedule") or ()
            )
        )
        rows.append(
            {
                "name": readable_name(name, ctx.lang),
                "value": value,
                "unit": unit_label(unit, ctx.lang),
                "source": humanize_keys(" ".join(str(v.get("source", "")).split())),
            }
        )
    return rows


_DOTTED_KEY = re.compile(r"\b([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)\b")


def humanize_keys(text: str) -> str:
    """Dotted setting names inside free text ('see procedure.grant_rate') in readable form; file names kept."""

    def repl(m: re.Match) -> str:
        key = m.group(1)
        if re.search(r"\.(csv|tsv|yaml|yml|json|md|parquet|xlsx|html|py)$", key) or "_" not in key.split(".", 1)[1]:
            return key
        return readable_name(key)

    return _DOTTED_KEY.sub(repl, text)


def readable_name(path: str, lang: str = "en") -> str:
    """'procedure.grant_rate' -> 'procedure: grant rate' (dotted keys never reach the page); the group in `lang`,
    a stream or occupancy quantity by its label."""
    head, *rest = path.split(".")
    group = t(f"group_{head}", lang)
    parts = [group if not group.startswith("group_") else head.replace("_", " ")]
    for p in rest:
        label = t(p, lang)
        parts.append(label if label != p else p.replace("_", " "))
    return parts[0] + (": " + ", ".join(parts[1:]) if len(parts) > 1 else "")


def unit_label(unit: str, lang: str) -> str:
    label = t(f"unit_{unit}", lang)
    return unit if label.startswith("unit_") else label


def _walk_assumptions(obj: dict[str, Any], prefix: str = ""):
    for k, v in obj.items():
        if isinstance(v, dict) and ("value" in v or "schedule" in v) and "unit" in v:  # one assumption (Param)
            yield f"{prefix}{k}", v
        elif isinstance(v, dict):
            yield from _walk_assumptions(v, f"{prefix}{k}.")


def _fmt_param(v: Any, unit: str, lang: str) -> str:
    if v is None:
        return ""
    if not isinstance(v, (int, float)):
        return str(v)
    if unit in ("fraction", "share"):
        return format_pct(float(v), lang, 1)
    if float(v).is_integer():
        return format_number(v, lang)
    return format_number(v, lang, 2)


@section("assumptions", order=80)
def assumptions(ctx: ReportContext) -> Section:
    lang, m = ctx.lang, ctx.run.manifest
    families = family_counts(m)
    fallbacks = [(series_label(k, lang), str(v)) for k, v in (m.get("fallbacks") or {}).items()]
    return Section(
        "assumptions",
        t("assumptions", lang),
        "sections/assumptions.html.j2",
        {
            "settings": forecast_settings(ctx),
            "families": [(str(r.family), format_number(r.series, lang)) for r in families.itertuples(index=False)],
            "fallbacks": fallbacks,
            "occupancy": occupancy_assumption_rows(ctx),
            "occupancy_name": ctx.run.occupancy_manifest.get("assumptions_name"),
        },
    )
