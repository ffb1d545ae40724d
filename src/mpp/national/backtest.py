"""The national track record: a rolling-origin backtest of the annual sums the MPP publishes.

Origins every quarter (quarter-end months), each forecast made only from the observations published by the
end of the origin month (`known_at` with the release calendar, `mpp.data.releases`: the quarter that ends at the
origin and, at a December origin, that year's annual totals are not out yet); the naive rule sees the same.
Without a calendar (the earlier table, kept for comparison) everything whose period ends by the origin is used. Targets: the current calendar year and the next
one, per stream and for the total asylum inflow, wherever a realised national figure exists. References: the
naive "last 4 quarters" rule and the official MPP values (mpp_published.csv) at their cut-off.

Honesty: choices (method, calibration scale) are made with `mpp.backtest.protocol.choose_on_tuning` on the
tuning origins (up to 2020-Q4) only; origins from 2021-Q1 are locked and only reported. The files hold the
latest published vintage of every value, so this is a pseudo-real-time backtest in publication timing but not in
revisions (revisions are small for national first requests: CBS quarterly vs Eurostat within 1%).
"""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.backtest.protocol import OriginSplit, crps_of_sums, paired_bootstrap
from mpp.data.observations import before, resolve, series
from mpp.data.releases import ReleaseCalendar
from mpp.national import grants as national_grants
from mpp.national import model as national_model
from mpp.national import nareizigers as national_nareizigers
from mpp.national import nowcast as national_nowcast
from mpp.national import paths as national_paths
from mpp.national import streams as national_streams
from mpp.national.calibration import QUANTILES, pit
from mpp.national.config import NationalConfig
from mpp.national.model import FIRST, NAR, REPEAT, TOTAL_ID, effective_methods, forecast_national

SPLIT = OriginSplit(tuning_end="2020-12", locked_start="2021-03")
TARGET_SERIES = {
    FIRST: "first_asylum_request",
    REPEAT: "repeat_asylum_request",
    NAR: "nareizigers",
    TOTAL_ID: "total_asylum_inflow",
}


def quarter_origins(first: str = "2015Q4", last: str = "2024Q2") -> list[pd.Period]:
    return [q.asfreq("M", how="end") for q in pd.period_range(first, last, freq="Q")]


HORIZONS = ("current", "next", "year_after")  # the rest of this year, next year, the year after


def target_years(origin: pd.Period) -> tuple[int, int, int]:
    """The MPP's 'current year', 'next year' and the year after at an origin; at a December origin the
    current year is complete, so the targets are the three years after it."""
    y0 = origin.year + (1 if origin.month == 12 else 0)
    return y0, y0 + 1, y0 + 2


def realised_annual(obs: pd.DataFrame, cfg: NationalConfig) -> pd.DataFrame:
    """Realised national annual figures per quantity (all data, resolved by the configured precedence):
    quantity, year, value, source."""
    res = resolve(obs, cfg.precedence)
    rows = []
    for sid, stream in TARGET_SERIES.items():
        g = res[(res["stream"] == stream) & (res["freq"] == "Y") & (res["nationality"] == "TOTAL")]
        for _, r in g.iterrows():
            rows.append(
                dict(
                    series_id=sid,
                    year=int(r["period"]),
                    value=float(r["value"]),
                    source=r["source"] + (f" ({r['derived']})" if r["derived"] else ""),
                )
            )
    return pd.DataFrame(rows)


def known_at(obs: pd.DataFrame, origin, calendar: ReleaseCalendar | None = None, cutoff=None) -> pd.DataFrame:
    """What a forecaster at the end of month `origin` could read: with a release calendar, the observations
    published by then (and covering nothing after `cutoff`, if given); without one, every observation whose
    period ends by the origin (or the cut-off)."""
    if calendar is None:
        return before(obs, cutoff if cutoff is not None else origin)
    return calendar.published_by(obs, origin, cutoff)


