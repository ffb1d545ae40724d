"""The strict YAML loader and month parser (issue 14): what users type is taken literally or refused in one line."""

from __future__ import annotations

import pandas as pd
import pytest

from mpp.errors import ConfigError, DataError
from mpp.strict import current_month, load_yaml, parse_date, parse_month, parse_yaml


def test_duplicate_keys_are_refused_with_file_and_line(tmp_path):
    f = tmp_path / "forecast.yaml"
    f.write_text("horizon: 12\nn_samples: 200\nhorizon: 24\n")
    with pytest.raises(ConfigError) as exc:
        load_yaml(f)
    assert str(exc.value) == f"{f}:3: duplicate key 'horizon' (first given on line 1)"


def test_duplicate_keys_nested_and_syntax_errors():
    with pytest.raises(ConfigError, match=r"^v.yaml:4: duplicate key 'family' \(first given on line 3\)$"):
        parse_yaml("variants:\n  a:\n    family: drift\n    family: ets\n", "v.yaml")
    with pytest.raises(ConfigError, match=r"^v.yaml:2: not valid YAML"):
        parse_yaml("a: [1\n", "v.yaml")
    # an unquoted impossible date is a ConfigError, not a ValueError traceback
    with pytest.raises(ConfigError, match="v.yaml: invalid value"):
        parse_yaml("date: 2026-02-30\n", "v.yaml")
    assert parse_yaml("a: 1\nb: {c: 2}\n") == {"a": 1, "b": {"c": 2}}


def test_missing_binary_and_folder_yaml(tmp_path):
    with pytest.raises(ConfigError, match="cannot read: file not found"):
        load_yaml(tmp_path / "absent.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00a")
    with pytest.raises(ConfigError, match="cannot read: not UTF-8"):
        load_yaml(tmp_path / "bin.yaml")
    with pytest.raises(ConfigError, match="a folder"):
        load_yaml(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "01-06-2025",
        "2025-6",
        "06-2025",
        "2025/06",
        "2025-13",
        "juni-2025",
        "../../etc",
        "2025-06-01",
        "",
        " ",
        "2025-00",
        "202506",
    ],
)
def test_only_yyyy_mm_is_a_month(text):
    with pytest.raises(ConfigError) as exc:
        parse_month(text, "--cutoff")
    assert str(exc.value) == f"--cutoff: {text!r} is not a month: expected YYYY-MM, e.g. 2025-06"


def test_months_accepted_and_future_refused():
    assert parse_month("2025-06") == pd.Period("2025-06", freq="M")
    assert parse_month(pd.Period("2025-06", freq="M")) == pd.Period("2025-06", freq="M")
    with pytest.raises(DataError, match=r"^vintage: 2099-01 is later than \d{4}-\d{2}: a month in the future"):
        parse_month("2099-01", "vintage", error=DataError, not_after=current_month())
    assert parse_month(str(current_month()), not_after=current_month()) == current_month()


def test_dates_exist_in_the_calendar():
    assert str(parse_date("2026-02-28")) == "2026-02-28"
    for bad in ("2026-02-30", "2026-2-1", "01-02-2026", "tomorrow"):
        with pytest.raises(ConfigError, match="initial_stocks.date"):
            parse_date(bad, "initial_stocks.date")
