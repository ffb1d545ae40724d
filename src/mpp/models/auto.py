"""auto: choose one family per series by recent out-of-sample error.

Rule: when the series has at least `holdout` + 36 months, every member family is refitted without the last
`holdout` months (12 by default) and scored by the absolute log error of its median holdout total, the quantity
the backtest scores; the lowest score wins (ties: the first listed). AICc is not used because it is not
comparable across transforms, differencing orders and likelihood-free families (theta, robust). Shorter series
get the first member. The winner is refitted on the full series; `params` records the choice and the scores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.models.base import Family, SeriesForecast
from mpp.models.ensemble import holdout_errors, member_seeds
from mpp.models.registry import run_family
from mpp.models.variants import COMMON_SETTINGS, VariantSpec, settings_model


def forecast_auto(
    y: pd.Series, horizon: int, n_samples: int, spec: VariantSpec, rng: np.random.Generator
) -> SeriesForecast:
    members = list(dict.fromkeys(spec.members))
    fit_seed, score_seed = member_seeds(rng, 2)
    scores = None
    chosen = members[0]
    if len(y) >= spec.holdout + 36 and len(members) > 1:
        scores = holdout_errors(y, members, spec, spec.holdout, min(n_samples, 200), score_seed)
        chosen = min(members, key=lambda m: scores[m])  # min keeps the first of equal scores
    fit = run_family(chosen, y, horizon, n_samples, spec.with_family(chosen), fit_seed)
    params = {
        "selected_by": "auto",
        "chosen": chosen,
        "used": fit.family,
        "rule": f"holdout_{spec.holdout}m_abs_log_total_error",
        "holdout_errors": scores,
        "chosen_params": fit.params,
        "chosen_fallback": fit.fallback,
    }
    # `family` names the family that produced the paths, as for any other fallback
    return SeriesForecast(fit.paths, fit.family, params, fit.aicc, fit.residuals)


FAMILY = Family(
    "auto",
    forecast_auto,
    fallback="theta",
    settings=settings_model("auto", *COMMON_SETTINGS, "members", "holdout"),
    members=True,
)
