"""Stable nationality codes: ISO 3166-1 alpha-3, plus a few codes ISO does not define.

Every source names nationalities its own way: CBS in Dutch ("Syrië", "Turkije"), UNHCR with its own
labels ("Syrian Arab Rep.", "Iran (Islamic Rep. of)"), Eurostat with ISO-2 codes and its own exceptions
(`EL` Greece, `UK` United Kingdom, `XK` Kosovo). `lookup` turns any of these into one stable code.

Codes outside ISO 3166-1 (documented choices):
- `XXA` stateless (*stateloos*): the ICAO Doc 9303 code for a stateless person, as in travel documents.
- `XKX` Kosovo: the user-assigned code the EU and IMF use; ISO 3166-1 has no code for Kosovo.
- the reserved `TOTAL`, `OTHER`, `UNKNOWN` of `mpp.data.schema` pass through unchanged.

Name resolution, in order: reserved codes, the alias table (`mpp/resources/nationality_aliases.csv`),
ISO alpha-3 / alpha-2 codes and English names from pycountry, Dutch names from pycountry's `nl` locale.
There is no fuzzy matching (it maps "Irak" to Armenia): a name nothing knows raises
`UnknownNationalityError` naming it. Add such names to the alias table.
"""

from __future__ import annotations

import csv
import gettext
from functools import cache, lru_cache
from importlib import resources

import pycountry

from mpp.data.schema import OTHER, RESERVED_NATIONALITIES, TOTAL, UNKNOWN
from mpp.errors import DataError

STATELESS = "XXA"
KOSOVO = "XKX"

_EXTRA_NAMES: dict[str, dict[str, str]] = {
    TOTAL: {"en": "Total", "nl": "Totaal"},
    OTHER: {"en": "Other", "nl": "Overig"},
    UNKNOWN: {"en": "Unknown", "nl": "Onbekend"},
    STATELESS: {"en": "Stateless", "nl": "Stateloos"},
    KOSOVO: {"en": "Kosovo", "nl": "Kosovo"},
}


class UnknownNationalityError(DataError):
    """A nationality name or code that no table knows."""


def _norm(name: str) -> str:
    """Case- and whitespace-insensitive key ("  Syrië " == "syrië")."""
    return " ".join(str(name).split()).casefold()


@lru_cache(maxsize=1)
def _dutch() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """Normalised name or code -> stable code. Later sources win: Dutch, then English/ISO, then aliases."""
    nl = _dutch()
    table: dict[str, str] = {}
    for country in pycountry.countries:
        table[_norm(nl.gettext(country.name))] = country.alpha_3
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_2", "alpha_3"):
            value = getattr(country, attr, None)
            if value:
                table[_norm(value)] = country.alpha_3
    with resources.files("mpp.resources").joinpath("nationality_aliases.csv").open(encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            table[_norm(rec["alias"])] = rec["code"]
    for code in (*RESERVED_NATIONALITIES, STATELESS, KOSOVO):
        table[_norm(code)] = code
    return table


def try_lookup(name_or_code: str) -> str | None:
    """The stable code for a name or code, or None when nothing knows it."""
    if name_or_code is None:
        return None
    return _table().get(_norm(name_or_code))


def lookup(name_or_code: str) -> str:
    """The stable code (ISO alpha-3, XXA, XKX or a reserved code) for a source's name or code."""
    code = try_lookup(name_or_code)
    if code is None:
        raise UnknownNationalityError(
            f"unknown nationality {name_or_code!r}: not an ISO 3166 code or name, nor in the alias table "
            "mpp/resources/nationality_aliases.csv"
        )
    return code


@cache
def is_code(code: str) -> bool:
    """True for a stable code as stored in the canonical table (not for names)."""
    return code in _EXTRA_NAMES or pycountry.countries.get(alpha_3=code) is not None


def display_name(code: str, lang: str = "en") -> str:
    """Human name of a stable code in English ("en") or Dutch ("nl")."""
    if lang not in ("en", "nl"):
        raise ValueError(f"lang must be 'en' or 'nl', not {lang!r}")
    if code in _EXTRA_NAMES:
        return _EXTRA_NAMES[code][lang]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        raise UnknownNationalityError(f"unknown nationality code {code!r}")
    if lang == "nl":
        return _dutch().gettext(country.name)
    return getattr(country, "common_name", None) or country.name
