"""The projection takes the replay's rates (`from_replay`), and the setting comparison swaps one assumption at a
time on the same inflow paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mpp.errors import ConfigError
from mpp.occupancy.compare import SWAPS, compare_settings, swap
from mpp.project import default_config_dir
from mpp.spec import load_assumptions

CONFIG = default_config_dir() / "assumptions"
OURS = CONFIG / "projection_2026.yaml"
THEIRS = CONFIG / "kernprognose_2025.yaml"
REPLAY = CONFIG / "replay_2015_2023.yaml"


def test_the_projection_takes_the_replays_estimated_rates_with_their_source_and_the_replay_file_hash():
    ours, replay = load_assumptions(OURS), load_assumptions(REPLAY)
    for path in ("housing.hazard", "departure.hazard", "intake_share.nareizigers"):
        mine, theirs = dict(ours.params())[path], dict(replay.params())[path]
        assert mine.values() == theirs.values()
        assert mine.source.startswith("from the replay replay_2015_2023 v2") and theirs.source in mine.source
    assert "2015-01-01..2019-12-31" in ours.housing.hazard.source  # the estimation window, dated
    assert ours.from_replay is not None and len(ours.from_replay.sha256 or "") == 64
    assert not ours.housing.taakstelling  # the replay's hazard replaces the targets (they would add up)


def test_a_parameter_given_twice_or_missing_in_the_replay_is_refused(tmp_path):
    (tmp_path / REPLAY.name).write_bytes(REPLAY.read_bytes())
    text = OURS.read_text()
    twice = text.replace("housing:\n", "housing:\n  hazard: {value: 0.2, unit: per month, source: x}\n", 1)
    (tmp_path / "a.yaml").write_text(twice)
    with pytest.raises(ConfigError, match="give it once"):
        load_assumptions(tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text(text.replace("    - departure.hazard", "    - departure.nosuch"))
    with pytest.raises(ConfigError, match="no parameter 'departure.nosuch'"):
        load_assumptions(tmp_path / "b.yaml")


def _inflow(n: int = 40) -> tuple[np.ndarray, pd.PeriodIndex, tuple[str, ...]]:
    from mpp.data.schema import STREAMS

    periods = pd.period_range("2026-01", "2027-12", freq="M")
    rng = np.random.default_rng(3)
    x = rng.gamma(20, 100, size=(len(STREAMS), len(periods), n))
    return x, periods, STREAMS


def test_swapping_one_assumption_changes_only_it_and_identical_assumptions_have_no_effect():
    ours, theirs = load_assumptions(OURS), load_assumptions(THEIRS)
    s = swap(ours, theirs, SWAPS["outflow to housing (status holders leaving COA)"])
    assert s.housing == theirs.housing and s.departure == ours.departure and s.intake_share == ours.intake_share
    x, periods, streams = _inflow()
    t = compare_settings(ours, theirs, x, periods, streams, {2026: 82300.0})
    by = t.set_index("assumption")
    assert by.loc["grant rate", "effect_2026"] == 0  # both 0.38
    assert by.loc["outflow to housing (status holders leaving COA)", "effect_2026"] != 0
    assert by.loc["all of ours", "effect_2026"] == 0
    assert by.loc["published", "median_2026"] == 82300.0
    assert by.loc["published", "effect_2026"] == pytest.approx(82300.0 - by.loc["all of ours", "median_2026"])
    assert len(t) == len(SWAPS) + 3


@pytest.mark.slow
def test_the_kernprognose_setting_is_within_5_percent_and_ours_differs_mostly_through_housing(real_dir, tmp_path):
    """The documented comparison (docs/occupancy.md): with the Kernprognose 2025 inflow scenario the Kernprognose
    setting's medians are within 5% of the published 82,300 / 84,100; ours (the replay's rates) is lower, and
    the outflow to housing is the assumption with the largest effect."""
    from typer.testing import CliRunner

    from mpp.cli.app import app
    from mpp.occupancy.inputs import read_stream_paths

    r = CliRunner().invoke(
        app,
        [
            "occupancy-scenario",
            "--spec",
            str(CONFIG / "kernprognose_2025_inflow.yaml"),
            "--panel",
            str(real_dir / "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"),
            "--out",
            str(tmp_path / "kp"),
        ],
    )
    assert r.exit_code == 0, r.output
    streams, periods, paths, _ = read_stream_paths(tmp_path / "kp")
    i = periods.get_loc(pd.Period("2026-01", "M"))
    t = compare_settings(
        load_assumptions(OURS), load_assumptions(THEIRS), paths[:, i:], periods[i:], streams, {2026: 82300, 2027: 84100}
    ).set_index("assumption")
    theirs = t.loc["all of theirs"]
    assert abs(theirs["median_2026"] / 82300 - 1) < 0.05 and abs(theirs["median_2027"] / 84100 - 1) < 0.05
    assert t.loc["all of ours", "median_2026"] < theirs["median_2026"]
    swaps = t.loc[list(SWAPS), "effect_2026"].abs()
    assert swaps.idxmax() == "outflow to housing (status holders leaving COA)"
