"""SARIMA (statsmodels `SARIMAX`) on a transformed scale, with a small order search by AICc.

Candidates are the variant's `orders` or a built-in grid of ten common monthly forms (random walks with MA/AR
terms, stationary AR with a constant, seasonal MA / seasonal differencing). Seasonal forms need three years of
data. Paths come from the state-space `simulate` (Gaussian shocks), parameter uncertainty is not included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.models.base import (
    SEASON,
    Family,
    FamilyFailed,
    SeriesForecast,
    finish_paths,
    full_residuals,
    path_cap,
    quiet_fitting,
    working_series,
)
from mpp.models.variants import COMMON_SETTINGS, VariantSpec, settings_model

Order = tuple[tuple[int, int, int], tuple[int, int, int]]
DEFAULT_ORDERS: list[Order] = [
    ((0, 1, 1), (0, 0, 0)),
    ((1, 1, 0), (0, 0, 0)),
    ((1, 1, 1), (0, 0, 0)),
    ((2, 1, 0), (0, 0, 0)),
    ((1, 0, 0), (0, 0, 0)),
    ((2, 0, 0), (0, 0, 0)),
    ((1, 0, 1), (0, 0, 0)),
    ((0, 1, 1), (0, 1, 1)),
    ((1, 0, 0), (1, 0, 0)),
    ((0, 1, 1), (1, 0, 0)),
]
MIN_MONTHS = 12


def fit_sarima(z: np.ndarray, order: Order):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    (p, d, q), (sp, sd, sq) = order
    trend = "c" if d == 0 and sd == 0 else None  # a mean for stationary forms; differencing absorbs it otherwise
    with quiet_fitting():
        model = SARIMAX(z, order=(p, d, q), seasonal_order=(sp, sd, sq, SEASON if (sp or sd or sq) else 0), trend=trend)
        return model.fit(disp=False, maxiter=100)


def forecast_sarima(
    y: pd.Series, horizon: int, n_samples: int, spec: VariantSpec, rng: np.random.Generator
) -> SeriesForecast:
    yw, transform, z = working_series(y, spec.window, spec.transform, MIN_MONTHS)
    orders = [tuple(map(tuple, o)) for o in spec.orders] or DEFAULT_ORDERS
    best, best_order = None, None
    for order in orders:
        seasonal = any(order[1])
        if seasonal and len(z) < 3 * SEASON:
            continue
        try:
            res = fit_sarima(z, order)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if np.isfinite(res.aicc) and (best is None or res.aicc < best.aicc):
            best, best_order = res, order
    if best is None:
        raise FamilyFailed("no SARIMA order could be fitted")
    with quiet_fitting():
        working = np.asarray(best.simulate(horizon, anchor="end", repetitions=n_samples, rng=rng))
    paths = finish_paths(working.reshape(horizon, n_samples), transform, cap=path_cap(y))
    # one-step errors; the first d + D*12 are dominated by the diffuse initialisation
    burn = best_order[0][1] + best_order[1][1] * SEASON
    resid = np.asarray(best.resid, float).copy()
    resid[:burn] = np.nan
    params = {
        **transform.as_params(),
        "window": len(yw),
        "order": list(best_order[0]),
        "seasonal_order": list(best_order[1]),
        "coefficients": {name: float(v) for name, v in zip(best.model.param_names, best.params)},
    }
    return SeriesForecast(paths, "sarima", params, float(best.aicc), full_residuals(y, resid))


FAMILY = Family(
    "sarima", forecast_sarima, fallback="theta", settings=settings_model("sarima", *COMMON_SETTINGS, "orders")
)
