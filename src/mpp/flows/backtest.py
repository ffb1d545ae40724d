"""The backtest run folder (`mpp backtest`): data source -> rolling origins (`mpp.backtest.run_backtest`, which
keeps each finished part) -> tables, ranking, headline, official peer, figures and summaries in one folder."""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mpp.backtest import official
from mpp.backtest.peer import (
    PANEL_QUANTITIES,
    load_realised_figures,
    national_quarterly,
    read_csv_free_last_column,
    summary_notes,
)
from mpp.backtest.plots import annual_error_by_origin_year, coverage_by_level, error_by_horizon
from mpp.backtest.report import summary_html, summary_markdown
from mpp.backtest.runner import (
    DataSource,
    FrameSource,
    VintageSource,
    read_part_meta,
    run_backtest,
    with_baseline,
)
from mpp.backtest.spec import BacktestSpec
from mpp.backtest.summary import annual_errors, headline, ranking, scores_table, summary_metrics
from mpp.data.io import read_realisations
from mpp.data.store import VintageStore
from mpp.forecast.config import ForecastConfig
from mpp.models.variants import VariantsConfig
from mpp.provenance import (
    atomic_write_bytes,
    atomic_write_csv,
    atomic_write_json,
    atomic_write_parquet,
    atomic_write_text,
    code_version,
)


@dataclass
class BacktestOutputs:
    out_dir: Path
    detail: pd.DataFrame
    scores: pd.DataFrame
    ranking: pd.DataFrame
    headline: pd.DataFrame
    peer: pd.DataFrame | None
    metrics: dict
    wall_seconds: float
    files: list[str] = field(default_factory=list)


def open_source(path: str | Path, lag_months: int = 0) -> DataSource:
    """A vintage store folder (each origin sees the vintage published then) or a data file (validated).
    `lag_months`: the data's publication lag (release calendar): an origin sees months to origin - lag."""
    path = Path(path)
    if path.is_dir():
        return VintageSource(VintageStore(path), name=f"vintage store {path}", lag_months=lag_months)

    return FrameSource(read_realisations(path)[0], name=path.name, lag_months=lag_months)


def peer_comparison(
    source: DataSource,
    variant: str,
    out_dir: Path,
    shared_data: Path,
    seed: int,
    workers: int,
    progress: bool,
    catalog: VariantsConfig,
    config: ForecastConfig,
) -> pd.DataFrame | None:
    """Official scenarios beside ours made at the same data cut-off (forecasting to December of next year)."""
    pub_file = shared_data / "mpp_published.csv"
    if not pub_file.exists():
        return None
    published = read_csv_free_last_column(pub_file)
    realised = load_realised_figures(shared_data)
    latest = source.latest()
    first, last = latest["period"].min(), latest["period"].max()
    cutoffs = sorted({pd.Period(c, freq="M") for c in published["data_cutoff"].dropna()})
    cutoffs = [c for c in cutoffs if first + 24 <= c < last]
    ours = []
    national_q = national_quarterly(shared_data)
    for c in cutoffs:
        horizon = 12 - c.month + 12  # to December of the year after the cut-off, as the MPP publishes
        detail = run_backtest(
            source,
            [variant],
            [c],
            horizon,
            out_dir / "peer" / f"h{horizon}",
            seed=seed,
            workers=workers,
            progress=progress,
            catalog=catalog,
            config=config,
        )
        years = detail.loc[detail["target"] == "year"]
        rows = official.ours_at_cutoff(years, variant, str(c), PANEL_QUANTITIES)
        ours.append(rows)
        if national_q is not None:
            known = source.known_at(c)
            first_req = known.loc[known["stream"] == "first_asylum_request"]
            panel_q = first_req.groupby(
                first_req["period"].dt.qyear.astype(str) + "Q" + first_req["period"].dt.quarter.astype(str)
            )["value"].sum()
            panel_q.index = pd.PeriodIndex(panel_q.index, freq="Q")
            share = official.share_before(panel_q, national_q, c)
            first_rows = rows.loc[rows["quantity"] == PANEL_QUANTITIES["first_asylum_request/TOTAL"]]
            if share == share and not first_rows.empty:
                ours.append(
                    official.scaled_national(
                        first_rows,
                        share,
                        "first_asylum_request",
                        realised,
                        "the panel's share of national first requests in the 4 quarters to the cut-off",
                    )
                )
    return official.peer_table(published, realised, ours)


