"""A small synthetic panel and a fast forecast configuration for the backtest tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture()
def fast_config(make_fast_config):
    """MPP_CONFIG_DIR with a 200-sample bottom-up forecast config and two cheap variants."""
    return make_fast_config(horizon="auto", n_samples=200)


@pytest.fixture()
def panel() -> pd.DataFrame:
    """Canonical realisations: 2 streams x 2 nationalities, 2016-01..2020-12, seasonal Poisson counts."""
    rng = np.random.default_rng(7)
    months = pd.period_range("2016-01", "2020-12", freq="M")
    rows = []
    for stream, scale in (("first_asylum_request", 80), ("nareizigers", 30)):
        for nat, share in (("SYR", 1.0), ("ERI", 0.4)):
            lam = scale * share * (1 + 0.3 * np.sin(2 * np.pi * months.month / 12))
            for p, v in zip(months, rng.poisson(lam)):
                rows.append((p, stream, nat, int(v)))
    df = pd.DataFrame(rows, columns=["period", "stream", "nationality", "value"])
    df["period"] = pd.PeriodIndex(df["period"], freq="M")
    return df
