"""The evaluation protocol: the tuning/locked split is enforced, CRPS of 12-month sums matches an independent
computation, paired bootstrap standard errors behave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mpp.backtest.protocol import (
    LockedOriginError,
    OriginSplit,
    choose_on_tuning,
    crps_of_sums,
    paired_bootstrap,
    score_cases,
    summarise,
    wape,
)
from mpp.backtest.scores import crps_samples


def _brute_crps(x: np.ndarray, y: float) -> float:
    """CRPS of an ensemble by its definition as an integral of the squared difference of the ensemble's
    step CDF and the outcome's step function, integrated exactly between the sorted jump points."""
    pts = np.sort(np.concatenate([x, [y]]))
    total = 0.0
    for lo, hi in zip(pts[:-1], pts[1:]):
        f = np.mean(x <= lo)  # ensemble CDF on [lo, hi)
        h = 1.0 if lo >= y else 0.0
        total += (f - h) ** 2 * (hi - lo)
    return total


def test_crps_of_sums_matches_the_integral_definition_on_a_small_example():
    rng = np.random.default_rng(3)
    paths = rng.gamma(2.0, 50.0, size=(3, 12, 40))  # [series, month, sample]
    sums = paths.sum(axis=1)
    actual = np.array([1100.0, 1300.0, 900.0])
    got = crps_of_sums(sums, actual)
    want = np.array([_brute_crps(sums[i], actual[i]) for i in range(3)])
    np.testing.assert_allclose(got, want, rtol=1e-10)
    np.testing.assert_allclose(got, crps_samples(sums, actual), rtol=1e-10)


def test_crps_of_sums_of_a_large_normal_ensemble_approaches_the_closed_form():
    rng = np.random.default_rng(0)
    mu, sigma, y = 1000.0, 120.0, 1150.0
    x = rng.normal(mu, sigma, size=(1, 20000))
    z = (y - mu) / sigma
    closed = sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))
    assert crps_of_sums(x, np.array([y]))[0] == pytest.approx(closed, rel=0.01)


def _frame(origins):
    return pd.DataFrame({"origin": [str(o) for o in origins], "x": np.arange(len(origins), dtype=float)})


def test_split_roles_and_configurability():
    split = OriginSplit()
    assert split.role("2021-12") == "tuning" and split.role("2022-01") == "gap" and split.role("2022-03") == "locked"
    other = OriginSplit(tuning_end="2020-12", locked_start="2021-01")
    assert other.role("2021-01") == "locked"
    with pytest.raises(ValueError):
        OriginSplit(tuning_end="2022-06", locked_start="2022-03")


def test_a_choice_that_reads_a_locked_origin_fails():
    split = OriginSplit()
    frames = {"a": _frame(["2020-06", "2021-12"]), "b": _frame(["2020-06", "2022-03"])}
    with pytest.raises(LockedOriginError, match="2022-03"):
        choose_on_tuning(split, frames, lambda f: f["x"].sum())
    gap = {"a": _frame(["2022-01"])}  # a gap origin is not a tuning origin either
    with pytest.raises(LockedOriginError):
        choose_on_tuning(split, gap, lambda f: 0.0)
    safe = {k: split.tuning_only(v) for k, v in frames.items()}
    best, scores = choose_on_tuning(split, safe, lambda f: -f["x"].sum())
    assert set(scores) == {"a", "b"} and best == "a"


def test_paired_bootstrap_difference_and_se():
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(20), 5)
    a = rng.gamma(2, 10, size=100)
    err_a = np.abs(rng.normal(0, 5, size=100))
    d, se = paired_bootstrap(groups, err_a, err_a, a, n_boot=200)
    assert d == 0.0 and se == 0.0  # identical methods: no difference, no spread
    err_b = err_a + 3.0
    d, se = paired_bootstrap(groups, err_a, err_b, a, n_boot=500)
    assert d == pytest.approx(-300.0 / a.sum())
    assert se > 0 and se < abs(d)
    # Paired: the SE of a difference of correlated errors is far below that of independent resamples.
    d2, se_noise = paired_bootstrap(groups, err_a + rng.normal(0, 5, 100), err_a, a, n_boot=500)
    assert se_noise > 0


def test_score_cases_and_summarise_on_a_toy_table():
    rng = np.random.default_rng(2)
    origins = ["2020-06"] * 3 + ["2022-06"] * 3
    cases = pd.DataFrame(
        {
            "origin": origins,
            "series_id": ["a", "b", "total"] * 2,
            "level": ["bottom", "bottom", "total"] * 2,
            "actual": [100.0, 200.0, 300.0, 120.0, 180.0, 300.0],
            "naive": [90.0, 230.0, 320.0, 100.0, 200.0, 300.0],
        }
    )
    sums = cases["actual"].to_numpy()[:, None] * rng.lognormal(0, 0.1, size=(6, 400))
    scored = score_cases(cases, sums)
    assert wape(scored, "abs_error_naive") == pytest.approx((10 + 30 + 20 + 20 + 20 + 0) / 1200)
    assert scored["covered"].mean() > 0.8
    row = summarise(scored, reference=scored.assign(crps=scored["crps"] * 2), n_boot=100)
    assert row["crps_skill"] == pytest.approx(0.5)
    assert row["cases"] == 6 and row["origins"] == 2
