"""Backtesting against realised inflow: rolling origins, proper scores, the official MPP as a peer.

scores     pure numpy scores (CRPS, pinball, MASE, RMSSE, sMAPE, coverage, exceedance)
evaluate   one forecast's paths -> detail score rows (months, next-12 totals, calendar years)
runner     rolling origins, resumable parts, parallel across origins
summary    tidy scores table, ranking, headline metrics, summary_metrics() for MLflow
official   official MPP scenarios beside ours at the same data cut-off
pipeline   the whole run into one folder (the only module here that touches files)
"""

from mpp.backtest.evaluate import score_forecast
from mpp.backtest.runner import BacktestError, FrameSource, VintageSource, parse_origins, run_backtest
from mpp.backtest.summary import headline, ranking, scores_table, summary_metrics

__all__ = [
    "BacktestError",
    "FrameSource",
    "VintageSource",
    "headline",
    "parse_origins",
    "ranking",
    "run_backtest",
    "score_forecast",
    "scores_table",
    "summary_metrics",
]
