"""The wiring: the only place that reads and writes run folders. `monthly` is the monthly re-estimation
(`mpp monthly`), `commands` the one-stage commands (`mpp forecast`, `mpp forecast --national`, `mpp backtest`).
Stages take and return objects; the CLI parses, calls one flow and prints."""

from mpp.flows.commands import backtest, forecast_to_dir, national_to_dir
from mpp.flows.monthly import MonthlyResult, VariantOutcome, run_monthly, run_source

__all__ = [
    "MonthlyResult",
    "VariantOutcome",
    "backtest",
    "forecast_to_dir",
    "national_to_dir",
    "run_monthly",
    "run_source",
]
