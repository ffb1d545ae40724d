"""The stages a monthly run calls besides the forecast: the gating backtest, occupancy, the national forecast, charts, the revision waterfall, and SIGTERM as an exception."""

from __future__ import annotations

import json
import signal
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from mpp.backtest import FrameSource, run_backtest, summary_metrics
from mpp.bands import manifest_quantiles
from mpp.data.catalog import SAMPLE_MARK, DataIdentity
from mpp.errors import DataError, RunFailed
from mpp.flows.national import write_national
from mpp.flows.occupancy import project_from_forecast
from mpp.flows.outcomes import VariantOutcome
from mpp.flows.overlays import overlay_stage, write_waterfall
from mpp.forecast import run_forecast
from mpp.forecast.config import ForecastConfig
from mpp.models.variants import VariantSpec
from mpp.national.run import run_national
from mpp.occupancy.run import ForecastMissesStart
from mpp.project import Project
from mpp.provenance import (
    atomic_write_csv,
    atomic_write_json,
    hash_json,
)
from mpp.spec import RunSpec
from mpp.tracking.config import PipelineConfig


def gating_scores(
    history: pd.DataFrame,
    spec: RunSpec,
    cfg: PipelineConfig,
    fcfg,
    cutoff: pd.Period,
    out: Path,
    data_hash: str,
    echo=print,
    lag_months: int = 0,
) -> dict[str, dict[str, float]]:
    """Backtest metrics per variant at the configured origins ({} when the history is too short). Each origin
    sees the months published by then (`lag_months`, the release calendar's lag of the panel)."""

    first = history["period"].min()
    origins = [o for o in cfg.gating.origins_for(cutoff) if o >= first + 24]
    if not origins:
        return {}
    bcfg = fcfg.model_copy(update={"n_samples": cfg.gating.n_samples})
    # one resumable folder per data, seed and settings (another seed in pipeline.yaml is another backtest)
    folder = hash_json({"data": data_hash, "seed": cfg.seed, "forecast": bcfg.model_dump(mode="json")})[:12]
    detail = run_backtest(
        FrameSource(history, name="vintage", lag_months=lag_months),
        cfg.variants,
        origins,
        cfg.gating.horizon,
        out / "_backtest" / folder,
        seed=cfg.seed,
        progress=False,
        catalog=spec.variants,
        config=bcfg,
        log=echo,
    )
    return summary_metrics(detail, n_boot=200, seed=cfg.seed)


def write_gating_scores(run_dir: Path, scores: dict[str, dict[str, float]]) -> None:
    """The gating backtest beside each run's forecast, where the report reads its scorecard."""
    if not scores:
        return
    rows = [{"variant": v, "metric": m, "value": x} for v, ms in scores.items() for m, x in sorted(ms.items())]
    atomic_write_csv(run_dir / "backtest" / "scores.csv", pd.DataFrame(rows))
    atomic_write_json(run_dir / "backtest" / "summary.json", scores)


def occupancy_stage(forecast_dir: Path, spec: RunSpec, out_dir: Path) -> Path | None:
    """COA occupancy from the assumptions' initial-stock month on (with the long replay's track record when the
    pipeline names one); None when the forecast does not reach the start."""

    assert spec.assumptions is not None
    afile = spec.files.get("assumptions")
    replay = None
    if (r := spec.pipeline.occupancy.replay) is not None:  # the long replay as the projection's track record
        real = spec.files.get("replay_real")
        replay = {
            "real": Path(real) if real else None,
            "assumptions": spec.replay_assumptions,
            "assumptions_file": spec.files["replay_assumptions"],
            "start": r.start,
            "end": r.end,
            "fit_until": r.fit_until,
        }
    try:
        project_from_forecast(
            forecast_dir,
            spec.assumptions,
            out_dir,
            assumptions_file=Path(afile) if afile else None,
            quantiles=spec.forecast.quantiles,
            replay=replay,
        )
    except ForecastMissesStart:
        return None
    return out_dir / "occupancy_bands.csv"


def national_stage(spec: RunSpec, cutoff: str, out_dir: Path) -> Path:
    """The national forecast (every MPP stream and the total, `national.yaml`) at the run's cut-off and seed
    from the run spec's national sources, written to `out_dir` (the report shows it beside each variant)."""

    assert spec.national is not None and spec.national_data is not None
    run = run_national(cutoff, data_dir=spec.national_data, cfg=spec.national, seed=spec.pipeline.seed)
    return write_national(run, out_dir)


