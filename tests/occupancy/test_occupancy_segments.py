"""The reception-chain segments: amv (COA and Nidos places), the Ukrainian module (optional, off = no change),
parameter uncertainty of IND capacity and grant rate, and the IND flows' bands."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from occupancy_helpers import assumptions_dict, example_dict, q
from test_occupancy_model import _inflow, assert_identity_exact

from mpp.occupancy.assumptions import parse_assumptions
from mpp.occupancy.model import Stocks, project_occupancy
from mpp.occupancy.outputs import flow_bands, occupancy_bands

MONTHS = pd.period_range("2026-01", periods=36, freq="M")


def _amv(share=0.15, dec=0.07, grant=0.6, rej=0.05, nid=0.04, stocks=(700.0, 50.0, 300.0)):
    return {
        "share_of_first_requests": q(share, "fraction"),
        "decision_hazard": q(dec, "per month"),
        "grant_rate": q(grant, "fraction"),
        "rejected_departure_hazard": q(rej, "per month"),
        "nidos_exit_hazard": q(nid, "per month"),
        "initial_pending": q(stocks[0], "persons"),
        "initial_rejected": q(stocks[1], "persons"),
        "initial_nidos": q(stocks[2], "persons"),
    }


def _ukraine(enabled=True, share=0.25, spread=6, end="2027-03", stock=100_000.0):
    sc = {
        "label": f"SCENARIO test: {share:.0%} file",
        "initial_stock": q(stock, "persons"),
        "arrivals": q(500.0, "persons per month"),
        "departure_hazard": q(0.01, "per month"),
        "share_filing_asylum": q(share, "fraction"),
        "spread_months": q(spread, "months"),
    }
    return {
        "enabled": enabled,
        "directive_end": end,
        "directive_end_source": "test",
        "active": "central",
        "scenarios": {"central": sc},
    }


def _uncertainty(seed=3):
    return {
        "seed": seed,
        "capacity_log_sd": q(0.3, "log standard deviation"),
        "grant_rate_logit_sd": q(0.6, "log standard deviation"),
        "amv_share_log_sd": q(0.25, "log standard deviation"),
    }


def _run(d, inflow=None):
    a = parse_assumptions(d)
    return project_occupancy(Stocks.from_assumptions(a), _inflow() if inflow is None else inflow, MONTHS, a)


def assert_segment_identity_exact(seg):
    prev = seg.initial
    for t in range(seg.stocks.shape[1]):
        assert np.array_equal(prev + seg.inflow[:, t] - seg.outflow[:, t], seg.stocks[:, t]), f"step {t}"
        prev = seg.stocks[:, t]
    assert (seg.stocks >= 0).all()


def test_every_segment_keeps_the_exact_identity_on_every_path_and_month():
    d = assumptions_dict()
    d.update(amv=_amv(), ukraine=_ukraine(), uncertainty=_uncertainty())
    res = _run(d)
    assert_identity_exact(res)
    assert_segment_identity_exact(res.amv)
    assert_segment_identity_exact(res.ukraine)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    share=st.floats(0, 1),
    dec=st.floats(0, 1),
    grant=st.floats(0, 1),
    rej=st.floats(0, 1),
    nid=st.floats(0, 1),
    u_share=st.floats(0, 1),
    spread=st.integers(1, 12),
    seed=st.integers(0, 10**6),
    exits=st.floats(0, 5000),
    reent=st.floats(0, 500),
    grant_rep=st.floats(0, 1),
)
def test_identities_hold_exactly_for_random_segment_parameters(
    share, dec, grant, rej, nid, u_share, spread, seed, exits, reent, grant_rep
):
    d = assumptions_dict()
    d["procedure"].update(
        other_exits=q(exits, "persons per month"),
        reentries=q(reent, "persons per month"),
        other_exits_to_rejected=q(0.3, "fraction"),
        grant_rate_repeat=q(grant_rep, "fraction"),
    )
    d.update(
        amv=_amv(share, dec, grant, rej, nid),
        ukraine=_ukraine(share=u_share, spread=spread, end="2026-06"),
        uncertainty=_uncertainty(seed),
    )
    res = _run(d, _inflow(h=36, n=20, seed=seed % 100))
    assert_identity_exact(res)
    assert_segment_identity_exact(res.amv)
    assert_segment_identity_exact(res.ukraine)
    assert (res.stocks >= 0).all()


@pytest.mark.parametrize("off", ["disabled", "absent"])
def test_ukrainian_module_switched_off_changes_nothing(off):
    d = assumptions_dict()
    d.update(amv=_amv(), uncertainty=_uncertainty())
    base = _run(d)
    d2 = copy.deepcopy(d)
    if off == "disabled":
        d2["ukraine"] = _ukraine(enabled=False)
    other = _run(d2)
    assert other.ukraine is None
    for name, arr in base.quantities().items():
        assert np.array_equal(arr, other.quantities()[name]), name
    for name, arr in base.flows.items():
        assert np.array_equal(arr, other.flows[name]), name
    pd.testing.assert_frame_equal(occupancy_bands(base), occupancy_bands(other))
    pd.testing.assert_frame_equal(flow_bands(base), flow_bands(other))


def test_ukrainian_scenario_empties_municipal_reception_after_the_directive_and_adds_the_filers_to_first_requests():
    d = assumptions_dict()
    d["ukraine"] = _ukraine(share=0.25, spread=6, end="2027-03")
    res = _run(d)
    u = res.ukraine
    stock = u.group("ukraine_municipal")[:, 0]
    end = list(MONTHS).index(pd.Period("2027-03", freq="M"))
    before = stock[end - 1]
    assert stock[end + 5] == 0.0 and (stock[end + 5 :] == 0).all()
    filings = u.flows["asylum_filings"][:, 0]
    assert filings[:end].sum() == 0
    assert filings.sum() == pytest.approx(0.25 * before)
    base = _run(assumptions_dict())
    added = (
        res.flows["intake_procedure_coa"]
        + res.flows["intake_procedure_outside"]
        - base.flows["intake_procedure_coa"]
        - base.flows["intake_procedure_outside"]
    )
    np.testing.assert_allclose(added, np.broadcast_to(filings[:, None], added.shape), atol=1e-6)
    assert res.occupancy()[end + 6].mean() > base.occupancy()[end + 6].mean()


def test_amv_take_their_share_of_first_requests_into_coa_and_nidos_places():
    d = assumptions_dict()
    d["amv"] = _amv(share=0.2)
    res = _run(d)
    base = _run(assumptions_dict())
    x = _inflow()[0]
    np.testing.assert_allclose(res.amv.flows["amv_intake"], 0.2 * x)
    np.testing.assert_allclose(
        res.flows["intake_procedure_coa"] + res.flows["intake_procedure_outside"] + res.amv.flows["amv_intake"],
        base.flows["intake_procedure_coa"] + base.flows["intake_procedure_outside"],
    )
    qn = res.quantities()
    np.testing.assert_allclose(qn["amv_coa_places"], res.amv.group("amv_pending") + res.amv.group("amv_rejected"))
    np.testing.assert_allclose(
        qn["occupancy_total"],
        sum(res.group(g) for g in ("asylum_seekers", "status_holders", "rejected")) + qn["amv_coa_places"],
    )
    np.testing.assert_allclose(qn["capacity_need"], qn["occupancy_total"] * 1.05)
    np.testing.assert_allclose(qn["nidos_places"], res.amv.group("amv_nidos"))
    # amv grants move to Nidos, amv decisions count as IND decisions and grants
    f = res.decision_flows()
    np.testing.assert_allclose(
        f["ind_decisions"], res.flows["decisions_coa"] + res.flows["decisions_outside"] + res.amv.flows["amv_decisions"]
    )


def test_parameter_uncertainty_is_seeded_and_widens_decisions_and_grant_rate():
    d = assumptions_dict(capacity=2000.0, stocks=(20000.0, 1000.0, 500.0, 200.0))
    plain = _run(d)
    d["uncertainty"] = _uncertainty(seed=5)
    one, two = _run(d), _run(d)
    assert np.array_equal(one.stocks, two.stocks)
    dec = one.decision_flows()["ind_decisions"]
    assert np.ptp(dec[0]) > 0.5 * np.ptp(plain.decision_flows()["ind_decisions"][0]) + 100
    g = one.flows["grants"] / (one.flows["decisions_coa"] - one.flows["dublin_transfers"])
    assert g[0].std() > 0.05 and ((g > 0) & (g < 1)).all()
    d["uncertainty"] = _uncertainty(seed=6)
    assert not np.array_equal(_run(d).stocks, one.stocks)


def test_bands_cover_ind_flows_per_month_and_year_in_order():
    d = assumptions_dict()
    d.update(amv=_amv(), uncertainty=_uncertainty())
    res = _run(d)
    stocks, b = occupancy_bands(res), flow_bands(res)
    for name in ("ind_backlog", "amv_coa_places", "amv_capacity_need", "nidos_places", "capacity_need"):
        assert name in set(stocks["quantity"]), name
    assert set(b["quantity"]) == {"ind_decisions", "ind_decisions_merits", "ind_grants", "grant_rate"}
    dec = b[(b["quantity"] == "ind_decisions") & (b["period"] == "2027")]
    assert dec["median"].iloc[0] == pytest.approx(np.median(res.decision_flows()["ind_decisions"][12:24].sum(axis=0)))
    annual = b[b["period"].isin(["2026", "2027", "2028"])]
    assert set(annual["quantity"]) == {"ind_decisions", "ind_decisions_merits", "ind_grants", "grant_rate"}
    vals = b[["minimum", "median", "medio", "maximum"]].to_numpy()
    assert (np.diff(vals, axis=1) >= -1e-9).all()
    gr = b[b["quantity"] == "grant_rate"]
    assert ((gr["minimum"] >= 0) & (gr["maximum"] <= 1)).all()


def test_example_file_has_the_chain_sections_and_they_load():
    d = example_dict()
    a = parse_assumptions(d)
    assert a.amv is not None and a.uncertainty is not None and a.ukraine is not None
    assert a.ukraine.enabled is False
    assert all("scenario" in s.label.lower() for s in a.ukraine.scenarios.values())


def test_parameter_draws_are_stratified_so_their_median_is_the_stated_value_with_few_paths():
    from mpp.occupancy.segments import sample_draws

    a = parse_assumptions({**assumptions_dict(), "uncertainty": _uncertainty(seed=11)})
    d = sample_draws(a, 200)
    assert abs(np.median(np.log(d["capacity_mult"]))) < 0.3 * 0.02
    assert abs(np.std(np.log(d["capacity_mult"])) - 0.3) < 0.3 * 0.03
    assert abs(np.median(d["grant_logit_shift"])) < 0.6 * 0.02
