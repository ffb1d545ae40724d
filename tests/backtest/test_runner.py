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
from mpp.spec import load_spec


def spec_kw() -> dict:
    """The run spec's variants and forecast settings (the fast config of the `fast_config` fixture)."""
    s = load_spec()
    return {"catalog": s.variants, "config": s.forecast}


class Recorder:
    """Wraps run_forecast: counts calls, keeps the history each call received and the paths it returned."""

    def __init__(self):
        self.calls = []

    def __call__(self, history, cutoff, **kw):
        res = run_forecast(history, cutoff, **kw)
        self.calls.append(
            {
                "cutoff": str(cutoff),
                "variant": kw["variant"].name,
                "last": history["period"].max(),
                "paths": res.paths.copy(),
            }
        )
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
    a = run_backtest(
        FrameSource(panel), ["drift"], origins, 6, tmp_path / "a", **spec_kw(), progress=False, forecast_fn=clean
    )
    # Poison every value after the first origin: if any forecast at 2019-06 saw it, its paths would change.
    bad = panel.copy()
    after = bad["period"] > origins[0]
    bad.loc[after, "value"] = bad.loc[after, "value"] * 100 + 7
    b = run_backtest(
        FrameSource(bad), ["drift"], origins[:1], 6, tmp_path / "b", **spec_kw(), progress=False, forecast_fn=poisoned
    )
    assert all(c["last"] <= pd.Period(c["cutoff"], freq="M") for c in clean.calls + poisoned.calls)
    first = [c for c in clean.calls if c["cutoff"] == "2019-06"]
    assert len(first) == 2 and len(poisoned.calls) == 2  # baseline + drift
    for c, p in zip(first, poisoned.calls):
        assert c["variant"] == p["variant"]
        assert (c["paths"] == p["paths"]).all()
    fc_cols = ["series_id", "target", "horizon", "minimum", "median", "medio", "maximum", "mean"]
    pd.testing.assert_frame_equal(
        a.loc[a["origin"] == "2019-06", fc_cols].reset_index(drop=True), b[fc_cols].reset_index(drop=True)
    )
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
    run_backtest(VintageSource(store), ["drift"], origins, 3, tmp_path, **spec_kw(), progress=False, forecast_fn=rec)
    assert set(store.asked) == set(origins)
    s = load_spec()
    direct = run_forecast(
        panel.loc[panel["period"] <= origins[0]], origins[0], variant=s.variant("drift"), horizon=3, config=s.forecast
    )
    june = next(c for c in rec.calls if c["cutoff"] == "2019-06" and c["variant"] == "drift")
    assert (june["paths"] == direct.paths).all()  # the first vintage, not the later revision


def test_resume_recomputes_only_missing_parts_and_reproduces_numbers(panel, fast_config, tmp_path):
    origins = parse_origins("2019-03:2019-09:6")
    rec = Recorder()
    first = run_backtest(
        FrameSource(panel), ["drift"], origins, 4, tmp_path, seed=11, **spec_kw(), progress=False, forecast_fn=rec
    )
    assert len(rec.calls) == 4  # 2 origins x (baseline, drift)
    # Simulate an interruption: one finished part lost (and a half-written temporary file left behind).
    part_path(tmp_path, "drift", origins[1]).unlink()
    (part_path(tmp_path, "drift", origins[1]).parent / ".2019-09.parquet.tmp").write_bytes(b"half")
    rec2 = Recorder()
    again = run_backtest(
        FrameSource(panel), ["drift"], origins, 4, tmp_path, seed=11, **spec_kw(), progress=False, forecast_fn=rec2
    )
    assert [(c["cutoff"], c["variant"]) for c in rec2.calls] == [("2019-09", "drift")]
    pd.testing.assert_frame_equal(first, again)
    rec3 = Recorder()
    run_backtest(
        FrameSource(panel), ["drift"], origins, 4, tmp_path, seed=11, **spec_kw(), progress=False, forecast_fn=rec3
    )
    assert rec3.calls == []


