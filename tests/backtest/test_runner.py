"""Rolling origins: no look-ahead, vintages as published, resumable parts, same seed same numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from mpp.backtest.runner import (
    BacktestError,
    FrameSource,
    VintageSource,
    parse_origins,
    part_path,
    run_backtest,
)
from mpp.forecast import run_forecast


class Recorder:
    """Wraps run_forecast: counts calls, keeps the history each call received and the paths it returned."""

    def __init__(self):
        self.calls = []

    def __call__(self, history, cutoff, **kw):
        res = run_forecast(history, cutoff, **kw)
        self.calls.append({"cutoff": str(cutoff), "variant": kw["variant"], "last": history["period"].max(),
                           "paths": res.paths.copy()})
        return res


def test_parse_origins():
    assert [str(p) for p in parse_origins("2019-06:2020-06:6")] == ["2019-06", "2019-12", "2020-06"]
    assert len(parse_origins("2019-01:2019-12")) == 12
    for bad in ("2019-06", "2020-01:2019-01", "2019-01:2019-12:0"):
        with pytest.raises(BacktestError):
            parse_origins(bad)


def test_no_look_ahead_poisoning_the_future_changes_no_forecast(panel, fast_config, tmp_path):
    origins = [pd.Period("2019-06", freq="M"), pd.Period("2019-12", freq="M")]
    clean, poisoned = Recorder(), Recorder()
    a = run_backtest(FrameSource(panel), ["drift"], origins, 6, tmp_path / "a", progress=False,
                     forecast_fn=clean)
    # Poison every value after the first origin: if any forecast at 2019-06 saw it, its paths would change.
    bad = panel.copy()
    after = bad["period"] > origins[0]
    bad.loc[after, "value"] = bad.loc[after, "value"] * 100 + 7
    b = run_backtest(FrameSource(bad), ["drift"], origins[:1], 6, tmp_path / "b", progress=False,
                     forecast_fn=poisoned)
    assert all(c["last"] <= pd.Period(c["cutoff"], freq="M") for c in clean.calls + poisoned.calls)
    first = [c for c in clean.calls if c["cutoff"] == "2019-06"]
    assert len(first) == 2 and len(poisoned.calls) == 2  # baseline + drift
    for c, p in zip(first, poisoned.calls):
        assert c["variant"] == p["variant"]
        assert (c["paths"] == p["paths"]).all()
    fc_cols = ["series_id", "target", "horizon", "minimum", "median", "medio", "maximum", "mean"]
    pd.testing.assert_frame_equal(
        a.loc[a["origin"] == "2019-06", fc_cols].reset_index(drop=True), b[fc_cols].reset_index(drop=True))
    # ... while the realised values it is judged on are the poisoned ones.
    assert (b["actual"].to_numpy() != a.loc[a["origin"] == "2019-06", "actual"].to_numpy()).any()


class FakeStore:
    """A vintage store whose later vintage revises earlier months (the figures as published then differ)."""

    def __init__(self, first, revised, revised_from):
        self.first, self.revised, self.revised_from, self.asked = first, revised, revised_from, []

    def read_as_of(self, month):
        self.asked.append(month)
        return self.revised if month >= self.revised_from else self.first

    def read(self, vintage=None):
        return self.revised


def test_vintage_source_uses_the_vintage_published_at_each_origin(panel, fast_config, tmp_path):
    revised = panel.assign(value=panel["value"] + 5)
    store = FakeStore(panel, revised, pd.Period("2019-12", freq="M"))
    rec = Recorder()
    origins = [pd.Period("2019-06", freq="M"), pd.Period("2019-12", freq="M")]
    run_backtest(VintageSource(store), ["drift"], origins, 3, tmp_path, progress=False, forecast_fn=rec)
    assert set(store.asked) == set(origins)
    direct = run_forecast(panel.loc[panel["period"] <= origins[0]], origins[0], variant="drift", horizon=3)
    june = next(c for c in rec.calls if c["cutoff"] == "2019-06" and c["variant"] == "drift")
    assert (june["paths"] == direct.paths).all()  # the first vintage, not the later revision


def test_resume_recomputes_only_missing_parts_and_reproduces_numbers(panel, fast_config, tmp_path):
    origins = parse_origins("2019-03:2019-09:6")
    rec = Recorder()
    first = run_backtest(FrameSource(panel), ["drift"], origins, 4, tmp_path, seed=11, progress=False,
                         forecast_fn=rec)
    assert len(rec.calls) == 4  # 2 origins x (baseline, drift)
    # Simulate an interruption: one finished part lost (and a half-written temporary file left behind).
    part_path(tmp_path, "drift", origins[1]).unlink()
    (part_path(tmp_path, "drift", origins[1]).parent / ".2019-09.parquet.tmp").write_bytes(b"half")
    rec2 = Recorder()
    again = run_backtest(FrameSource(panel), ["drift"], origins, 4, tmp_path, seed=11, progress=False,
                         forecast_fn=rec2)
    assert [(c["cutoff"], c["variant"]) for c in rec2.calls] == [("2019-09", "drift")]
    pd.testing.assert_frame_equal(first, again)
    rec3 = Recorder()
    run_backtest(FrameSource(panel), ["drift"], origins, 4, tmp_path, seed=11, progress=False, forecast_fn=rec3)
    assert rec3.calls == []


def test_a_folder_made_with_other_settings_is_refused(panel, fast_config, tmp_path):
    origins = parse_origins("2019-06:2019-06")
    run_backtest(FrameSource(panel), [], origins, 3, tmp_path, seed=1, progress=False)
    with pytest.raises(BacktestError, match="seed"):
        run_backtest(FrameSource(panel), [], origins, 3, tmp_path, seed=2, progress=False)


def test_origins_without_any_realised_month_are_refused(panel, fast_config, tmp_path):
    with pytest.raises(BacktestError, match="no realised month"):
        run_backtest(FrameSource(panel), [], [pd.Period("2020-12", freq="M")], 3, tmp_path, progress=False)
