import pytest

from mpp.data.nationalities import UnknownNationalityError, display_name, is_code, lookup


@pytest.mark.parametrize(
    "name,code",
    [
        ("Syrië", "SYR"),
        ("Turkije", "TUR"),
        ("Eritrea", "ERI"),
        ("Irak", "IRQ"),
        ("Jemen", "YEM"),
        ("Somalië", "SOM"),
        ("Afghanistan", "AFG"),
        ("Stateloos", "XXA"),
        ("Onbekend", "UNKNOWN"),
        ("Syria", "SYR"),
        ("Turkey", "TUR"),
        ("Syrian Arab Rep.", "SYR"),
        ("Iran (Islamic Rep. of)", "IRN"),
        ("Serbia and Kosovo (S/RES/1244 (1999))", "SRB"),
        ("EL", "GRC"),
        ("UK", "GBR"),
        ("XK", "XKX"),
        ("SY", "SYR"),
        ("syr", "SYR"),
        ("  Syrië ", "SYR"),
        ("Stateless", "XXA"),
        ("TOTAL", "TOTAL"),
        ("OTHER", "OTHER"),
        ("UNKNOWN", "UNKNOWN"),
        ("Various/unknown", "UNKNOWN"),
    ],
)
def test_lookup_maps_source_names_to_stable_codes(name, code):
    assert lookup(name) == code


def test_unknown_name_is_an_error_naming_it_not_a_fuzzy_guess():
    with pytest.raises(UnknownNationalityError, match="Atlantis"):
        lookup("Atlantis")
    with pytest.raises(UnknownNationalityError, match="European Union"):
        lookup("European Union")


def test_display_names_in_english_and_dutch():
    assert display_name("SYR", "nl") == "Syrië"
    assert display_name("SYR") == "Syria"
    assert display_name("XXA", "nl") == "Stateloos"
    assert display_name("TOTAL", "nl") == "Totaal"
    assert is_code("XKX") and is_code("SYR") and not is_code("Syria")
