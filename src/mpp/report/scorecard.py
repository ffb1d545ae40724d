"""The backtest in five or six numbers a reader can judge, each explained in one line (no raw metric keys)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mpp.report.i18n import format_pct

# key -> (English label, Dutch label, English meaning, Dutch meaning, target or "")
SCORE_ITEMS: dict[str, tuple[str, str, str, str, str]] = {
    "wape_next12": (
        "Error of 12-month totals",
        "Fout in 12-maandstotalen",
        "Mean absolute error of the median forecast of each series' next 12 months, in % of what was realised.",
        "Gemiddelde absolute fout van de mediane prognose van de komende 12 maanden per reeks, in % van de realisatie.",
        "",
    ),
    "wape_next12_snaive_point": (
        "Same error for the naive rule",
        "Dezelfde fout voor de naïeve regel",
        "The reference to beat: 'the next 12 months equal the last 12' (seasonal naive).",
        "De maatstaf om te verslaan: 'de komende 12 maanden zijn gelijk aan de laatste 12' (seizoensnaïef).",
        "",
    ),
    "coverage90_next12": (
        "Band coverage of 12-month totals",
        "Dekking van de band (12-maandstotalen)",
        "How often the realised 12-month total fell between the minimum and maximum scenario.",
        "Hoe vaak het gerealiseerde 12-maandstotaal tussen het minimum- en maximumscenario viel.",
        "90% (85-95%)",
    ),
    "exceed_medio": (
        "Medio exceeded",
        "Medio overschreden",
        "How often a realised month was above the medio scenario (the planning figure).",
        "Hoe vaak een gerealiseerde maand boven het medioscenario (het planningscijfer) lag.",
        "33%",
    ),
    "exceed_median": (
        "Median exceeded",
        "Mediaan overschreden",
        "How often a realised month was above the median: far from 50% means the forecasts lean one way.",
        "Hoe vaak een gerealiseerde maand boven de mediaan lag: ver van 50% betekent een scheve prognose.",
        "50%",
    ),
    "crps_skill": (
        "Skill against the naive rule",
        "Vaardigheid ten opzichte van de naïeve regel",
        "How much better the whole band scores than the naive rule's (monthly CRPS); positive is better, "
        "± one standard error over cut-offs.",
        "Hoeveel beter de hele band scoort dan die van de naïeve regel (maandelijkse CRPS); positief is beter, "
        "± één standaardfout over peildata.",
        "> 0%",
    ),
    "width_rel_next12": (
        "Band width",
        "Breedte van de band",
        "Mean width of the minimum-maximum band of the 12-month total, in % of the realised total.",
        "Gemiddelde breedte van de minimum-maximumband van het 12-maandstotaal, in % van de realisatie.",
        "",
    ),
}


@dataclass
class ScoreRow:
    key: str
    label: str
    value: str
    target: str
    meaning: str


def variant_summary(summary: dict[str, Any] | None, variant: str | None) -> dict[str, float] | None:
    """The metrics of `variant` from a backtest summary ({variant: {metric: value}}), or a flat summary as is."""
    if not summary:
        return None
    if variant in summary and isinstance(summary[variant], dict):
        return summary[variant]
    if all(not isinstance(v, dict) for v in summary.values()):
        return summary  # a flat {metric: value}
    return None


def score_value(metrics: dict[str, float], key: str, lang: str) -> str:
    v = metrics.get(key)
    if v is None or v != v:
        return ""
    text = format_pct(float(v), lang, 1)
    if key == "crps_skill":
        text = ("+" if v > 0 else "") + text
        se = metrics.get("crps_skill_se")
        if se is not None and se == se:
            text += f" ± {format_pct(float(se), lang, 1)}"
    return text


def scorecard_rows(metrics: dict[str, float] | None, lang: str) -> list[ScoreRow]:
    """The explained rows for the metrics present (unknown keys are never shown)."""
    if not metrics:
        return []
    i = 0 if lang == "en" else 1
    rows = []
    for key, item in SCORE_ITEMS.items():
        value = score_value(metrics, key, lang)
        if value:
            rows.append(ScoreRow(key, item[i], value, item[4], item[2 + i]))
    return rows