def national_first(track, spec: RunSpec, identity: DataIdentity, cutoff_s: str, out: Path, echo) -> Path | None:
    """The national forecast of the spec's sources into `out/national`, logged to the parent run; returns the
    folder whose paths drive the occupancy projection: the national forecast (pipeline `occupancy.inflow:
    national`, the default: every stream of the whole country) or None (each variant's own paths). A run on
    sample data never mixes in the real national forecast."""
    if spec.national is None:
        return None
    echo("national forecast of every MPP stream ...")
    out_dir = out / "national"
    national_stage(spec, cutoff_s, out_dir)
    track.log(
        params={"national_hash": spec.national_hash, "national_data": spec.national_data},
        folder=out_dir,
        subdir="national",
    )
    if spec.assumptions is None or spec.pipeline.occupancy.inflow != "national":
        return None
    if identity.source.is_sample:
        echo(f"{SAMPLE_MARK}: COA occupancy from the sample's own paths, not from the real national forecast")
        return None
    if spec.overlays:  # model + overlays occupancy from the same national paths as the model-only one
        stage = overlay_stage(out_dir, spec.overlays, spec.pipeline.seed, spec.assumptions)
        track.log(folder=stage.directory if stage else None, subdir="national/overlays")
    return out_dir


COA_OBSERVATIONS = "coa_occupancy_observations.csv"


def coa_observations_file(loc: Project, identity: DataIdentity) -> Path | None:
    """The realised COA figures of the project's data snapshot, drawn before the projection in each report; None
    for a run on sample data (its projection comes from synthetic inflow) or when the snapshot has none."""
    if identity.source.is_sample:
        return None
    try:
        f = loc.source_snapshot() / "real" / COA_OBSERVATIONS
    except DataError:
        return None
    return f if f.is_file() else None


def fan_chart_png(forecast_dir: Path, title: str) -> Path:
    """Fan chart of the total (the report's chart helper) next to the forecast files."""
    from mpp.report import fan_chart, figure_png

    monthly = pd.read_csv(forecast_dir / "bands_monthly.csv", dtype={"period": str})
    hist = pd.read_csv(forecast_dir / "history.csv", dtype={"period": str})
    h = hist[hist["series_id"] == "TOTAL/TOTAL"]
    fig = fan_chart(
        pd.Series(h["value"].to_numpy(float), index=pd.PeriodIndex(h["period"], freq="M")),
        monthly[monthly["series_id"] == "TOTAL/TOTAL"],
        title,
    )
    path = forecast_dir / "fan_total.png"
    path.write_bytes(figure_png(fig))
    return path


@contextmanager
def sigterm_raises():
    """A scheduler's SIGTERM becomes an exception, so the failure handling below still runs."""

    def handler(signum, frame):
        raise RunFailed(f"terminated by signal {signum}")

    try:
        old = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def revision_waterfall(
    o: VariantOutcome,
    prev,
    prev_bands: pd.DataFrame,
    cutoff: str,
    history,
    spec: RunSpec,
    cfg: PipelineConfig,
    loc: Project,
) -> list[Path]:
    """revision_waterfall.csv/.md: new data / model change / overlays since the previous version. When the
    previous forecast's model settings (its manifest's config hash) differ from this one's, the previous variant
    spec and forecast settings are re-run on this month's data (the bridge) to separate the model change."""

    prev_cutoff = prev.tags.get("cutoff", "?")
    prev_dir = loc.out / prev_cutoff / prev.tags.get("data_id", "-") / o.variant
    current = json.loads((o.out_dir / "manifest.json").read_text())
    bridge = None
    pfile = prev_dir / "manifest.json"
    previous = json.loads(pfile.read_text()) if pfile.is_file() else None
    if previous is not None and previous.get("config_hash") != current.get("config_hash"):
        keep = {k: previous[k] for k in ("n_samples", "reconciliation", "dependence", "pooling") if k in previous}
        keep["quantiles"] = manifest_quantiles(previous)
        fcfg = ForecastConfig.model_validate({**spec.forecast.model_dump(), **keep})
        res = run_forecast(
            history,
            pd.Period(cutoff, "M"),
            variant=VariantSpec.model_validate(previous["variant_spec"]),
            seed=int(previous.get("seed", cfg.seed)),
            config=fcfg,
            horizon=int(current["horizon"]),
        )
        bridge = res.bands_annual
    write_waterfall(
        o.out_dir,
        prev_dir if prev_dir.is_dir() else None,
        prev_bands,
        cutoff,
        prev_cutoff,
        o.variant,
        bridge_model=bridge,
    )
    return [o.out_dir / "revision_waterfall.csv", o.out_dir / "revision_waterfall.md"]
