"""Labels (key -> (English, Dutch)) of the director's report, the variant comparison page, the occupancy
assumptions and the Excel workbook; `mpp.report.i18n` merges them after its own labels and serves them all."""

from __future__ import annotations

REPORT_LABELS: dict[str, tuple[str, str]] = {
    # added for the director's report (issue 16)
    "warnings": ("Warnings", "Waarschuwingen"),
    "not_national": (
        "Not the national total: this run covers {what}. Its 'total' is the sum of these series, not the national "
        "asylum inflow, and any COA projection driven by it understates national occupancy.",
        "Niet het landelijke totaal: deze run omvat {what}. Het 'totaal' is de som van deze reeksen, niet de "
        "landelijke asielinstroom, en een COA-projectie op basis hiervan onderschat de landelijke bezetting.",
    ),
    "n_nationalities": ("{n} nationalities ({names})", "{n} nationaliteiten ({names})"),
    "n_streams_of": ("{n} of {m} streams ({names})", "{n} van de {m} stromen ({names})"),
    "sample_data": (
        "Generated sample data: these figures are synthetic (for demonstration) and say nothing about real "
        "asylum inflow.",
        "Gegenereerde voorbeelddata: deze cijfers zijn synthetisch (voor demonstratie) en zeggen niets over de "
        "werkelijke asielinstroom.",
    ),
    "real_data": ("Real data", "Echte data"),
    "scope_unknown": (
        "The run's manifest does not record which streams and nationalities its data covers; check the data file.",
        "Het manifest van de run vermeldt niet welke stromen en nationaliteiten de data omvat; controleer het "
        "databestand.",
    ),
    "rounded_note": (
        "Rounded to hundreds (tens below 1,000) as in the published MPP tables; exact values are in the workbook "
        "and the CSV files.",
        "Afgerond op honderdtallen (tientallen onder de 1.000) zoals in de gepubliceerde MPP-tabellen; exacte "
        "waarden staan in de werkmap en de CSV-bestanden.",
    ),
    "start_stock": ("{value} (start stock {date}, assumed)", "{value} (beginstand {date}, aanname)"),
    "start_stock_note": (
        "A single value instead of four scenarios is the starting stock of the occupancy projection, taken from "
        "the assumptions (not a forecast).",
        "Eén waarde in plaats van vier scenario's is de beginstand van de bezettingsprojectie, overgenomen uit de "
        "aannames (geen prognose).",
    ),
    "top_nationalities_note": (
        "Nationalities shown: the {n} with the largest median forecast inflow over the horizon (of {total} in the "
        "run; pooled 'other' left out).",
        "Getoonde nationaliteiten: de {n} met de grootste mediane prognose over de horizon (van de {total} in de "
        "run; de samengevoegde 'overige' niet meegeteld).",
    ),
    "plausibility": (
        "{label}: the {scenario} for {year} ({value}) is {factor} the {extreme} year on record ({record} in {ryear}).",
        "{label}: het {scenario} voor {year} ({value}) is {factor} het {extreme} jaar in de data ({record} in "
        "{ryear}).",
    ),
    "highest": ("highest", "hoogste"),
    "lowest": ("lowest", "laagste"),
    "times": ("{x} times", "{x} keer"),
    "revision_sentence_up": (
        "{label} {year}: median {current}, {change} ({pct}) higher than in the previous forecast ({previous}).",
        "{label} {year}: mediaan {current}, {change} ({pct}) hoger dan in de vorige prognose ({previous}).",
    ),
    "revision_sentence_down": (
        "{label} {year}: median {current}, {change} ({pct}) lower than in the previous forecast ({previous}).",
        "{label} {year}: mediaan {current}, {change} ({pct}) lager dan in de vorige prognose ({previous}).",
    ),
    "revision_sentence_same": (
        "{label} {year}: median {current}, unchanged from the previous forecast.",
        "{label} {year}: mediaan {current}, gelijk aan de vorige prognose.",
    ),
    "scorecard_note": (
        "Backtest of variant {variant}: forecasts made at {n} earlier cut-offs with only the data then available, "
        "scored against what was realised.",
        "Backtest van variant {variant}: prognoses gemaakt op {n} eerdere peildata met alleen de data van dat "
        "moment, vergeleken met de realisatie.",
    ),
    "measure": ("measure", "maatstaf"),
    "target": ("target", "streefwaarde"),
    "meaning": ("what it means", "betekenis"),
    "unit": ("unit", "eenheid"),
    "source": ("source", "bron"),
    "assumption": ("assumption", "aanname"),
    "forecast_settings": ("Forecast settings", "Prognose-instellingen"),
    "occupancy_assumptions": ("Occupancy assumptions", "Aannames bezetting"),
    "data_provenance": ("Data", "Data"),
    "technical": ("Technical provenance", "Technische herkomst"),
    "realised_coa": ("realised (COA)", "gerealiseerd (COA)"),
    "no_coa_history": (
        "No realised COA occupancy was given for this report (mpp report --coa-observations FILE adds it).",
        "Voor dit rapport is geen gerealiseerde COA-bezetting opgegeven (mpp report --coa-observations BESTAND "
        "voegt die toe).",
    ),
    "occupancy_from_national": (
        "Inflow into the projection: the national forecast of every stream (first and repeat requests, nareizigers, "
        "resettlement) for the whole country, not the series of this page's forecast.",
        "Instroom in de projectie: de nationale prognose van alle stromen (eerste en herhaalde aanvragen, "
        "nareizigers, hervestiging) voor heel Nederland, niet de reeksen van de prognose op deze pagina.",
    ),
    "occupancy_from_own": (
        "Inflow into the projection: the sample paths of this page's forecast (only its series; a stream without "
        "paths counts as zero inflow, see the warnings).",
        "Instroom in de projectie: de paden van de prognose op deze pagina (alleen haar reeksen; een stroom zonder "
        "paden telt als nul instroom, zie de waarschuwingen).",
    ),
    "family_note": (
        "Number of series forecast with each model family; families are described in docs/models.md.",
        "Aantal reeksen per modelfamilie; de families staan beschreven in docs/models.md.",
    ),
    "fallback_note": (
        "Series for which the chosen model could not be fitted and a simpler model was used instead.",
        "Reeksen waarvoor het gekozen model niet geschat kon worden en een eenvoudiger model is gebruikt.",
    ),
    "national": ("National forecast", "Landelijke prognose"),
    "national_note": (
        "National forecast of every MPP stream from the national sources (mpp forecast --national), data cut-off "
        "{cutoff}; files: {files}.",
        "Landelijke prognose van alle MPP-stromen uit de landelijke bronnen (mpp forecast --national), peildatum "
        "{cutoff}; bestanden: {files}.",
    ),
    "national_findings": (
        "Places where two sources disagree: {n} (listed in findings.csv of the national forecast).",
        "Plaatsen waar twee bronnen verschillen: {n} (zie findings.csv van de landelijke prognose).",
    ),
    "national_cutoff_differs": (
        "The national forecast has data cut-off {national}, this run {run}.",
        "De landelijke prognose heeft peildatum {national}, deze run {run}.",
    ),
    "occupancy_zero_stream": (
        "COA projection: {stream} are not in this run's data and count as zero inflow.",
        "COA-projectie: {stream} zitten niet in de data van deze run en tellen als nul instroom.",
    ),
    "national_shown": (
        "The national forecast is shown separately (section 'National forecast', directly below).",
        "De landelijke prognose staat apart (onderdeel 'Landelijke prognose', direct hieronder).",
    ),
    "variant": ("variant", "variant"),
    "scenarios_label": ("scenarios (percentiles)", "scenario's (percentielen)"),
    "horizon": ("horizon", "horizon"),
    "months": ("months", "maanden"),
    "n_samples": ("sample paths per series", "steekproefpaden per reeks"),
    "reconciliation": ("reconciliation (series made to add up)", "reconciliatie (reeksen sluitend gemaakt)"),
    "seed": ("random seed", "toevalsgetal (seed)"),
    "share": ("share", "aandeel"),
    "data_kind": ("kind of data", "soort data"),
    "sample_kind": ("generated sample (synthetic, not real)", "gegenereerde voorbeelddata (synthetisch, niet echt)"),
    "real_kind": ("real data", "echte data"),
    "unknown": ("unknown", "onbekend"),
    "data_files": ("source files", "bronbestanden"),
    "data_vintage": ("data vintage (publication month)", "datavintage (publicatiemaand)"),
    "data_period": ("months in the data", "maanden in de data"),
    "streams": ("streams", "stromen"),
    "nationalities": ("nationalities", "nationaliteiten"),
    "coverage": ("coverage", "dekking"),
    "national_yes": (
        "national totals (every nationality and stream)",
        "landelijke totalen (alle nationaliteiten en stromen)",
    ),
    "national_no": ("not the national total: {what}", "niet het landelijke totaal: {what}"),
    "not_in_data": ("not in the data", "niet in de data"),
    "previous_run": ("previous run", "vorige run"),
    "report_code_version": ("code version of this report", "codeversie van dit rapport"),
    "report_created": ("report written", "rapport gemaakt"),
    "data_hash": ("data fingerprint (SHA-256)", "vingerafdruk data (SHA-256)"),
    "config_hash": ("settings fingerprint (SHA-256)", "vingerafdruk instellingen (SHA-256)"),
    "assumptions_hash": ("assumptions fingerprint (SHA-256)", "vingerafdruk aannames (SHA-256)"),
    "code_version": ("code version of the run", "codeversie van de run"),
    "created": ("run made", "run gemaakt"),
    "mlflow_run_id": ("MLflow run", "MLflow-run"),
    "forecast_settings_title": ("Forecast settings", "Prognose-instellingen"),
    # the variant comparison page
    "compare_title": ("Variants compared", "Varianten vergeleken"),
    "compare_intro": (
        "Forecasts of the same data cut-off by several model variants. The champion is the published variant; "
        "the other variants are shown against it.",
        "Prognoses op dezelfde peildatum door verschillende modelvarianten. De kampioen is de gepubliceerde "
        "variant; de andere varianten worden daarmee vergeleken.",
    ),
    "champion": ("champion", "kampioen"),
    "compare_bands": ("Annual scenarios per variant", "Jaarscenario's per variant"),
    "compare_charts": ("Monthly forecasts overlaid", "Maandprognoses over elkaar"),
    "compare_scores": ("Backtest scorecard per variant", "Backtest-scorekaart per variant"),
    "compare_diffs": ("Differences from the champion", "Verschillen met de kampioen"),
    "median_difference": ("median difference", "verschil mediaan"),
    "width_ratio": ("band width vs champion", "bandbreedte t.o.v. kampioen"),
    "compare_diff_note": (
        "Median difference: variant minus champion (in % of the champion). Band width: the variant's "
        "minimum-maximum range divided by the champion's (1 = as wide).",
        "Verschil mediaan: variant min kampioen (in % van de kampioen). Bandbreedte: de minimum-maximumbreedte van "
        "de variant gedeeld door die van de kampioen (1 = even breed).",
    ),
    "compare_no_scores": (
        "Variant {variant} has no backtest scores in its run.",
        "Variant {variant} heeft geen backtestscores in zijn run.",
    ),
    "compare_origins": ("Backtest cut-offs per variant", "Backtest-peildata per variant"),
    "variants": ("Variants", "Varianten"),
    "description": ("description", "beschrijving"),
    # units and groups of the occupancy assumptions (mpp.occupancy.assumptions)
    "unit_persons": ("persons", "personen"),
    "unit_persons per month": ("persons per month", "personen per maand"),
    "unit_persons per half-year": ("persons per half-year", "personen per halfjaar"),
    "unit_persons per year": ("persons per year", "personen per jaar"),
    "unit_fraction": ("share", "aandeel"),
    "unit_per month": ("share per month", "aandeel per maand"),
    "unit_months": ("months", "maanden"),
    "unit_log standard deviation": ("log standard deviation", "standaardafwijking (log)"),
    "group_initial_stocks": ("initial stocks", "beginstanden"),
    "group_intake_share": ("intake share", "instroomaandeel COA"),
    "group_procedure": ("procedure", "procedure"),
    "group_housing": ("housing", "huisvesting"),
    "group_departure": ("departure", "vertrek"),
    "group_capacity_buffer": ("capacity buffer", "capaciteitsbuffer"),
    "group_uncertainty": ("uncertainty", "onzekerheid"),
    "group_amv": ("unaccompanied minors (amv)", "amv"),
    "group_ukraine": ("Ukrainian displaced", "Oekraïense ontheemden"),
    # assumption names (the leaves of the occupancy assumptions; every one has a label in both languages)
    "amv_share_log_sd": ("amv share (log sd)", "amv-aandeel (log-sd)"),
    "arrivals": ("arrivals", "aankomsten"),
    "capacity_log_sd": ("decision capacity (log sd)", "beslissingscapaciteit (log-sd)"),
    "central": ("central", "centraal"),
    "decision_hazard": ("decision hazard", "kans op een beslissing per maand"),
    "departure_hazard": ("departure hazard", "vertrekkans per maand"),
    "dublin_share": ("Dublin share", "Dublin-aandeel"),
    "forced_share": ("forced departure share", "aandeel gedwongen vertrek"),
    "grant_rate_logit_sd": ("grant rate (logit sd)", "inwilligingspercentage (logit-sd)"),
    "hazard": ("hazard", "kans per maand"),
    "high": ("high", "hoog"),
    "ind_decision_capacity": ("IND decision capacity", "beslissingscapaciteit IND"),
    "initial_nidos": ("initial stock in Nidos", "beginstand Nidos"),
    "initial_pending": ("initial stock awaiting a decision", "beginstand in procedure"),
    "initial_rejected": ("initial stock rejected", "beginstand afgewezen"),
    "initial_stock": ("initial stock", "beginstand"),
    "low": ("low", "laag"),
    "min_lead_time": ("minimum lead time", "minimale doorlooptijd"),
    "nidos_exit_hazard": ("Nidos exit hazard", "uitstroomkans Nidos per maand"),
    "other_exits_to_rejected": ("other exits to rejected", "overige uitstroom naar afgewezen"),
    "other_outflow_rate": ("other outflow rate", "overige uitstroom per maand"),
    "pending_outside_coa": ("awaiting a decision outside COA", "in procedure buiten COA"),
    "realisation_rate": ("realisation rate", "realisatiegraad"),
    "rejected_departure_hazard": ("departure hazard of the rejected", "vertrekkans afgewezen per maand"),
    "scenarios": ("scenarios", "scenario's"),
    "share_filing_asylum": ("share filing for asylum", "aandeel dat asiel aanvraagt"),
    "share_from_coa": ("share from COA", "aandeel vanuit COA"),
    "share_of_first_requests": ("share of first requests", "aandeel in eerste asielverzoeken"),
    "spread_months": ("spread over months", "spreiding in maanden"),
    "unknown_share": ("unknown destination share", "aandeel vertrek met onbekende bestemming"),
    "voluntary_share": ("voluntary departure share", "aandeel zelfstandig vertrek"),
    # Excel: short sheet names (<= 31 characters) and column headers
    "sheet_headline": ("Headline", "Kerncijfers"),
    "sheet_nareizigers": ("nareizigers", "nareizigers"),
    "sheet_asylum_seekers": ("asylum seekers in COA", "asielzoekers in COA"),
    "sheet_rejected": ("rejected and others in COA", "afgewezen en overigen in COA"),
    "sheet_ind_backlog": ("IND backlog", "IND-werkvoorraad"),
    "sheet_status_holder_share": ("share status holders", "aandeel statushouders"),
    "sheet_TOTAL_partial": ("sum of series in run", "som van reeksen in run"),
    "series_id": ("series id", "reeks-id"),
    "level": ("level", "niveau"),
    "stream": ("stream", "stroom"),
    "nationality": ("nationality", "nationaliteit"),
    "section": ("part", "onderdeel"),
    "excel_rounded_note": (
        "Values rounded as published (hundreds; tens below 1,000). Exact values: the sheets per quantity and the "
        "sheets with all series.",
        "Waarden afgerond zoals gepubliceerd (honderdtallen; tientallen onder de 1.000). Exacte waarden: de "
        "bladen per grootheid en de bladen met alle reeksen.",
    ),
}
