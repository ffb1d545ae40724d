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
from functools import cache

from mpp.bands import BAND_NAMES
from mpp.errors import MppError
from mpp.report.labels import REPORT_LABELS

LANGUAGES: tuple[str, ...] = ("en", "nl")
SCENARIOS: tuple[str, ...] = BAND_NAMES

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
    "status_holder_share": ("share of status holders in COA", "aandeel statushouders in COA"),
    "asylum_seekers": ("asylum seekers in COA (awaiting a decision)", "asielzoekers in COA (in procedure)"),
    "rejected": ("rejected residents in COA", "afgewezen bewoners in COA"),
    "amv_coa_places": ("COA places for unaccompanied minors (amv)", "COA-plaatsen voor amv"),
    "amv_capacity_need": ("capacity need for amv in COA", "capaciteitsbehoefte amv in COA"),
    "nidos_places": ("Nidos places (amv with a status)", "Nidos-plaatsen (amv met status)"),
    "ukraine_municipal_reception": (
        "Ukrainian displaced in municipal reception (scenario)",
        "Oekraïense ontheemden in gemeentelijke opvang (scenario)",
    ),
    "ind_decisions": ("IND first-instance decisions", "IND-beslissingen eerste aanleg"),
    "ind_decisions_merits": ("IND decisions on the merits", "IND-beslissingen inhoudelijk"),
    "ind_grants": ("IND grants (asylum permits)", "IND-inwilligingen"),
    "grant_rate": ("grant rate", "inwilligingspercentage"),
    "ukraine_asylum_filings": (
        "asylum requests by Ukrainian displaced (scenario)",
        "asielverzoeken Oekraïense ontheemden (scenario)",
    ),
    "TOTAL_partial": ("sum of the series in this run", "som van de reeksen in deze run"),
    # national track record (section "national_track_record", scripts/national_backtest.py)
    "national_track_record": (
        "National track record: as it would have been in real time",
        "Trackrecord nationaal: zoals het destijds zou zijn gegaan",
    ),
    "national_track_record_intro": (
        "Rolling-origin backtest of the national forecast (scripts/national_backtest.py): every origin saw only "
        "what was published by then (release calendar), every choice and the band calibration were made on "
        "tuning origins up to 2020-Q4; the figures below are for the locked origins from 2021-Q1, which no "
        "choice looked at.",
        "Backtest van de nationale prognose met doorschuivende startmomenten (scripts/national_backtest.py): "
        "elk startmoment zag alleen wat toen gepubliceerd was (publicatiekalender); elke keuze en de kalibratie "
        "van de scenario's zijn gemaakt op afstemmingsmomenten tot en met 2020-K4; hieronder de vergrendelde "
        "startmomenten vanaf 2021-K1, waar geen keuze naar keek.",
    ),
    "national_locked_bands": (
        "How often each scenario was exceeded (locked origins; standard error)",
        "Hoe vaak elk scenario werd overschreden (vergrendelde startmomenten; standaardfout)",
    ),
    "national_locked_note": (
        "Expected: minimum 95%, median 50%, medio 33%, maximum 5%. WAPE: error of the median as a share of the "
        "realised total; the naive rule repeats the last four published quarters (or the last published year).",
        "Verwacht: minimum 95%, mediaan 50%, medio 33%, maximum 5%. WAPE: fout van de mediaan als aandeel van "
        "het gerealiseerde totaal; de naïeve regel herhaalt de laatste vier gepubliceerde kwartalen (of het "
        "laatste gepubliceerde jaar).",
    ),
    "national_medio_vs_official": (
        "Our medio beside the official MPP medio (vintages with a realised year)",
        "Onze medio naast de officiële MPP-medio (edities met een gerealiseerd jaar)",
    ),
    "horizon_current": ("rest of this year", "rest van dit jaar"),
    "horizon_next": ("next year", "volgend jaar"),
    "horizon_year_after": ("year after next", "jaar daarna"),
    "exceeded": ("exceeded", "overschreden"),
    "naive_rule": ("naive rule", "naïeve regel"),
    "vintage": ("vintage", "editie"),
    "data_cutoff": ("data cut-off", "peildatum data"),
    "official_medio": ("official medio", "officiële medio"),
    "our_medio": ("our medio (P67)", "onze medio (P67)"),
    "our_medio_calibrated": ("our medio (calibrated)", "onze medio (gekalibreerd)"),
    "official_error": ("official error", "fout officieel"),
    "our_error": ("our error (calibrated)", "onze fout (gekalibreerd)"),
    # policy overlays (mpp.overlays, section "overlays")
    "overlays_title": ("Policy overlays: model, overlays and total", "Beleidsoverlays: model, overlays en totaal"),
    "overlays_intro": (
        "Medians per year. The model column is the statistical forecast without any policy "
        "assumption; each overlay column is what that overlay adds (median of the difference per "
        "path); the total is model plus overlays with its band.",
        "Medianen per jaar. De kolom model is de statistische prognose zonder beleidsaanname; elke "
        "overlaykolom is wat die overlay toevoegt (mediaan van het verschil per pad); het totaal is "
        "model plus overlays met de bandbreedte.",
    ),
    "overlays": ("overlays", "overlays"),
    "model": ("model", "model"),
    "total_with_overlays": ("total", "totaal"),
    "model_plus_overlays": ("model + overlays", "model + overlays"),
    "model_only_median": ("model only: median", "alleen model: mediaan"),
    "model_only_band": ("model only: minimum - maximum", "alleen model: minimum - maximum"),
    "status_adopted": ("adopted", "vastgesteld"),
    "status_scenario": ("scenario", "scenario"),
    "status_illustrative": ("illustrative", "illustratief"),
    "overlay_illustrative": (
        "Overlay {name} is illustrative: its size is not an estimate and must not be published as one.",
        "Overlay {name} is illustratief: de omvang is geen schatting en mag niet als zodanig worden gepubliceerd.",
    ),
    "overlay_scope_warning": (
        "The published figures are national totals, but this run's total covers only part "
        "of the inflow: their percentiles here do not measure their plausibility.",
        "De gepubliceerde cijfers zijn landelijke totalen, maar het totaal van deze run "
        "dekt maar een deel van de instroom: de percentielen hier zeggen niets over hun "
        "plausibiliteit.",
    ),
    "plausibility_title": ("Published figures against the model", "Gepubliceerde cijfers tegenover het model"),
    "plausibility_sentence": (
        "{series} {year}: the published {figure} lies at percentile {pct} of the model "
        "(median {median}, band {low} - {high}); it implies a change of {change}% against "
        "the model's median.",
        "{series} {year}: het gepubliceerde cijfer {figure} ligt op percentiel {pct} van het "
        "model (mediaan {median}, bandbreedte {low} - {high}); dat impliceert een verandering "
        "van {change}% ten opzichte van de mediaan van het model.",
    ),
    "revision_waterfall": ("revision waterfall", "bijstelling in stappen"),
    "new_data": ("new data", "nieuwe data"),
    "model_change": ("model change", "modelwijziging"),
    "waterfall_note": (
        "Change of the median annual total since the previous forecast: new data = the previous "
        "model on the new data; model change = the current model against that; overlays = the "
        "change in what overlays add. The steps add up exactly.",
        "Verandering van het mediane jaartotaal sinds de vorige prognose: nieuwe data = het vorige "
        "model op de nieuwe data; modelwijziging = het huidige model daartegenover; overlays = de "
        "verandering in wat overlays toevoegen. De stappen tellen precies op.",
    ),
    # axes and words
    "persons_per_month": ("persons per month", "personen per maand"),
    "persons_per_year": ("persons per year", "personen per jaar"),
    "persons": ("persons", "personen"),
    "month": ("month", "maand"),
    "year": ("year", "jaar"),
    "period": ("period", "periode"),
    "quantity": ("quantity", "grootheid"),
    "scenario": ("scenario", "scenario"),
    # reception chain section (issue 18)
    "reception_chain": (
        "Reception chain: IND decisions, amv, Nidos, Ukrainian scenarios, track record",
        "Asielketen: IND-beslissingen, amv, Nidos, Oekraïne-scenario's, terugblik",
    ),
    "ind_flows_per_year": ("IND decisions and grants per year", "IND-beslissingen en inwilligingen per jaar"),
    "chain_stocks": ("Chain stocks on 1 January", "Voorraden in de keten op 1 januari"),
    "ukraine_scenarios": (
        "Ukrainian displaced: scenarios for the end of temporary protection",
        "Oekraïense ontheemden: scenario's voor het einde van de tijdelijke bescherming",
    ),
    "ukraine_note": (
        "SCENARIOS, not forecasts: stated shares of the displaced filing an asylum request when the "
        "directive ends; the projection above does not include them.",
        "SCENARIO'S, geen prognoses: aangenomen aandelen ontheemden die asiel aanvragen als de richtlijn "
        "afloopt; de projectie hierboven bevat ze niet.",
    ),
    "occupancy_effect": (
        "effect on COA occupancy at the end (median)",
        "effect op COA-bezetting aan het eind (mediaan)",
    ),
    "capacity_need_effect": ("effect on capacity need (median)", "effect op capaciteitsbehoefte (mediaan)"),
    "replay_track_record": (
        "Track record: the model replayed on realised history",
        "Terugblik: het model op de gerealiseerde historie",
    ),
    "ukraine_scenario_label": (
        "SCENARIO {name}: {share}% of the Ukrainian displaced file an asylum request when the directive ends",
        "SCENARIO {name}: {share}% van de Oekraïense ontheemden vraagt asiel aan als de richtlijn afloopt",
    ),
    "no_track_record_no_reference_data": (
        "no track record: the project names no reference data (reference_data in mpp.toml)",
        "geen terugblik: het project noemt geen referentiedata (reference_data in mpp.toml)",
    ),
    "no_track_record_series_missing": (
        "no track record: the real series are not at {real}",
        "geen terugblik: de echte reeksen staan niet in {real}",
    ),
    "track_record_note": (
        "Replay {start}..{end} on realised inflow, IND decisions, grant rates and backlog; two rates "
        "estimated on COA figures up to {fit_until} only, later figures check them.",
        "Naspeling {start}..{end} op gerealiseerde instroom, IND-beslissingen, inwilligingen en "
        "werkvoorraad; twee parameters geschat op COA-cijfers tot en met {fit_until}, latere cijfers "
        "toetsen ze.",
    ),
    "observed_coa": ("COA figure", "COA-cijfer"),
    "model_value": ("model", "model"),
    "error_pct": ("error", "afwijking"),
    "window_label": ("used for", "gebruikt voor"),
    "fit_window": ("estimation", "schatting"),
    "check_window": ("check", "toets"),
    "approx_figure": ("rounded figure from the news", "afgerond cijfer uit het nieuws"),
    "date_label": ("date", "datum"),
    "current": ("current", "huidig"),
    "previous": ("previous", "vorig"),
    "change": ("change", "verschil"),
    "change_pct": ("change %", "verschil %"),
    "end_of_year": ("end of year", "eind jaar"),
    "key": ("item", "kenmerk"),
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
    "metadata": ("metadata", "metagegevens"),
    "monthly": ("monthly", "maandelijks"),
    "annual": ("annual", "jaarlijks"),
    "all_series_monthly": ("all series monthly", "alle reeksen maand"),
    "all_series_annual": ("all series annual", "alle reeksen jaar"),
    **REPORT_LABELS,  # the director's report, the comparison page, assumptions, Excel: mpp.report.labels
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


