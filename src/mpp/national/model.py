"""National sample paths per stream, coherent across months, quarters, years and streams on every path.

Each stream is forecast at the frequency at which its national history is complete, and its paths are split
into months with a monthly profile, so months add up to quarters and quarters to years exactly:

- first requests: quarterly (CBS 2013-Q1..; before 2013 sums of Eurostat months). Methods (chosen by
  backtest on tuning origins, config/national.yaml): `level_rw` (random walk of the log annual level = sum of
  the last 4 quarters, with the average quarterly pattern), `level_ar` (the same level reverting to its mean
  of the base window, AR(1) estimated on the window), `ets` (damped-trend ETS on log quarters, statsmodels).
- nareizigers: `panel_share`: the 7-nationality CBS panel (monthly, to the cut-off) summed to quarters and
  forecast like first requests; national = panel / share, the share drawn per path around its recent annual
  values (78-93% since 2015); nationality split PANEL7 + OTHER on every path. `annual_rw`: a random walk of
  the log national annual total (the only complete national frequency).
- repeat requests: too little recent data for a model of its own (monthly only to 2020-08, then scattered
  IND months and one IND annual figure): `ratio_to_first` (repeat = a ratio x first requests, the ratio from
  the latest observed months) or `annual_level` (a random walk of the last observed annual level); the
  choice is made on tuning origins.
- resettlement: a stated band (no counts exist), spread evenly over months.
- total asylum inflow = first + repeat + nareizigers + resettlement on every path.

The streams are in mpp.national.streams (first requests, repeat requests, resettlement, the panel split) and
mpp.national.nareizigers, the path machinery (level paths, monthly profiles) in mpp.national.paths; this module
holds the series ids, the result and `forecast_national`, which sets up one run and assembles its streams.

Months of quarters that were observed are split by their own observed months where all three are known
(benchmarked to the quarter), otherwise by a profile; such months are never written to a stored table before
the cut-off (see mpp.national.run): they exist only so that every path has one monthly shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mpp.data.national_readers import PANEL
from mpp.data.observations import before, resolve
from mpp.national.config import NationalConfig
from mpp.national.nareizigers import nareizigers
from mpp.national.streams import Setup, Stream, first_requests, panel_split, repeat_requests, resettlement

FIRST, REPEAT, NAR, RESETTLE, TOTAL_ID = (
    "first_asylum_request/TOTAL",
    "repeat_asylum_request/TOTAL",
    "nareizigers/TOTAL",
    "resettlement/TOTAL",
    "TOTAL/TOTAL",
)
NAR_PANEL, NAR_OTHER = f"nareizigers/{PANEL}", "nareizigers/OTHER"
FIRST_PANEL, FIRST_OTHER = f"first_asylum_request/{PANEL}", "first_asylum_request/OTHER"
SERIES = (FIRST, FIRST_PANEL, FIRST_OTHER, REPEAT, NAR, NAR_PANEL, NAR_OTHER, RESETTLE, TOTAL_ID)


@dataclass
class NationalForecast:
    cutoff: pd.Period
    months: pd.PeriodIndex  # January of the cut-off year .. December two years later
    series_ids: list[str]
    paths: np.ndarray  # [series, month, sample]
    basis: pd.DataFrame  # series_id, period, freq, basis (observed / nowcast / forecast), source
    details: dict = field(default_factory=dict)  # per stream: method, parameters, base series, sources

    def index(self, sid: str) -> int:
        return self.series_ids.index(sid)

    def quarterly(self) -> tuple[pd.PeriodIndex, np.ndarray]:
        q = self.months.asfreq("Q")
        uq = pd.PeriodIndex(sorted(set(q)), freq="Q")
        out = np.stack([self.paths[:, q == k, :].sum(axis=1) for k in uq], axis=1)
        return uq, out

    def annual(self) -> tuple[list[int], np.ndarray]:
        years = sorted(set(self.months.year))
        out = np.stack([self.paths[:, self.months.year == y, :].sum(axis=1) for y in years], axis=1)
        return years, out


def effective_methods(cfg: NationalConfig, methods: dict | None = None) -> dict:
    """The model settings a run uses: config/national.yaml, overridden by `methods` (backtest candidates)."""
    m = cfg.model
    return {
        "first": m.first_asylum_request.method,
        "first_scale": m.first_asylum_request.scale,
        "nareizigers": m.nareizigers.method,
        "nar_base": m.nareizigers.base,
        "nar_scale": m.nareizigers.scale,
        "repeat": m.repeat_asylum_request.method,
        "first_nowcast": m.first_asylum_request.nowcast,
        "nar_grants": m.nareizigers.grants.forecast,
        "nar_grant_months": m.nareizigers.grants.months,
        "nar_grant_step": m.nareizigers.grants.step_scale,
        **(methods or {}),
    }


def forecast_national(
    obs: pd.DataFrame,
    cutoff,
    cfg: NationalConfig,
    seed: int = 0,
    n_samples: int | None = None,
    methods: dict | None = None,
    years_ahead: int = 2,
) -> NationalForecast:
    """National monthly sample paths for January of the cut-off year .. December `years_ahead` years later,
    from the observations whose period ends at or before the cut-off (nothing later is read)."""
    s = setup(obs, cutoff, cfg, seed, n_samples, methods, years_ahead)
    first = first_requests(s)
    nar = nareizigers(s, first)
    repeat = repeat_requests(s, first.monthly)
    resettle = resettlement(s)
    # first requests by nationality drawn last, so nothing above depends on it
    first.panel, first.details["nationality_split"] = panel_split(s, first)
    streams = {FIRST: first, NAR: nar, REPEAT: repeat, RESETTLE: resettle}
    return NationalForecast(
        cutoff=s.cutoff,
        months=s.months,
        series_ids=list(SERIES),
        paths=_paths(streams),
        basis=pd.DataFrame(
            [
                dict(series_id=sid, period=str(k), freq="Q", basis=b)
                for sid, stream in streams.items()
                for k, b in zip(s.quarters, stream.basis)
            ]
        ),
        details={
            "first_asylum_request": first.details,
            "nareizigers": nar.details,
            "repeat_asylum_request": repeat.details,
            "resettlement": resettle.details,
        },
    )


def setup(
    obs: pd.DataFrame,
    cutoff,
    cfg: NationalConfig,
    seed: int,
    n_samples: int | None,
    methods: dict | None,
    years_ahead: int,
) -> Setup:
    """One run's inputs: the observations resolved up to the cut-off, the effective settings, the output's months
    (January of the cut-off year .. December `years_ahead` years later) and quarters, the random generator."""
    cutoff = pd.Period(str(cutoff), freq="M")
    rng = np.random.default_rng(seed)
    months = pd.period_range(f"{cutoff.year}-01", f"{cutoff.year + years_ahead}-12", freq="M")
    return Setup(
        obs=obs,
        res=resolve(before(obs, cutoff), cfg.precedence),
        cutoff=cutoff,
        cfg=cfg,
        methods=effective_methods(cfg, methods),
        n=int(n_samples or cfg.model.n_samples),
        rng=rng,
        months=months,
        quarters=pd.PeriodIndex(sorted(set(months.asfreq("Q"))), freq="Q"),
        last_full_q=(cutoff + 1).asfreq("Q") - 1,
    )


def _paths(streams: dict[str, Stream]) -> np.ndarray:
    """[series, month, sample] in the order of SERIES; total asylum inflow = the sum of the four streams on
    every path, and each stream's panel part + OTHER = the stream."""
    first, nar = streams[FIRST], streams[NAR]
    assert first.panel is not None and nar.panel is not None
    repeat, resettle = streams[REPEAT].monthly, streams[RESETTLE].monthly
    total = first.monthly + repeat + nar.monthly + resettle  # this order: the sums are bytes in the outputs
    by_id = {
        FIRST: first.monthly,
        FIRST_PANEL: first.panel,
        FIRST_OTHER: first.monthly - first.panel,
        REPEAT: repeat,
        NAR: nar.monthly,
        NAR_PANEL: nar.panel,
        NAR_OTHER: nar.monthly - nar.panel,
        RESETTLE: resettle,
        TOTAL_ID: total,
    }
    return np.stack([by_id[sid] for sid in SERIES])