def test_a_folder_made_with_other_settings_is_refused(panel, fast_config, tmp_path):
    origins = parse_origins("2019-06:2019-06")
    run_backtest(FrameSource(panel), [], origins, 3, tmp_path, seed=1, **spec_kw(), progress=False)
    with pytest.raises(BacktestError, match="seed"):
        run_backtest(FrameSource(panel), [], origins, 3, tmp_path, seed=2, **spec_kw(), progress=False)


def test_origins_without_any_realised_month_are_refused(panel, fast_config, tmp_path):
    with pytest.raises(BacktestError, match="no realised month"):
        run_backtest(FrameSource(panel), [], [pd.Period("2020-12", freq="M")], 3, tmp_path, **spec_kw(), progress=False)


def test_a_changed_variant_is_recomputed_and_the_others_reused_and_the_log_says_why(panel, fast_config, tmp_path):
    origins = parse_origins("2019-03:2019-09:6")
    first, rec, lines = load_spec(), Recorder(), []
    run_backtest(
        FrameSource(panel),
        ["drift"],
        origins,
        4,
        tmp_path,
        progress=False,
        forecast_fn=rec,
        catalog=first.variants,
        config=first.forecast,
        log=lines.append,
    )
    assert len(rec.calls) == 4 and all("not computed yet" in x for x in lines)
    # one parameter of one variant changes: only that variant's parts are recomputed
    text = (fast_config / "variants.yaml").read_text()
    (fast_config / "variants.yaml").write_text(
        text.replace("drift: {family: drift}", "drift: {family: drift, window: 36}")
    )
    edited, rec2, lines2 = load_spec(), Recorder(), []
    run_backtest(
        FrameSource(panel),
        ["drift"],
        origins,
        4,
        tmp_path,
        progress=False,
        forecast_fn=rec2,
        catalog=edited.variants,
        config=edited.forecast,
        log=lines2.append,
    )
    assert sorted((c["cutoff"], c["variant"]) for c in rec2.calls) == [("2019-03", "drift"), ("2019-09", "drift")]
    assert "backtest baseline: 2 of 2 origin(s) reused (same spec, data and code)" in lines2
    assert "backtest drift: 2 of 2 origin(s) recomputed (changed: variant spec or forecast settings)" in lines2
    # a change of the forecast settings recomputes every variant
    config = edited.forecast.model_copy(update={"n_samples": 150})
    lines3: list[str] = []
    run_backtest(
        FrameSource(panel),
        ["drift"],
        origins,
        4,
        tmp_path,
        progress=False,
        forecast_fn=Recorder(),
        catalog=edited.variants,
        config=config,
        log=lines3.append,
    )
    assert all("recomputed (changed: variant spec or forecast settings)" in x for x in lines3) and len(lines3) == 2


def test_publication_lag_the_origin_month_is_not_seen_but_forecast_and_scored(panel, fast_config, tmp_path):
    """Regression (issue 26): with a one-month publication lag, the forecast made at origin O reads months up
    to O-1 only (baseline and model alike), and O itself is forecast (horizon 1) and scored."""
    rec = Recorder()
    origin = pd.Period("2019-06", freq="M")
    detail = run_backtest(
        FrameSource(panel, lag_months=1),
        ["drift"],
        [origin],
        3,
        tmp_path,
        **spec_kw(),
        progress=False,
        forecast_fn=rec,
    )
    assert {c["cutoff"] for c in rec.calls} == {"2019-05"}
    assert all(c["last"] == pd.Period("2019-05", freq="M") for c in rec.calls)
    months = detail.loc[detail["target"] == "month"]
    assert set(months["origin"]) == {"2019-06"}
    assert months["period"].astype(str).min() == "2019-06"
    # a folder made without a lag refuses to mix with one made with it
    with pytest.raises(BacktestError, match="publication_lag_months"):
        run_backtest(FrameSource(panel), ["drift"], [origin], 3, tmp_path, **spec_kw(), progress=False)
