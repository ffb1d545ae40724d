"""Bad configuration (issue 14): bounded, strictly typed, duplicates refused, dates validated. Each case is one
line naming the file and field, exit 4, and the earlier outputs stay byte-identical."""

from __future__ import annotations

import re

import pytest
from clihelpers import run_main
from robusthelpers import FORECAST_YAML, assert_unchanged, snapshot, write_config, write_panel

ASSUMPTIONS_FILE = "src/mpp/resources/config/assumptions/kernprognose_2025.yaml"


def _forecast_yaml(text: str):
    return lambda cfg: (cfg / "forecast.yaml").write_text(text)


CASES = {
    "horizon 100000000": (
        _forecast_yaml(FORECAST_YAML.replace("horizon: 18", "horizon: 100000000")),
        r"forecast\.yaml: .*horizon.*from 1 to 240",
    ),
    "horizon true": (
        _forecast_yaml(FORECAST_YAML.replace("horizon: 18", "horizon: true")),
        r"forecast\.yaml: .*horizon.*valid integer",
    ),
    "horizon '12'": (
        _forecast_yaml(FORECAST_YAML.replace("horizon: 18", "horizon: '12'")),
        r"forecast\.yaml: .*horizon.*valid integer",
    ),
    "n_samples 60.5": (
        _forecast_yaml(FORECAST_YAML.replace("n_samples: 60", "n_samples: 60.5")),
        r"forecast\.yaml: .*n_samples.*valid integer",
    ),
    "dependence 'yes'": (
        _forecast_yaml(FORECAST_YAML.replace("dependence: false", "dependence: 'yes'")),
        r"forecast\.yaml: .*dependence.*valid boolean",
    ),
    "duplicate key": (
        _forecast_yaml(FORECAST_YAML + "horizon: 24\n"),
        r"forecast\.yaml:8: duplicate key 'horizon' \(first given on line 1\)",
    ),
    "unknown key": (_forecast_yaml(FORECAST_YAML + "horizn: 24\n"), r"forecast\.yaml: .*horizn.*[Ee]xtra"),
    "variant window true": (
        lambda cfg: (cfg / "variants.yaml").write_text(
            "default: drift\nvariants:\n  drift: {family: drift, window: true}\n"
        ),
        r"variants\.yaml: .*window",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_forecast_config_exits_4_and_writes_nothing(case, tmp_path, monkeypatch, capsys):
    cfg = write_config(tmp_path / "config")
    monkeypatch.setenv("MPP_CONFIG_DIR", str(cfg))
    good = write_panel(tmp_path / "good.csv")
    out = tmp_path / "out"
    (out / "earlier").mkdir(parents=True)
    (out / "earlier" / "bands_annual.csv").write_text("series_id,year,median\nTOTAL/TOTAL,2025,100\n")
    make, message = CASES[case]
    make(cfg)
    before = snapshot(out)
    res = run_main(capsys, "forecast", "--data", str(good), "--out", str(out / "earlier"))
    assert res.code == 4, res
    assert re.search(message, res.err), res.err
    assert len(res.err.strip().splitlines()) == 1 and "Traceback" not in res.err
    assert_unchanged(before, out)


@pytest.mark.parametrize(
    "date, message",
    [
        ('"2026-02-30"', r"initial_stocks\.date: '2026-02-30' is not a date in the calendar"),
        ("2026-02-30", r"invalid value"),  # unquoted: YAML itself cannot make it a date
        ('"01-01-2026"', r"initial_stocks\.date: '01-01-2026' is not a date: expected YYYY-MM-DD"),
    ],
)
def test_impossible_initial_stock_dates_are_refused(date, message, tmp_path, capsys):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / ASSUMPTIONS_FILE).read_text()
    bad = tmp_path / "a.yaml"
    bad.write_text(re.sub(r'(initial_stocks:\n(?:.*\n)*?\s+date:) "2026-01-01"', rf"\1 {date}", text, count=1))
    assert bad.read_text() != text
    from mpp.errors import ConfigError
    from mpp.spec import load_assumptions

    with pytest.raises(ConfigError, match=message):
        load_assumptions(bad)


def test_pipeline_config_is_strict(tmp_path):
    from mpp.errors import ConfigError
    from mpp.spec import load_pipeline_config

    for text, message in [
        ("seed: true\n", "seed"),
        ("report: 'no'\n", "report"),
        ("variants: [a, a]\n", "distinct"),
        ("occupancy: {replay: {start: 2015-1}}\n", "start.*not a month"),
        ("occupancy: {replay: {fit_until: '2016-02-30'}}\n", "fit_until.*not a date"),
        ("gating: {origins: 2, origins: 3}\n", "duplicate key 'origins'"),
    ]:
        f = tmp_path / "pipeline.yaml"
        f.write_text(text)
        with pytest.raises(ConfigError, match=message):
            load_pipeline_config(f)
