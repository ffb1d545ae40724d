"""Overlays on sample paths: identity, exactness, coherence, conflicts, unknown series, reproducibility."""

from __future__ import annotations

import filecmp
import json

import numpy as np
import pandas as pd
import pytest
from overlayfixture import make_result

from mpp.errors import ConfigError
from mpp.flows.forecast import write_forecast
from mpp.flows.overlays import write_overlay_run
from mpp.overlays import apply_overlays
from mpp.spec import load_overlay, load_overlays


def assert_coherent(res, atol=1e-6):
    ids, p = res.series_ids, res.paths
    bottom = [i for i, s in enumerate(ids) if "TOTAL" not in s]
    np.testing.assert_allclose(p[ids.index("TOTAL/TOTAL")], p[bottom].sum(axis=0), atol=atol, rtol=0)
    for key, pos in (("stream", 0), ("nat", 1)):
        for part in {ids[i].split("/")[pos] for i in bottom}:
            members = [i for i in bottom if ids[i].split("/")[pos] == part]
            agg = f"{part}/TOTAL" if pos == 0 else f"TOTAL/{part}"
            np.testing.assert_allclose(p[ids.index(agg)], p[members].sum(axis=0), atol=atol, rtol=0)


@pytest.mark.parametrize(
    "effect",
    [
        "- {start: 2026-01, change: additive, size: 0}",
        "- {start: 2025-07, change: multiplicative, size: 1, phase_in_months: 4}",
        "- {start: 2026-01, change: multiplicative, size: {quantiles: {0.05: 1.0, 0.95: 1.0}}}",
    ],
)
def test_size_zero_or_factor_one_leaves_every_output_byte_identical(result, overlay_file, tmp_path, effect):
    model_dir, total_dir = tmp_path / "model", tmp_path / "with"
    write_forecast(result, model_dir)
    run = apply_overlays(result, load_overlays([overlay_file("noop", effect)]))
    write_forecast(run.total, total_dir)
    for f in ("bands_monthly.csv", "bands_annual.csv", "paths.parquet", "history.csv", "fits.csv"):
        assert filecmp.cmp(model_dir / f, total_dir / f, shallow=False), f
    assert np.array_equal(run.total.paths, result.paths)
    contrib = run.contributions[["minimum", "median", "medio", "maximum", "mean"]].to_numpy()
    assert (contrib == 0).all()


def test_deterministic_factor_scales_exactly_the_touched_series_and_months(result, overlay_file):
    path = overlay_file(
        "cut",
        """
        - streams: [first_asylum_request]
          nationalities: [SYR, ERI]
          start: 2026-03
          end: 2026-08
          change: multiplicative
          size: 0.8
    """,
    )
    before = result.paths.copy()
    run = apply_overlays(result, load_overlays([path]))
    after = run.total.paths
    months = (run.total.periods >= pd.Period("2026-03", "M")) & (run.total.periods <= pd.Period("2026-08", "M"))
    ids = result.series_ids
    touched = ["first_asylum_request/SYR", "first_asylum_request/ERI"]
    for sid in ids:
        i = ids.index(sid)
        if sid in touched:
            np.testing.assert_allclose(after[i][months], 0.8 * before[i][months], rtol=1e-12)
            assert np.array_equal(after[i][~months], before[i][~months])
        elif "TOTAL" not in sid:
            assert np.array_equal(after[i], before[i]), sid  # untouched bottom series: bit for bit
    # aggregates that contain no touched series are bit for bit the same
    for sid in ("nareizigers/TOTAL", "TOTAL/OTHER"):
        assert np.array_equal(after[ids.index(sid)], before[ids.index(sid)])
    # the first stream's total falls by exactly the change of its two touched members
    i = ids.index("first_asylum_request/TOTAL")
    change = sum(0.2 * before[ids.index(s)][months] for s in touched)
    np.testing.assert_allclose(before[i][months] - after[i][months], change, rtol=1e-9)
    assert np.array_equal(result.paths, before)  # the model-only forecast is not changed
    assert_coherent(run.total)


def test_phase_in_ramps_linearly(result, overlay_file):
    path = overlay_file("ramp", "- {start: 2026-01, change: multiplicative, size: 0.5, phase_in_months: 4}")
    run = apply_overlays(result, load_overlays([path]))
    i = result.series_ids.index("nareizigers/SYR")
    ratio = run.total.paths[i] / result.paths[i]
    first = list(result.periods).index(pd.Period("2026-01", "M"))
    np.testing.assert_allclose(ratio[first - 1 : first + 5, 0], [1.0, 0.875, 0.75, 0.625, 0.5, 0.5])


