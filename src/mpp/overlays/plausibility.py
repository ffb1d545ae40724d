"""How plausible is a published annual figure against the model's predictive distribution?

For a figure F for series X in year Y: the share of the model's sample paths whose annual total of X in Y is
below F (ties count half) is F's percentile; the implied effect is F relative to the model's median, with a
band: F relative to the model's maximum (the smallest change the figure implies, if the model's P95 came true)
and to its minimum (the largest). Annual totals include the realised months of a year already under way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.bands import annual_paths
from mpp.errors import DataError
from mpp.forecast.engine import ForecastResult
from mpp.overlays.apply import run_quantiles


def annual_distribution(result: ForecastResult, series_id: str, year: int) -> np.ndarray:
    """Each path's annual total of `series_id` in `year` (realised months included)."""
    if series_id not in result.series_ids:
        raise DataError(f"series {series_id!r} is not in this forecast")
    years, annual = annual_paths(result.paths, result.series_ids, result.periods, realised=result.history_wide)
    if int(year) not in years:
        raise DataError(
            f"{year} is not a complete year of this forecast (annual totals for: "
            f"{', '.join(map(str, years)) or 'none'})"
        )
    values = annual[result.series_ids.index(series_id), years.index(int(year))]
    if np.isnan(values).any():
        raise DataError(f"{series_id} {year}: realised months are missing, no annual total")
    return values


def percentile_of(values: np.ndarray, figure: float) -> float:
    """Percentage of `values` below `figure`, ties counted half (the mid-rank percentile)."""
    v = np.asarray(values, dtype=float)
    return float(100.0 * ((v < figure).sum() + 0.5 * (v == figure).sum()) / v.size)


def plausibility(result: ForecastResult, series_id: str, year: int, figure: float, label: str = "") -> dict:
    """Percentile of `figure` in the model's distribution of the annual total, and the implied effect."""
    values = annual_distribution(result, series_id, year)
    q = run_quantiles(result.manifest)
    band = {name: float(np.quantile(values, p)) for name, p in q.items()}
    med = band["median"]
    return {
        "figure_label": label,
        "series_id": series_id,
        "year": int(year),
        "figure": float(figure),
        "percentile": percentile_of(values, figure),
        "n_paths": int(values.size),
        **{f"model_{k}": v for k, v in band.items()},
        "implied_change": float(figure) - med,
        "implied_change_pct": 100.0 * (float(figure) / med - 1.0) if med > 0 else float("nan"),
        # the band of the implied relative effect: against the model's maximum and minimum
        "implied_change_pct_low": 100.0 * (float(figure) / band["maximum"] - 1.0)
        if band["maximum"] > 0
        else float("nan"),
        "implied_change_pct_high": 100.0 * (float(figure) / band["minimum"] - 1.0)
        if band["minimum"] > 0
        else float("nan"),
    }


def plausibility_table(result: ForecastResult, figures: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """One row per (label, series_id, year, figure) that the forecast covers; the others are left out."""
    rows = []
    for label, sid, year, fig in figures:
        try:
            rows.append(plausibility(result, sid, year, fig, label))
        except DataError:
            continue
    return pd.DataFrame(rows)
