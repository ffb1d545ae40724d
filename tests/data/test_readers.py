"""The reader registry shared by the monthly and the national loaders (mpp.data.readers)."""

from __future__ import annotations

import typing

import pytest

from mpp.data import readers
from mpp.data.loaders import detect_format, read_file
from mpp.errors import DataError
from mpp.national.config import Source


def test_the_national_config_names_exactly_the_registry_s_national_readers():
    (allowed,) = [typing.get_args(a) for n, a in typing.get_type_hints(Source).items() if n == "reader"]
    assert set(allowed) == set(readers.NATIONAL_FORMATS)


def test_one_record_per_format_and_every_record_reads_something():
    names = [r.name for r in readers.READERS]
    assert len(names) == len(set(names))
    assert all(r.monthly is not None or r.national is not None for r in readers.READERS)
    # a detectable format has a monthly reader: detection serves read_file only
    assert all(r.monthly is not None for r in readers.READERS if r.header is not None or r.extensions)


def test_formats_that_read_both_tables_are_one_record():
    both = {r.name for r in readers.READERS if r.monthly is not None and r.national is not None}
    assert both == {"eurostat_tsv", "tidy"}


@pytest.mark.parametrize(
    "header, fmt",
    [
        ("freq,unit,citizen,sex,age,asyl_app,geo\\TIME_PERIOD\t2020-01", "eurostat_tsv"),
        ("DATAFLOW,OBS_VALUE,TIME_PERIOD,citizen", "eurostat_sdmx"),
        ("Perioden,Nationaliteit,Asielverzoeken", "cbs_83102ned"),
        ("period,stream,nationality,value", "tidy"),
        ("period,origin,value", "unhcr_panel"),
        ("period,citizenship,value", "eurostat_citizenship_panel"),
        ("geo,period,value", "eurostat_country_panel"),
        # the first record that recognises a header wins: SDMX columns before the tidy ones
        ("DATAFLOW,OBS_VALUE,TIME_PERIOD,period,stream,nationality,value", "eurostat_sdmx"),
    ],
)
def test_detection_by_header_in_registry_order(tmp_path, header, fmt):
    path = tmp_path / "f.csv"
    path.write_text(header + "\n", encoding="utf-8")
    assert detect_format(path) == fmt


def test_detection_by_extension_reads_no_header(tmp_path):
    path = tmp_path / "f.json"
    path.write_bytes(b"\xff\xfe not text")
    assert readers.recognise(path, lambda p: pytest.fail("header read")) == "cbs_83102ned"


def test_a_national_only_reader_is_no_monthly_format(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("period,stream,nationality,value\n2024-01,first_asylum_request,Syrië,5\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown format 'panel_sum'; choose from auto, eurostat_tsv"):
        read_file(path, "panel_sum")
    with pytest.raises(DataError, match="unknown national reader 'unhcr_panel'"):
        readers.national_reader("unhcr_panel")