def naive_annual(
    obs: pd.DataFrame, origin: pd.Period, cfg: NationalConfig, calendar: ReleaseCalendar | None = None
) -> dict[tuple[str, int], float]:
    """The naive references at an origin. First requests: the last 4 quarters repeated (current year =
    its observed quarters + the same quarters of the year before; next year = the last 4 quarters' total).
    Nareizigers and repeat requests, known nationally only per year here: the last complete year's total for
    every year. The year after next: as next year. Total: the sum of the three plus the stated resettlement median. It reads what the model
    reads at the origin (`known_at`): with publication lags, the last 4 quarters published."""
    res = resolve(known_at(obs, origin, calendar), cfg.precedence)
    q = series(res, "first_asylum_request", "Q")
    last_q = (origin + 1).asfreq("Q") - 1
    q = q[q.index <= last_q]
    last4 = q.iloc[-4:]
    years = target_years(origin)
    this_year = years[0]
    observed = q[q.index.year == this_year].sum()
    rest = last4[last4.index.year < this_year].sum()
    out = {(FIRST, this_year): float(observed + rest)}
    out.update({(FIRST, year): float(last4.sum()) for year in years[1:]})
    for sid, stream in ((NAR, "nareizigers"), (REPEAT, "repeat_asylum_request")):
        y = series(res, stream, "Y")
        y = y[y.index.year < this_year]
        v = float(y.iloc[-1]) if len(y) else np.nan
        out.update({(sid, year): v for year in years})
    for year in years:
        out[(TOTAL_ID, year)] = out[(FIRST, year)] + out[(NAR, year)] + out[(REPEAT, year)] + cfg.resettlement.median
    return out


def _cache_key(known: pd.DataFrame, origin, methods: dict, n: int, seed: int, cfg: NationalConfig) -> str:
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(known.astype(str), index=False).values.tobytes())
    settings = cfg.model_dump()
    for stream in ("first_asylum_request", "nareizigers", "repeat_asylum_request"):  # replaced by the effective ones
        for key in ("method", "scale", "base"):
            settings["model"][stream].pop(key, None)
    h.update(
        json.dumps(
            [str(origin), target_years(origin), effective_methods(cfg, methods), n, seed, settings],
            sort_keys=True,
            default=str,
        ).encode()
    )
    # the source of every module the paths come from (a change there is a new forecast)
    for module in (
        national_model,
        national_streams,
        national_nareizigers,
        national_paths,
        national_grants,
        national_nowcast,
    ):
        h.update(inspect.getsource(module).encode())
    return h.hexdigest()[:20]


def origin_sums(
    obs: pd.DataFrame,
    origin: pd.Period,
    cfg: NationalConfig,
    methods: dict,
    n: int,
    seed: int,
    cache: Path | None = None,
    calendar: ReleaseCalendar | None = None,
) -> dict[tuple[str, int], np.ndarray]:
    """Sample annual sums {(series, year): [sample]} for the current year, the next and the one after at one
    origin, from what was known then (`known_at`). Cached per origin, keyed on the known data, settings and
    model code."""
    known = known_at(obs, origin, calendar)
    path = None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        path = cache / f"sums_{origin}_{_cache_key(known, origin, methods, n, seed, cfg)}.npz"
        if path.exists():
            z = np.load(path)
            return {(k.split("|")[0], int(k.split("|")[1])): z[k] for k in z.files}
    years_ahead = target_years(origin)[-1] - origin.year
    fc = forecast_national(known, origin, cfg, seed=seed, n_samples=n, methods=methods, years_ahead=years_ahead)
    years, annual = fc.annual()
    out = {}
    for sid in TARGET_SERIES:
        for year in target_years(origin):
            out[(sid, year)] = annual[fc.index(sid), years.index(year)]
    if path is not None:
        np.savez_compressed(path, **{f"{k[0]}|{k[1]}": v for k, v in out.items()})
    return out


