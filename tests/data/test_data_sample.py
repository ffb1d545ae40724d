"""The synthetic panel's shape against the real data: fails when the generator drifts."""

import numpy as np
import pandas as pd
import pytest

from mpp.data.sample import generate_sample
from mpp.data.validation import find_problems


@pytest.fixture(scope="module")
def sample():
    return generate_sample(seed=0)


def test_deterministic_by_seed_and_valid(sample):
    pd.testing.assert_frame_equal(sample, generate_sample(seed=0))
    assert not generate_sample(seed=1)["value"].equals(sample["value"])
    assert find_problems(sample) == []
    assert sample["nationality"].nunique() >= 40 and sample["stream"].nunique() == 4
    assert (sample["value"] % 5 == 0).all() and sample["period"].max() == pd.Period("2025-06", freq="M")
    assert (sample["value"] == 0).mean() > 0.2  # zero-heavy small series


def _annual(df, stream):
    d = df[df["stream"] == stream]
    return d.groupby(d["period"].dt.year)["value"].sum()


def test_scale_per_stream_matches_real_annual_totals(sample, real_dir):
    real = pd.read_csv(real_dir / "cbs_annual_national_totals_2015_2024.csv")
    for stream in ("first_asylum_request", "nareizigers"):
        r = real[real["stream"] == stream].set_index("year")["value"]
        ratio = _annual(sample, stream).reindex(r.index) / r
        assert ratio.between(0.7, 1.4).all(), (stream, ratio.round(2).to_dict())
        assert np.abs(np.log(ratio)).mean() < 0.15, stream
    years = range(2015, 2025)
    assert _annual(sample, "repeat_asylum_request").loc[years].between(1000, 3600).all()
    assert _annual(sample, "resettlement").loc[years].between(100, 900).all()


def _seasonal_range(monthly: pd.Series) -> float:
    """Max minus min of the mean month-of-year profile, each year scaled by its own mean."""
    m = monthly[(monthly.index.year >= 2016) & (monthly.index.year <= 2024)]
    rel = m / m.groupby(m.index.year).transform("mean")
    profile = rel.groupby(rel.index.month).mean()
    return float(profile.max() - profile.min())


def test_seasonal_amplitude_matches_real_panel(sample, cbs_monthly_path):
    real = pd.read_csv(cbs_monthly_path)
    real = real[real["stream"] == "first_asylum_request"].groupby("period")["value"].sum()
    real.index = pd.PeriodIndex(real.index, freq="M")
    s = sample[sample["stream"] == "first_asylum_request"].groupby("period")["value"].sum()
    ratio = _seasonal_range(s) / _seasonal_range(real)
    assert 0.6 < ratio < 1.6, ratio


def test_concentration_of_top_nationalities_matches_2024(sample, real_dir):
    real = pd.read_csv(real_dir / "cbs_annual_by_nationality_2015_2024.csv")
    r = real[(real["year"] == 2024) & (real["stream"] == "first_asylum_request")]
    total = r.loc[r["nationality"] == "Total", "value"].iloc[0]
    top = r[r["nationality"] != "Total"].sort_values("value", ascending=False)["value"]
    s = sample[(sample["stream"] == "first_asylum_request") & (sample["period"].dt.year == 2024)]
    s = s.groupby("nationality")["value"].sum().sort_values(ascending=False)
    assert abs(s.iloc[0] / s.sum() - top.iloc[0] / total) < 0.1
    assert abs(s.iloc[:15].sum() / s.sum() - top.iloc[:15].sum() / total) < 0.08
