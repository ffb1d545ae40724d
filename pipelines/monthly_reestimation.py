"""The monthly re-estimation (`mpp monthly`): only the wiring of the stages, in the order they run.

    lock -> data (file or generated sample) -> validate -> vintage store -> reuse check (run key)
    -> gating backtest -> per variant: forecast, occupancy, MLflow child run, pyfunc model
    -> register versions (uncommitted) -> champion decisions -> revision report -> HTML/Excel report
    -> commit versions and move aliases (the very last step)

A failure anywhere (or SIGTERM) deletes the versions this run created, restores the aliases, marks the MLflow
runs FAILED and raises RunFailed (exit 6); data and config mistakes keep their own exit codes (3, 4).
"""

from __future__ import annotations

import json
import shutil
import signal
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import pandas as pd

from mpp.errors import ConfigError, DataError, RunFailed
from mpp.provenance import (
    atomic_write_csv,
    atomic_write_json,
    atomic_write_text,
    code_version,
    hash_file,
    hash_frame,
    hash_json,
)
from mpp.revision import revision_markdown, revision_sentences, revision_table
from mpp.tracking import registry as reg
from mpp.tracking.config import Locations, PipelineConfig, load_pipeline_config
from mpp.tracking.gating import Decision, decide, run_key

VALUE_COLS = ["period", "stream", "nationality", "value"]


@dataclass
class VariantOutcome:
    variant: str
    out_dir: Path
    run_key: str
    run_id: str | None = None
    model_uri: str | None = None
    model_id: str | None = None
    version: str | None = None
    new_version: bool = False
    decision: Decision | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    revision: pd.DataFrame | None = None
    revision_lines: list[str] = field(default_factory=list)
    previous_version: str | None = None


@dataclass
class MonthlyResult:
    cutoff: str
    vintage: str
    data_hash: str
    parent_run_id: str
    reused: bool
    candidate: str
    outcomes: dict[str, VariantOutcome]
    tracking_uri: str
    model_prefix: str = "mpp"

    @property
    def out_dir(self) -> Path:
        return self.outcomes[self.candidate].out_dir

    def bands_annual(self, variant: str | None = None) -> pd.DataFrame:
        return pd.read_csv(self.outcomes[variant or self.candidate].out_dir / "bands_annual.csv")


# ------------------------------------------------------------------------------------------------ data stage
def sample_path(loc: Locations) -> Path:
    """The bundled generated sample panel, written once to data/sample/sample.csv."""
    from mpp.data.sample import generate_sample

    path = loc.sample_csv
    if not path.is_file():
        df = generate_sample(seed=0)
        atomic_write_csv(path, df.assign(period=df["period"].astype(str))[VALUE_COLS + ["source"]])
    return path


def ingest(loc: Locations, data: Path, cutoff: str | None, vintage: str | None):
    """Read and validate `data`, store what was known at the cut-off as a vintage -> (history, cutoff, entry)."""
    from mpp.data.io import read_realisations
    from mpp.data.store import VintageStore

    df, _ = read_realisations(data)
    last = df["period"].max()
    cut = pd.Period(cutoff, freq="M") if cutoff else last
    if cut > last:
        raise DataError(f"the cut-off {cut} is after the last month of {data} ({last})")
    known = df.loc[df["period"] <= cut].reset_index(drop=True)
    store = VintageStore(loc.store)
    entry = store.ingest(known.drop(columns=["vintage"], errors="ignore"), vintage or str(cut + 1),
                         source=str(data), file=str(data))
    return store.read(entry.id), cut, entry


# -------------------------------------------------------------------------------------------- compute stages
def gating_scores(history: pd.DataFrame, cfg: PipelineConfig, fcfg, cutoff: pd.Period, out: Path,
                  data_hash: str) -> dict[str, dict[str, float]]:
    """Backtest metrics per variant at the configured origins ({} when the history is too short)."""
    from mpp.backtest import FrameSource, run_backtest, summary_metrics

    first = history["period"].min()
    origins = [o for o in cfg.gating.origins_for(cutoff) if o >= first + 24]
    if not origins:
        return {}
    bcfg = fcfg.model_copy(update={"n_samples": cfg.gating.n_samples})
    detail = run_backtest(FrameSource(history, name="vintage"), cfg.variants, origins, cfg.gating.horizon,
                          out / "_backtest" / data_hash[:12], seed=cfg.seed, progress=False,
                          forecast_kwargs={"config": bcfg})
    return summary_metrics(detail, n_boot=200, seed=cfg.seed)


