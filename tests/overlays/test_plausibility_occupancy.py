"""Plausibility of a published figure (against an independent count) and occupancy overlays on assumptions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.errors import ConfigError, DataError
from mpp.overlays import apply_to_assumptions, percentile_of, plausibility
from mpp.project import default_config_dir
from mpp.spec import load_assumptions, load_overlays

ASSUMPTIONS = default_config_dir() / "assumptions" / "kernprognose_2025.yaml"


def test_percentile_counts_ties_half():
    assert percentile_of(np.array([1.0, 2.0, 3.0, 4.0]), 2.5) == 50.0
    assert percentile_of(np.array([1.0, 2.0, 3.0, 4.0]), 2.0) == 37.5
    assert percentile_of(np.array([1.0, 2.0]), 0.0) == 0.0


def test_plausibility_matches_an_independent_count(result):
    sid, year = "TOTAL/TOTAL", 2026
    i = result.series_ids.index(sid)
    annual = result.paths[i][result.periods.year == year].sum(axis=0)  # 2026 lies fully in the horizon
    figure = float(np.quantile(annual, 0.2))
    p = plausibility(result, sid, year, figure, "test")
    assert p["percentile"] == pytest.approx(100.0 * np.mean(annual < figure) + 50.0 * np.mean(annual == figure))
    assert p["percentile"] == pytest.approx(20.0, abs=0.5)
    med = float(np.median(annual))
    assert p["model_median"] == pytest.approx(med)
    assert p["implied_change"] == pytest.approx(figure - med)
    assert p["implied_change_pct_low"] <= p["implied_change_pct"] <= p["implied_change_pct_high"]
    # a year under way: the realised months count
    h = result.history_wide[sid]
    realised = float(h[h.index >= pd.Period("2025-01", "M")].sum())
    a25 = realised + result.paths[i][result.periods.year == 2025].sum(axis=0)
    assert plausibility(result, sid, 2025, 1e9)["model_median"] == pytest.approx(float(np.median(a25)))
    with pytest.raises(DataError, match="2028 is not a complete year"):
        plausibility(result, sid, 2028, 1.0)


def test_occupancy_overlay_changes_the_assumption_schedule_only_from_its_start(overlay_file):
    a = load_assumptions(ASSUMPTIONS)
    months = pd.period_range("2026-01", "2027-12", freq="M")
    p = overlay_file(
        "pact",
        """
        - quantity: grant_rate
          start: 2026-07
          phase_in_months: 2
          change: additive
          size: -0.1
        - quantity: decision_capacity
          start: 2027-01
          change: multiplicative
          size: {quantiles: {0.1: 1.1, 0.5: 1.2, 0.9: 1.5}}
    """,
    )
    new, records = apply_to_assumptions(a, load_overlays([p]), months)
    g0, g1 = a.procedure.grant_rate.monthly(months), new.procedure.grant_rate.monthly(months)
    assert np.array_equal(g1[:6], g0[:6])
    np.testing.assert_allclose(g1[6:], g0[6:] + np.r_[-0.05, np.full(len(months) - 7, -0.1)])
    c0, c1 = a.procedure.ind_decision_capacity.monthly(months), new.procedure.ind_decision_capacity.monthly(months)
    np.testing.assert_allclose(c1, c0 * np.where(months >= pd.Period("2027-01", "M"), 1.2, 1.0))  # the median
    assert [r["parameter"] for r in records] == ["procedure.grant_rate", "procedure.ind_decision_capacity"]
    assert "overlay pact" in new.procedure.grant_rate.source
    assert new.procedure.dublin_share == a.procedure.dublin_share  # untouched
    # unit bounds hold: a grant rate cannot go below 0
    q = overlay_file("huge", "- {quantity: grant_rate, start: 2026-01, change: additive, size: -5}")
    low, _ = apply_to_assumptions(a, load_overlays([q]), months)
    assert low.procedure.grant_rate.monthly(months).min() == 0.0


def test_occupancy_overlay_conflicts_and_unknown_parameters_are_refused(overlay_file):
    a = load_assumptions(ASSUMPTIONS)
    months = pd.period_range("2026-01", "2027-12", freq="M")
    x = overlay_file("x", "- {quantity: dublin_share, start: 2026-06, change: additive, size: 0.05}")
    y = overlay_file("y", "- {quantity: dublin_share, start: 2027-01, change: multiplicative, size: 1.2}")
    with pytest.raises(ConfigError, match="overlays conflict.*procedure.dublin_share"):
        apply_to_assumptions(a, load_overlays([x, y]), months)
    z = overlay_file("z", "- {quantity: procedure.no_such_rate, start: 2026-06, change: additive, size: 0.05}")
    with pytest.raises(ConfigError, match="'procedure.no_such_rate' is not a parameter of the assumptions"):
        apply_to_assumptions(a, load_overlays([z]), months)


def test_inflow_run_ignores_occupancy_effects(result, overlay_file):
    from mpp.overlays import apply_overlays

    p = overlay_file("occ", "- {quantity: grant_rate, start: 2026-07, change: additive, size: -0.1}")
    run = apply_overlays(result, load_overlays([p]))
    assert np.array_equal(run.total.paths, result.paths)
    assert run.total.manifest["occupancy_overlay_effects"] == ["occ#1"]


def test_example_overlays_carry_the_published_figures(reference_dir):
    """The budget overlay's numbers are the budget's, as listed in the shared published figures."""
    root = default_config_dir() / "overlays"
    budget, pact = load_overlays([root / "budget_2025_inflow.yaml", root / "migration_pact_2026.yaml"])
    pub = pd.read_csv(reference_dir / "published_budget_and_capacity_figures.csv")
    pub = pub[(pub["vintage"] == "Begroting A&M 2025") & (pub["quantity"] == "total_asylum_inflow")]
    assert budget.overlay.effects[0].target.annual == dict(
        zip(pub["target_year"].astype(int), pub["value"].astype(float))
    )
    assert budget.overlay.status == "adopted"
    assert pact.overlay.status == "illustrative" and pact.overlay.effects[0].start == "2026-07"


def test_occupancy_projection_with_an_occupancy_overlay(result, overlay_file, tmp_path):
    """The projection reads the changed schedule: fewer grants -> fewer status holders; manifest records it."""
    from mpp.flows.forecast import write_forecast
    from mpp.flows.occupancy import project_from_forecast

    write_forecast(result, tmp_path / "fc")
    base = project_from_forecast(tmp_path / "fc", load_assumptions(ASSUMPTIONS), tmp_path / "occ")
    p = overlay_file("grants", "- {quantity: grant_rate, start: 2026-03, change: multiplicative, size: 0.5}")
    with_ov = project_from_forecast(
        tmp_path / "fc",
        load_assumptions(ASSUMPTIONS),
        tmp_path / "occ_ov",
        overlays=load_overlays([p]),
        overlay_effects=apply_to_assumptions,
    )
    assert base["overlays"] == [] and with_ov["overlays"][0]["name"] == "grants"
    assert with_ov["overlay_effects"][0]["parameter"] == "procedure.grant_rate"
    b = pd.read_csv(tmp_path / "occ" / "occupancy_bands.csv")
    o = pd.read_csv(tmp_path / "occ_ov" / "occupancy_bands.csv")
    sh_b = b[b["quantity"] == "status_holders"].set_index("period")["median"]
    sh_o = o[o["quantity"] == "status_holders"].set_index("period")["median"]
    assert (sh_o.loc[:"2026-02"] == sh_b.loc[:"2026-02"]).all()  # before the overlay starts: identical
    months = [m for m in sh_b.index if len(m) == 7 and "2026-06" <= m <= "2026-12"]
    assert (sh_o.loc[months] < sh_b.loc[months]).all()  # half the grants: fewer status holders


def test_housing_overlay_scales_the_realisation_rate_or_on_the_hazard_setting_the_hazard(overlay_file):
    """Regression: projection_2026 (the default, housing by the replay's hazard) has no realisation rate, so a
    `housing` overlay was refused as 'not a parameter'; it now scales the hazard by the same factor."""
    months = pd.period_range("2026-01", "2027-12", freq="M")
    p = overlay_file(
        "slow", "- {quantity: housing, start: 2026-07, phase_in_months: 2, change: multiplicative, size: 0.8}"
    )
    ramp = np.where(months >= pd.Period("2026-08", "M"), 0.8, np.where(months == pd.Period("2026-07", "M"), 0.9, 1.0))
    old = load_assumptions(ASSUMPTIONS)  # the Kernprognose setting: taakstelling x realisation rate
    new_old, rec = apply_to_assumptions(old, load_overlays([p]), months)
    r0, r1 = old.housing.realisation_rate.monthly(months), new_old.housing.realisation_rate.monthly(months)
    np.testing.assert_allclose(r1, r0 * ramp)
    assert rec[0]["parameter"] == "housing.realisation_rate"
    hz = default_config_dir() / "assumptions" / "projection_2026.yaml"
    a = load_assumptions(hz)  # the default: a monthly hazard from the replay, no realisation rate
    assert a.housing.realisation_rate is None and a.housing.hazard is not None
    new, rec = apply_to_assumptions(a, load_overlays([p]), months)
    np.testing.assert_allclose(new.housing.hazard.monthly(months), a.housing.hazard.monthly(months) * ramp)
    assert rec[0]["parameter"] == "housing.hazard" and "overlay slow" in new.housing.hazard.source
    assert new.procedure == a.procedure and new.departure == a.departure  # nothing else changes
    # an additive size is fraction points of a target: meaningless on a hazard, refused in one line naming both
    q = overlay_file("plus", "- {quantity: housing, start: 2026-07, change: additive, size: 0.1}")
    with pytest.raises(
        ConfigError, match=r"overlay 'plus' \(.*plus.*\) effect 1: an additive housing .*'projection_2026'"
    ):
        apply_to_assumptions(a, load_overlays([q]), months)
    assert apply_to_assumptions(old, load_overlays([q]), months)[1][0]["parameter"] == "housing.realisation_rate"