@cache
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


def tf(key: str, lang: str = "en", **values) -> str:
    """The label for `key` with its {placeholders} filled in."""
    return t(key, lang).format(**values)


def is_share(quantity: str) -> bool:
    """Quantities that are fractions 0..1 (shown as percentages): names ending in _share or _rate."""
    return quantity.endswith(("_share", "_rate"))


def format_pct(fraction: float, lang: str = "en", decimals: int = 1) -> str:
    """A share 0.2267 as '22.7%' (en) or '22,7%' (nl); empty for missing values."""
    if fraction is None or fraction != fraction:
        return ""
    return format_number(100.0 * fraction, lang, decimals) + "%"


def rounding_unit(x: float) -> int:
    """The rounding of published MPP tables: hundreds, tens below 1,000."""
    return 100 if abs(x) >= 1000 else 10


def format_rounded(x: float, lang: str = "en", unit: int | None = None) -> str:
    """A count rounded as published (see rounding_unit) with thousands separators."""
    if x is None or x != x:
        return ""
    u = unit or rounding_unit(x)
    return format_number(round(x / u) * u, lang)


def format_number(x: float, lang: str = "en", decimals: int = 0) -> str:
    """12,345 (en) or 12.345 (nl); empty for missing values."""
    if x is None or x != x:  # NaN
        return ""
    s = f"{x:,.{decimals}f}"
    if lang == "nl":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s