def write_gating_scores(run_dir: Path, scores: dict[str, dict[str, float]]) -> None:
    """The gating backtest beside each run's forecast, where the report reads its scorecard."""
    if not scores:
        return
    rows = [{"variant": v, "metric": m, "value": x} for v, ms in scores.items() for m, x in sorted(ms.items())]
    atomic_write_csv(run_dir / "backtest" / "scores.csv", pd.DataFrame(rows))
    atomic_write_json(run_dir / "backtest" / "summary.json", scores)


def occupancy_stage(forecast_dir: Path, assumptions_file: Path, out_dir: Path, replay: dict | None = None) -> Path | None:
    """COA occupancy from the assumptions' initial-stock month on (with the long replay's track record when
    `replay` is given); None when the forecast does not reach the start."""
    from mpp.occupancy.run import ForecastMissesStart, project_from_forecast

    try:
        project_from_forecast(forecast_dir, assumptions_file, out_dir, replay=replay)
    except ForecastMissesStart:
        return None
    return out_dir / "occupancy_bands.csv"


def fan_chart_png(forecast_dir: Path, title: str) -> Path | None:
    """Fan chart of the total (the report's chart helper) next to the forecast files."""
    from mpp.report import fan_chart, figure_png

    monthly = pd.read_csv(forecast_dir / "bands_monthly.csv", dtype={"period": str})
    hist = pd.read_csv(forecast_dir / "history.csv", dtype={"period": str})
    h = hist[hist["series_id"] == "TOTAL/TOTAL"]
    fig = fan_chart(pd.Series(h["value"].to_numpy(float), index=pd.PeriodIndex(h["period"], freq="M")),
                    monthly[monthly["series_id"] == "TOTAL/TOTAL"], title)
    path = forecast_dir / "fan_total.png"
    path.write_bytes(figure_png(fig))
    return path


# ------------------------------------------------------------------------------------------------ tracking
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


def log_variant_model(fdir: Path) -> tuple[str, str]:
    """Log the pyfunc (carrying paths, history and manifest) in the active run -> (model URI, model id)."""
    import mlflow.pyfunc

    from mpp.tracking.pyfunc import ARTIFACT, MODEL_FILES, BandsModel

    with tempfile.TemporaryDirectory() as tmp:
        for f in MODEL_FILES:
            shutil.copy2(fdir / f, Path(tmp) / f)
        info = mlflow.pyfunc.log_model(name="model", python_model=BandsModel(), artifacts={ARTIFACT: tmp},
                                       pip_requirements=["mpp", "mlflow", "pandas", "numpy", "pyarrow"])
    return info.model_uri, info.model_id


def _previous_bands(client, name: str, cutoff: str):
    prev = reg.previous_version(client, name, cutoff)
    if prev is None:
        return None, None
    model = reg.load_version(name, prev.version)
    return prev, model.predict(pd.DataFrame({"kind": ["annual"]}))


