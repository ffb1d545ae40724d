"""Fuzz (issue 14): malformed CSV rows and headers for every loader. Whatever the file holds, only the project's
own error type (MppError) escapes, and a rejected file stores nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mpp.errors import MppError

TIDY = ["period", "stream", "nationality", "value"]
CBS = [
    "Geslacht",
    "Leeftijd",
    "Nationaliteit",
    "Perioden",
    "TotaalAsielverzoeken_1",
    "EersteAsielverzoekenPersonen_2",
    "VolgendeAsielverzoeken_3",
    "NareizigersPersonen_4",
]
SDMX = ["DATAFLOW", "freq", "unit", "citizen", "sex", "applicant", "age", "geo", "TIME_PERIOD", "OBS_VALUE"]
TSV_KEY = "freq,unit,citizen,sex,applicant,age,geo\\TIME_PERIOD"
NATIONAL_TSV_KEY = "freq,unit,citizen,sex,age,asyl_app,geo\\TIME_PERIOD"


def _data_loader(fmt: str):
    def load(path: Path):
        from mpp.data.validation import check_file

        return check_file(path, fmt)

    return load


def _national(name: str):
    def load(path: Path):
        from mpp.data import national_readers as obs
        from mpp.data.national_readers import read_panel_sum

        return {
            "tidy": lambda: obs.read_tidy_national(path, source="fuzz"),
            "tsv": lambda: obs.read_eurostat_tsv_national(path),
            "totals": lambda: obs.read_realised_totals(path),
            "panel_sum": lambda: read_panel_sum(path, "fuzz"),
        }[name]()

    return load


# loader -> (function, header it expects, delimiter)
LOADERS = {
    "auto": (_data_loader("auto"), TIDY, ","),
    "tidy": (_data_loader("tidy"), TIDY, ","),
    "cbs_83102ned csv": (_data_loader("cbs_83102ned"), CBS, ","),
    "eurostat_tsv": (_data_loader("eurostat_tsv"), [TSV_KEY, "2024-01", "2024-02"], "\t"),
    "eurostat_sdmx": (_data_loader("eurostat_sdmx"), SDMX, ","),
    "unhcr_panel": (_data_loader("unhcr_panel"), ["period", "origin", "value", "flag"], ","),
    "eurostat_citizenship_panel": (_data_loader("eurostat_citizenship_panel"), ["period", "citizenship", "value"], ","),
    "eurostat_country_panel": (_data_loader("eurostat_country_panel"), ["geo", "period", "value"], ","),
    "national tidy": (_national("tidy"), ["period", "stream", "nationality", "value", "source"], ","),
    "national eurostat tsv": (_national("tsv"), [NATIONAL_TSV_KEY, "2024-01", "2024-02"], "\t"),
    "realised totals": (_national("totals"), ["quantity", "year", "value", "approx", "source"], ","),
    "panel sum": (_national("panel_sum"), TIDY, ","),
}

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "2024-01",
            "2024-13",
            "01-2024",
            "2099-01",
            "2024MM05",
            "2024 mei",
            "first_asylum_request",
            "nareizigers",
            "SY",
            "Syrië",
            "TOTAL",
            "T001038",
            "10000",
            "T001059",
            "NL",
            "T",
            "PER",
            "NASY_APP",
            "ASY_APP",
            "1.000",
            "12",
            "-3",
            "1e300",
            "nan",
            "inf",
            "12345678901234567890",
            ":",
            ": c",
            "5 p",
            '"',
            '""',
            "a,b",
            "=cmd|' /C calc'!A0",
            "NaT",
            "None",
            "null",
            "0x1F",
            "१२",
            "\u200b",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=12),
)


@st.composite
def csv_bytes(draw, header: list[str], sep: str) -> bytes:
    cols = list(header)
    mutation = draw(st.sampled_from(["none", "drop", "duplicate", "extra", "random", "empty"]))
    if mutation == "drop" and cols:
        cols.pop(draw(st.integers(0, len(cols) - 1)))
    elif mutation == "duplicate" and cols:
        cols.append(draw(st.sampled_from(cols)))
    elif mutation == "extra":
        cols.append(draw(st.text(max_size=8)))
    elif mutation == "random":
        cols = draw(st.lists(st.text(max_size=8), max_size=6))
    elif mutation == "empty":
        cols = []
    n = len(cols) or 1
    rows = draw(st.lists(st.lists(CELLS, min_size=max(0, n - 2), max_size=n + 2), max_size=12))
    text = "\n".join([sep.join(cols), *(sep.join(r) for r in rows)]) + draw(st.sampled_from(["", "\n", "\r\n"]))
    data = text.encode("utf-8", "surrogatepass") if draw(st.booleans()) else text.encode("utf-8", "replace")
    if draw(st.integers(0, 9)) == 0:  # now and then raw bytes somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=16)) + data[at:]
    return data


def _try(load, path: Path) -> None:
    try:
        load(path)
    except MppError:
        pass  # the project's own error: fine. Anything else escapes and fails the test.


@pytest.mark.parametrize("name", list(LOADERS))
def test_only_project_errors_escape(name, tmp_path_factory):
    load, header, sep = LOADERS[name]
    folder = tmp_path_factory.mktemp("fuzz")

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(data=csv_bytes(header, sep))
    def run(data: bytes) -> None:
        path = folder / ("f.tsv" if sep == "\t" else "f.csv")
        path.write_bytes(data)
        _try(load, path)

    run()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | CELLS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(CBS + ["value", "TypedDataSet", "Key", "Title"]), inner, max_size=6)
    ),
    max_leaves=25,
)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(payload=JSON_VALUES)
def test_cbs_json_only_project_errors_escape(payload, tmp_path_factory):
    path = tmp_path_factory.mktemp("json") / "cbs.json"
    path.write_text(json.dumps(payload, allow_nan=True))
    _try(_data_loader("auto"), path)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=csv_bytes(TIDY, ","))
def test_ingest_of_a_fuzzed_file_stores_nothing_unless_it_is_valid(data, tmp_path_factory):
    """Through `mpp data ingest`: exit 0 (a valid file, stored and read back equal) or 3 (nothing stored)."""
    from mpp.cli import main
    from mpp.data.store import VintageStore
    from mpp.data.validation import check_file

    folder = tmp_path_factory.mktemp("ingest")
    path, store = folder / "f.csv", folder / "store"
    path.write_bytes(data)
    with pytest.raises(SystemExit) as exc:
        main(["data", "ingest", str(path), "--vintage", "2025-01", "--store", str(store)])
    assert exc.value.code in (0, 3, None)
    if exc.value.code == 3:
        assert not store.exists(), "a rejected file left something in the store"
    else:
        stored = VintageStore(store).read().drop(columns=["vintage", "source"])
        assert stored.equals(check_file(path).drop(columns=["source"]).reset_index(drop=True))