def run_backtest_pipeline(
    data: str | Path | DataSource,
    plan: BacktestSpec,
    out_dir: str | Path,
    *,
    catalog: VariantsConfig,
    config: ForecastConfig,
    shared_data: Path | None = None,
    default_variant: str | None = None,
    log=None,
) -> BacktestOutputs:
    """Run or resume the backtest `plan` and write every output of DIR (see docs/backtest.md).

    `catalog` and `config` come from the run spec; `shared_data` is the folder with the official forecasts and
    realised national figures for the peer comparison (None: no peer comparison). `plan.publication_lag`: the
    data's publication lag when `data` is a path (a DataSource carries its own)."""
    out = Path(out_dir)
    source = data if not isinstance(data, (str, Path)) else open_source(data, plan.publication_lag or 0)
    variants = with_baseline(list(plan.variants))
    origins, horizon, seed, n_boot = list(plan.origins), plan.horizon, plan.seed, plan.n_boot
    workers, progress = plan.workers, plan.progress
    default_variant = default_variant or catalog.default
    t0 = time.perf_counter()
    detail = run_backtest(
        source,
        variants,
        origins,
        horizon,
        out,
        seed=seed,
        workers=workers,
        backend=plan.backend,
        progress=progress,
        catalog=catalog,
        config=config,
        log=log,
    )
    peer = (
        peer_comparison(source, default_variant, out, shared_data, seed, workers, progress, catalog, config)
        if shared_data is not None
        else None
    )
    wall = time.perf_counter() - t0

    scores = scores_table(detail)
    rank = ranking(detail)
    heads = pd.concat(
        [headline(detail, lvl, n_boot, seed) for lvl in ("stream_nationality", "total")], ignore_index=True
    )
    annual = annual_errors(detail)
    metrics = summary_metrics(detail, n_boot=n_boot, seed=seed)
    meta = read_part_meta(out)
    files = _write_tables(out, detail, scores, rank, heads, annual, peer, metrics)
    plots = _write_plots(out, scores, annual)
    facts = {
        "data": source.name,
        "variants": ", ".join(variants),
        "default variant": default_variant,
        "origins": f"{len(origins)} ({origins[0]} .. {origins[-1]})",
        "horizon": f"{horizon} months",
        "seed": str(seed),
        "wall time": f"{wall:.1f} s (this invocation; resumed parts are not recomputed)",
        "forecast seconds (sum over parts)": f"{meta['seconds'].sum():.1f}" if "seconds" in meta else "n/a",
        "code": code_version(),
    }
    notes = summary_notes(heads, default_variant)
    args = ("mpp backtest", facts, heads, rank, peer, plots, notes)
    atomic_write_text(out / "summary.md", summary_markdown(*args))
    atomic_write_text(out / "summary.html", summary_html(*args))
    files += ["summary.md", "summary.html", *plots]
    return BacktestOutputs(out, detail, scores, rank, heads, peer, metrics, wall, files)


def _write_tables(out: Path, detail, scores, rank, heads, annual, peer, metrics) -> list[str]:
    atomic_write_parquet(out / "scores_detail.parquet", detail)
    atomic_write_csv(out / "scores.csv", scores)
    atomic_write_parquet(out / "scores.parquet", scores)
    atomic_write_csv(out / "ranking.csv", rank)
    atomic_write_csv(out / "headline.csv", heads)
    atomic_write_csv(out / "annual_errors.csv", annual)
    atomic_write_json(out / "summary_metrics.json", metrics)
    files = [
        "scores_detail.parquet",
        "scores.csv",
        "scores.parquet",
        "ranking.csv",
        "headline.csv",
        "annual_errors.csv",
        "summary_metrics.json",
    ]
    if peer is not None:
        atomic_write_csv(out / "official_peer.csv", peer)
        files.append("official_peer.csv")
    return files


def _write_plots(out: Path, scores: pd.DataFrame, annual: pd.DataFrame) -> list[str]:

    import matplotlib.pyplot as plt

    figs = {
        "error_by_horizon.png": error_by_horizon(scores),
        "coverage_by_level.png": coverage_by_level(scores),
        "annual_error_by_origin_year.png": annual_error_by_origin_year(annual),
    }
    for name, fig in figs.items():
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        plt.close(fig)
        atomic_write_bytes(out / name, buf.getvalue())
    return list(figs)


def load_metrics(out_dir: str | Path) -> dict:
    """The summary metrics of a finished backtest folder ({variant: {metric: value}}), for MLflow."""
    return json.loads((Path(out_dir) / "summary_metrics.json").read_text())
