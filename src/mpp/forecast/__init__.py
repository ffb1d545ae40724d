"""Forecast engine: fit every series, keep dependence, reconcile, and turn paths into bands."""

from mpp.forecast.config import ForecastConfig
from mpp.forecast.engine import ForecastResult, run_forecast, series_seed
from mpp.forecast.io import read_forecast, read_paths

__all__ = [
    "ForecastConfig",
    "ForecastResult",
    "read_forecast",
    "read_paths",
    "run_forecast",
    "series_seed",
]
