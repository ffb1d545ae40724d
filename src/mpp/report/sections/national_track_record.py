"""Report section "national track record" (issues 22, 26): how the national forecast would have done in real
time on the locked origins (every band's exceedance per horizon, WAPE against the naive rule), and its medio
beside the official MPP medio at every vintage with a realised year.

Reads the tables scripts/national_backtest.py generates into mpp/resources/track_record/ (regenerated with
docs/national_track_record.md); shown when the run has a national forecast beside it."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from mpp.bands import BAND_NAMES
from mpp.report.i18n import format_pct, format_rounded, t
from mpp.report.sections import ReportContext, Section, section

LOCKED = "national_locked_bands.csv"
MEDIO = "national_medio_vs_official.csv"
QUANTITY = {
    "first_asylum_request/TOTAL": "first_asylum_request",
    "repeat_asylum_request/TOTAL": "repeat_asylum_request",
    "nareizigers/TOTAL": "nareizigers",
    "TOTAL/TOTAL": "TOTAL",
    "total_asylum_inflow": "TOTAL",
    "first_asylum_request": "first_asylum_request",
}


def read_track_record(name: str) -> pd.DataFrame | None:
    """A generated track-record table of the package, or None when it is not there."""
    f = resources.files("mpp.resources").joinpath("track_record", name)
    if not f.is_file():
        return None
    with f.open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"published": str, "data_cutoff": str})


def _pct_se(x: float, se: float, lang: str) -> str:
    return f"{format_pct(x, lang, 0)} ({format_pct(se, lang, 0)})"


HORIZONS = ("current", "next", "year_after")


def _signed_pct(x: float, lang: str) -> str:
    s = format_pct(x, lang)
    return s if not s or s.startswith("-") else "+" + s


def locked_rows(locked: pd.DataFrame, lang: str) -> list[dict]:
    """One row per quantity and horizon, in the MPP's order (first, repeat, nareizigers, total; this year first)."""
    order = {sid: i for i, sid in enumerate(QUANTITY)}
    locked = locked.assign(
        _q=locked["series_id"].map(order).fillna(len(order)),
        _h=locked["horizon"].map({h: i for i, h in enumerate(HORIZONS)}).fillna(len(HORIZONS)),
    ).sort_values(["_q", "_h"], kind="stable")
    rows = []
    for _, r in locked.iterrows():
        rows.append(
            {
                "label": t(QUANTITY.get(r["series_id"], r["series_id"]), lang),
                "horizon": t(f"horizon_{r['horizon']}", lang),
                "n": int(r["n"]),
                "exceeded": [_pct_se(r[f"{b}_exceeded"], r[f"{b}_se"], lang) for b in BAND_NAMES],
                "wape": format_pct(r["wape"], lang),
                "wape_naive": format_pct(r["wape_naive"], lang),
            }
        )
    return rows


def medio_rows(medio: pd.DataFrame, lang: str) -> list[dict]:
    rows = []
    for _, r in medio.iterrows():
        rows.append(
            {
                "vintage": r["vintage"],
                "cutoff": r["data_cutoff"],
                "label": t(QUANTITY.get(r["quantity"], r["quantity"]), lang),
                "year": int(r["year"]),
                "official": format_rounded(r["official_medio"], lang),
                "ours": format_rounded(r["ours_medio"], lang),
                "ours_calibrated": format_rounded(r["ours_medio_calibrated"], lang),
                "realised": format_rounded(r["realised"], lang),
                "official_error": _signed_pct(r["official_medio_error"], lang),
                "ours_error": _signed_pct(r["ours_medio_calibrated_error"], lang),
            }
        )
    return rows


@section("national_track_record", order=19)
def national_track_record(ctx: ReportContext) -> Section | None:
    if ctx.run.national_annual is None:
        return None
    locked, medio = read_track_record(LOCKED), read_track_record(MEDIO)
    if locked is None and medio is None:
        return None
    return Section(
        "national_track_record",
        t("national_track_record", ctx.lang),
        "sections/national_track_record.html.j2",
        {
            "bands": list(BAND_NAMES),
            "locked": locked_rows(locked, ctx.lang) if locked is not None else [],
            "medio": medio_rows(medio, ctx.lang) if medio is not None else [],
        },
    )