def test_coherent_after_uncertain_additive_and_multiplicative_overlays(result, overlay_file):
    a = overlay_file(
        "add",
        """
        - streams: [nareizigers]
          start: 2025-09
          change: additive
          size: {quantiles: {0.05: -300, 0.5: -100, 0.95: 50}}
    """,
        order=1,
    )
    b = overlay_file(
        "mul", "- {start: 2026-01, change: multiplicative, size: {quantiles: {0.1: 0.7, 0.9: 1.1}}}", order=2
    )
    run = apply_overlays(result, load_overlays([a, b]))
    assert_coherent(run.total)
    assert (run.total.paths >= -1e-9).all()
    assert run.order == ["add", "mul"]
    # per path, the overlays' contributions add up to total minus model (telescoping), here on the means
    c = run.contributions.groupby(["series_id", "year"])["mean"].sum()
    ba_m = result.paths[result.series_ids.index("TOTAL/TOTAL")]
    ba_t = run.total.paths[run.total.series_ids.index("TOTAL/TOTAL")]
    in_2027 = run.total.periods.year == 2027
    assert c[("TOTAL/TOTAL", 2027)] == pytest.approx((ba_t[in_2027] - ba_m[in_2027]).sum(axis=0).mean())


def test_uncertainty_drawn_per_path_from_the_run_seed(result, overlay_file):
    path = overlay_file("unc", "- {start: 2026-01, change: multiplicative, size: {quantiles: {0.05: 0.5, 0.95: 1.5}}}")
    ov = load_overlays([path])
    r1, r2 = apply_overlays(result, ov), apply_overlays(result, ov)
    assert np.array_equal(r1.total.paths, r2.total.paths)
    r3 = apply_overlays(result, ov, seed=8)
    assert not np.array_equal(r1.total.paths, r3.total.paths)
    i = result.series_ids.index("nareizigers/ERI")
    factors = (r1.total.paths[i] / result.paths[i])[-1]  # one size per path
    assert factors.std() > 0.1 and 0.5 - 1e-9 <= factors.min() and factors.max() <= 1.5 + 1e-9
    np.testing.assert_allclose(np.median(factors), 1.0, atol=0.08)


def test_overlapping_overlays_without_order_are_refused(result, overlay_file):
    a = overlay_file("one", "- {streams: [nareizigers], start: 2026-01, change: multiplicative, size: 0.9}")
    b = overlay_file("two", "- {nationalities: [SYR], start: 2026-06, change: additive, size: -10}")
    with pytest.raises(
        ConfigError, match=r"overlays conflict: overlay 'one'.*overlay 'two'.*nareizigers/SYR in 2026-06"
    ):
        apply_overlays(result, load_overlays([a, b]))
    # with a distinct order they are applied in that order, and the order matters
    a1 = overlay_file("one", "- {streams: [nareizigers], start: 2026-01, change: multiplicative, size: 0.9}", order=2)
    b1 = overlay_file("two", "- {nationalities: [SYR], start: 2026-06, change: additive, size: -10}", order=1)
    run = apply_overlays(result, load_overlays([a1, b1]))
    assert run.order == ["two", "one"]
    # not overlapping (other months): no order needed
    c = overlay_file("three", "- {streams: [nareizigers], start: 2025-07, end: 2025-12, change: additive, size: 5}")
    apply_overlays(result, load_overlays([a, c]))


def test_two_effects_of_one_overlay_on_the_same_cells_are_refused(result, overlay_file):
    p = overlay_file(
        "twice",
        """
        - {start: 2026-01, change: multiplicative, size: 0.9}
        - {streams: [nareizigers], start: 2027-01, change: multiplicative, size: 0.9}
    """,
    )
    with pytest.raises(ConfigError, match="two effects of one overlay"):
        apply_overlays(result, load_overlays([p]))


@pytest.mark.parametrize(
    "effect, message",
    [
        (
            "- {streams: [resettlement], start: 2026-01, change: additive, size: 5}",
            r"stream\(s\) resettlement not in this forecast \(its streams: first_asylum_request, nareizigers\)",
        ),
        (
            "- {nationalities: [AFG], start: 2026-01, change: additive, size: 5}",
            r"nationality 'AFG' is not a series of this forecast.*known: ERI, OTHER, SYR",
        ),
        (
            "- {target: {series: resettlement/TOTAL, annual: {2026: 100}}}",
            r"target series 'resettlement/TOTAL' is not in this forecast",
        ),
    ],
)
def test_unknown_series_are_refused_with_a_clear_message(result, overlay_file, effect, message):
    with pytest.raises(ConfigError, match=message):
        apply_overlays(result, load_overlays([overlay_file("unknown", effect)]))


