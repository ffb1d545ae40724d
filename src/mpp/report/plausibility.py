"""Plausibility flags: an annual band that leaves the range ever observed by a wide margin is named, with the
figure, in the report's warning box (it may be right, but a reader should see it before a director does)."""

from __future__ import annotations

from mpp.report.charts import realised_annual
from mpp.report.i18n import format_number, format_rounded, t, tf
from mpp.report.inputs import RunData

HIGH_FACTOR = 2.0  # maximum scenario above twice the highest complete year on record
LOW_FACTOR = 0.5  # minimum scenario below half the lowest complete year on record
MIN_YEARS = 3  # complete realised years needed before flagging


def plausibility_flags(run: RunData, series_ids: list[str], years: list[int], lang: str, label) -> list[str]:
    """One sentence per (series, year) whose maximum is > HIGH_FACTOR x the highest realised year or whose minimum
    is < LOW_FACTOR x the lowest; `label(series_id)` names the series."""
    out = []
    for sid in series_ids:
        realised = realised_annual(run.history_series(sid))
        if len(realised) < MIN_YEARS or realised.max() <= 0:
            continue
        bands = run.series_bands(sid, annual=True)
        bands = bands[bands["year"].isin(years)]
        hi_year, lo_year = int(realised.idxmax()), int(realised.idxmin())
        hi = bands.loc[bands["maximum"] > HIGH_FACTOR * realised.max()]
        if len(hi):  # one sentence per series: the year furthest out
            r = hi.loc[hi["maximum"].idxmax()]
            out.append(
                _sentence(
                    label(sid),
                    "maximum",
                    r["year"],
                    r["maximum"],
                    r["maximum"] / realised.max(),
                    "highest",
                    realised.max(),
                    hi_year,
                    lang,
                )
            )
        lo = bands.loc[bands["minimum"] < LOW_FACTOR * realised.min()] if realised.min() > 0 else bands.iloc[:0]
        if len(lo):
            r = lo.loc[lo["minimum"].idxmin()]
            out.append(
                _sentence(
                    label(sid),
                    "minimum",
                    r["year"],
                    r["minimum"],
                    r["minimum"] / realised.min(),
                    "lowest",
                    realised.min(),
                    lo_year,
                    lang,
                )
            )
    return out


def _sentence(
    label: str,
    scenario: str,
    year: int,
    value: float,
    factor: float,
    extreme: str,
    record: float,
    ryear: int,
    lang: str,
) -> str:
    return tf(
        "plausibility",
        lang,
        label=label,
        scenario=t(scenario, lang),
        year=int(year),
        value=format_rounded(value, lang),
        factor=tf("times", lang, x=format_number(factor, lang, 1)),
        extreme=t(extreme, lang),
        record=format_rounded(record, lang),
        ryear=ryear,
    )
