"""Build the packaged snapshot of the public sources from the project's reference data (../shared/data).

    python scripts/make_snapshot.py [--from ../shared/data] [--date 2026-12-04]

Files are copied verbatim (byte for byte) into src/mpp/resources/snapshot/<date>/ in the reference-data layout
(`real/...` beside `mpp_published.csv`, `realised_totals.csv`), with `provenance.csv` naming for every file its
publisher, where the copy came from, the publisher's licence, the retrieval date and its sha256
(checked on every load by `mpp.data.snapshot`), and the upstream PROVENANCE.md verbatim.

Only what the product reads by default (the national model, the 7-nationality panel, occupancy and its replay,
the official-forecast comparison) and the small real files the default tests read are included; the wide
cross-learning panels (BAMF Germany, Eurostat EU+ by citizenship 2016, CBS 41 nationalities 2007-2015) and
the CBS quarterly file by nationality (read by nothing) stay outside (`make test-all`, `scripts/protocol.py`).
"""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

from mpp.data.snapshot import MANIFEST, MANIFEST_COLUMNS
from mpp.provenance import hash_file

REPO = Path(__file__).resolve().parents[1]

CBS = "CC BY 4.0 (CBS open data, https://www.cbs.nl/en-gb/about-us/website/copyright)"
EUROSTAT = "Eurostat reuse policy: free reuse with acknowledgement (Commission Decision 2011/833/EU; CC BY 4.0)"
GOV = "Dutch government publication: free reuse with the source named (Auteurswet art. 15b)"
UNHCR = "UNHCR Refugee Data Finder terms: CC BY 4.0 (free reuse with attribution)"
PRESS = "figures (facts) quoted from the named publications, each row naming its source"
GRENZ = "InfoMakersHub/grenzendicht js/main.js @33e09206 (transcribed)"

# file -> (publisher, where this copy comes from, licence); details and checks in PROVENANCE.md
FILES: dict[str, tuple[str, str, str]] = {
    "real/cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv": ("CBS StatLine 83102NED", GRENZ, CBS),
    "real/cbs_annual_national_totals_2015_2024.csv": ("CBS 80059NED/83102NED", "InfoMakersHub/grenzendicht", CBS),
    "real/cbs_annual_by_nationality_2015_2024.csv": ("CBS 80059NED", "InfoMakersHub/grenzendicht @7ed50223", CBS),
    "real/cbs_85400NED_asylum_permits_first_instance_by_type.csv": ("CBS StatLine 85400NED", GRENZ, CBS),
    "real/cbs_first_asylum_requests_quarterly_national_2013_2025Q2.csv": (
        "CBS",
        "CBS news release 2026/05 chart table (archived cbs.nl)",
        CBS,
    ),
    "real/cbs_monthly_national_2018_2022_with_gaps.csv": ("CBS", "CBS news releases (URL per row)", CBS),
    "real/coa_occupancy_observations.csv": ("COA, NJI, news", "archived coa.nl pages, nji.nl, news (URL per row)", GOV),
    "real/coa_capacity_observations.csv": ("COA, news", "archived coa.nl pages and news (URL per row)", GOV),
    "real/eurostat_NL_pending_decisions_temporary_protection_2008_2023.csv": (
        "Eurostat migr_asypenctzm, migr_asydcfstq, migr_asytpsm, migr_asytpfm",
        "bgautijonsson/flottafolk_data @c80cff44",
        EUROSTAT,
    ),
    "real/eurostat_asylum_applicants_monthly_by_country_2012_2019.csv": (
        "Eurostat asylum applicants",
        "ebuddj/2019-asylum @d19e7d8d",
        EUROSTAT,
    ),
    "real/eurostat_migr_asyappctza_NL_annual_by_citizenship_2008_2022.csv": (
        "Eurostat migr_asyappctza (R eurostat cache downloaded 2024-01-18)",
        "bgautijonsson/asylum @af19f35f",
        EUROSTAT,
    ),
    "real/eurostat_migr_asyappctzm_NL_2015_by_citizenship.csv": (
        "Eurostat migr_asyappctzm",
        "AxGa/migration-dashboard @44378744",
        EUROSTAT,
    ),
    "real/eurostat_migr_asyappctzm_NL_national_monthly_2008_2020-08.csv": (
        "Eurostat migr_asyappctzm",
        "NL rows of the TSV below (georgeblck/refugee-distribution @16cb1b84)",
        EUROSTAT,
    ),
    "real/eurostat_migr_asyappctzm_all_countries_totals_2008_2020-08.tsv": (
        "Eurostat migr_asyappctzm (extract of 2020-10-06)",
        "georgeblck/refugee-distribution @16cb1b84 (verbatim TSV)",
        EUROSTAT,
    ),
    "real/ind_decisions_and_backlog_2023_2026.csv": ("IND", "ind.nl and news pages (URL per row)", GOV),
    "real/ind_monthly_national_2018_2023_with_gaps.csv": ("IND", "IND monthly asylum reports (URL per row)", GOV),
    "real/ind_monthly_national_all_vintages_2018_2023.csv": ("IND", "IND monthly asylum reports (URL per row)", GOV),
    "real/ind_monthly_national_extra_months_2020_2022.csv": ("IND", "IND news pages (URL per row)", GOV),
    "real/national_annual_figures_2019_2024.csv": ("IND, CBS", "ind.nl, cbs.nl (source per row)", GOV),
    "real/national_quarterly_and_halfyear_press_figures_2019_2025Q2.csv": ("CBS, IND", "press (source per row)", PRESS),
    "real/taakstelling_statushouders_halfyear.csv": (
        "Rijksoverheid / Staatscourant",
        "Opnieuw Thuis pages; grenzendicht js/figures.js @51c62c8f (secondary)",
        GOV,
    ),
    "real/unhcr_monthly_asylum_applications_NL_by_origin_2012_2017.csv": (
        "UNHCR Population Statistics",
        "lucified/lucify-refugees @e25aa012",
        UNHCR,
    ),
    "mpp_published.csv": ("Ministerie van Justitie en Veiligheid", "Kamerbrieven MPP (document per row)", GOV),
    "published_budget_and_capacity_figures.csv": ("Rijksoverheid", "Kamerbrieven, budget (document per row)", GOV),
    "realised_totals.csv": ("IND, CBS", "IND/CBS annual figures as reported (source per row)", PRESS),
    "real/PROVENANCE.md": ("mpp project", "../shared/data/real/PROVENANCE.md (per-file sources and checks)", "-"),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="src", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--date", required=True, help="retrieval date of the copy (YYYY-MM-DD): the folder name")
    args = ap.parse_args()
    src = Path(args.src)
    dest = REPO / "src" / "mpp" / "resources" / "snapshot" / args.date
    if dest.exists():
        shutil.rmtree(dest)
    rows = []
    for name, (publisher, source, licence) in FILES.items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / name, dest / name)
        rows.append([name, publisher, source, licence, args.date, (dest / name).stat().st_size, hash_file(dest / name)])
    with open(dest / MANIFEST, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(MANIFEST_COLUMNS)
        w.writerows(rows)
    print(f"{dest}: {len(rows)} files, {sum(r[5] for r in rows):,} bytes")


if __name__ == "__main__":
    main()
