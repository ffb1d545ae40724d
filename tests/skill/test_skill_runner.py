"""The protocol runner end to end on a small synthetic panel: every choice (calibration option, shrinkage
weights, the default) reads tuning origins only; the table reports tuning and locked origins apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mpp.skill.run as run_mod
from mpp.backtest.protocol import OriginSplit
from mpp.flows.skill import run_protocol
from mpp.skill.panels import ExternalPanels
from mpp.skill.run import ProtocolSettings
from mpp.spec import load_variants


def _wide(seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2015-01", "2021-12", freq="M")
    cols = ["first_asylum_request/A", "first_asylum_request/B", "nareizigers/A", "nareizigers/B"]
    level = np.exp(np.cumsum(rng.normal(0, 0.06, size=(len(idx), 4)), axis=0)) * [300, 80, 150, 40]
    return pd.DataFrame(rng.poisson(level).astype(float), index=idx, columns=cols)


@pytest.mark.slow
def test_runner_makes_every_choice_on_tuning_origins_only(monkeypatch, tmp_path):
    seen: list[str] = []
    real = run_mod.choose_on_tuning

    def spy(split, candidates, criterion, what="the choice"):
        for frame in candidates.values():
            seen.extend(frame["origin"].astype(str).unique())
        return real(split, candidates, criterion, what)

    monkeypatch.setattr(run_mod, "choose_on_tuning", spy)
    empty = ExternalPanels(
        long=pd.DataFrame(
            {
                "panel": pd.Series(dtype=str),
                "key": pd.Series(dtype=str),
                "period": pd.PeriodIndex([], freq="M"),
                "value": pd.Series(dtype=float),
            }
        )
    )
    settings = ProtocolSettings(
        first_origin="2017-06",
        first_scored="2018-06",
        last_origin="2020-06",
        step=6,
        n_samples=60,
        registry_samples=40,
        split=OriginSplit(tuning_end="2019-06", locked_start="2019-12"),
    )
    res = run_protocol(
        settings, cache_dir=tmp_path, wide=_wide(), panels=empty, progress=False, n_boot=20, catalog=load_variants()
    )
    assert seen and max(pd.Period(o, freq="M") for o in seen) <= pd.Period("2019-06", freq="M")
    assert set(res.table["origins_role"]) == {"tuning", "locked"}
    locked = res.table.loc[res.table["origins_role"] == "locked"]
    assert locked["first"].min() == "2019-12" and locked["last"].max() == "2020-06"
    assert res.engine_default in ("baseline", "anchored", "naive_conformal")
    assert set(res.bands["horizon"]) <= {"rest of this year", "next year", "year after"} and len(res.bands)
    assert set(res.monthly["origins_role"]) == {"tuning", "locked"}
    assert any(c["choice"] == "default method" for c in res.choices)
    assert len(list(tmp_path.glob("points-*/*.npz"))) == len(settings.origins())  # cached per origin
