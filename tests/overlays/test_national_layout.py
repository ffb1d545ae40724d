"""Overlays on a forecast without nationality series (the national forecast's layout): stream totals are the
bottom, a split stream (nareizigers = PANEL7 + OTHER) keeps its parts; read back from a directory."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mpp.errors import ConfigError
from mpp.overlays import apply_overlays, read_forecast_dir
from mpp.overlays.apply import summing_structure
from mpp.provenance import atomic_write_parquet
from mpp.spec import load_overlays

IDS = ["first_asylum_request/TOTAL", "nareizigers/TOTAL", "nareizigers/PANEL7", "nareizigers/OTHER", "TOTAL/TOTAL"]


def test_summing_structure_of_a_national_layout():
    bottom, S = summing_structure(IDS)
    assert bottom == ["first_asylum_request/TOTAL", "nareizigers/PANEL7", "nareizigers/OTHER"]
    assert S[IDS.index("TOTAL/TOTAL")].tolist() == [1, 1, 1]
    assert S[IDS.index("nareizigers/TOTAL")].tolist() == [0, 1, 1]
    assert S[IDS.index("first_asylum_request/TOTAL")].tolist() == [1, 0, 0]


@pytest.fixture()
def national_dir(tmp_path):
    rng = np.random.default_rng(0)
    months = [str(p) for p in pd.period_range("2025-07", "2027-12", freq="M")]
    bottom = rng.uniform(100, 2000, size=(3, len(months), 200))
    _, S = summing_structure(IDS)
    paths = np.einsum("ab,bhs->ahs", S, bottom)
    n, h, s = paths.shape
    df = pd.DataFrame(paths.transpose(0, 2, 1).reshape(n * s, h), columns=months)
    df.insert(0, "sample", np.tile(np.arange(s), n))
    df.insert(0, "series_id", np.repeat(IDS, s))
    atomic_write_parquet(tmp_path / "paths.parquet", df)
    q = {"maximum": 0.95, "median": 0.5, "medio": 0.67, "minimum": 0.05}  # sorted keys, as JSON files hold them
    (tmp_path / "manifest.json").write_text(
        json.dumps({"kind": "national", "cutoff": "2025-06", "seed": 0, "quantiles": q, "series_order": IDS})
    )
    return tmp_path


def test_target_overlay_on_a_national_forecast_dir(national_dir, overlay_file):
    model = read_forecast_dir(national_dir)
    assert sorted(model.bands_annual["year"].unique()) == [2026, 2027]  # no realised months: 2025 is incomplete
    run = apply_overlays(
        model, load_overlays([overlay_file("b", "- {target: {series: TOTAL/TOTAL, annual: {2025: 1, 2027: 24730}}}")])
    )
    ba = run.total.bands_annual.set_index(["series_id", "year"])
    assert ba.loc[("TOTAL/TOTAL", 2027), "median"] == pytest.approx(24730)
    p = run.total.paths
    np.testing.assert_allclose(p[IDS.index("TOTAL/TOTAL")], p[[0, 2, 3]].sum(axis=0), atol=1e-6)
    np.testing.assert_allclose(p[IDS.index("nareizigers/TOTAL")], p[[2, 3]].sum(axis=0), atol=1e-6)
    assert any("realised months of 2025 missing" in n for n in run.notes)
    with pytest.raises(ConfigError, match="nationality 'SYR' is not a series"):
        apply_overlays(
            model,
            load_overlays([overlay_file("n", "- {nationalities: [SYR], start: 2026-01, change: additive, size: 1}")]),
        )
