"""Replaying history: drive the model with realised inflow and compare with COA's own occupancy figures.

Only complete realised inflow is used: a month (or quarter) missing for a required stream is an error, never
filled in. Streams the source does not have at all (e.g. repeat requests, resettlement in the CBS 2018-2020
monthly table) are zero and listed in the result so the bias is visible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.data.schema import STREAMS
from mpp.errors import DataError
from mpp.occupancy.model import OccupancyPaths

# Which model quantity each COA measure corresponds to (others have no counterpart in the model).
MEASURE_TO_QUANTITY = {
    "persons_in_coa_reception_total": "occupancy_total",
    "persons_with_coa_reception_agreement": "occupancy_total",
    "persons_with_right_to_coa_reception": "occupancy_total",
    "status_holders_in_coa_reception": "status_holders",
}


def realised_inflow(df: pd.DataFrame, start: str, end: str, required: tuple[str, ...] = (
        "first_asylum_request", "nareizigers")) -> tuple[tuple[str, ...], pd.PeriodIndex, np.ndarray, list[str]]:
    """Tidy realised inflow (columns period 'YYYY-MM' or 'YYYYQn', stream, nationality, value) ->
    (streams, periods, inflow[stream, horizon, 1], notes). National totals (nationality TOTAL) only.

    Every period in start..end must be present for each `required` stream; other streams of STREAMS are
    used when complete in the range, else set to zero with a note."""
    quarterly = "Q" in start
    periods = pd.period_range(start, end, freq="Q" if quarterly else "M")
    d = df[df["nationality"].astype(str) == "TOTAL"]
    out = np.zeros((len(STREAMS), len(periods), 1))
    notes = []
    for i, s in enumerate(STREAMS):
        sub = d[d["stream"] == s]
        values = pd.Series(sub["value"].to_numpy(dtype=float),
                           index=pd.PeriodIndex(sub["period"].astype(str), freq=periods.freq)).groupby(level=0).last()
        have = values.reindex(periods)
        if have.isna().any():
            missing = [str(p) for p in periods[have.isna().to_numpy()]]
            if s in required:
                raise DataError(f"realised inflow for {s} is missing {len(missing)} period(s) in {start}..{end}: "
                                f"{', '.join(missing[:6])}{' ...' if len(missing) > 6 else ''} (not filled in)")
            notes.append(f"{s}: not complete in the source for {start}..{end}; replayed as zero inflow")
            continue
        out[i, :, 0] = have.to_numpy()
    return STREAMS, periods, out, notes


def compare_with_observations(paths: OccupancyPaths, observations: pd.DataFrame, sample: int = 0) -> pd.DataFrame:
    """Model stocks at each COA observation date inside the horizon vs the observed value.

    The model value is the stock at the END of the step nearest to the observation date (a step ends on the
    last day of its month or quarter; the initial stocks count as the end of the step before the first).
    Returns date, measure, kind, observed, model, error (model - observed), pct_error.
    """
    q = paths.quantities()
    init = paths.initial_quantities()
    ends = [(paths.periods[0] - 1).end_time.normalize()] + [p.end_time.normalize() for p in paths.periods]
    ends_ts = pd.DatetimeIndex(ends)
    rows = []
    for _, o in observations.iterrows():
        quantity = MEASURE_TO_QUANTITY.get(o["measure"])
        date = pd.Timestamp(o["date"])
        if quantity is None or date < ends_ts[0] - pd.Timedelta(days=16) or date > ends_ts[-1] + pd.Timedelta(days=16):
            continue
        k = int(np.argmin(np.abs((ends_ts - date).days)))
        model = init[quantity][sample] if k == 0 else q[quantity][k - 1, sample]
        observed = float(o["value"])
        rows.append({"date": date.date().isoformat(), "measure": o["measure"], "kind": o.get("kind", ""),
                     "observed": observed, "model": float(model), "model_date": ends_ts[k].date().isoformat(),
                     "error": float(model) - observed, "pct_error": 100.0 * (float(model) - observed) / observed})
    return pd.DataFrame(rows)
