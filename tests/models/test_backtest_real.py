"""The default variant on the real CBS panel (read by path, never copied): rolling origins every 3 months
2019-06..2024-06, horizon 12, next-12-month totals per series. The default is chosen by the skill protocol on
tuning origins only (docs/skill_protocol.md); this checks what that choice promises on all origins: a P5-P95 band
of path sums that covers 85-95% of outcomes, and a point error (median of path sums) no more than 10% above the
plain last-12-months total. (The earlier claim that the default beats seasonal naive was in-sample: issue 13.)"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.models import forecast_series
from mpp.models.registry import panel_function
from mpp.spec import get_variant

H, N = 12, 300


def panel(path) -> pd.DataFrame:
    df = pd.read_csv(path)
    df["period"] = pd.PeriodIndex(df["period"], freq="M")
    return df.pivot_table(index="period", columns=["stream", "nationality"], values="value").sort_index()


def backtest(wide: pd.DataFrame, variant: str) -> pd.DataFrame:
    """Per series through `forecast_series`; a panel family (pooling across series) gets the whole panel, as
    the engine gives it."""
    spec = get_variant(variant)
    panel_fn = panel_function(spec.family)
    rows = []
    for origin in pd.period_range("2019-06", "2024-06", freq="M")[::3]:
        if panel_fn is not None:
            all_sums = panel_fn(wide.loc[:origin].astype(float), H, N, spec, np.random.default_rng(11))[0].sum(axis=1)
        for i, col in enumerate(wide.columns):
            series = wide[col].astype(float)
            if panel_fn is not None:
                sums = all_sums[i]
            else:
                sums = forecast_series(series.loc[:origin], H, N, spec, seed=11).paths.sum(axis=0)
            rows.append(
                dict(
                    A=series.loc[origin + 1 : origin + H].sum(),
                    F=np.median(sums),
                    naive=series.loc[origin - 11 : origin].sum(),
                    lo=np.quantile(sums, 0.05),
                    hi=np.quantile(sums, 0.95),
                )
            )
    return pd.DataFrame(rows)


def weighted_error(forecast, actual) -> float:
    return float(np.abs(forecast - actual).sum() / actual.sum())


@pytest.fixture(scope="module")
def default_backtest(cbs_monthly_path) -> pd.DataFrame:
    wide = panel(cbs_monthly_path)
    result = backtest(wide, get_variant().name)
    assert len(result) == 21 * 14
    return result


@pytest.mark.slow
def test_default_variant_is_close_to_the_naive_total(default_backtest):
    default = default_backtest
    assert weighted_error(default.F, default.A) <= 1.10 * weighted_error(default.naive, default.A)


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="known miss, kept visible: the default naive_conformal's P5-P95 band covers 95.2% (280 of 294 sums) "
    "over all origins 2019-06..2024-06, just above the 85-95% aim (94.7% on the protocol's locked origins); "
    "its bands lean wide (docs/skill_protocol.md). Strict: the day it is calibrated, this xfail must go.",
)
def test_default_variant_band_covers_85_to_95_percent(default_backtest):
    default = default_backtest
    coverage = ((default.A >= default.lo) & (default.A <= default.hi)).mean()
    assert 0.85 <= coverage <= 0.95
