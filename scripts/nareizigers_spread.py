"""Where the grants model's nareizigers band comes from (issue 24), and whether its history has a break.

    nice -n 10 .venv/bin/python scripts/nareizigers_spread.py [--data ../shared/data/real] [--samples 4000]

1. At every backtest origin (with publication lags, `mpp.national.backtest.known_at`) the configured grants
   model is drawn as in `mpp.national.grants`: log N_y = log r + e_y + log D_y(m, G), D the grants G weighted by
   the path's lag distribution (mean m). The variance of log N_y is split into its parts, per role (tuning /
   locked origins) and horizon: the follow-up ratio r, the year noise e_y, the lag (D with the grants fixed
   at their median per year) and the forecast grants (the rest of var log D). Next year and the year after
   are exactly the model's annual totals; the running year is left out (the model keeps its months up to
   the cut-off as observed, so its band is not the grant-driven one).
2. The national nareizigers history, year by year: the value the model uses and its source, the same
   year from the other publisher where one exists, and the 7-nationality CBS panel's share of it. The years
   2015-2017 come from IND/ministry figures (realised_totals), 2018 onward from CBS: a change of definition
   would show as a jump in the panel's share or as a gap between IND and CBS in the same year.
Prints two markdown tables; with --write, replaces them in docs/national.md (block `nareizigers-spread`).
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
from mpp.data.observations import resolve, series  # noqa: E402
from mpp.national import grants  # noqa: E402
from mpp.national.backtest import HORIZONS, SPLIT, known_at, quarter_origins, target_years  # noqa: E402
from mpp.national.model import PANEL  # noqa: E402
from mpp.national.sources import load_observations  # noqa: E402
from mpp.project import Project  # noqa: E402
from mpp.spec import load_national_config, load_release_calendar  # noqa: E402

PARTS = ("ratio", "year_noise", "lag", "forecast_grants")
DOC = REPO / "docs" / "national.md"


def log_variance_parts(known: pd.DataFrame, origin: pd.Period, cfg, n: int, seed: int) -> list[dict]:
    """Per target year after the origin's year: the variance of log annual nareizigers and its parts."""
    res = resolve(known, cfg.precedence)
    nat_y = series(res, "nareizigers", "Y")
    nat_y = nat_y[nat_y.index.year <= origin.year - (0 if origin.month == 12 else 1)]
    gcfg = cfg.model.nareizigers.grants
    if gcfg.forecast == "ratio_to_first":
        raise SystemExit("this decomposition draws grants on their own (no first-request paths here)")
    rng = np.random.default_rng(seed)
    hist = grants.grant_history(known, origin, cfg.precedence)
    years = target_years(origin)
    g_paths, _ = grants.grant_paths(hist, {}, years[-1], gcfg, n, rng)
    post = grants.fit_lag(nat_y, {p.year: float(v) for p, v in hist.annual.items()}, gcfg)
    j, sigma, log_r = grants.draw_parameters(post, n, rng, gcfg.sigma_max)
    g_median = {y: np.full(n, np.median(v)) for y, v in g_paths.items()}
    rows = []
    for i, year in enumerate(years):
        if i == 0:  # the running year (at a December origin, the year after: labelled alike in the backtest)
            continue
        noise = rng.normal(0.0, sigma)
        log_d = np.log(grants.drive(post, j, g_paths, year))
        total = np.var(log_r + noise + log_d)
        lag = np.var(np.log(grants.drive(post, j, g_median, year)))
        parts = dict(ratio=np.var(log_r), year_noise=np.var(noise), lag=lag, forecast_grants=np.var(log_d) - lag)
        rows.append(dict(origin=origin, role=SPLIT.role(origin), horizon=HORIZONS[i], total=total, **parts))
    return rows


def spread_table(obs, cfg, calendar, n: int) -> pd.DataFrame:
    rows = []
    for k, origin in enumerate(quarter_origins(first="2016Q1")):
        rows += log_variance_parts(known_at(obs, origin, calendar), origin, cfg, n, seed=k)
    df = pd.DataFrame(rows).sort_values(["role", "horizon"], ascending=[False, True], kind="stable")
    out = df.groupby(["role", "horizon"], sort=False)[["total", *PARTS]].mean()
    table = pd.DataFrame({"origins": df.groupby(["role", "horizon"], sort=False).size()})
    table["sd of log (total)"] = np.sqrt(out["total"]).map("{:.2f}".format)
    table["P95/P5"] = np.exp(2 * 1.645 * np.sqrt(out["total"])).map("{:.1f}".format)
    for part in PARTS:
        table[f"{part} (share of variance)"] = (out[part] / out[list(PARTS)].sum(axis=1)).map("{:.0%}".format)
    return table.reset_index()


def history_table(obs, cfg) -> pd.DataFrame:
    """Each national year the model uses, its source, the other publishers' figure, the panel's share."""
    res = resolve(obs, cfg.precedence)
    used = res[(res["stream"] == "nareizigers") & (res["freq"] == "Y") & (res["nationality"] == "TOTAL")]
    nat = obs[(obs["stream"] == "nareizigers") & (obs["freq"] == "Y") & (obs["nationality"] == "TOTAL")]
    panel = series(res, "nareizigers", "Y", nationality=PANEL)
    rows = []
    for r in used.sort_values("start").itertuples():
        year = r.start.year
        others = nat[(nat["start"] == r.start) & (nat["source"] != r.source)]
        p = panel.get(pd.Period(str(year), "Y"), np.nan)
        rows.append(
            dict(
                year=year,
                value=f"{r.value:,.0f}",
                source=r.source,
                other_publishers="; ".join(f"{o.source} {o.value:,.0f}" for o in others.itertuples()) or "-",
                panel_7_nationalities=f"{p:,.0f}",
                panel_share=f"{p / r.value:.3f}",
            )
        )
    return pd.DataFrame(rows)


def md(df: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(df.columns) + " |", "|" + "|".join("---" for _ in df.columns) + "|"]
    lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in df.itertuples(index=False)]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--samples", type=int, default=4000)
    ap.add_argument("--write", action="store_true", help=f"replace the block in {DOC.relative_to(REPO)}")
    args = ap.parse_args()
    project = Project.discover(REPO)
    cfg = load_national_config(project=project)
    obs = load_observations(cfg, args.data or project.reference_folder() / "real")
    spread = spread_table(obs, cfg, load_release_calendar(project=project), args.samples)
    text = (
        f"`python scripts/nareizigers_spread.py` ({args.samples} paths per origin, origins 2016-03..2024-06 with "
        f"publication lags):\n\n{md(spread)}\n\n{md(history_table(obs, cfg))}"
    )
    print(text)
    if args.write:
        DOC.write_text(write_block(DOC.read_text(), "nareizigers-spread", text, "scripts/nareizigers_spread.py"))


if __name__ == "__main__":
    main()
