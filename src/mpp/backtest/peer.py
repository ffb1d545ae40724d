"""The official peer comparison's inputs: the published MPP figures and realised national totals of the project's
reference data (read here, never written), and the notes of a backtest summary. `mpp.flows.backtest` runs the
peer backtests and writes the tables."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

PANEL_QUANTITIES = {  # series of the input panel -> the quantity name used in the peer table
    "TOTAL/TOTAL": "panel_first_requests_and_nareizigers",
    "first_asylum_request/TOTAL": "panel_first_asylum_request",
}


def read_csv_free_last_column(path: Path) -> pd.DataFrame:
    """A CSV whose last column (a free-text source) may hold unquoted commas, as the shared files do.

    Every line is split into as many fields as the header has, the last one taking the rest of the line."""

    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(csv.reader([lines[0]]))
    rows = []
    for line in lines[1:]:
        if not line.strip():
            continue
        head = next(csv.reader([line]))
        if len(head) != len(header):  # unquoted commas in the last column: split only as often as needed
            head = line.split(",", len(header) - 1)
        rows.append(head)
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    return pd.read_csv(io.StringIO(text.getvalue()), dtype={"data_cutoff": str, "published": str})


def load_realised_figures(shared_data: Path) -> pd.DataFrame:
    """Realised national annual totals with their source: `quantity, year, value, approx, source`.

    realised_totals.csv (total asylum inflow, repeat requests) first, then the CBS annual national totals."""
    frames = []
    f = shared_data / "realised_totals.csv"
    if f.exists():
        frames.append(read_csv_free_last_column(f))
    f = shared_data / "real" / "cbs_annual_national_totals_2015_2024.csv"
    if f.exists():
        c = pd.read_csv(f)
        frames.append(
            pd.DataFrame(
                {
                    "quantity": c["stream"],
                    "year": c["year"],
                    "value": c["value"],
                    "approx": "no",
                    "source": "CBS 83102NED annual national total (" + f.name + ": " + c["note"] + ")",
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["quantity", "year", "value", "approx", "source"])
    return pd.concat(frames, ignore_index=True)


def national_quarterly(shared_data: Path) -> pd.Series | None:
    f = shared_data / "real" / "cbs_first_asylum_requests_quarterly_national_2013_2025Q2.csv"
    if not f.exists():
        return None
    q = pd.read_csv(f)
    q = q.loc[(q["stream"] == "first_asylum_request") & (q["nationality"] == "TOTAL")]
    return pd.Series(q["value"].to_numpy(float), index=pd.PeriodIndex(q["period"], freq="Q"))


def summary_notes(heads: pd.DataFrame, default_variant: str) -> list[str]:
    """The summary's notes: how the default variant did against the seasonal naive, and the peer table's
    assumption."""
    notes = []
    h = heads.loc[(heads["variant"] == default_variant) & (heads["level"] == "stream_nationality")]
    if not h.empty:
        r = h.iloc[0]
        notes.append(
            f"default variant {default_variant}: next-12 wape {r['wape_next12']:.3f} "
            f"({'beats' if r['beats_baseline_wape'] else 'does NOT beat'} seasonal naive), 90% band "
            f"coverage {r['coverage90_next12']:.1%} ({'within' if r['coverage_ok'] else 'OUTSIDE'} 85-95%)"
        )
    notes.append(
        "National figures of ours in the peer table scale the panel's forecast by its share of national "
        "first requests before each cut-off (an assumption: the share stays as it was)."
    )
    return notes
