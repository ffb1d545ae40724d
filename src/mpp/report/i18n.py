"""Labels of the analyst outputs in English (default) or Dutch.

Dutch domain words used in the labels:
  eerste asielverzoeken     first asylum requests
  herhaalde asielverzoeken  repeat (follow-up) asylum requests
  nareizigers               family members who follow a status holder to the Netherlands
  hervestiging              UNHCR resettlement
  statushouders             people granted a residence permit who still live in COA reception
  werkvoorraad (IND)        pending first-instance asylum decisions (backlog)
  medio                     the scenario with a 33% chance of being exceeded (~P67)
"""

from __future__ import annotations

import gettext
from functools import lru_cache

from mpp.errors import MppError

LANGUAGES: tuple[str, ...] = ("en", "nl")
SCENARIOS: tuple[str, ...] = ("minimum", "median", "medio", "maximum")

# key -> (English, Dutch)
_LABELS: dict[str, tuple[str, str]] = {
    # scenarios
    "minimum": ("minimum", "minimum"),
    "median": ("median", "mediaan"),
    "medio": ("medio", "medio"),
    "maximum": ("maximum", "maximum"),
    "realised": ("realised", "gerealiseerd"),
    # streams and aggregates
    "TOTAL": ("total asylum inflow", "totale asielinstroom"),
    "first_asylum_request": ("first asylum requests", "eerste asielverzoeken"),
    "repeat_asylum_request": ("repeat asylum requests", "herhaalde asielverzoeken"),
    "nareizigers": ("nareizigers (family reunification)", "nareizigers"),
    "resettlement": ("resettlement", "hervestiging"),
    "OTHER": ("other nationalities", "overige nationaliteiten"),
    "UNKNOWN": ("unknown nationality", "onbekende nationaliteit"),
    # occupancy quantities
    "occupancy_total": ("COA occupancy", "COA-bezetting"),
    "status_holders": ("status holders in COA", "statushouders in COA"),
    "ind_backlog": ("IND backlog (pending first decisions)", "IND-werkvoorraad"),
    "capacity_need": ("capacity need", "capaciteitsbehoefte"),
    "status_holder_share": ("share of status holders", "aandeel statushouders"),
    "asylum_seekers": ("asylum seekers in COA (awaiting a decision)", "asielzoekers in COA (in procedure)"),
    "rejected": ("rejected residents in COA", "afgewezen bewoners in COA"),
    "amv_coa_places": ("COA places for unaccompanied minors (amv)", "COA-plaatsen voor amv"),
    "amv_capacity_need": ("capacity need for amv in COA", "capaciteitsbehoefte amv in COA"),
    "nidos_places": ("Nidos places (amv with a status)", "Nidos-plaatsen (amv met status)"),
    "ukraine_municipal_reception": ("Ukrainian displaced in municipal reception (scenario)",
                                    "Oekraïense ontheemden in gemeentelijke opvang (scenario)"),
    "ind_decisions": ("IND first-instance decisions", "IND-beslissingen eerste aanleg"),
    "ind_decisions_merits": ("IND decisions on the merits", "IND-beslissingen inhoudelijk"),
    "ind_grants": ("IND grants (asylum permits)", "IND-inwilligingen"),
    "grant_rate": ("grant rate", "inwilligingspercentage"),
    "ukraine_asylum_filings": ("asylum requests by Ukrainian displaced (scenario)",
                               "asielverzoeken Oekraïense ontheemden (scenario)"),
    # axes and words
    "persons_per_month": ("persons per month", "personen per maand"),
    "persons_per_year": ("persons per year", "personen per jaar"),
    "persons": ("persons", "personen"),
    "month": ("month", "maand"),
    "year": ("year", "jaar"),
    "period": ("period", "periode"),
    "quantity": ("quantity", "grootheid"),
    "scenario": ("scenario", "scenario"),
    "current": ("current", "huidig"),
    "previous": ("previous", "vorig"),
    "change": ("change", "verschil"),
    "change_pct": ("change %", "verschil %"),
    "end_of_year": ("end of year", "eind jaar"),
    "key": ("item", "onderdeel"),
    "value": ("value", "waarde"),
    "series": ("series", "reeks"),
    "family": ("model family", "modelfamilie"),
    "reason": ("reason", "reden"),
    "forecast": ("forecast", "prognose"),
    "by_nationality": ("by nationality", "per nationaliteit"),
    "annual_scenarios": ("annual scenarios", "jaarscenario's"),
    "band_outer": ("minimum - maximum", "minimum - maximum"),
    "band_inner": ("median - medio", "mediaan - medio"),
    # report sections
    "report_title": ("Multi-year production forecast (MPP)", "Meerjaren Productie Prognose (MPP)"),
    "cutoff": ("data cut-off", "peildatum data"),
    "headline": ("Headline: annual scenarios", "Kerncijfers: jaarscenario's"),
    "headline_note": (
        "Annual inflow is the sum over the calendar year (realised months included where the year has started); "
        "occupancy quantities are stocks at the end of the year.",
        "Jaarinstroom is de som over het kalenderjaar (inclusief gerealiseerde maanden als het jaar al begonnen is); "
        "bezettingsgrootheden zijn standen aan het eind van het jaar.",
    ),
    "scenario_note": (
        "Scenarios: minimum ~P5, median P50, medio ~P67 (33% chance of being exceeded), maximum ~P95.",
        "Scenario's: minimum ~P5, mediaan P50, medio ~P67 (33% kans op overschrijding), maximum ~P95.",
    ),
    "revision_note": (
        "Change = current minus previous run (in % of the previous run); only years both runs cover completely.",
        "Verschil = huidige min vorige prognose (in % van de vorige); alleen jaren die beide prognoses geheel dekken.",
    ),
    "monthly_charts": ("Monthly forecasts", "Maandprognoses"),
    "annual_charts": ("Annual scenarios", "Jaarscenario's"),
    "revision": ("Revision against the previous run", "Bijstelling ten opzichte van de vorige prognose"),
    "backtest": ("Backtest scorecard", "Backtest-scorekaart"),
    "occupancy": ("COA occupancy and capacity need", "COA-bezetting en capaciteitsbehoefte"),
    "assumptions": ("Assumptions", "Aannames"),
    "model_choices": ("Model choices per series", "Modelkeuze per reeks"),
    "fallbacks": ("Fallbacks", "Terugvalmodellen"),
    "provenance": ("Provenance", "Herkomst"),
    "occupancy_table": ("COA all quantities", "COA alle grootheden"),
    "metadata": ("metadata", "metadata"),
    "monthly": ("monthly", "maandelijks"),
    "annual": ("annual", "jaarlijks"),
    "all_series_monthly": ("all series monthly", "alle reeksen maand"),
    "all_series_annual": ("all series annual", "alle reeksen jaar"),
}


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise MppError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return lang


