"""Skill candidates: a leading indicator that ends before the cut-off triggers the recorded fallback (never an
extrapolation); calibration pools read only errors whose outcome was known; sums are never negative; the
external panels are cut at the origin (poisoning)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.skill.calibrate import CALIBRATION_NAMES, calibrated_sums, options_from_name
from mpp.skill.methods import Context, GlobalModel, indicator_status
from mpp.skill.panels import ExternalPanels


def _wide(n_months=84, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2015-01", periods=n_months, freq="M")
    cols = [f"first_asylum_request/{c}" for c in ("Syria", "Eritrea")] + ["nareizigers/Syria"]
    level = np.exp(np.cumsum(rng.normal(0, 0.05, size=(n_months, 3)), axis=0)) * [300, 120, 200]
    return pd.DataFrame(rng.poisson(level).astype(float), index=idx, columns=cols)


def _panels(last="2019-12", seed=1) -> ExternalPanels:
    rng = np.random.default_rng(seed)
    rows = []
    for key, panel, base, end in (
        ("475", "bamf", 2000, last),
        ("224", "bamf", 800, last),
        ("TOTAL", "eurostat", 50000, last),
        ("XX", "unhcr", 400, last),
    ):
        for p in pd.period_range("2015-01", end, freq="M"):
            rows.append((panel, key, p, float(rng.poisson(base))))
    long = pd.DataFrame(rows, columns=["panel", "key", "period", "value"])
    return ExternalPanels(long=long, last=long.groupby("panel")["period"].max().to_dict())


def test_indicator_ending_before_the_cutoff_falls_back_and_says_so():
    wide = _wide()
    origin = pd.Period("2020-06", freq="M")  # indicators end 2019-12
    ctx = Context(origin, wide.loc[:origin], _panels().known_at(origin), seed=3)
    ok, why = indicator_status(ctx.panels, origin, "bamf")
    assert not ok and "2019-12" in why and "before the cut-off 2020-06" in why
    with_ind = GlobalModel(n_estimators=20, min_child_samples=5, indicators=("bamf", "euplus"))
    plain = GlobalModel(n_estimators=20, min_child_samples=5)
    p1, info = with_ind.predict(ctx)
    p0, _ = plain.predict(ctx)
    assert info["indicators_used"] == []
    assert "bamf data end 2019-12" in info["fallback"] and "fell back to the global model" in info["fallback"]
    np.testing.assert_allclose(p1, p0)  # the fallback IS the model without indicators, nothing extrapolated


def test_indicator_covering_the_cutoff_is_used():
    wide = _wide()
    origin = pd.Period("2019-06", freq="M")
    ctx = Context(origin, wide.loc[:origin], _panels().known_at(origin), seed=3)
    _, info = GlobalModel(n_estimators=20, min_child_samples=5, indicators=("bamf",)).predict(ctx)
    assert info["indicators_used"] == ["bamf"] and info["fallback"] == ""


def test_context_refuses_uncut_inputs():
    wide = _wide()
    origin = pd.Period("2019-06", freq="M")
    with pytest.raises(ValueError, match="after the origin"):
        Context(origin, wide, None)
    with pytest.raises(ValueError, match="known_at"):
        Context(origin, wide.loc[:origin], _panels())


def test_external_panels_are_cut_at_the_origin_poisoning():
    """Later values of every external panel (and of the target) are poisoned; the forecast must not move."""
    wide = _wide()
    panels = _panels(last="2021-12")
    origin = pd.Period("2019-06", freq="M")
    poisoned_long = panels.long.copy()
    later = poisoned_long["period"] > origin
    poisoned_long.loc[later, "value"] = poisoned_long.loc[later, "value"] * 1000 + 7
    poisoned = ExternalPanels(long=poisoned_long, last=panels.last)
    wide_p = wide.copy()
    wide_p.loc[wide_p.index > origin] *= 1000
    model = GlobalModel(n_estimators=20, min_child_samples=5, indicators=("bamf", "euplus"))
    a, _ = model.predict(Context(origin, wide.loc[:origin], panels.known_at(origin), seed=1))
    b, _ = model.predict(Context(origin, wide_p.loc[:origin], poisoned.known_at(origin), seed=1))
    np.testing.assert_array_equal(a, b)
    assert poisoned.known_at(origin).long["period"].max() == origin


def _calibration_inputs(wide, origins):
    pts = {o: wide.loc[:o].iloc[-12:].sum().to_numpy() for o in origins}
    act = {o: (wide.loc[o + 1 : o + 12].sum().to_numpy() if o + 12 <= wide.index[-1] else None) for o in origins}
    hist = {o: wide.loc[:o] for o in origins}
    return pts, act, hist


@pytest.mark.parametrize("name", CALIBRATION_NAMES)
def test_calibration_reads_only_outcomes_known_at_the_origin_and_never_goes_negative(name):
    wide = _wide(n_months=96)
    origins = list(pd.period_range("2017-01", "2020-10", freq="M")[::3])
    pts, act, hist = _calibration_inputs(wide, origins)
    opts = options_from_name(name)
    base = calibrated_sums(origins, pts, act, hist, opts, n_samples=200, seed=5)
    t = pd.Period("2019-04", freq="M")
    # Poison every outcome not complete by t: the sums at t must not change.
    act_p = {o: (v * 50 if (v is not None and o + 12 > t) else v) for o, v in act.items()}
    again = calibrated_sums(origins, pts, act_p, hist, opts, n_samples=200, seed=5)
    np.testing.assert_array_equal(base[t][0], again[t][0])
    np.testing.assert_array_equal(base[t][1], again[t][1])
    assert base[t][2]["pool_origins"] == len([o for o in origins if o + 12 <= t])
    for bottom, agg, _ in base.values():
        assert (bottom >= 0).all() and (agg >= 0).all()
    # Aggregates of the summing options are exactly the sums of the bottom samples.
    if opts.dependence != "level" and opts.centring != "shifted":
        b, a, _ = base[t]
        np.testing.assert_allclose(a[-1], b.sum(axis=0))
