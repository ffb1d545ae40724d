"""The variants file: the shipped one is valid, mistakes name the file, the variant and the field."""

from __future__ import annotations

import pytest
import yaml

from mpp.errors import ConfigError
from mpp.models.families import family_names
from mpp.spec import get_variant, load_variants

REQUIRED = {"baseline", "ets", "sarima", "theta", "prophet", "ensemble", "auto"}


def test_shipped_variants_are_valid_and_complete():
    cfg = load_variants()
    assert REQUIRED <= set(cfg.variants)
    assert cfg.default in cfg.variants  # chosen by the skill protocol on tuning origins (docs/skill_protocol.md)
    assert {v.family for v in cfg.variants.values()} <= set(family_names())
    assert get_variant().name == cfg.default
    assert get_variant("baseline").family == "seasonal_naive"


def write(tmp_path, body):
    path = tmp_path / "variants.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


@pytest.mark.parametrize(
    "variant, message",
    [
        ({"family": "lstm"}, "variant 'bad', field 'family'"),
        ({"family": "ets", "window": -6}, "variant 'bad', field 'window'"),
        ({"family": "ensemble"}, "needs a non-empty 'members' list"),
        ({"family": "ensemble", "members": ["ets", "gpt"]}, "field 'members.1'"),
        ({"family": "ets", "windw": 24}, "field 'windw'"),
    ],
)
def test_mistakes_are_named(tmp_path, variant, message):
    path = write(tmp_path, {"default": "bad", "variants": {"bad": variant}})
    with pytest.raises(ConfigError) as err:
        load_variants(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_unknown_default_and_unknown_name(tmp_path):
    path = write(tmp_path, {"default": "nope", "variants": {"a": {"family": "naive"}}})
    with pytest.raises(ConfigError, match="default 'nope'"):
        load_variants(path)
    with pytest.raises(ConfigError, match="unknown variant 'zzz'"):
        get_variant("zzz")


def test_config_dir_from_environment(tmp_path, monkeypatch):
    write(tmp_path, {"default": "only", "variants": {"only": {"family": "drift"}}})
    monkeypatch.setenv("MPP_CONFIG_DIR", str(tmp_path))
    assert get_variant().family == "drift"


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_variants(tmp_path / "absent.yaml")
    bad = tmp_path / "variants.yaml"
    bad.write_text("default: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_variants(bad)


def test_a_key_given_twice_is_refused_with_its_line(tmp_path):
    bad = tmp_path / "variants.yaml"
    bad.write_text("default: a\nvariants:\n  a: {family: naive}\n  a: {family: drift}\n")
    with pytest.raises(ConfigError, match=r"variants.yaml:4: duplicate key 'a' \(first given on line 3\)"):
        load_variants(bad)
