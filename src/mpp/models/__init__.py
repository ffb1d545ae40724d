"""Model families for one monthly series: `forecast_series(y, horizon, n_samples, spec, seed)`.

Families: naive, seasonal_naive, drift (baselines), ets, sarima, theta, prophet, robust (calibrated default),
ensemble and auto. Variants (a family plus settings) are named in a project's `variants.yaml` (read by `mpp.spec`).
"""

from mpp.models.base import FamilyFailed, ForecastArgumentError, SeriesForecast
from mpp.models.registry import forecast_series
from mpp.models.variants import VariantsConfig, VariantSpec, parse_variants

__all__ = [
    "FamilyFailed",
    "ForecastArgumentError",
    "SeriesForecast",
    "VariantSpec",
    "VariantsConfig",
    "forecast_series",
    "parse_variants",
]
