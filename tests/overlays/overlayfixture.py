"""A small coherent forecast (2 streams x 3 nationalities, 2025-07..2027-12, 400 paths) built without fitting
models, for the overlay tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.bands import DEFAULT_QUANTILES, annual_bands, monthly_bands
from mpp.forecast.engine import ForecastResult
from mpp.hierarchy import build_hierarchy

BOTTOM = [f"{s}/{n}" for s in ("first_asylum_request", "nareizigers") for n in ("ERI", "OTHER", "SYR")]


def make_result(seed: int = 1, n_samples: int = 400) -> ForecastResult:
    rng = np.random.default_rng(seed)
    h = build_hierarchy(BOTTOM)
    periods = pd.period_range("2025-07", "2027-12", freq="M")
    months = pd.period_range("2023-01", "2025-06", freq="M")
    level = rng.uniform(50, 400, size=len(BOTTOM))
    bottom = level[:, None, None] * rng.lognormal(0.0, 0.3, size=(len(BOTTOM), len(periods), n_samples))
    paths = np.einsum("ab,bhs->ahs", h.S, bottom)
    hist_bottom = np.round(level[None, :] * rng.lognormal(0, 0.2, size=(len(months), len(BOTTOM))))
    hist = pd.DataFrame(hist_bottom @ h.S.T, index=months, columns=h.series_ids)
    q = dict(DEFAULT_QUANTILES)
    manifest = {"cutoff": "2025-06", "seed": 7, "quantiles": q, "variant": "test", "series_order": h.series_ids}
    return ForecastResult(
        series_ids=list(h.series_ids),
        levels=list(h.levels),
        periods=periods,
        paths=paths,
        bands_monthly=monthly_bands(paths, h.series_ids, periods, q),
        bands_annual=annual_bands(paths, h.series_ids, periods, q, realised=hist),
        history_wide=hist,
        manifest=manifest,
        fits=pd.DataFrame({"series_id": h.series_ids}),
    )
