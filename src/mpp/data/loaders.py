"""Read source files into the canonical table of `mpp.data.schema`.

Each reader first builds a `RawTable`: the figures as text, exactly as the source has them, one row per
(period, stream, nationality label) with the 1-based line (or record) number in the source file, plus any
totals the source states itself (CBS `TotaalAsielverzoeken_1`, Eurostat `ASY_APP`, IND `total_asylum_inflow`).
`mpp.data.validation` checks a RawTable and names source rows in its problems; `to_canonical` turns a checked
RawTable into the canonical DataFrame. `mpp.data.load` does both and raises `DataError` listing every
problem that stops a row from being read (bad period, non-number, unknown stream or nationality).

Formats (see ../shared/SOURCES.md):
- tidy CSV: `period` (YYYY-MM), `stream`, `nationality`, `value`; other columns ignored. A stream
  `total_asylum_inflow` (IND reports) is a stated total of first + repeat + nareizigers, not a stream.
- panel CSV (`load_panel_csv`): `period`, a key column, `value` and one stream for the whole file. Used for
  the UNHCR origin panel (key `origin`), the Eurostat 2015 citizenship extract (key `citizenship`) and the
  Eurostat country panel (key `geo`: the *reporting country* sits in the nationality place, so the forecast
  engine can treat countries -> Total like nationalities -> TOTAL; "European Union" is a partial aggregate
  and is dropped).
- CBS StatLine 83102NED: OData JSON (`{"value": [...]}`, a bare list, or a bundle with `TypedDataSet` and
  dimension tables `Nationaliteit`, `Perioden`, ... of `Key`/`Title`) or CSV from the `cbsodata` client.
- Eurostat migr_asyappctzm: TSV bulk download and SDMX-CSV.

Empty cells, CBS `null` and Eurostat `:` mean "no figure published": such cells give no row (never a 0).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from mpp.data.cbs import read_cbs_83102ned
from mpp.data.eurostat import read_eurostat_sdmx, read_eurostat_tsv
from mpp.data.guard import check_readable, guarded_read
from mpp.data.nationalities import lookup
from mpp.data.raw import RawTable
from mpp.data.readers import monthly_reader, recognise
from mpp.data.schema import STREAMS, canonical
from mpp.data.tidy import read_panel_csv, read_tidy_csv
from mpp.errors import DataError

# Readers: tidy and panel CSV mpp.data.tidy, CBS 83102NED mpp.data.cbs, Eurostat mpp.data.eurostat, RawTable and
# shared helpers mpp.data.raw; one registry of them all (with the national readers): mpp.data.readers.


# ------------------------------------------------------------------------------------ detection, loading
def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
    delimiter = "\t" if "\t" in first else ","
    return [c.strip() for c in next(csv.reader([first], delimiter=delimiter), [])]


def detect_format(path: str | Path) -> str:
    """Which reader fits a file, from its extension and header."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    fmt = recognise(path, _header)
    if fmt is not None:
        return fmt
    cols = set(_header(path))
    raise DataError(f"{path}: unrecognised format (header: {', '.join(sorted(cols)) or 'empty'})")


def read_file(path: str | Path, format: str = "auto") -> RawTable:
    """Read any supported file into a RawTable (`format` as returned by `detect_format`)."""
    check_readable(path)  # before detection, which reads the header
    fmt = detect_format(path) if format == "auto" else format
    return guarded_read(monthly_reader(fmt), path, fmt)


def to_canonical(raw: RawTable) -> pd.DataFrame:
    """RawTable whose rows all parse -> canonical DataFrame (codes, Period[M], int64, source)."""
    f = raw.frame
    codes = {name: lookup(name) for name in f["nationality"].unique()}
    out = pd.DataFrame(
        {
            "period": pd.PeriodIndex(f["period"], freq="M"),
            "stream": f["stream"].str.strip(),
            "nationality": f["nationality"].map(codes),
            "value": pd.to_numeric(f["value"]).astype("int64"),
            "source": raw.source,
        }
    )
    return canonical(out)


__all__ = [
    "RawTable",
    "detect_format",
    "read_file",
    "read_tidy_csv",
    "read_panel_csv",
    "read_cbs_83102ned",
    "read_eurostat_tsv",
    "read_eurostat_sdmx",
    "to_canonical",
    "STREAMS",
]
