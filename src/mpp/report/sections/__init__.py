"""The report's sections: each is a small function that turns a run into a `Section` (title, template, data,
warnings), registered with `@section(id, order)`. The page template renders the sections in order; every
warning a section returns appears in the warning box at the top of the report.

Adding a section (e.g. overlays, the reception chain) takes a module in this package and a template block:

    # src/mpp/report/sections/overlays.py
    from mpp.report.sections import ReportContext, Section, section

    @section("overlays", order=35)             # 20 headline, 25 national, 30 revision, 40 monthly charts,
    def overlays(ctx: ReportContext) -> Section | None:   # 50 annual, 60 occupancy, 70 backtest,
        path = ctx.run.directory / "overlays.csv"           # 80 assumptions, 90 data, 95 technical
        if not path.is_file():
            return None                        # no section when the run has nothing to show
        return Section("overlays", ctx.t("overlays"), "sections/overlays.html.j2",
                       data={"rows": [...]}, warnings=[...])

    {# src/mpp/report/templates/sections/overlays.html.j2: receives `s` (the Section), `t`, `lang` #}
    <table>{% for r in s.data.rows %}...{% endfor %}</table>

Every module of this package is imported when a report is built, so nothing else needs registering. Labels go
into `mpp.report.i18n._LABELS` (English and Dutch); numbers through `format_rounded` / `format_pct` there.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from mpp.report.i18n import check_lang, t, tf
from mpp.report.inputs import RunData


@dataclass
class Section:
    id: str  # html anchor: <section id="...">
    title: str  # translated heading
    template: str  # template file under mpp/report/templates, e.g. "sections/headline.html.j2"
    data: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # shown in the warning box at the top


@dataclass
class ReportContext:
    """What a section function receives: the run, the language, the previous run and optional extra inputs."""

    run: RunData
    lang: str = "en"
    previous: RunData | None = None
    top_n: int = 5
    coa_observations: pd.DataFrame | None = None  # date, measure, value, kind (see mpp.occupancy.replay)

    def __post_init__(self) -> None:
        check_lang(self.lang)

    def t(self, key: str, **values) -> str:
        return tf(key, self.lang, **values) if values else t(key, self.lang)

    @cached_property
    def scope(self):
        from mpp.report.scope import run_scope

        return run_scope(self.run)

    @cached_property
    def headline(self) -> pd.DataFrame:
        from mpp.report.tables import headline_table

        return headline_table(self.run)


Builder = Callable[[ReportContext], "Section | None"]


@dataclass(frozen=True)
class _Registered:
    id: str
    order: float
    build: Builder


_REGISTRY: dict[str, _Registered] = {}


def section(section_id: str, order: float) -> Callable[[Builder], Builder]:
    """Register a section builder; `order` places it on the page (see the module docstring)."""

    def register(fn: Builder) -> Builder:
        _REGISTRY[section_id] = _Registered(section_id, order, fn)
        return fn

    return register


def _import_all() -> None:
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")


def registered() -> list[str]:
    """Section ids in page order."""
    _import_all()
    return [r.id for r in sorted(_REGISTRY.values(), key=lambda r: (r.order, r.id))]


def build_sections(ctx: ReportContext) -> list[Section]:
    """Every section that has something to show for this run, in page order."""
    _import_all()
    out = []
    for r in sorted(_REGISTRY.values(), key=lambda r: (r.order, r.id)):
        s = r.build(ctx)
        if s is not None:
            out.append(s)
    return out
