"""What a table of realisations covers: which streams and nationalities, from which sources, and whether its
totals are national totals. Written into every forecast manifest (`data_scope`) so the report can say what the
run's "total" is without guessing.

A nationality breakdown is *complete* when the source states a TOTAL per stream (the engine then turns the part
the listed nationalities do not cover into OTHER) or carries a remainder category (OTHER or UNKNOWN): the rows then
add up to everybody. A panel of a few named nationalities (e.g. the 7-nationality CBS panel) is not complete: its
sum is the sum of those nationalities, not the national inflow.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mpp.data.schema import OTHER, RESERVED_NATIONALITIES, STREAMS, TOTAL, UNKNOWN

SAMPLE_SOURCE_PREFIX = "synthetic"  # mpp.data.sample writes source "synthetic sample (seed N)"


def data_scope(history: pd.DataFrame) -> dict[str, Any]:
    """Coverage of a canonical realisations table (period, stream, nationality, value[, source])."""
    present = set(history["stream"].astype(str))
    streams = [s for s in STREAMS if s in present]
    nationalities = sorted(set(history["nationality"].astype(str)) - set(RESERVED_NATIONALITIES))
    stated = sorted({str(s) for s in history.loc[history["nationality"] == TOTAL, "stream"]})
    remainder = sorted(set(history["nationality"].astype(str)) & {OTHER, UNKNOWN})
    complete = bool(streams) and (all(s in stated for s in streams) or bool(remainder))
    sources = sorted({str(s) for s in history["source"].dropna()}) if "source" in history.columns else []
    periods = history["period"].astype(str)
    return {
        "streams": streams,
        "missing_streams": [s for s in STREAMS if s not in present],
        "nationalities": nationalities,
        "n_nationalities": len(nationalities),
        "stated_totals": stated,
        "remainder_categories": remainder,
        "complete_nationalities": complete,
        "national_total": complete and len(streams) == len(STREAMS),
        "sources": sources,
        "sample": any(s.startswith(SAMPLE_SOURCE_PREFIX) for s in sources),
        "first_period": str(periods.min()) if len(periods) else None,
        "last_period": str(periods.max()) if len(periods) else None,
    }