# ------------------------------------------------------------------------------------------------ the run
def run_monthly(data: str | Path | None = None, cutoff: str | None = None, vintage: str | None = None,
                home: str | Path | None = None, config: str | Path | None = None,
                n_samples: int | None = None, echo=print) -> MonthlyResult:
    """The whole monthly run; see the module docstring. `echo` receives progress lines."""
    from mpp.forecast import load_forecast_config
    from mpp.models.variants import load_variants

    reg.quiet_mlflow()
    cfg, cfg_path = load_pipeline_config(config)
    fcfg = load_forecast_config()
    if n_samples or cfg.n_samples:
        fcfg = fcfg.model_copy(update={"n_samples": int(n_samples or cfg.n_samples)})
    variants = load_variants()
    candidate = cfg.candidate or variants.default
    cfg = cfg.model_copy(update={"variants": list(dict.fromkeys([*cfg.variants, candidate]))})
    specs = {v: variants.get(v) for v in cfg.variants}  # ConfigError for an unknown name
    assumptions = None
    if cfg.occupancy.assumptions:
        assumptions = (cfg_path.parent / cfg.occupancy.assumptions).resolve()
        if not assumptions.is_file():
            raise ConfigError(f"{cfg_path}: occupancy assumptions file not found: {assumptions}")
    replay = None
    if cfg.occupancy.replay is not None:
        r = cfg.occupancy.replay
        replay = {"real": (cfg_path.parent / r.real).resolve(), "assumptions": (cfg_path.parent / r.assumptions).resolve(),
                  "start": r.start, "end": r.end, "fit_until": r.fit_until}
    loc = Locations.resolve(home)

    with reg.run_lock(loc.lock_file):
        data_path = Path(data) if data else sample_path(loc)
        history, cut, entry = ingest(loc, data_path, cutoff, vintage)
        cutoff_s = str(cut)
        data_hash = hash_frame(history[VALUE_COLS])
        code = code_version()
        config_hashes = {v: hash_json({"forecast": fcfg.model_dump(), "variant": specs[v].model_dump(),
                                       "gating": cfg.gating.model_dump(), "seed": cfg.seed,
                                       "assumptions": hash_file(assumptions) if assumptions else None})
                         for v in cfg.variants}
        keys = {v: run_key(cutoff_s, data_hash, config_hashes[v], v, code if cfg.run_key_includes_code else None)
                for v in cfg.variants}
        parent_key = hash_json({"keys": keys, "candidate": candidate, "report": cfg.report})[:32]
        client, exp_id = reg.connect(loc, cfg.experiment)
        out = loc.out / cutoff_s
        outcomes = {v: VariantOutcome(v, out / v, keys[v]) for v in cfg.variants}

        done = reg.find_finished_run(client, exp_id, parent_key, "monthly")
        if done is not None:
            echo(f"cut-off {cutoff_s} with this data and config already finished in MLflow run "
                 f"{done.info.run_id}: nothing recomputed, nothing registered")
            return _reused(client, done, cfg, candidate, cutoff_s, data_hash, outcomes, loc)

        for v in cfg.variants:
            if gone := reg.drop_orphans(client, name := reg.model_name(v, cfg.model_prefix)):
                echo(f"removed uncommitted version(s) {', '.join(gone)} of {name} left by a killed run")
        names = [reg.model_name(v, cfg.model_prefix) for v in cfg.variants]
        aliases_before = reg.snapshot_aliases(client, names)
        created: list[tuple[str, str]] = []
        parent = mlflow.start_run(experiment_id=exp_id, run_name=f"monthly {cutoff_s}", tags={
            reg.TAG_KEY: parent_key, reg.TAG_KIND: "monthly", "cutoff": cutoff_s, "candidate": candidate,
            "data_vintage": entry.id})
        try:
            with sigterm_raises():
                mlflow.log_params({"cutoff": cutoff_s, "data_vintage": entry.id, "data_hash": data_hash,
                                   "data_file": str(data_path), "code_version": code, "seed": cfg.seed,
                                   "variants": ",".join(cfg.variants), "candidate": candidate,
                                   "pipeline_config": json.dumps(cfg.model_dump(), sort_keys=True)})
                echo(f"data vintage {entry.id} ({'new' if entry.created else 'already stored'}), "
                     f"cut-off {cutoff_s}; backtest for gating ...")
                scores = gating_scores(history, cfg, fcfg, cut, out, data_hash)
                for v in cfg.variants:
                    echo(f"forecasting {v} ...")
                    _variant_run(outcomes[v], exp_id, history, cut, entry.id, specs[v], fcfg, cfg, config_hashes[v],
                                 data_hash, code, assumptions, scores.get(v, {}), replay)
                for v in cfg.variants:
                    write_gating_scores(outcomes[v].out_dir, scores)
                for v in cfg.variants:
                    _register(client, cfg, outcomes[v], cutoff_s, data_hash, config_hashes[v], created)
                for v in cfg.variants:
                    _decide_and_revise(client, outcomes[v], cfg, cutoff_s)
                if cfg.report:
                    for v in cfg.variants:
                        _report(outcomes[v], loc)
                decisions = {v: {"version": o.version, "new_version": o.new_version,
                                 "alias": o.decision.alias if o.decision else None,
                                 "reasons": o.decision.reasons if o.decision else [], "metrics": o.metrics}
                             for v, o in outcomes.items()}
                atomic_write_json(out / "champion_decision.json", decisions)
                mlflow.log_dict(decisions, "champion_decision.json")
                mlflow.set_tag("champion_decision", "; ".join(
                    f"{v}: v{d['version']} {d['alias'] or 'reused'}" for v, d in decisions.items()))
                # The very last step: commit the new versions, then move the aliases.
                for name, version in created:
                    client.set_model_version_tag(name, version, reg.TAG_COMMITTED, "true")
                for o in outcomes.values():
                    if o.new_version and o.decision is not None:
                        reg.move_aliases(client, reg.model_name(o.variant, cfg.model_prefix), o.version,
                                         o.decision.promote)
            mlflow.end_run("FINISHED")
        except BaseException as exc:
            _fail(client, created, aliases_before, outcomes)
            if isinstance(exc, (DataError, ConfigError)):
                raise
            if isinstance(exc, RunFailed):
                raise
            raise RunFailed(f"monthly run {cutoff_s} failed ({type(exc).__name__}: {exc}); registry and aliases "
                            f"left as they were, MLflow run {parent.info.run_id} marked FAILED") from exc
        return MonthlyResult(cutoff_s, entry.id, data_hash, parent.info.run_id, False, candidate, outcomes,
                             loc.tracking_uri(), cfg.model_prefix)


