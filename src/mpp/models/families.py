"""The registry of model families, found in the modules of `mpp.models`: one record per family.

Every module of this package may declare `FAMILY = Family(...)` (or `FAMILIES = (...)`); the records hold the
family function, its fallback and its own settings model. The names, the `members` choices and the fallback
chain are all derived from them, so a new family is one new module here (and a variant in variants.yaml that
uses it). Modules are imported on first use, not when this module is, because the family modules import
`mpp.models.variants`, which validates family names against this registry.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from mpp.models.base import Family

PACKAGE = "mpp.models"


@cache
def all_families() -> dict[str, Family]:
    """name -> record of every family declared in a module of `mpp.models`, in a stable order."""
    package = importlib.import_module(PACKAGE)
    found: dict[str, Family] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{PACKAGE}.{info.name}")
        declared = getattr(module, "FAMILIES", ()) + ((module.FAMILY,) if hasattr(module, "FAMILY") else ())
        for record in declared:
            if record.name in found:
                raise RuntimeError(f"model family {record.name!r} declared twice ({PACKAGE}.{info.name})")
            found[record.name] = record
    _check_fallbacks(found)
    return found


def _check_fallbacks(found: dict[str, Family]) -> None:
    """Every fallback chain is made of known families and ends (at naive), so `run_family` always stops."""
    for name in found:
        seen = [name]
        while (nxt := found[seen[-1]].fallback) is not None:
            if nxt not in found or nxt in seen:
                raise RuntimeError(f"model family {name!r}: fallback chain {' -> '.join([*seen, nxt])} is broken")
            seen.append(nxt)


def family(name: str) -> Family:
    return all_families()[name]


def family_names() -> tuple[str, ...]:
    return tuple(all_families())


def simple_family_names() -> tuple[str, ...]:
    """Families that can be members of an ensemble or auto variant (those that are not combinations)."""
    return tuple(name for name, record in all_families().items() if not record.members)
