"""The reader registry: one record per source format, shared by the monthly loader (`mpp.data.loaders.read_file`,
format detection) and the national loader (`mpp.national.sources.load_observations`, by the `reader` name a
source states in national.yaml).

A record names the format, says how a file of it is recognised (its extension, or a test of its header; a format
with neither is only ever named), and gives its reader for each table it can feed: `monthly` -> a `RawTable` of
the canonical monthly panel, `national` -> rows of the mixed-frequency observation table
(`mpp.data.observations`), called as `national(path, source_key, rounding)`. Detection tries the records in the
order listed here; a new format is one record (and its reader function) in this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mpp.data.cbs import read_cbs_83102ned
from mpp.data.eurostat import read_eurostat_sdmx, read_eurostat_tsv
from mpp.data.national_readers import (
    read_cbs_permits,
    read_eurostat_decisions,
    read_eurostat_tsv_national,
    read_panel_sum,
    read_realised_totals,
    read_tidy_national,
)
from mpp.data.raw import FIRST, RawTable
from mpp.data.tidy import read_panel_csv, read_tidy_csv
from mpp.errors import DataError

MonthlyReader = Callable[[Path], RawTable]
NationalReader = Callable[[Path, str, float], pd.DataFrame]


@dataclass(frozen=True)
class Reader:
    name: str
    extensions: tuple[str, ...] = ()  # lower-case suffixes that alone identify the format ('.json')
    header: Callable[[set[str]], bool] | None = None  # recognises the format from the file's header cells
    monthly: MonthlyReader | None = None
    national: NationalReader | None = None


def has(*columns: str) -> Callable[[set[str]], bool]:
    """A header test: all these columns are present."""
    return lambda cols: set(columns) <= cols


READERS: tuple[Reader, ...] = (
    Reader(
        "eurostat_tsv",
        header=lambda cols: any("\\TIME_PERIOD" in c for c in cols),
        monthly=read_eurostat_tsv,
        national=lambda p, source, rounding: read_eurostat_tsv_national(p, source=source),
    ),
    Reader("eurostat_sdmx", header=has("DATAFLOW", "OBS_VALUE", "TIME_PERIOD"), monthly=read_eurostat_sdmx),
    Reader("cbs_83102ned", extensions=(".json",), header=has("Perioden", "Nationaliteit"), monthly=read_cbs_83102ned),
    Reader(
        "tidy",
        header=has("period", "stream", "nationality", "value"),
        monthly=read_tidy_csv,
        national=lambda p, source, rounding: read_tidy_national(p, source=source, rounding=rounding),
    ),
    # UNHCR: origins absent in a month had no applications; "*" cells (1-4) are hidden.
    Reader(
        "unhcr_panel",
        header=has("period", "origin", "value"),
        monthly=lambda p: read_panel_csv(
            p, "origin", FIRST, absent_is_zero=True, suppressed_flag="suppressed_in_source"
        ),
    ),
    # Eurostat 2015 extract: applicant type not recorded; its figures match CBS first requests.
    Reader(
        "eurostat_citizenship_panel",
        header=has("period", "citizenship", "value"),
        monthly=lambda p: read_panel_csv(p, "citizenship", FIRST),
    ),
    # All applicants by reporting country; the engine needs a stream, so the panel carries FIRST.
    Reader(
        "eurostat_country_panel",
        header=has("geo", "period", "value"),
        monthly=lambda p: read_panel_csv(p, "geo", FIRST, drop_keys=("European Union",)),
    ),
    # national sources only: named by the `reader` of a source in national.yaml, never detected
    Reader("realised_totals", national=lambda p, source, rounding: read_realised_totals(p, source=source)),
    Reader("panel_sum", national=lambda p, source, rounding: read_panel_sum(p, source=source, rounding=rounding)),
    Reader(
        "eurostat_decisions",
        national=lambda p, source, rounding: read_eurostat_decisions(p, source=source, rounding=rounding),
    ),
    Reader("cbs_permits", national=lambda p, source, rounding: read_cbs_permits(p, source=source, rounding=rounding)),
)
BY_NAME = {r.name: r for r in READERS}
MONTHLY_FORMATS = tuple(r.name for r in READERS if r.monthly is not None)
NATIONAL_FORMATS = tuple(r.name for r in READERS if r.national is not None)


def recognise(path: Path, header: Callable[[Path], list[str]]) -> str | None:
    """The first record that recognises the file: by extension (without reading it), else by its header."""
    suffix = path.suffix.lower()
    for r in READERS:
        if suffix in r.extensions:
            return r.name
    cols = set(header(path))
    for r in READERS:
        if r.header is not None and r.header(cols):
            return r.name
    return None


def monthly_reader(name: str) -> MonthlyReader:
    reader = BY_NAME.get(name)
    if reader is None or reader.monthly is None:
        raise DataError(f"unknown format {name!r}; choose from auto, {', '.join(MONTHLY_FORMATS)}")
    return reader.monthly


def national_reader(name: str) -> NationalReader:
    reader = BY_NAME.get(name)
    if reader is None or reader.national is None:
        raise DataError(f"unknown national reader {name!r}; choose from {', '.join(NATIONAL_FORMATS)}")
    return reader.national
