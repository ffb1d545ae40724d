"""ETS (exponential smoothing state space, statsmodels `ETSModel`) on a transformed scale.

The form is chosen by AICc among additive-error models with trend none / additive / additive damped and
seasonality none / additive (period 12), as restricted by the variant's `damped` and `seasonal` settings.
Working on log1p (or Box-Cox) makes the additive forms multiplicative in persons and keeps paths >= 0 after
back-transforming. Paths come from `ETSResults.simulate` with Gaussian errors.
"""

from __future__ import annotations

import itertools

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

MIN_MONTHS = 10


def candidate_forms(n_obs: int, spec: VariantSpec) -> list[dict]:
    """ETS forms allowed by the spec and the series length (seasonal needs two full years plus a bit)."""
    seasonals = {"auto": [None, "add"], True: ["add"], False: [None]}[spec.seasonal]
    if n_obs < 2 * SEASON + 2:
        seasonals = [None]
    trends = {
        "auto": [(None, False), ("add", False), ("add", True)],
        True: [(None, False), ("add", True)],
        False: [(None, False), ("add", False)],
    }[spec.damped]
    return [
        dict(error="add", trend=t, damped_trend=d, seasonal=s, seasonal_periods=SEASON if s else None)
        for (t, d), s in itertools.product(trends, seasonals)
    ]


def fit_ets(z: np.ndarray, form: dict):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with quiet_fitting():
        return ETSModel(z, **form).fit(disp=False, maxiter=200)


def forecast_ets(
    y: pd.Series, horizon: int, n_samples: int, spec: VariantSpec, rng: np.random.Generator
) -> SeriesForecast:
    yw, transform, z = working_series(y, spec.window, spec.transform, MIN_MONTHS)
    best, best_form, tried = None, None, []
    for form in candidate_forms(len(z), spec):
        try:
            res = fit_ets(z, form)
        except (ValueError, np.linalg.LinAlgError) as exc:
            tried.append(f"{form}: {exc}")
            continue
        if np.isfinite(res.aicc) and (best is None or res.aicc < best.aicc):
            best, best_form = res, form
    if best is None:
        raise FamilyFailed("no ETS form could be fitted")
    with quiet_fitting():
        working = np.asarray(best.simulate(horizon, repetitions=n_samples, anchor="end", rng=rng))
    paths = finish_paths(working.reshape(horizon, n_samples), transform, cap=path_cap(y))
    params = {
        **transform.as_params(),
        "window": len(yw),
        "form": {k: v for k, v in best_form.items() if k != "seasonal_periods"},
        "coefficients": {name: float(v) for name, v in zip(best.model.param_names, best.params)},
    }
    return SeriesForecast(paths, "ets", params, float(best.aicc), full_residuals(y, best.resid))


FAMILY = Family(
    "ets", forecast_ets, fallback="theta", settings=settings_model("ets", *COMMON_SETTINGS, "damped", "seasonal")
)
