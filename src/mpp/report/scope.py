"""What the run's data covers, from the manifest's `data_scope` (see mpp.data.scope), in words for the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mpp.report.i18n import nationality_name, t, tf
from mpp.report.inputs import RunData

ALL_STREAMS = ("first_asylum_request", "repeat_asylum_request", "nareizigers", "resettlement")


@dataclass
class RunScope:
    known: bool  # the manifest records the data scope
    national: bool | None  # the run's TOTAL is the national total (None: unknown)
    sample: bool
    streams: list[str] = field(default_factory=list)
    missing_streams: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    complete_nationalities: bool | None = None
    sources: list[str] = field(default_factory=list)
    first_period: str | None = None
    last_period: str | None = None

    def coverage_text(self, lang: str) -> str:
        """'7 nationalities (Afghanistan, ...) and 2 of 4 streams (first asylum requests, nareizigers)'."""
        parts = []
        if self.complete_nationalities is False:
            names = ", ".join(nationality_name(n, lang) for n in self.nationalities[:12])
            if len(self.nationalities) > 12:
                names += ", ..."
            parts.append(tf("n_nationalities", lang, n=len(self.nationalities), names=names))
        if self.missing_streams:
            parts.append(
                tf(
                    "n_streams_of",
                    lang,
                    n=len(self.streams),
                    m=len(ALL_STREAMS),
                    names=", ".join(t(s, lang) for s in self.streams),
                )
            )
        joiner = " and " if lang == "en" else " en "
        return joiner.join(parts)

    def warnings(self, lang: str) -> list[str]:
        """First-screen warnings: generated sample data; not the national total."""
        out = []
        if self.sample:
            out.append(t("sample_data", lang))
        if self.national is False:
            out.append(tf("not_national", lang, what=self.coverage_text(lang)))
        elif not self.known:
            out.append(t("scope_unknown", lang))
        return out


def run_scope(run: RunData) -> RunScope:
    return scope_of(run.manifest, run.bands_monthly)


def scope_of(manifest: dict[str, Any], bands_monthly) -> RunScope:
    """The scope a forecast manifest records (streams from the bands when it records none)."""
    scope: dict[str, Any] | None = manifest.get("data_scope")
    if not isinstance(scope, dict):
        streams = sorted({s for s in bands_monthly["stream"].astype(str) if s != "TOTAL"})
        return RunScope(known=False, national=None, sample=False, streams=streams)
    return RunScope(
        known=True,
        national=bool(scope.get("national_total")),
        sample=bool(scope.get("sample")),
        streams=list(scope.get("streams") or []),
        missing_streams=list(scope.get("missing_streams") or []),
        nationalities=list(scope.get("nationalities") or []),
        complete_nationalities=scope.get("complete_nationalities"),
        sources=list(scope.get("sources") or []),
        first_period=scope.get("first_period"),
        last_period=scope.get("last_period"),
    )
