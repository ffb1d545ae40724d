"""One registry record per model family, found in the modules of mpp.models: adding a family is one module and
one config file (a variant that uses it), shown here with a toy family."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest
import yaml

import mpp.models
from mpp.errors import ConfigError
from mpp.models import VariantSpec, forecast_series
from mpp.models.families import all_families, family_names, simple_family_names
from mpp.spec import load_variants

TOY_MODULE = '''
"""Toy family: the last value, flat, with a fixed +-10% spread. A forecast of 0 fails (to test the fallback)."""

import numpy as np

from mpp.models.base import Family, FamilyFailed, SeriesForecast
from mpp.models.variants import COMMON_SETTINGS, settings_model


def forecast_toy(y, horizon, n_samples, spec, rng):
    last = float(y.iloc[-1])
    if last == 0:
        raise FamilyFailed("toy needs a positive last month")
    paths = last * rng.uniform(0.9, 1.1, size=(horizon, n_samples))
    return SeriesForecast(paths, "toy", {"last": last}, None, y - y.shift(1))


FAMILY = Family("toy", forecast_toy, fallback="naive", settings=settings_model("toy", *COMMON_SETTINGS))
'''


@pytest.fixture
def toy_family(tmp_path, monkeypatch):
    """The toy module dropped into the models package (a second folder of its __path__, as a new file would be)."""
    folder = tmp_path / "family_modules"
    folder.mkdir()
    (folder / "toy.py").write_text(textwrap.dedent(TOY_MODULE))
    monkeypatch.setattr(mpp.models, "__path__", [*mpp.models.__path__, str(folder)])
    all_families.cache_clear()
    yield
    monkeypatch.undo()
    all_families.cache_clear()


def monthly(values) -> pd.Series:
    return pd.Series(np.asarray(values, float), index=pd.period_range("2020-01", periods=len(values), freq="M"))


def test_a_toy_family_needs_one_module_and_one_config_file(toy_family, tmp_path):
    assert "toy" in family_names() and "toy" in simple_family_names()
    config = tmp_path / "variants.yaml"
    config.write_text(yaml.safe_dump({"default": "toy", "variants": {"toy": {"family": "toy", "window": 24}}}))
    spec = load_variants(config).get()
    fc = forecast_series(monthly(np.arange(30) + 100.0), 6, 50, spec, seed=3)
    assert fc.family == "toy" and fc.fallback is None and fc.params == {"last": 129.0}
    assert fc.paths.shape == (6, 50) and (fc.paths >= 0.9 * 129).all() and (fc.paths <= 1.1 * 129).all()
    # its fallback comes from its record; a toy variant can also be an ensemble member
    down = forecast_series(monthly(np.r_[np.arange(29) + 100.0, 0.0]), 6, 50, spec, seed=3)
    assert (
        down.family == "naive"
        and down.fallback == "toy failed: FamilyFailed: toy needs a positive last month; used naive"
    )
    mix = VariantSpec(name="mix", family="ensemble", members=["toy", "naive"])
    assert forecast_series(monthly(np.arange(30) + 100.0), 6, 50, mix, seed=3).params["members"] == ["toy", "naive"]


def test_without_the_module_the_toy_family_is_unknown(tmp_path):
    config = tmp_path / "variants.yaml"
    config.write_text(yaml.safe_dump({"default": "toy", "variants": {"toy": {"family": "toy"}}}))
    with pytest.raises(ConfigError, match="variant 'toy', field 'family': unknown family 'toy'"):
        load_variants(config)


def test_every_fallback_chain_ends_at_naive_and_settings_are_variant_fields():
    families = all_families()
    assert {
        "naive",
        "seasonal_naive",
        "drift",
        "ets",
        "sarima",
        "theta",
        "prophet",
        "robust",
        "ensemble",
        "auto",
    } <= set(families)
    for name, record in families.items():
        chain = [name]
        while families[chain[-1]].fallback is not None:
            chain.append(families[chain[-1]].fallback)
        assert chain[-1] == "naive" and len(chain) == len(set(chain)), chain
        assert set(record.settings.model_fields) <= set(VariantSpec.model_fields), name
        assert record.members == ("members" in record.settings.model_fields)
    assert set(simple_family_names()) == {n for n, r in families.items() if not r.members}


def test_a_combination_cannot_be_a_member():
    with pytest.raises(ValueError, match="'auto' cannot be a member"):
        VariantSpec(family="ensemble", members=["ets", "auto"])
