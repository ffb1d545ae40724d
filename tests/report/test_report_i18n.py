import pytest

from mpp.errors import MppError
from mpp.report.i18n import format_number, nationality_name, series_label, t


def test_stream_and_scenario_names_in_dutch():
    assert t("first_asylum_request", "nl") == "eerste asielverzoeken"
    assert t("repeat_asylum_request", "nl") == "herhaalde asielverzoeken"
    assert t("nareizigers", "nl") == "nareizigers"
    assert t("resettlement", "nl") == "hervestiging"
    assert [t(s, "nl") for s in ("minimum", "median", "medio", "maximum")] == ["minimum", "mediaan", "medio", "maximum"]
    assert t("median") == "median"


def test_series_labels_and_country_names():
    assert series_label("TOTAL/TOTAL", "nl") == "totale asielinstroom"
    assert series_label("TOTAL/SYR", "nl") == "Syrië"
    assert series_label("TOTAL/SYR", "en") == "Syria"  # common name, not "Syrian Arab Republic"
    assert series_label("nareizigers/ERI", "en") == "nareizigers (family reunification): Eritrea"
    assert nationality_name("XXX") == "XXX"


def test_number_format_by_language():
    assert format_number(1234567.4) == "1,234,567"
    assert format_number(1234567.4, "nl") == "1.234.567"
    assert format_number(3.14159, "nl", 2) == "3,14"
    assert format_number(float("nan")) == ""


def test_unknown_language_is_a_user_error():
    with pytest.raises(MppError, match="unknown language"):
        t("median", "de")
