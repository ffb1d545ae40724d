"""The stock-flow model: exact identity, non-negativity, capacity and lead time, step conversion, speed."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from occupancy_helpers import make_assumptions

from mpp.data.schema import STREAMS
from mpp.occupancy.model import GROUPS, OCCUPANCY_GROUPS, Stocks, project_occupancy

MONTHS = pd.period_range("2026-01", periods=36, freq="M")


def _inflow(h=36, n=50, level=(800.0, 50.0, 600.0, 20.0), seed=0):
    rng = np.random.default_rng(seed)
    return np.stack([rng.gamma(4.0, lv / 4.0, size=(h, n)) for lv in level])


def assert_identity_exact(res):
    prev = res.initial
    for t in range(res.stocks.shape[1]):
        recomputed = prev + res.inflow[:, t] - res.outflow[:, t]
        assert np.array_equal(recomputed, res.stocks[:, t]), f"identity broken at step {t}"
        prev = res.stocks[:, t]


def test_stock_flow_identity_holds_exactly_on_every_path_month_and_group():
    a = make_assumptions()
    res = project_occupancy(Stocks.from_assumptions(a), _inflow(), MONTHS, a)
    assert res.stocks.shape == (len(GROUPS), 36, 50)
    assert_identity_exact(res)
    assert (res.stocks >= 0).all()


def test_named_flows_add_up_to_group_totals():
    a = make_assumptions()
    res = project_occupancy(Stocks.from_assumptions(a), _inflow(), MONTHS, a)
    f = res.flows
    np.testing.assert_allclose(res.outflow[GROUPS.index("asylum_seekers")], f["other_outflow"] + f["decisions_coa"])
    np.testing.assert_allclose(res.inflow[GROUPS.index("status_holders")], f["intake_status_direct"] + f["grants"])
    np.testing.assert_allclose(res.outflow[GROUPS.index("status_holders")], f["housed"])
    np.testing.assert_allclose(f["decisions_coa"], f["dublin_transfers"] + f["grants"] + f["rejections"])
    np.testing.assert_allclose(
        res.outflow[GROUPS.index("rejected")], f["departure_voluntary"] + f["departure_forced"] + f["departure_unknown"]
    )
    # people are conserved: initial + arrivals = stocks + everyone who left the model
    left = (
        f["other_outflow"]
        + f["decisions_outside"]
        + f["dublin_transfers"]
        + f["housed"]
        + f["departure_voluntary"]
        + f["departure_forced"]
        + f["departure_unknown"]
    ).sum(axis=0)
    arrived = (f["intake_procedure_coa"] + f["intake_procedure_outside"] + f["intake_status_direct"]).sum(axis=0)
    np.testing.assert_allclose(res.initial.sum(axis=0) + arrived, res.stocks[:, -1].sum(axis=0) + left, rtol=1e-10)


def test_decisions_never_exceed_ind_capacity_and_backlog_carries_over():
    a = make_assumptions(capacity=100.0, stocks=(5000.0, 0.0, 0.0, 0.0), other=0.0)
    x = np.zeros((4, 36, 5))
    x[0] = 500.0
    res = project_occupancy(Stocks.from_assumptions(a), x, MONTHS, a)
    decided = res.flows["decisions_coa"] + res.flows["decisions_outside"]
    assert decided.max() <= 100.0 + 1e-9
    np.testing.assert_allclose(decided, 100.0)  # backlog large: capacity binds every month
    np.testing.assert_allclose(np.diff(res.ind_backlog(), axis=0), 400.0)  # werkvoorraad grows by in - out


def test_minimum_lead_time_blocks_decisions_on_recent_arrivals():
    a = make_assumptions(lead=3.0, stocks=(0.0, 0.0, 0.0, 0.0), other=0.0)
    res = project_occupancy(Stocks.from_assumptions(a), _inflow(level=(500.0, 0, 0, 0)), MONTHS, a)
    decided = res.flows["decisions_coa"] + res.flows["decisions_outside"]
    assert (decided[:3] == 0).all() and (decided[3] > 0).all()


def test_housing_follows_taakstelling_times_realisation_and_share_from_coa():
    a = make_assumptions(target=1200.0, realisation=0.5, from_coa=0.5, stocks=(0.0, 0.0, 10_000.0, 0.0))
    res = project_occupancy(Stocks.from_assumptions(a), np.zeros((4, 36, 3)), MONTHS, a)
    np.testing.assert_allclose(res.flows["housed"][:6], 1200.0 / 6 * 0.25)


def test_housing_hazard_houses_that_share_of_waiting_status_holders_and_adds_to_the_targets():
    from occupancy_helpers import assumptions_dict

    from mpp.errors import ConfigError
    from mpp.occupancy.assumptions import parse_assumptions

    d = assumptions_dict(stocks=(0.0, 0.0, 10_000.0, 0.0), housing_hazard=0.1)
    d["housing"] = {"hazard": d["housing"]["hazard"]}  # no targets at all (a replay of years without them)
    a = parse_assumptions(d)
    res = project_occupancy(Stocks.from_assumptions(a), np.zeros((4, 36, 2)), MONTHS, a)
    np.testing.assert_allclose(res.group("status_holders")[:, 0], 10_000.0 * 0.9 ** np.arange(1, 37))
    both = make_assumptions(
        target=1200.0, realisation=0.5, from_coa=0.5, stocks=(0.0, 0.0, 10_000.0, 0.0), housing_hazard=0.1
    )
    res = project_occupancy(Stocks.from_assumptions(both), np.zeros((4, 36, 2)), MONTHS, both)
    assert res.flows["housed"][0, 0] == pytest.approx(1200.0 / 6 * 0.25 + 0.1 * 10_000.0)
    with pytest.raises(ConfigError, match="taakstelling .* or a monthly hazard"):
        parse_assumptions({**d, "housing": {}})
    with pytest.raises(ConfigError, match="needs realisation_rate and share_from_coa"):
        parse_assumptions({**d, "housing": {"taakstelling": assumptions_dict()["housing"]["taakstelling"]}})


def test_missing_streams_are_zero_inflow():
    a = make_assumptions()
    x = _inflow()
    full = project_occupancy(Stocks.from_assumptions(a), x, MONTHS, a)
    only_first = project_occupancy(Stocks.from_assumptions(a), x[:1], MONTHS, a, streams=("first_asylum_request",))
    zeroed = x.copy()
    zeroed[1:] = 0
    ref = project_occupancy(Stocks.from_assumptions(a), zeroed, MONTHS, a)
    np.testing.assert_array_equal(only_first.stocks, ref.stocks)
    assert not np.array_equal(full.stocks, ref.stocks)


def test_quarterly_step_converts_rates_and_matches_monthly_run_in_steady_state():
    # zero stocks and constant inflow with non-binding capacity: both step lengths converge to the same level
    a = make_assumptions(capacity=1e6, lead=0.0, stocks=(0, 0, 0, 0), target=0.0, years=range(2026, 2036))
    h = 120
    months = pd.period_range("2026-01", periods=h, freq="M")
    quarters = pd.period_range("2026Q1", periods=h // 3, freq="Q")
    xm = np.full((4, h, 1), 0.0)
    xm[0] = 300.0
    xq = xm.reshape(4, h // 3, 3, 1).sum(axis=2)
    m = project_occupancy(Stocks.from_assumptions(a), xm, months, a)
    qq = project_occupancy(Stocks.from_assumptions(a), xq, quarters, a)
    assert_identity_exact(qq)
    # rejected stock: monthly hazard 0.1 vs quarterly 1 - 0.9**3; both near inflow/hazard in steady state
    rm, rq = m.group("rejected")[-1, 0], qq.group("rejected")[-1, 0]
    assert rq == pytest.approx(rm, rel=0.25)


def test_thousand_samples_thirty_six_months_well_under_a_second():
    a = make_assumptions()
    x = _inflow(n=1000)
    t0 = time.perf_counter()
    project_occupancy(Stocks.from_assumptions(a), x, MONTHS, a)
    assert time.perf_counter() - t0 < 0.5


def test_rejects_bad_inflow_shapes_and_values():
    a = make_assumptions()
    with pytest.raises(ValueError):
        project_occupancy(Stocks.from_assumptions(a), np.zeros((4, 10, 2)), MONTHS, a)
    bad = _inflow()
    bad[0, 0, 0] = -1
    with pytest.raises(ValueError):
        project_occupancy(Stocks.from_assumptions(a), bad, MONTHS, a)


fraction = st.floats(0.0, 1.0)
rate = st.floats(0.0, 1.0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stocks=st.tuples(*[st.floats(0.0, 1e6)] * 4),
    capacity=st.floats(0.0, 1e5),
    lead=st.floats(0.0, 12.0),
    grant=fraction,
    dublin=fraction,
    other=rate,
    shares=st.tuples(*[fraction] * 4),
    target=st.floats(0.0, 1e5),
    realisation=fraction,
    from_coa=fraction,
    hazard=rate,
    housing_hazard=st.none() | rate,
    quarterly=st.booleans(),
    inflow=arrays(np.float64, (4, 12, 3), elements=st.floats(0.0, 1e5)),
)
def test_identity_and_non_negativity_hold_for_random_assumptions_and_inflows(
    stocks,
    capacity,
    lead,
    grant,
    dublin,
    other,
    shares,
    target,
    realisation,
    from_coa,
    hazard,
    housing_hazard,
    quarterly,
    inflow,
):
    a = make_assumptions(
        stocks=stocks,
        capacity=capacity,
        lead=lead,
        grant=grant,
        dublin=dublin,
        other=other,
        shares=shares,
        target=target,
        realisation=realisation,
        from_coa=from_coa,
        hazard=hazard,
        years=(2026, 2027, 2028, 2029),
        housing_hazard=housing_hazard,
    )
    periods = pd.period_range("2026Q1", periods=12, freq="Q") if quarterly else MONTHS[:12]
    res = project_occupancy(Stocks.from_assumptions(a), inflow, periods, a)
    assert_identity_exact(res)
    assert (res.stocks >= 0).all()
    assert np.isfinite(res.stocks).all()
    occ = res.occupancy()
    np.testing.assert_array_equal(occ, sum(res.group(g) for g in OCCUPANCY_GROUPS))
    assert ((res.status_holder_share() >= 0) & (res.status_holder_share() <= 1 + 1e-12)).all()
    assert STREAMS  # streams order is the contract of the inflow axis


def test_housing_overlay_on_the_default_hazard_setting_keeps_more_status_holders_in_coa(tmp_path):
    """Regression: a `housing` overlay x0.5 on projection_2026 (housing by the replay's hazard) halves the
    share of waiting status holders housed each month, so more of them stay in COA; before, it was refused."""
    from mpp.overlays import apply_to_assumptions
    from mpp.project import default_config_dir
    from mpp.spec import load_assumptions, load_overlays

    f = tmp_path / "half.yaml"
    f.write_text(
        "name: half\nversion: '1'\ndescription: half the housing\nsource: {document: test, date: 2026-01}\nstatus: scenario\n"
        "effects:\n  - {quantity: housing, start: 2026-01, change: multiplicative, size: 0.5}\n"
    )
    a = load_assumptions(default_config_dir() / "assumptions" / "projection_2026.yaml")
    b, _ = apply_to_assumptions(a, load_overlays([f]), MONTHS)
    x = np.zeros((4, 36, 3))
    base, half = (project_occupancy(Stocks.from_assumptions(s), x, MONTHS, s) for s in (a, b))
    assert base.flows["housed"][0, 0] > 0
    assert half.flows["housed"][0, 0] == pytest.approx(0.5 * base.flows["housed"][0, 0])
    assert (half.group("status_holders") > base.group("status_holders")).all()
