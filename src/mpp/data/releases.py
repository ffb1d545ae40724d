"""The release calendar: when each source publishes a figure, so that a backtest sees only what was out.

`releases.yaml` (packaged default in mpp/resources/config, a project may have its own; read by
`mpp.spec.load_release_calendar`) gives, per source of
config/national.yaml, a lag in whole months per frequency: a figure for a period ending in month E with lag L
is published during month E + L, and a forecast made at the end of month O may use it only if E + L <= O.
Each lag states its basis (`documented`, with the publication dates it comes from, or `assumption`, with the
reason). Exceptions name single periods of a source that came out later than the rest.

It also gives, per official MPP vintage, its publication month and data cut-off (stated or assumed), so that
our forecast beside a vintage uses only what was published by then.

    cal = mpp.spec.load_release_calendar()
    known = cal.published_by(obs, "2021-12")         # national observations out by the end of 2021-12
    cal.monthly_lag("cbs_panel_7nat")               # the panel backtest's lag (1)
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from mpp.errors import ConfigError

Freq = Literal["M", "Q", "H", "Y"]
#: The source key of the monthly 7-nationality panel that `mpp backtest` reads (CBS 83102NED).
PANEL_SOURCE = "cbs_panel_7nat"


class Exception_(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stream: str
    period: str | None = None  # every period of the stream when omitted
    lag: int = Field(ge=0, le=36)


class SourceRelease(BaseModel):
    model_config = ConfigDict(extra="forbid")
    publisher: str
    lags: dict[Freq, int]
    basis: Literal["documented", "assumption"]
    evidence: str
    exceptions: list[Exception_] = []

    @field_validator("lags")
    @classmethod
    def _bounded(cls, v: dict[str, int]) -> dict[str, int]:
        bad = {k: x for k, x in v.items() if not 0 <= x <= 36}
        if bad:
            raise ValueError(f"lags must be 0..36 months, got {bad}")
        return v


class VintageRelease(BaseModel):
    model_config = ConfigDict(extra="forbid")
    published: str
    data_cutoff: str
    basis: Literal["documented", "assumption"]
    evidence: str

    @field_validator("published", "data_cutoff", mode="before")
    @classmethod
    def _month(cls, v) -> str:
        try:
            return str(pd.Period(str(v), freq="M"))
        except (ValueError, TypeError):
            raise ValueError(f"not a month (YYYY-MM): {v!r}") from None


class ReleaseCalendar(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    sources: dict[str, SourceRelease]
    mpp_vintages: dict[str, VintageRelease] = {}

    def lag(self, source: str, freq: str, stream: str | None = None, period: str | None = None) -> int:
        """Months between the end of a period and its publication, for one source (ConfigError if unknown)."""
        rel = self.sources.get(source)
        if rel is None:
            raise ConfigError(f"release calendar: no entry for source {source!r} (releases.yaml sources)")
        for ex in rel.exceptions:
            if ex.stream == stream and (ex.period is None or ex.period == period):
                return ex.lag
        if freq not in rel.lags:
            raise ConfigError(f"release calendar: source {source!r} has no lag for frequency {freq!r}")
        return rel.lags[freq]

    def monthly_lag(self, source: str = PANEL_SOURCE) -> int:
        return self.lag(source, "M")

    def finest_lag(self, source: str) -> int:
        """The lag of a source's finest frequency: a sum of its periods is out when its last part is."""
        lags = self.sources[source].lags if source in self.sources else {}
        for freq in ("M", "Q", "H", "Y"):
            if freq in lags:
                return lags[freq]
        return self.lag(source, "M")  # ConfigError naming the source

    def published_month(self, obs: pd.DataFrame) -> pd.Series:
        """The month each observation (a `mpp.data.observations` table) was published in. A value derived
        as a sum of finer periods of several sources ('a+b') is out when the last of them is."""
        out = []
        derived = obs["derived"] if "derived" in obs.columns else pd.Series("", index=obs.index)
        for r, d in zip(obs[["source", "freq", "stream", "period", "end"]].itertuples(index=False), derived):
            sources = str(r.source).split("+")
            if str(d).startswith("sum of"):
                lag = max(self.finest_lag(s) for s in sources)
            else:
                lag = max(self.lag(s, r.freq, r.stream, r.period) for s in sources)
            out.append(r.end + lag)
        return pd.Series(out, index=obs.index, dtype=object)

    def published_by(self, obs: pd.DataFrame, origin, cutoff=None) -> pd.DataFrame:
        """The observations published by the end of month `origin` (and, if `cutoff` is given, covering
        nothing after it): what a forecaster at `origin` could read."""
        origin = pd.Period(str(origin), freq="M")
        keep = self.published_month(obs).map(lambda m: m <= origin)
        if cutoff is not None:
            c = pd.Period(str(cutoff), freq="M")
            keep &= obs["end"].map(lambda e: e <= c)
        return obs[keep.astype(bool)].reset_index(drop=True)

    def last_published_month(self, origin, source: str = PANEL_SOURCE) -> pd.Period:
        """The last month of a monthly source out by the end of month `origin`."""
        return pd.Period(str(origin), freq="M") - self.monthly_lag(source)

    def table(self) -> pd.DataFrame:
        """One row per source and frequency (and exception): the lag and where it comes from (for docs)."""
        rows = []
        for key, r in self.sources.items():
            for freq, lag in r.lags.items():
                rows.append(dict(source=key, freq=freq, lag_months=lag, basis=r.basis, publisher=r.publisher))
            for ex in r.exceptions:
                rows.append(
                    dict(
                        source=key,
                        freq=f"{ex.stream} {ex.period or '(all)'}",
                        lag_months=ex.lag,
                        basis=r.basis,
                        publisher=r.publisher,
                    )
                )
        return pd.DataFrame(rows)


def check_sources(calendar: ReleaseCalendar, sources) -> None:
    """Every configured national source must have a release entry (else a backtest could read it too early)."""
    missing = [s for s in sources if s not in calendar.sources]
    if missing:
        raise ConfigError(f"release calendar: no entry for source(s) {', '.join(missing)} (releases.yaml sources)")