def backtest_cases(
    obs: pd.DataFrame,
    cfg: NationalConfig,
    methods: dict,
    origins=None,
    n: int = 500,
    seed: int = 0,
    cache: Path | None = None,
    progress=None,
    calendar: ReleaseCalendar | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """One case per (origin, series, target year) with a realised figure: origin, role, series_id, year,
    horizon ('current' / 'next' / 'year_after'), actual, actual_source, naive; and the sample sums
    [case, sample]."""
    origins = origins or quarter_origins()
    realised = realised_annual(obs, cfg).drop_duplicates(["series_id", "year"]).set_index(["series_id", "year"])
    rows, sums = [], []
    for k, origin in enumerate(origins):
        if progress:
            progress(k, len(origins), origin)
        s = origin_sums(obs, origin, cfg, methods, n, seed + k, cache, calendar)
        naive = naive_annual(obs, origin, cfg, calendar)
        for (sid, year), samples in s.items():
            if (sid, year) not in realised.index:
                continue
            r = realised.loc[(sid, year)]
            rows.append(
                dict(
                    origin=str(origin),
                    role=SPLIT.role(origin),
                    series_id=sid,
                    year=year,
                    horizon=HORIZONS[target_years(origin).index(year)],
                    actual=r["value"],
                    actual_source=r["source"],
                    naive=naive[(sid, year)],
                )
            )
            sums.append(samples)
    return pd.DataFrame(rows), np.array(sums)


def score(cases: pd.DataFrame, sums: np.ndarray) -> pd.DataFrame:
    """Per case: the scenario bands, abs error of the median, min-max coverage, medio exceedance, CRPS of the
    annual sum (scoringrules), the naive rule's abs error (= its CRPS as a point forecast), the PIT."""
    out = cases.copy()
    q = np.quantile(sums, list(QUANTILES.values()), axis=1)
    for k, name in enumerate(QUANTILES):
        out[name] = q[k]
    a = out["actual"].to_numpy()
    out["abs_error"] = np.abs(out["median"] - a)
    out["naive_abs_error"] = np.abs(out["naive"] - a)
    out["covered"] = (a >= out["minimum"]) & (a <= out["maximum"])
    out["medio_exceeded"] = a > out["medio"]
    out["crps"] = crps_of_sums(sums, a)
    out["crps_rel"] = out["crps"] / a
    out["pit"] = pit(sums, a)
    return out


def summary_table(scored: pd.DataFrame, n_boot: int = 2000) -> pd.DataFrame:
    """Per series x role x horizon: n, WAPE of the median vs naive with the paired-bootstrap SE of the
    difference (whole origins resampled), min-max coverage, medio exceedance, mean CRPS vs the naive rule's."""
    rows = []
    for (sid, role, horizon), g in scored.groupby(["series_id", "role", "horizon"], sort=False):
        den = g["actual"].to_numpy()
        wape = g["abs_error"].sum() / den.sum()
        wape_naive = g["naive_abs_error"].sum() / den.sum()
        diff, se = paired_bootstrap(g["origin"].to_numpy(), g["abs_error"], g["naive_abs_error"], den, n_boot)
        cdiff, cse = paired_bootstrap(g["origin"].to_numpy(), g["crps"], g["naive_abs_error"], None, n_boot)
        rows.append(
            dict(
                series_id=sid,
                role=role,
                horizon=horizon,
                n=len(g),
                origins=f"{g['origin'].min()}..{g['origin'].max()}",
                wape=wape,
                wape_naive=wape_naive,
                wape_ratio=wape / wape_naive if wape_naive else np.nan,
                wape_diff=diff,
                wape_diff_se=se,
                coverage=g["covered"].mean(),
                medio_exceeded=g["medio_exceeded"].mean(),
                crps=g["crps"].mean(),
                crps_naive=g["naive_abs_error"].mean(),
                crps_diff=cdiff,
                crps_diff_se=cse,
            )
        )
    return pd.DataFrame(rows)


def tuning_criterion(frame: pd.DataFrame) -> float:
    """Mean CRPS relative to the realised value (years of different size weigh alike)."""
    return float(frame["crps_rel"].mean())


# ------------------------------------------------------------------------------------- official MPP
def official_comparison(
    published: pd.DataFrame, realised: pd.DataFrame, ours: dict[str, pd.DataFrame], cutoffs: dict[str, str]
) -> pd.DataFrame:
    """Official scenarios beside ours at the same cut-off (`cutoffs`: vintage -> the origin we used), scored
    against the realised figure where one exists. `ours`: origin -> our annual bands (series_id, year, bands)."""
    names = {"total_asylum_inflow": TOTAL_ID, "first_asylum_request": FIRST, "nareizigers": NAR}
    p = published[published["quantity"].isin(list(names))]
    wide = p.pivot_table(
        index=["vintage", "quantity", "target_year"], columns="scenario", values="value", aggfunc="first"
    ).reset_index()
    real = realised.drop_duplicates(["series_id", "year"]).set_index(["series_id", "year"])["value"]
    rows = []
    for _, r in wide.iterrows():
        sid, year = names[r["quantity"]], int(r["target_year"])
        origin = cutoffs.get(r["vintage"])
        actual = real.get((sid, year), np.nan)
        official_central = r.get("median") if pd.notna(r.get("median", np.nan)) else r.get("medio")
        row = dict(
            vintage=r["vintage"],
            our_origin=origin,
            quantity=r["quantity"],
            year=year,
            official_min=r.get("minimum"),
            official_central=official_central,
            official_central_is="median" if pd.notna(r.get("median", np.nan)) else "medio",
            official_max=r.get("maximum"),
            realised=actual,
        )
        o = ours.get(origin)
        if o is not None:
            b = o[(o["series_id"] == sid) & (o["year"] == year)]
            if len(b):
                b = b.iloc[0]
                row.update(ours_min=b["minimum"], ours_median=b["median"], ours_medio=b["medio"], ours_max=b["maximum"])
        if pd.notna(actual):
            row["official_error"] = (official_central - actual) / actual if pd.notna(official_central) else np.nan
            if "ours_median" in row:
                central = row["ours_median"] if row["official_central_is"] == "median" else row["ours_medio"]
                row["ours_error_same_scenario"] = (central - actual) / actual
                row["ours_error_median"] = (row["ours_median"] - actual) / actual
        rows.append(row)
    return pd.DataFrame(rows)


def medio_comparison(
    published: pd.DataFrame, realised: pd.DataFrame, ours: dict[str, pd.DataFrame], calendar: ReleaseCalendar
) -> pd.DataFrame:
    """The official medio beside ours at every vintage and target year with a realised figure: vintage, its
    publication and data cut-off (and whether stated), quantity, year, horizon, official medio, our medio at
    the nominal and at the calibrated level (`ours`: vintage -> annual bands with `medio_calibrated`), the
    realised figure, each medio's relative error and whether the realised figure exceeded it."""
    names = {"total_asylum_inflow": TOTAL_ID, "first_asylum_request": FIRST, "nareizigers": NAR}
    p = published[(published["scenario"] == "medio") & published["quantity"].isin(list(names))]
    real = realised.drop_duplicates(["series_id", "year"]).set_index(["series_id", "year"])["value"]
    rows = []
    for _, r in p.iterrows():
        sid, year = names[r["quantity"]], int(r["target_year"])
        actual = real.get((sid, year), np.nan)
        if pd.isna(actual):
            continue
        v = calendar.mpp_vintages.get(r["vintage"])
        o = ours.get(r["vintage"])
        b = o[(o["series_id"] == sid) & (o["year"] == year)] if o is not None else pd.DataFrame()
        row = dict(
            vintage=r["vintage"],
            published=v.published if v else "",
            data_cutoff=f"{v.data_cutoff} ({'stated' if v.basis == 'documented' else 'assumed'})" if v else "",
            quantity=r["quantity"],
            year=year,
            horizon=b["horizon"].iloc[0] if len(b) else "",
            official_medio=float(r["value"]),
            ours_medio=float(b["medio"].iloc[0]) if len(b) else np.nan,
            ours_medio_calibrated=float(b["medio_calibrated"].iloc[0]) if len(b) else np.nan,
            realised=float(actual),
        )
        for key in ("official_medio", "ours_medio", "ours_medio_calibrated"):
            row[f"{key}_error"] = (row[key] - actual) / actual
            row[f"{key}_exceeded"] = bool(actual > row[key]) if pd.notna(row[key]) else None
        rows.append(row)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------- README block
BLOCK_BEGIN = "<!-- generated by scripts/national_backtest.py: begin -->"
BLOCK_END = "<!-- generated by scripts/national_backtest.py: end -->"
_README_NAMES = {FIRST: "first requests", TOTAL_ID: "total asylum inflow", NAR: "nareizigers"}
_README_NAMES[REPEAT] = "repeat requests"  # few realised years after 2020; README states it only through this row


def readme_block(locked: pd.DataFrame, medio: pd.DataFrame) -> str:
    """README's national figures from the generated tables (src/mpp/resources/track_record/): next year on locked
    origins, publication lags, chosen band calibration; medio beside the official one for every realised year."""
    rows = []
    for sid, name in _README_NAMES.items():
        b = locked[(locked["series_id"] == sid) & (locked["horizon"] == "next")]
        if b.empty:
            continue
        r = b.iloc[0]
        rows.append(
            "| "
            + " | ".join(
                [
                    f"{name} ({int(r['n'])} origins)",
                    f"{r['wape']:.1%}",
                    f"{r['wape_naive']:.1%}",
                    f"{100 * r['wape_diff']:+.1f} pp ({100 * r['wape_diff_se']:.1f})",
                    # inside [minimum, maximum]: above the minimum and not above the maximum
                    f"{r['minimum_exceeded'] - r['maximum_exceeded']:.0%}",
                    f"{r['medio_exceeded']:.0%} ({r['medio_se']:.0%})",
                ]
            )
            + " |"
        )
    head = (
        "| quantity | WAPE of the median | naive last-4-quarters | difference (SE) | min-max coverage "
        "| medio exceeded (SE; aim 25-40%) |\n|---|---|---|---|---|---|"
    )
    lines = [head, *rows, ""]
    for _, m in medio.iterrows():
        lines.append(
            f"- {m['vintage']}, data to {m['data_cutoff']}: {str(m['quantity']).replace('_', ' ')} {int(m['year'])} "
            f"(realised {m['realised']:,.0f}): official medio {m['official_medio']:,.0f} "
            f"({m['official_medio_error']:+.0%}); ours {m['ours_medio_calibrated']:,.0f} "
            f"({m['ours_medio_calibrated_error']:+.0%})."
        )
    return "\n".join(lines)
