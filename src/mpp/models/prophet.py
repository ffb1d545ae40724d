"""Prophet (piecewise-linear trend with changepoints + yearly seasonality) on a transformed scale.

Paths are Prophet's own `predictive_samples` (trend-change and noise simulation), MAP fit (no MCMC),
`uncertainty_samples = n_samples`. Prophet draws from numpy's global RNG and Stan has its own seed: both are
seeded from the family's Generator and the global state is restored afterwards, so results are reproducible and
do not leak into other code. cmdstanpy's logger is silenced only while fitting.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

from mpp.models.base import (
    Family,
    SeriesForecast,
    finish_paths,
    full_residuals,
    path_cap,
    quiet_fitting,
    working_series,
)
from mpp.models.variants import COMMON_SETTINGS, VariantSpec, settings_model

MIN_MONTHS = 12


@contextmanager
def seeded_and_quiet(seed: int) -> Iterator[None]:
    state = np.random.get_state()
    loggers = [logging.getLogger(name) for name in ("cmdstanpy", "prophet")]
    disabled = [lg.disabled for lg in loggers]
    np.random.seed(seed)
    for lg in loggers:  # cmdstanpy resets its level on first use, so disable rather than raise the level
        lg.disabled = True
    try:
        with quiet_fitting():
            yield
    finally:
        np.random.set_state(state)
        for lg, was_disabled in zip(loggers, disabled):
            lg.disabled = was_disabled


def forecast_prophet(
    y: pd.Series, horizon: int, n_samples: int, spec: VariantSpec, rng: np.random.Generator
) -> SeriesForecast:
    from prophet import Prophet

    yw, transform, z = working_series(y, spec.window, spec.transform, MIN_MONTHS)
    history = pd.DataFrame({"ds": yw.index.to_timestamp(), "y": z})
    future = pd.DataFrame({"ds": pd.period_range(yw.index[-1] + 1, periods=horizon, freq="M").to_timestamp()})
    seed = int(rng.integers(1, 2**31 - 1))
    with seeded_and_quiet(seed):
        model = Prophet(
            yearly_seasonality=True,
            weekly_seasonality=False,
            daily_seasonality=False,
            changepoint_prior_scale=spec.changepoint_prior_scale,
            mcmc_samples=0,
            uncertainty_samples=n_samples,
        )
        model.fit(history, seed=seed)
        samples = model.predictive_samples(future)["yhat"]  # [horizon, sample]
        fitted = model.predict(history[["ds"]])["yhat"].to_numpy()
    paths = finish_paths(np.asarray(samples, float).reshape(horizon, n_samples), transform, cap=path_cap(y))
    params = {
        **transform.as_params(),
        "window": len(yw),
        "changepoint_prior_scale": spec.changepoint_prior_scale,
        "n_changepoints": int(len(model.changepoints)),
    }
    return SeriesForecast(paths, "prophet", params, None, full_residuals(y, z - fitted))


FAMILY = Family(
    "prophet",
    forecast_prophet,
    fallback="theta",
    settings=settings_model("prophet", *COMMON_SETTINGS, "changepoint_prior_scale"),
)