def t(key: str, lang: str = "en") -> str:
    """The label for `key` in `lang`; unknown keys come back as themselves (e.g. a new quantity name)."""
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[LANGUAGES.index(check_lang(lang))]


@lru_cache(maxsize=None)
def _country_translator(lang: str):
    import pycountry

    if lang == "en":
        return lambda s: s
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext
    except OSError:  # pragma: no cover - pycountry always ships the Dutch catalogue
        return lambda s: s


def nationality_name(code: str, lang: str = "en") -> str:
    """Display name of a nationality code (ISO 3166-1 alpha-3 or a reserved word)."""
    if code in _LABELS:
        return t(code, lang)
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _country_translator(lang)(name)


def series_label(series_id: str, lang: str = "en") -> str:
    """Readable name of a series id "stream/nationality"."""
    stream, nationality = series_id.split("/", 1)
    if nationality == "TOTAL":
        return t(stream, lang)
    if stream == "TOTAL":
        return nationality_name(nationality, lang)
    return f"{t(stream, lang)}: {nationality_name(nationality, lang)}"


def format_number(x: float, lang: str = "en", decimals: int = 0) -> str:
    """12,345 (en) or 12.345 (nl); empty for missing values."""
    if x is None or x != x:  # NaN
        return ""
    s = f"{x:,.{decimals}f}"
    if lang == "nl":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s
