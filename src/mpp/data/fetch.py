"""`mpp data fetch`: download the public sources again and write them as a new dated snapshot (a vintage).

- CBS StatLine 83102NED through `cbsodata` (all nationalities, all sexes and ages: the TypedDataSet rows as the
  client returns them), written as CSV;
- Eurostat `migr_asyappctzm` for the Netherlands (every citizenship, first-time and all applicants) as the
  dissemination API's own TSV, byte for byte. The PyPI client `eurostat` re-parses that TSV into floats and
  drops its layout, so the file is taken from the API directly with `requests`: the snapshot keeps what the
  publisher sent, and `mpp data check` reads it like a downloaded file.

A fetched file is validated exactly like a user's file (`mpp.data.validation.inspect_file`): any problem and
nothing is written. The new snapshot is the previous one (verbatim, its provenance rows kept) plus the fetched
files with their own rows (source URL, licence, retrieval date, sha256); it is built in a hidden folder and put
in place only when it verifies. Without a network: OfflineError, one line, exit code 5.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from mpp.data.snapshot import FETCHED_PANEL, MANIFEST, MANIFEST_COLUMNS, verify_snapshot
from mpp.data.validation import inspect_file
from mpp.errors import DataError, OfflineError
from mpp.provenance import atomic_write_bytes, hash_file

CBS_TABLE = "83102NED"
CBS_FILTER = "Geslacht eq 'T001038' and Leeftijd eq '10000'"
CBS_FILE = FETCHED_PANEL
EUROSTAT_URL = (
    "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/migr_asyappctzm/M.PER..T..TOTAL.NL"
    "?format=TSV&compressed=false"
)
EUROSTAT_FILE = "real/eurostat_migr_asyappctzm_NL.tsv"
CBS_LICENCE = "CC BY 4.0 (CBS open data, https://www.cbs.nl/en-gb/about-us/website/copyright)"
EUROSTAT_LICENCE = "Eurostat reuse policy: free reuse with acknowledgement (Commission Decision 2011/833/EU; CC BY 4.0)"


def _offline(what: str, exc: Exception) -> OfflineError:
    return OfflineError(f"cannot download {what}: no network ({type(exc).__name__})")


def download_cbs(table: str = CBS_TABLE) -> pd.DataFrame:
    """TypedDataSet rows of a CBS table (all sexes and ages) via `cbsodata`; OfflineError without network."""
    import cbsodata
    import requests

    try:
        return pd.DataFrame(cbsodata.get_data(table, filters=CBS_FILTER))
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, OSError) as exc:
        raise _offline(f"CBS {table}", exc) from None


def download_eurostat(url: str = EUROSTAT_URL, timeout: float = 120) -> bytes:
    """The API's TSV of migr_asyappctzm for NL; OfflineError without network or when the API refuses."""
    import requests

    try:
        resp = requests.get(url, timeout=timeout)
        resp.raise_for_status()
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, OSError) as exc:
        raise _offline("Eurostat migr_asyappctzm", exc) from None
    except requests.exceptions.HTTPError as exc:
        raise OfflineError(f"Eurostat migr_asyappctzm: the API answered {exc.response.status_code}") from None
    return resp.content


def _cbs_bytes() -> bytes:
    return download_cbs().to_csv(index=False, lineterminator="\n").encode("utf-8")


#: source name -> (file in the snapshot, publisher, where from, licence, downloader returning the file's bytes)
SOURCES: dict[str, tuple[str, str, str, str, Callable[[], bytes]]] = {
    "cbs": (
        CBS_FILE,
        "CBS StatLine 83102NED",
        f"opendata.cbs.nl OData {CBS_TABLE} via cbsodata ({CBS_FILTER})",
        CBS_LICENCE,
        _cbs_bytes,
    ),
    "eurostat": (EUROSTAT_FILE, "Eurostat migr_asyappctzm", EUROSTAT_URL, EUROSTAT_LICENCE, download_eurostat),
}


def check_fetched(path: Path) -> int:
    """Validate a fetched file exactly like `mpp data check` -> its number of rows; DataError listing problems."""

    frame, problems, _ = inspect_file(path)
    if problems or frame is None:
        listed = "; ".join(str(p) for p in problems[:5]) + (
            f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        )
        raise DataError(f"fetched {path.name} does not validate, nothing written: {listed}")
    return len(frame)


def fetch_snapshot(base: Path, dest_parent: Path, date: str, sources: list[str]) -> tuple[Path, dict[str, int]]:
    """A new snapshot `dest_parent/date`: `base` (verified) plus the downloaded `sources` -> (folder, rows per
    source). Everything is downloaded and validated before anything is put in place."""

    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise DataError(f"unknown source(s) {', '.join(unknown)}: choose from {', '.join(SOURCES)}")
    dest = Path(dest_parent) / date
    if dest.exists():
        raise DataError(f"{dest} exists already: a snapshot is never overwritten (pass another --date)")
    rows = {r.file: asdict(r) for r in verify_snapshot(base)}
    downloaded = {s: SOURCES[s][4]() for s in sources}  # OfflineError here leaves nothing behind
    tmp = dest.with_name(f".{date}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(base, tmp)
    try:
        counts = {}
        for s, data in downloaded.items():
            file, publisher, source, licence, _ = SOURCES[s]
            atomic_write_bytes(tmp / file, data)
            counts[s] = check_fetched(tmp / file)
            rows[file] = {
                "file": file,
                "publisher": publisher,
                "source": source,
                "licence": licence,
                "retrieved": date[:10],
                "bytes": len(data),
                "sha256": hash_file(tmp / file),
            }
        with open(tmp / MANIFEST, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(MANIFEST_COLUMNS), lineterminator="\n")
            w.writeheader()
            w.writerows(rows.values())
        verify_snapshot(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    tmp.rename(dest)
    return dest, counts
