"""Which estimation window should the projection's housing hazard use? Rolling origins in the replay.

    nice -n 10 .venv/bin/python scripts/housing_window.py [--real ../shared/data/real] [--write]

At each year-end origin 2016..2022 the replay (`mpp.occupancy.history`, realised inflow, decisions, grant rates and
backlog 2015-01..2023-03, as `mpp occupancy-replay`) estimates its rates on the COA observations dated up to the
origin only, with three estimation windows:
  all  every observation since 2015-01-01 (housing and departure hazard together: the replay's own method;
       at the 2019 origin this is the current setting, 2015-01..2019-12);
  24m  the observations of the 24 months before the origin: the housing hazard alone, the departure hazard fixed
       at the `all` estimate of the same origin;
  12m  the same with the last 12 months.
The rates are constant over the replay; a window only selects the observations in the loss (`calibrate_long`'s
`fit_from`). A window without any observation has no estimate (n/a). Each estimate is replayed and scored on the
status-holder counts of COA dated in the 12 months after the origin (the % error; rounded news figures included),
beside the naive rule (the last status-holder count at or before the origin carried forward).

The choice, written down before the first run (which computed every origin at once): the window with the smallest mean absolute % error
of the status-holder stock over the tuning origins 2016-2019 (per origin the mean over its observations; origins
without a status-holder count in the following 12 months drop out), through `mpp.backtest.protocol.choose_on_tuning`
(OriginSplit tuning_end 2019-12, locked_start 2020-12). The locked origins 2020-2022 only report.
Prints the markdown; with --write, replaces block `housing-window` in docs/occupancy.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from mpp.backtest.panel_figures import write_block  # noqa: E402
from mpp.backtest.protocol import OriginSplit, choose_on_tuning  # noqa: E402
from mpp.errors import DataError  # noqa: E402
from mpp.occupancy.history import calibrate_long, run_long_replay  # noqa: E402
from mpp.occupancy.replay import Knob, with_values  # noqa: E402
from mpp.occupancy.replay_inputs import long_replay_inputs  # noqa: E402
from mpp.spec import load_assumptions  # noqa: E402

DOC = REPO / "docs" / "occupancy.md"
ASSUMPTIONS = REPO / "src/mpp/resources/config/assumptions/replay_2015_2023.yaml"
ORIGINS = range(2016, 2023)
WINDOWS = ("all", "24m", "12m")
SPLIT = OriginSplit(tuning_end="2019-12", locked_start="2020-12")
HOUSING, DEPARTURE = Knob("housing.hazard", 0.01, 0.9), Knob("departure.hazard", 0.01, 0.9)
SH = "status_holders_in_coa_reception"
PROJECTION = REPO / "src/mpp/resources/config/assumptions/projection_2026.yaml"
LAST_OBSERVATION = "2023-04-16"


def window_start(year: int, window: str) -> str:
    return {"all": "2015-01-01", "24m": f"{year - 1}-01-01", "12m": f"{year}-01-01"}[window]


def estimate(base, inp, obs, year: int) -> dict[str, dict | None]:
    """Per window the estimated rates at the year-end origin `year` (None: no observation in the window)."""
    origin = f"{year}-12-31"
    full = calibrate_long(base, inp, obs, [HOUSING, DEPARTURE], origin)
    out: dict[str, dict | None] = {"all": {**full.values, "n_fit": full.n_fit}}
    fixed = with_values(base, {DEPARTURE.path: full.values[DEPARTURE.path]})
    for w in ("24m", "12m"):
        try:
            cal = calibrate_long(fixed, inp, obs, [HOUSING], origin, fit_from=window_start(year, w))
        except DataError:
            out[w] = None
            continue
        out[w] = {**cal.values, DEPARTURE.path: full.values[DEPARTURE.path], "n_fit": cal.n_fit}
    return out


def naive(obs: pd.DataFrame, origin: str) -> float | None:
    sh = obs[(obs["measure"] == SH) & (obs["date"].astype(str) <= origin)].sort_values("date", kind="stable")
    return float(sh["value"].iloc[-1]) if len(sh) else None


def replay_data(real: Path):
    return (
        load_assumptions(ASSUMPTIONS),
        long_replay_inputs(real, "2015-01", "2023-03"),
        pd.read_csv(real / "coa_occupancy_observations.csv"),
    )


def at_projection_origin(real: Path) -> dict[str, dict]:
    """What each window estimates at the replay's last observation (2023-04-16, the last step end + 16 days),
    i.e. what the projection would take with it: `all` is then 2015-01..2023-04 (not the current 2015-2019).
    -> {window: {housing.hazard, departure.hazard, n_fit, from}}."""
    base, inp, obs = replay_data(real)
    full = calibrate_long(base, inp, obs, [HOUSING, DEPARTURE], LAST_OBSERVATION)
    out = {"all": {**full.values, "n_fit": full.n_fit, "from": "2015-01-01"}}
    fixed = with_values(base, {DEPARTURE.path: full.values[DEPARTURE.path]})
    for w, start in (("24m", "2021-04-17"), ("12m", "2022-04-17")):
        cal = calibrate_long(fixed, inp, obs, [HOUSING], LAST_OBSERVATION, fit_from=start)
        out[w] = {**cal.values, DEPARTURE.path: full.values[DEPARTURE.path], "n_fit": cal.n_fit, "from": start}
    return out


def projection_sentence(est: dict[str, dict]) -> str:
    parts = [
        f"{w} {e[HOUSING.path]:.4f} (mean wait {1 / e[HOUSING.path]:.1f} months, {e['n_fit']} observations from "
        f"{e['from']}; departure {e[DEPARTURE.path]:.4f})"
        for w, e in est.items()
    ]
    return f"At the replay's last observation ({LAST_OBSERVATION}) the estimates are: " + "; ".join(parts)


def occupancy_effect(forecast: Path, est: dict) -> str:
    """The chosen window's rates in place of the projection's (projection_2026.yaml) on the inflow paths of
    `forecast` (`mpp.occupancy.compare`, as `mpp occupancy-compare`): the median end-of-year occupancy."""
    from mpp.occupancy.compare import compare_settings
    from mpp.occupancy.inputs import read_stream_paths

    ours = load_assumptions(PROJECTION)
    theirs = with_values(ours, {k: est[k] for k in (HOUSING.path, DEPARTURE.path)})
    streams, periods, paths, _ = read_stream_paths(forecast)
    i = periods.get_loc(pd.Period(ours.initial_stocks.date[:7], freq="M"))
    t = compare_settings(ours, theirs, paths[:, i:], periods[i:], streams).set_index("assumption")
    years = sorted(int(c.split("_")[1]) for c in t.columns if c.startswith("median_"))

    def row(label: str) -> str:
        return ", ".join(
            f"end {y} {t.loc[label, f'median_{y}']:,.0f} ({t.loc[label, f'effect_{y}']:+,.0f})" for y in years
        )

    ours_text = ", ".join(f"end {y} {t.loc['all of ours', f'median_{y}']:,.0f}" for y in years)
    return (
        f"With these rates in `projection_2026.yaml` (inflow `{forecast.name}`): ours "
        f"{ours_text}; the housing hazard "
        f"alone {row('outflow to housing (status holders leaving COA)')}; the departure hazard alone "
        f"{row('departure of rejected residents')}; both {row('all of theirs')}"
    )


def cases(real: Path) -> pd.DataFrame:
    base, inp, obs = replay_data(real)
    rows = []
    for year in ORIGINS:
        origin, until = f"{year}-12-31", f"{year + 1}-12-31"
        last = naive(obs, origin)
        for w, est in estimate(base, inp, obs, year).items():
            if est is None:
                rows.append({"origin": f"{year}-12", "window": w, "housing": np.nan, "n_fit": 0})
                continue
            values = {k: v for k, v in est.items() if k != "n_fit"}
            r, _ = run_long_replay(base, inp, obs, values)
            c = r.comparison
            ahead = c[(c["measure"] == SH) & (c["date"] > origin) & (c["date"] <= until)]
            for _, o in ahead.iterrows():
                rows.append(
                    {
                        "origin": f"{year}-12",
                        "window": w,
                        "housing": values[HOUSING.path],
                        "departure": values[DEPARTURE.path],
                        "n_fit": est["n_fit"],
                        "date": o["date"],
                        "observed": o["observed"],
                        "model": o["model"],
                        "pct_error": o["pct_error"],
                        "naive_pct_error": np.nan if last is None else 100.0 * (last - o["observed"]) / o["observed"],
                    }
                )
            if ahead.empty:
                rows.append(
                    {"origin": f"{year}-12", "window": w, "housing": values[HOUSING.path], "n_fit": est["n_fit"]}
                )
    return pd.DataFrame(rows)


def per_origin(frame: pd.DataFrame, column: str = "pct_error") -> pd.Series:
    """Mean absolute % error per origin (over its status-holder counts); origins without any drop out."""
    scored = frame.dropna(subset=[column])
    return scored.groupby("origin")[column].apply(lambda e: float(np.mean(np.abs(e))))


def mean_se(values: pd.Series, signed: bool = False) -> str:
    """'mean% (SE s, n=k)' over origins (`signed`: a difference of two per-origin series, in points, paired SE)."""
    values = values.dropna()
    if values.empty:
        return "n/a"
    se = float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else np.nan
    tail = f" (SE {se:.1f}, n={len(values)})" if np.isfinite(se) else f" (n={len(values)})"
    return f"{values.mean():+.1f} points{tail}" if signed else f"{values.mean():.1f}%{tail}"


def report(frame: pd.DataFrame) -> tuple[str, str]:
    tuning = SPLIT.tuning_only(frame)
    chosen, scores = choose_on_tuning(
        SPLIT,
        {w: tuning[tuning["window"] == w] for w in WINDOWS},
        lambda f: per_origin(f).mean() if len(per_origin(f)) else np.nan,
        what="housing estimation window",
    )
    lines = [
        "| origin | role | window | obs. in window | housing hazard (mean wait) | status holders ahead: date, observed,"
        " replay (error) | naive (last count) |",
        "|---|---|---|---|---|---|---|",
    ]
    for (origin, w), g in frame.groupby(["origin", "window"], sort=False):
        h = g["housing"].iloc[0]
        est = "n/a (no observation)" if not np.isfinite(h) else f"{h:.4f} ({1 / h:.1f} months)"
        scored = g.dropna(subset=["pct_error"])
        ahead = (
            "; ".join(f"{o.date} {o.observed:,.0f}, {o.model:,.0f} ({o.pct_error:+.1f}%)" for o in scored.itertuples())
            or "none in the 12 months"
        )
        nv = "; ".join(f"{e:+.1f}%" for e in scored["naive_pct_error"].dropna()) or "-"
        lines.append(f"| {origin} | {SPLIT.role(origin)} | {w} | {int(g['n_fit'].iloc[0])} | {est} | {ahead} | {nv} |")
    lines += [
        "",
        "| window | tuning origins 2016-2019: mean abs. % error | minus `all` (paired SE) |"
        " locked origins 2020-2022: mean abs. % error | minus `all` (paired SE) |",
        "|---|---|---|---|---|",
    ]
    roles = (SPLIT.tuning_only(frame), SPLIT.locked_only(frame))
    for w in WINDOWS:
        mark = " (chosen)" if w == chosen else ""
        cells = []
        for part in roles:
            mine = per_origin(part[part["window"] == w])
            cells += [
                mean_se(mine),
                "-" if w == "all" else mean_se(mine - per_origin(part[part["window"] == "all"]), signed=True),
            ]
        lines.append(f"| {w}{mark} | {' | '.join(cells)} |")
    naive_cells = [mean_se(per_origin(part[part["window"] == "all"], "naive_pct_error")) for part in roles]
    lines.append(f"| naive (last count) | {naive_cells[0]} | - | {naive_cells[1]} | - |")
    listed = ", ".join(f"{k} {v:.1f}%" for k, v in scores.items())
    return "\n".join(lines), f"chosen on tuning origins: {chosen} ({listed})"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--real", type=Path, default=REPO.parent / "shared/data/real")
    p.add_argument("--cache", type=Path, default=None, help="CSV of the cases (read if present, else written)")
    p.add_argument("--effect", type=Path, default=None, help="inflow forecast dir: the chosen window's occupancy")
    p.add_argument("--write", action="store_true", help="replace block housing-window in docs/occupancy.md")
    a = p.parse_args(argv)
    if a.cache is not None and a.cache.exists():
        frame = pd.read_csv(a.cache, dtype={"origin": str})
    else:
        frame = cases(a.real)
        if a.cache is not None:
            frame.to_csv(a.cache, index=False)
    table, choice = report(frame)
    est = at_projection_origin(a.real)
    chosen = choice.split(": ", 1)[1].split(" ", 1)[0]
    text = f"{table}\n\n{choice}. {projection_sentence(est)}."
    if a.effect is not None:
        text += f" {occupancy_effect(a.effect, est[chosen])}."
    print(text)
    if a.write:
        DOC.write_text(write_block(DOC.read_text(), "housing-window", text, "scripts/housing_window.py"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