def _variant_run(o: VariantOutcome, exp_id: str, history, cut, vintage_id, spec, fcfg, cfg, config_hash,
                 data_hash, code, assumptions, metrics, replay: dict | None = None) -> None:
    from mpp.forecast import run_forecast, write_forecast

    with mlflow.start_run(run_name=o.variant, nested=True, experiment_id=exp_id, tags={
            reg.TAG_KEY: o.run_key, reg.TAG_KIND: "variant", "variant": o.variant, "cutoff": str(cut)}) as run:
        o.run_id = run.info.run_id
        result = run_forecast(history, cut, variant=o.variant, seed=cfg.seed, config=fcfg, data_vintage=vintage_id)
        write_forecast(result, o.out_dir)
        mlflow.log_params({"variant": o.variant, "variant_config": json.dumps(spec.model_dump(), sort_keys=True),
                           "cutoff": str(cut), "data_vintage": vintage_id, "data_hash": data_hash,
                           "config_hash": config_hash, "code_version": code, "seed": cfg.seed,
                           "n_samples": fcfg.n_samples, "horizon": result.manifest["horizon"],
                           "reconciliation": fcfg.reconciliation,
                           "assumptions_hash": hash_file(assumptions) if assumptions else "none"})
        o.metrics = {k: v for k, v in metrics.items() if v == v}
        if o.metrics:
            mlflow.log_metrics(o.metrics)
        for f in ("bands_monthly.csv", "bands_annual.csv", "manifest.json", "fits.csv"):
            mlflow.log_artifact(str(o.out_dir / f))
        if assumptions is not None:
            occ = occupancy_stage(o.out_dir, assumptions, o.out_dir / "occupancy", replay)
            if occ is not None:
                mlflow.log_artifacts(str(occ.parent), "occupancy")
        with suppress(ImportError):
            if png := fan_chart_png(o.out_dir, f"{o.variant}: total asylum inflow, cut-off {cut}"):
                mlflow.log_artifact(str(png), "plots")
        o.model_uri, o.model_id = log_variant_model(o.out_dir)


