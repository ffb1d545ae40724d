"""Bands per calendar-year horizon and the monthly path: recalibration reads tuning origins only; the engine's
default variant is the one the protocol's rule chose (docs/skill_protocol.md, generated)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mpp.backtest.protocol import LockedOriginError, OriginSplit
from mpp.skill.horizons import band_calibration, horizon_months, monthly_scores, year_cases
from mpp.spec import load_variants

ROOT = Path(__file__).resolve().parents[2]


def _wide_and_paths(seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2015-01", "2023-12", freq="M")
    cols = ["first_asylum_request/A", "nareizigers/A", "nareizigers/B"]
    wide = pd.DataFrame(rng.poisson(100, size=(len(idx), 3)).astype(float), index=idx, columns=cols)
    origins = pd.period_range("2017-03", "2022-12", freq="M")[::3]
    lam = wide.mean().to_numpy()[:, None, None]  # paths from the panel's own mean: calibrated by construction
    paths = {o: rng.poisson(lam, size=(3, 36, 200)).astype(float) for o in origins}
    return wide, paths


def test_horizon_months_are_calendar_years_after_the_origin():
    o = pd.Period("2021-09", freq="M")
    assert list(horizon_months(o, "rest of this year").astype(str)) == ["2021-10", "2021-11", "2021-12"]
    assert horizon_months(o, "next year")[0] == pd.Period("2022-01", freq="M")
    assert horizon_months(o, "year after")[-1] == pd.Period("2023-12", freq="M")
    assert len(horizon_months(pd.Period("2021-12", freq="M"), "rest of this year")) == 0


def test_band_recalibration_reads_tuning_origins_only():
    wide, paths = _wide_and_paths()
    split = OriginSplit(tuning_end="2019-12", locked_start="2020-03")
    cases, sums = year_cases(wide, paths)
    base = band_calibration(cases, sums, split)
    # poison every locked outcome: the recalibrated levels (tuning only) stay, the locked rates move
    poisoned = cases.copy()
    poisoned.loc[[split.role(o) == "locked" for o in poisoned["origin"]], "actual"] *= 10
    again = band_calibration(poisoned, sums, split)
    np.testing.assert_array_equal(base["level"], again["level"])
    assert (again.loc[again["band"] == "maximum", "locked_raw"] == 1.0).all()
    # well-calibrated toy paths: the raw median is exceeded about half the time on tuning origins
    med = base.loc[(base["band"] == "median") & (base["horizon"] == "next year"), "tuning_raw"].item()
    assert 0.3 < med < 0.7


def test_a_recalibration_fed_a_locked_origin_fails():
    class Leaky(OriginSplit):
        def tuning_only(self, frame, column="origin"):  # a bug that lets locked rows through
            return frame

    wide, paths = _wide_and_paths()
    cases, sums = year_cases(wide, paths)
    with pytest.raises(LockedOriginError):
        band_calibration(cases, sums, Leaky(tuning_end="2019-12", locked_start="2020-03"))


def test_monthly_scores_compare_half_years_with_the_naive_rules():
    wide, paths = _wide_and_paths()
    split = OriginSplit(tuning_end="2019-12", locked_start="2020-03")
    m = monthly_scores(wide, paths, split)
    assert set(m["origins_role"]) == {"tuning", "locked"}
    assert ((m["monthly_cov90"] > 0.75) & (m["monthly_cov90"] <= 1.0)).all()  # poisson toy paths fit the data
    assert (m["half_wape_model"] > 0).all() and (m["half_wape_last6"] > 0).all()


def test_the_engine_default_is_the_variant_the_protocol_rule_chose():
    text = (ROOT / "docs" / "skill_protocol.md").read_text(encoding="utf-8")
    chosen = re.search(r"engine default \(a registry variant\): `([^`]+)`", text).group(1)
    assert load_variants().default == chosen