def test_target_form_reaches_the_published_medians_and_reports_the_implied_change(result, overlay_file):
    model_2026 = float(result.bands_annual.query("series_id == 'TOTAL/TOTAL' and year == 2026")["median"].iloc[0])
    p = overlay_file(
        "budget",
        """
        - target:
            series: TOTAL/TOTAL
            annual: {2024: 50000, 2025: 1000, 2026: 4000, 2027: 9000}
    """,
        status="adopted",
    )
    run = apply_overlays(result, load_overlays([p]))
    ba = run.total.bands_annual.set_index(["series_id", "year"])
    assert ba.loc[("TOTAL/TOTAL", 2026), "median"] == pytest.approx(4000, rel=1e-9)
    assert ba.loc[("TOTAL/TOTAL", 2027), "median"] == pytest.approx(9000, rel=1e-9)
    imp = run.implied.set_index("year")
    assert set(imp.index) == {2025, 2026, 2027}
    assert imp.loc[2026, "median_before"] == pytest.approx(model_2026)
    assert imp.loc[2026, "implied_change"] == pytest.approx(4000 - model_2026)
    # 2025 has 6 realised months above the figure: the remaining months go to 0, and a note says so
    assert imp.loc[2025, "implied_factor"] == 0.0
    assert any("below what is already realised" in n for n in run.notes)
    assert any("2024 is not a complete year" in n for n in run.notes)
    assert_coherent(run.total)


def test_stream_target_changes_only_that_stream(result, overlay_file):
    p = overlay_file("n", "- {target: {series: nareizigers/TOTAL, annual: {2027: 5000}}}")
    run = apply_overlays(result, load_overlays([p]))
    ids = result.series_ids
    assert np.array_equal(
        run.total.paths[ids.index("first_asylum_request/TOTAL")], result.paths[ids.index("first_asylum_request/TOTAL")]
    )
    med = run.total.bands_annual.set_index(["series_id", "year"]).loc[("nareizigers/TOTAL", 2027), "median"]
    assert med == pytest.approx(5000)


def test_model_only_outputs_are_identical_with_and_without_overlays(tmp_path, overlay_file):
    plain, with_ov = tmp_path / "plain", tmp_path / "with"
    write_forecast(make_result(), plain)
    r = make_result()
    write_forecast(r, with_ov)
    run = apply_overlays(r, load_overlays([overlay_file("x", "- {start: 2026-01, change: multiplicative, size: 0.5}")]))
    write_overlay_run(run, with_ov)
    for f in ("bands_monthly.csv", "bands_annual.csv", "paths.parquet", "history.csv", "fits.csv"):
        assert filecmp.cmp(plain / f, with_ov / f, shallow=False), f
    assert json.loads((plain / "manifest.json").read_text()) == json.loads((with_ov / "manifest.json").read_text())
    written = {p.name for p in (with_ov / "overlays").iterdir()}
    assert {
        "summary.csv",
        "contributions.csv",
        "implied.csv",
        "plausibility.csv",
        "bands_annual.csv",
        "paths.parquet",
        "manifest.json",
        "files",
    } <= written
    m = json.loads((with_ov / "overlays" / "manifest.json").read_text())
    assert m["label"] == "model + overlays" and m["overlays"][0]["name"] == "x"
    assert len(m["overlays"][0]["sha256"]) == 64
    summary = pd.read_csv(with_ov / "overlays" / "summary.csv")
    assert list(summary.query("series_id == 'TOTAL/TOTAL' and year == 2026")["component"]) == [
        "model",
        "overlay: x",
        "total",
    ]


def test_load_errors_are_one_clear_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nversion: 1\ndescription: xyz\nsource: {document: doc, date: '2024'}\n"
        "status: maybe\neffects:\n  - {start: 2026-13, change: additive, size: 1}\n"
    )
    with pytest.raises(ConfigError) as e:
        load_overlay(bad)
    msg = str(e.value)
    assert str(bad) in msg and "status" in msg and "start must be a month YYYY-MM" in msg and "\n" not in msg
    with pytest.raises(ConfigError, match="overlay file not found"):
        load_overlay(tmp_path / "nope.yaml")
    neg = tmp_path / "neg.yaml"
    neg.write_text(
        "name: x\nversion: 1\ndescription: xyz\nsource: {document: doc, date: '2024'}\n"
        "status: scenario\neffects:\n  - {start: 2026-01, change: multiplicative, size: -1}\n"
    )
    with pytest.raises(ConfigError, match="must be >= 0"):
        load_overlay(neg)
    dup = tmp_path / "dup.yaml"
    dup.write_text("name: x\nname: y\n")
    with pytest.raises(ConfigError, match=r"dup.yaml:2: duplicate key 'name'"):
        load_overlay(dup)


def test_overlays_on_a_forecast_read_back_from_its_directory(result, overlay_file, tmp_path):
    """A written forecast (manifest keys sorted by the JSON round trip) gives the same overlay run."""
    from mpp.overlays import read_forecast_dir

    write_forecast(result, tmp_path / "fc")
    ov = load_overlays(
        [overlay_file("x", "- {start: 2026-01, change: multiplicative, size: {quantiles: {0.1: 0.5, 0.9: 1.2}}}")]
    )
    a, b = apply_overlays(result, ov), apply_overlays(read_forecast_dir(tmp_path / "fc"), ov)
    np.testing.assert_array_equal(a.total.paths, b.total.paths)