def _register(client, cfg: PipelineConfig, o: VariantOutcome, cutoff: str, data_hash: str, config_hash: str,
              created: list) -> None:
    """A new uncommitted version, unless a committed one with the same run key exists (then reuse it)."""
    name = reg.model_name(o.variant, cfg.model_prefix)
    same = reg.version_with_key(client, name, o.run_key)
    if same is not None:
        o.version, o.new_version = str(same.version), False
        return
    mv = reg.register(client, name, o.model_uri, o.run_id, o.model_id, {
        "cutoff": cutoff, "data_hash": data_hash, "config_hash": config_hash, reg.TAG_KEY: o.run_key,
        reg.TAG_COMMITTED: "false"})
    created.append((name, str(mv.version)))
    o.version, o.new_version = str(mv.version), True


def _decide_and_revise(client, o: VariantOutcome, cfg: PipelineConfig, cutoff: str) -> None:
    name = reg.model_name(o.variant, cfg.model_prefix)
    if o.new_version:
        champ = reg.alias_version(client, name, reg.CHAMPION)
        o.decision = decide(o.metrics, reg.run_metrics(client, champ), cfg.gating.metric, cfg.gating.margin,
                            cfg.gating.higher_is_better, champ.version if champ else None)
        client.set_model_version_tag(name, o.version, "gating", o.decision.summary())
    prev, prev_bands = _previous_bands(client, name, cutoff)
    if prev is None:
        return
    current = pd.read_csv(o.out_dir / "bands_annual.csv")
    table = revision_table(current, prev_bands)
    o.previous_version = str(prev.version)
    o.revision, o.revision_lines = table, revision_sentences(table)
    atomic_write_csv(o.out_dir / "revision.csv", table)
    md = revision_markdown(table, cutoff, prev.tags.get("cutoff", "?"), o.variant,
                           f"registered version {prev.version} of {name}")
    atomic_write_text(o.out_dir / "revision.md", md)
    with mlflow.start_run(run_id=o.run_id, nested=True):
        mlflow.log_artifact(str(o.out_dir / "revision.csv"))
        mlflow.log_artifact(str(o.out_dir / "revision.md"))


def _report(o: VariantOutcome, loc: Locations) -> None:
    try:
        from mpp.report import write_report
    except ImportError:
        return
    files = write_report(o.out_dir)
    with mlflow.start_run(run_id=o.run_id, nested=True):
        for f in files:
            mlflow.log_artifact(str(f), "report")


def _fail(client, created, aliases_before, outcomes) -> None:
    """Undo what this run did to the registry and mark its MLflow runs FAILED (best effort, never raises)."""
    with suppress(Exception):
        reg.restore_aliases(client, aliases_before)
    for name, version in created:
        with suppress(Exception):
            client.delete_model_version(name, version)
    for o in outcomes.values():
        if o.run_id:
            with suppress(Exception):
                client.set_terminated(o.run_id, "FAILED")
    with suppress(Exception):
        while mlflow.active_run() is not None:
            mlflow.end_run("FAILED")


def _reused(client, done, cfg, candidate, cutoff, data_hash, outcomes, loc) -> MonthlyResult:
    """A finished run with the same key: report what it decided, from its own records."""
    for v, o in outcomes.items():
        mv = reg.version_with_key(client, reg.model_name(v, cfg.model_prefix), o.run_key)
        o.version = str(mv.version) if mv else None
        o.run_id = mv.run_id if mv else None
        if mv is not None and (g := mv.tags.get("gating")):
            o.decision = Decision(g.startswith("promoted"), [g.split(": ", 1)[-1]])
        if (o.out_dir / "revision.csv").is_file():
            o.revision = pd.read_csv(o.out_dir / "revision.csv")
            o.revision_lines = revision_sentences(o.revision)
    return MonthlyResult(cutoff, done.data.params.get("data_vintage", ""), data_hash, done.info.run_id, True,
                         candidate, outcomes, loc.tracking_uri(), cfg.model_prefix)
