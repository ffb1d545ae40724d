"""Project discovery (mpp.toml, [tool.mpp], --home, $MPP_HOME), packaged defaults, `mpp init`, the run spec."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mpp.cli import app
from mpp.errors import ConfigError
from mpp.project import Project, default_config_dir, find_project_root, init_project
from mpp.spec import load_spec


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for k in ("MPP_HOME", "MPP_CONFIG_DIR", "MPP_REFERENCE_DATA"):
        monkeypatch.delenv(k, raising=False)


def test_found_from_a_subfolder_by_mpp_toml_or_tool_mpp(tmp_path):
    a = tmp_path / "a"
    (a / "deep" / "er").mkdir(parents=True)
    (a / "mpp.toml").write_text('config = "settings"\nreference_data = "../ref"\n')
    p = Project.discover(start=a / "deep" / "er")
    assert p.home == a and p.config_dir == a / "settings" and p.reference_data == tmp_path / "ref" and p.is_project
    b = tmp_path / "b"
    (b / "src").mkdir(parents=True)
    (b / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.mpp]\nconfig = "cfg"\n')
    assert Project.discover(start=b / "src").config_dir == b / "cfg"
    # a pyproject.toml without [tool.mpp] is not a project: the search goes on upwards
    (b / "src" / "pyproject.toml").write_text('[project]\nname = "y"\n')
    assert find_project_root(b / "src") == b


def test_home_option_and_environment_win_and_no_project_means_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "mpp.toml").write_text("")
    other = tmp_path / "other"
    other.mkdir()
    assert Project.discover(home=other, start=tmp_path).home == other
    monkeypatch.setenv("MPP_HOME", str(other))
    assert Project.discover(start=tmp_path).home == other
    monkeypatch.delenv("MPP_HOME")
    lone = tmp_path.parent / f"{tmp_path.name}-lone"
    lone.mkdir()
    p = Project.discover(start=lone)
    assert p.home == lone and not p.is_project
    # no configuration of its own: every file is the packaged default
    assert p.config_file("variants.yaml") == default_config_dir() / "variants.yaml"


def test_broken_project_file_is_a_config_error(tmp_path):
    (tmp_path / "mpp.toml").write_text("config = [1\n")
    with pytest.raises(ConfigError, match="mpp.toml: not valid TOML"):
        Project.discover(start=tmp_path)


def test_init_scaffolds_a_project_with_the_packaged_configuration(tmp_path):
    r = CliRunner().invoke(app, ["init", str(tmp_path / "proj")])
    assert r.exit_code == 0, r.output
    proj = tmp_path / "proj"
    for sub in ("data", "mlruns", "models", "config/assumptions"):
        assert (proj / sub).is_dir(), sub
    for f in default_config_dir().rglob("*.yaml"):
        assert (proj / "config" / f.relative_to(default_config_dir())).read_bytes() == f.read_bytes()
    p = Project.discover(start=proj / "data")
    assert p.home == proj and p.config_file("forecast.yaml") == proj / "config" / "forecast.yaml"
    # an analyst's edit is kept by a second init, and it is what the spec reads
    (proj / "config" / "forecast.yaml").write_text("n_samples: 77\n")
    assert init_project(proj) == []
    spec = load_spec(p)
    assert spec.forecast.n_samples == 77 and spec.files["forecast"] == str(proj / "config" / "forecast.yaml")


def test_spec_hash_changes_with_any_setting_and_a_variant_hash_only_with_its_variant(tmp_path):
    proj = tmp_path / "proj"
    init_project(proj)
    p = Project.discover(start=proj)
    before = load_spec(p)
    text = (proj / "config" / "variants.yaml").read_text()
    (proj / "config" / "variants.yaml").write_text(
        text.replace("changepoint_prior_scale: 0.05", "changepoint_prior_scale: 0.07")
    )
    after = load_spec(p)
    assert after.hash != before.hash
    assert after.variant_hash("prophet") != before.variant_hash("prophet")
    assert after.variant_hash("baseline") == before.variant_hash("baseline")
    # where a file was read from is recorded but not hashed
    assert before.model_copy(update={"files": {}}).hash == before.hash


def test_the_release_calendar_is_part_of_the_spec_and_its_hash(tmp_path):
    """A changed publication lag changes what a monthly run's gating backtest may read, so it must change the
    run spec's hash (and with it the run key), not be read beside the spec."""
    proj = tmp_path / "proj"
    init_project(proj)
    p = Project.discover(start=proj)
    before = load_spec(p)
    assert before.releases is not None and before.releases.monthly_lag() == 1
    cal = proj / "config" / "releases.yaml"
    text = cal.read_text() if cal.is_file() else (default_config_dir() / "releases.yaml").read_text()
    cal.write_text(
        text.replace(
            "cbs_panel_7nat:\n    publisher: CBS StatLine 83102NED (monthly, by nationality)\n    lags: {M: 1}",
            "cbs_panel_7nat:\n    publisher: CBS StatLine 83102NED (monthly, by nationality)\n    lags: {M: 2}",
        )
    )
    after = load_spec(p)
    assert after.releases.monthly_lag() == 2
    assert after.hash != before.hash


def test_spec_refuses_an_unknown_variant_and_a_missing_assumptions_file(tmp_path):
    proj = tmp_path / "proj"
    init_project(proj)
    pipe = proj / "config" / "pipeline.yaml"
    text = pipe.read_text()
    pipe.write_text(text.replace("variants: [baseline]", "variants: [baseline, nosuch]"))
    with pytest.raises(ConfigError, match="unknown variant 'nosuch'"):
        load_spec(Project.discover(start=proj))
    pipe.write_text(text.replace("assumptions/projection_2026.yaml", "assumptions/gone.yaml"))
    with pytest.raises(ConfigError, match="occupancy assumptions file not found"):
        load_spec(Project.discover(start=proj))
