"""Test helpers: assumption dictionaries built in code (no real data copied)."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from mpp.occupancy.assumptions import Assumptions, parse_assumptions
from mpp.project import default_config_dir

EXAMPLE = default_config_dir() / "assumptions" / "kernprognose_2025.yaml"
EXAMPLE_INFLOW = EXAMPLE.with_name("kernprognose_2025_inflow.yaml")


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "source": "test value"}


def assumptions_dict(
    *,
    stocks=(1000.0, 100.0, 500.0, 200.0),
    capacity=300.0,
    lead=1.0,
    grant=0.4,
    dublin=0.1,
    other=0.01,
    shares=(0.9, 0.5, 0.5, 1.0),
    target=1200.0,
    realisation=0.8,
    from_coa=0.7,
    hazard=0.1,
    buffer=0.05,
    years=(2026, 2027, 2028),
    housing_hazard: float | None = None,
) -> dict[str, Any]:
    return {
        "name": "test",
        "version": "0",
        "initial_stocks": {
            "date": "2026-01-01",
            **{
                g: q(v, "persons")
                for g, v in zip(("asylum_seekers", "pending_outside_coa", "status_holders", "rejected"), stocks)
            },
        },
        "intake_share": {
            s: q(v, "fraction")
            for s, v in zip(("first_asylum_request", "repeat_asylum_request", "nareizigers", "resettlement"), shares)
        },
        "procedure": {
            "ind_decision_capacity": q(capacity, "persons per month"),
            "min_lead_time": q(lead, "months"),
            "grant_rate": q(grant, "fraction"),
            "dublin_share": q(dublin, "fraction"),
            "other_outflow_rate": q(other, "per month"),
        },
        "housing": {
            "taakstelling": [
                {"period": f"{y}-H{h}", "value": target, "unit": "persons per half-year", "source": "test"}
                for y in years
                for h in (1, 2)
            ],
            "realisation_rate": q(realisation, "fraction"),
            "share_from_coa": q(from_coa, "fraction"),
            **({} if housing_hazard is None else {"hazard": q(housing_hazard, "per month")}),
        },
        "departure": {
            "hazard": q(hazard, "per month"),
            "voluntary_share": q(0.5, "fraction"),
            "forced_share": q(0.3, "fraction"),
            "unknown_share": q(0.2, "fraction"),
        },
        "capacity_buffer": q(buffer, "fraction"),
    }


def make_assumptions(**kw) -> Assumptions:
    return parse_assumptions(assumptions_dict(**kw))


def example_dict() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(EXAMPLE.read_text()))
