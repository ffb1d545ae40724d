"""The panel family `naive_conformal` through the engine: coherent paths that reconciliation leaves as they are,
the naive 12-month total as every series' median, months following last year's months."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.data.io import read_realisations
from mpp.forecast import run_forecast
from mpp.spec import load_forecast_config, load_variants


@pytest.fixture(scope="module")
def result(cbs_monthly_path):
    cbs = read_realisations(cbs_monthly_path)[0]
    config = load_forecast_config().model_copy(update={"n_samples": 2000})
    return run_forecast(cbs, "2023-06", load_variants().get("naive_conformal"), horizon=30, config=config, seed=3)


def test_panel_family_paths_are_coherent_and_untouched_by_reconciliation(result):
    from tests.forecast.test_engine import assert_coherent

    assert_coherent(result)
    assert set(result.manifest["families"].values()) == {"naive_conformal"}
    assert result.manifest["dependence"] is False  # the family draws its own dependence


def test_panel_family_median_is_the_naive_total_at_every_level(result):
    hist = result.history_wide
    for sid in result.series_ids:
        naive = hist[sid].iloc[-12:].sum()
        first_year = result.series_paths(sid)[:12].sum(axis=0)
        # the median of a mirrored pool is the point; clipping at 0 and sampling move it a little
        assert np.median(first_year) == pytest.approx(naive, rel=0.12), sid


def test_panel_family_months_follow_last_year(result):
    hist = result.history_wide
    sid = "TOTAL/TOTAL"
    paths = result.series_paths(sid)[:12]
    share = paths / paths.sum(axis=0, keepdims=True)
    last = hist[sid].iloc[-12:].to_numpy(float)
    np.testing.assert_allclose(np.median(share, axis=1), last / last.sum(), atol=0.02)


def test_panel_family_on_too_short_a_history_falls_back_per_series(cbs_short):
    res = cbs_short
    assert np.isfinite(res.paths).all() and (res.paths >= 0).all()
    assert all(f != "naive_conformal" for f in res.manifest["families"].values())
    assert res.manifest["fallbacks"]  # recorded, series by series


@pytest.fixture(scope="module")
def cbs_short(cbs_monthly_path):
    cbs = read_realisations(cbs_monthly_path)[0]
    cbs = cbs.loc[cbs["period"] >= pd.Period("2024-09", freq="M")]  # 10 months up to the cut-off
    config = load_forecast_config().model_copy(update={"n_samples": 100})
    return run_forecast(cbs, "2025-06", load_variants().get("naive_conformal"), horizon=12, config=config, seed=1)
