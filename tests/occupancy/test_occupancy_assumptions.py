"""The assumptions schema: the example file validates; user mistakes raise ConfigError naming the field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from occupancy_helpers import EXAMPLE, assumptions_dict, example_dict, q

from mpp.errors import ConfigError
from mpp.occupancy.assumptions import parse_assumptions
from mpp.occupancy.resolution import resolve
from mpp.spec import load_assumptions


def test_example_file_validates_and_every_number_has_unit_and_source():
    a = load_assumptions(EXAMPLE)
    params = dict(a.params())
    assert "procedure.grant_rate" in params and params["procedure.grant_rate"].value == 0.38
    assert all(p.unit and len(p.source) >= 3 for p in params.values())
    assert {t.period: t.value for t in a.housing.taakstelling}["2026-H2"] == 16300


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d["procedure"]["grant_rate"].pop("unit"), "procedure.grant_rate.unit"),
        (lambda d: d["procedure"]["grant_rate"].update(value=1.4), "procedure.grant_rate"),
        (
            lambda d: d["procedure"]["ind_decision_capacity"].update(unit="persons per half-year"),
            "ind_decision_capacity",
        ),
        (lambda d: d["procedure"]["grant_rate"].pop("source"), "procedure.grant_rate.source"),
        (lambda d: d["departure"]["forced_share"].update(value=0.9), "departure"),
        (lambda d: d["housing"]["taakstelling"][0].update(period="2026-I"), "housing.taakstelling.0.period"),
        (lambda d: d.update(unexpected=1), "unexpected"),
    ],
)
def test_invalid_assumptions_raise_config_error_naming_the_field(mutate, field):
    d = example_dict()
    mutate(d)
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        parse_assumptions(d)


def test_unreadable_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_assumptions(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2")
    with pytest.raises(ConfigError, match="YAML"):
        load_assumptions(bad)


def test_missing_taakstelling_half_year_is_reported():
    a = parse_assumptions(assumptions_dict(years=(2026,)))
    with pytest.raises(ConfigError, match="2027-H1"):
        resolve(a, pd.period_range("2026-01", "2027-03", freq="M"))


def test_schedules_vary_by_period_and_convert_to_quarters():
    d = assumptions_dict(capacity=100.0, hazard=0.1)
    d["procedure"]["ind_decision_capacity"] = {
        "schedule": [{"start": "2026-01", "value": 100.0}, {"start": "2026-03", "value": 400.0}],
        "unit": "persons per month",
        "source": "test",
    }
    a = parse_assumptions(d)
    m = resolve(a, pd.period_range("2026-01", periods=6, freq="M"))
    np.testing.assert_array_equal(m.capacity, [100, 100, 400, 400, 400, 400])
    qq = resolve(a, pd.period_range("2026Q1", periods=2, freq="Q"))
    np.testing.assert_array_equal(qq.capacity, [600, 1200])  # counts summed over the step's months
    np.testing.assert_allclose(qq.departure_hazard, 1 - 0.9**3)  # hazards compound
    np.testing.assert_allclose(qq.housing, m.housing[:3].sum())


def test_grant_rate_per_nationality_mixes_with_the_overall_rate():
    d = assumptions_dict(grant=0.2)
    d["procedure"]["grant_rate_by_nationality"] = {
        "SYR": {"share_of_decisions": q(0.5, "fraction"), "grant_rate": q(0.9, "fraction")}
    }
    a = parse_assumptions(d)
    r = resolve(a, pd.period_range("2026-01", periods=2, freq="M"))
    np.testing.assert_allclose(r.grant_rate, 0.5 * 0.9 + 0.5 * 0.2)
    d["procedure"]["grant_rate_by_nationality"]["ERI"] = {
        "share_of_decisions": q(0.6, "fraction"),
        "grant_rate": q(0.9, "fraction"),
    }
    with pytest.raises(ConfigError, match="sum to"):
        parse_assumptions(d)


def test_scaled_param_is_clipped_to_unit_bounds():
    a = load_assumptions(EXAMPLE)
    assert a.intake_share.resettlement.scaled(1.1).value == 1.0
    assert a.procedure.grant_rate.scaled(1.1).value == pytest.approx(0.418)
    assert yaml.safe_load(EXAMPLE.read_text())["name"] == a.name
