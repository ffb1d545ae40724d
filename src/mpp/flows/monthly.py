"""The monthly re-estimation (`mpp monthly`): only the wiring of the stages, in the order they run.

    lock -> data source (--data, else config/data.yaml's default: the project's data source, by default the
    packaged snapshot's CBS panel) -> validate -> vintage store -> reuse check (run key) -> gating backtest
    -> national forecast (the spec's national sources, seed and settings) -> per variant: forecast, occupancy
    (from the national paths: every stream of the country; pipeline occupancy.inflow), MLflow child run, pyfunc model
    -> register versions (uncommitted) -> champion decisions -> revision report -> HTML/Excel report
    -> commit versions and move aliases (the very last step)

A failure anywhere (or SIGTERM) deletes the versions this run created, restores the aliases, marks the MLflow
runs FAILED and raises RunFailed (exit 6); data and config mistakes keep their own exit codes (3, 4).

A run is its data: the source's name and the hash of the data known at the cut-off (`DataIdentity.key`) name
the output folder `out/<cut-off>/<key>/`, enter the run key, and tag every MLflow run and registered version;
registered models are per source (`<prefix>-<source>-<variant>`), so champions, revisions and reuse never
mix a sample run with a real one (docs/scheduling.md).
"""

from __future__ import annotations

import json
import shutil
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from mpp.data.catalog import SAMPLE_MARK, DataIdentity
from mpp.flows.decisions import commit, record_decisions, roll_back
from mpp.flows.forecast import write_forecast
from mpp.flows.outcomes import VALUE_COLS, MonthlyResult, VariantOutcome
from mpp.flows.overlays import overlay_stage
from mpp.flows.run_key import run_keys
from mpp.flows.source import ingest, run_source
from mpp.flows.stages import (
    coa_observations_file,
    fan_chart_png,
    gating_scores,
    national_first,
    occupancy_stage,
    revision_waterfall,
    sigterm_raises,
    write_gating_scores,
)
from mpp.forecast import run_forecast
from mpp.project import Project
from mpp.provenance import (
    atomic_write_csv,
    atomic_write_text,
    code_version,
    hash_file,
    hash_frame,
    staged_dir,
)
from mpp.revision import revision_markdown, revision_sentences, revision_table
from mpp.spec import RunSpec, load_spec
from mpp.tracking.config import PipelineConfig
from mpp.tracking.gating import Decision, decide, other_data

# ------------------------------------------------------------------------------------------------ data stage


# -------------------------------------------------------------------------------------------- compute stages


# ------------------------------------------------------------------------------------------------ the run


def run_monthly(
    data: str | Path | None = None,
    cutoff: str | None = None,
    vintage: str | None = None,
    home: str | Path | None = None,
    config: str | Path | None = None,
    n_samples: int | None = None,
    echo=print,
    spec: RunSpec | None = None,
    variants: list[str] | None = None,
) -> MonthlyResult:
    """The whole monthly run; see the module docstring. `echo` receives progress lines.

    The run spec is read once here (from the project found from `home` or the working directory; `config`
    replaces its pipeline.yaml) unless given."""
    from mpp.tracking.monthly import MonthlyTracking
    from mpp.tracking.registry import check_reachable, run_lock

    loc = Project.for_writing(home)
    spec = spec or load_spec(loc, pipeline_file=config)
    spec = spec.with_samples(n_samples or spec.pipeline.n_samples).with_run(data, cutoff).with_variants(variants)
    cfg = spec.pipeline.model_copy(update={"variants": spec.run_variants})
    candidate = spec.candidate
    check_reachable(loc.tracking_uri())  # exit 5 before anything is stored

    source = run_source(loc, spec)
    with run_lock(loc.lock_file):
        history, cut, entry, data_where, source = ingest(loc, source, cutoff, vintage)
        cutoff_s = str(cut)
        data_hash = hash_frame(history[VALUE_COLS])
        identity = DataIdentity(source, data_hash)
        if source.is_sample:
            echo(f"{SAMPLE_MARK}: outputs in out/{cutoff_s}/{identity.key}, registered models *-sample-*")
        code = code_version()
        config_hashes, keys, parent_key = run_keys(spec, cfg, cutoff_s, data_hash, code, source.name)
        out = loc.out / cutoff_s / identity.key
        outcomes = {v: VariantOutcome(v, out / v, keys[v]) for v in cfg.variants}
        track = MonthlyTracking(loc, cfg.experiment, cfg.model_prefix, log=echo, source=source.name)

        what = _what(identity, spec, cfg, code)
        done = _finished_run(track, parent_key, outcomes, echo)
        if done is not None:
            echo(
                f"cut-off {cutoff_s} reused from finished MLflow run {done[0]}: same {what}; nothing recomputed, "
                f"nothing registered; outputs in {out}"
            )
            return _reused(track, done, cfg, candidate, cutoff_s, identity, outcomes, loc)
        echo(f"cut-off {cutoff_s}: no finished run with {what}; computing")

        for line in track.drop_orphans(cfg.variants):
            echo(line)
        # Outputs are built in a hidden folder beside out/<cut-off> and put in place only when the run succeeds:
        # a failed run leaves no finished-looking report, and earlier outputs stay as they were until then.
        final_out, staging = out, ExitStack()
        out = _staging_folder(staging, final_out, outcomes)
        parent_id = _start_parent_run(track, spec, cfg, cutoff_s, parent_key, entry.id, identity, data_where, code)
        try:
            with sigterm_raises():
                track.log_dataset(history[[*VALUE_COLS, "source"]], identity, data_where)
                echo(
                    f"data vintage {entry.id} ({'new' if entry.created else 'already stored'}), "
                    f"cut-off {cutoff_s}; backtest for gating ..."
                )
                inflow = national_first(track, spec, identity, cutoff_s, out, echo)
                _forecast_variants(
                    track, outcomes, history, cut, entry.id, spec, cfg, config_hashes, identity, code, out, echo, inflow
                )
                _register(track, outcomes, cutoff_s, data_hash, config_hashes, identity)
                for v in cfg.variants:
                    _decide_and_revise(track, outcomes[v], cfg, cutoff_s, history, spec, loc)
                if cfg.report:
                    for v in cfg.variants:
                        _report(track, outcomes[v], coa_observations_file(loc, identity))
                record_decisions(track, outcomes, out)
                commit(track, outcomes)  # the very last step: commit the new versions, then move the aliases
        except BaseException as exc:
            staging.__exit__(type(exc), exc, exc.__traceback__)  # removes the staging folder
            roll_back(track, exc, f"monthly run {cutoff_s}", parent_id)
        staging.close()  # out/<cut-off> replaced by the finished outputs
        for o in outcomes.values():
            o.out_dir = final_out / o.variant
        return MonthlyResult(
            cutoff_s,
            entry.id,
            data_hash,
            parent_id,
            False,
            candidate,
            outcomes,
            loc.tracking_uri(),
            identity,
            cfg.model_prefix,
        )


def _forecast_variants(
    track,
    outcomes,
    history,
    cut,
    vintage_id,
    spec: RunSpec,
    cfg,
    config_hashes,
    identity: DataIdentity,
    code,
    out,
    echo,
    inflow: Path | None = None,
) -> None:
    """The gating backtest, then every variant's forecast run (its outputs in its folder under `out`; occupancy
    from the paths in `inflow`, None = the variant's own), then the gating scores of all variants written beside
    each variant's outputs."""
    data_hash = identity.data_hash
    assert spec.releases is not None  # load_spec reads releases.yaml with the rest of the configuration
    lag = spec.releases.monthly_lag()
    scores = gating_scores(history, spec, cfg, spec.forecast, cut, out, data_hash, echo, lag)
    for v in cfg.variants:
        echo(f"forecasting {v} ...")
        _variant_run(
            track,
            outcomes[v],
            history,
            cut,
            vintage_id,
            spec,
            cfg,
            config_hashes[v],
            identity,
            code,
            scores.get(v, {}),
            inflow,
        )
    for v in cfg.variants:
        write_gating_scores(outcomes[v].out_dir, scores)


def _what(identity: DataIdentity, spec: RunSpec, cfg, code: str) -> str:
    """What the run key says about this run, for the log line that says whether it is reused."""
    return (
        f"data hash {identity.data_hash[:12]} ({identity.key}, {identity.source.describe()}), "
        f"spec hash {spec.hash[:12]}"
    ) + (
        f", code {code}"
        if cfg.run_key_includes_code
        else " (code version not in the key: run_key_includes_code is false, see docs/scheduling.md)"
    )


def _staging_folder(staging: ExitStack, final_out: Path, outcomes: dict[str, VariantOutcome]) -> Path:
    """The hidden folder the outputs are built in (swapped into `final_out` on success); the gating backtest's
    earlier parts are copied in so that it resumes."""
    out = staging.enter_context(staged_dir(final_out))
    if (final_out / "_backtest").is_dir():
        shutil.copytree(final_out / "_backtest", out / "_backtest")
    for o in outcomes.values():
        o.out_dir = out / o.variant
    return out


def _start_parent_run(track, spec, cfg, cutoff_s, parent_key, vintage_id, identity, data_where, code) -> str:
    """The parent MLflow run of this month, with the tags and parameters that say what it ran on."""
    return track.start(
        f"monthly {cutoff_s}",
        parent_key,
        cfg.variants,
        tags={
            "cutoff": cutoff_s,
            "candidate": spec.candidate,
            "data_vintage": vintage_id,
            "spec_hash": spec.hash,
            **identity.tags(),
        },
        params={
            "cutoff": cutoff_s,
            "data_vintage": vintage_id,
            "data_hash": identity.data_hash,
            "data_file": data_where,
            "code_version": code,
            "seed": cfg.seed,
            "spec_hash": spec.hash,
            "variants": ",".join(cfg.variants),
            "candidate": spec.candidate,
            "pipeline_config": json.dumps(cfg.model_dump(), sort_keys=True),
        },
    )


def _finished_run(track, parent_key: str, outcomes: dict[str, VariantOutcome], echo):
    """The finished MLflow run with this key whose outputs are all still there, or None."""
    done = track.finished_run(parent_key)
    if done is not None and (missing := _outputs_missing(outcomes)):
        echo(f"finished MLflow run {done[0]} has the same key but its outputs are gone ({missing}); computing again")
        return None
    return done


def _register(track, outcomes: dict[str, VariantOutcome], cutoff_s: str, data_hash: str, config_hashes, identity):
    """Register every variant's model version (uncommitted until `commit`)."""
    for v, o in outcomes.items():
        assert o.model_uri is not None and o.run_id is not None
        o.version, o.new_version = track.register(
            v,
            o.model_uri,
            o.run_id,
            o.model_id,
            o.run_key,
            {"cutoff": cutoff_s, "data_hash": data_hash, "config_hash": config_hashes[v], **identity.tags()},
        )


def _variant_run(
    track,
    o: VariantOutcome,
    history,
    cut,
    vintage_id,
    spec: RunSpec,
    cfg: PipelineConfig,
    config_hash: str,
    identity: DataIdentity,
    code: str,
    metrics: dict[str, float],
    inflow: Path | None = None,
) -> None:
    """One variant: forecast, occupancy (from the paths in `inflow`; None = the variant's own), fan chart,
    logged in its own child run with its pyfunc model."""

    vspec = spec.variant(o.variant)
    data_hash = identity.data_hash
    with track.variant_run(o.variant, o.run_key, {"cutoff": str(cut), **identity.tags()}) as run_id:
        o.run_id = run_id
        result = run_forecast(history, cut, variant=vspec, seed=cfg.seed, config=spec.forecast, data_vintage=vintage_id)
        write_forecast(result, o.out_dir)
        o.metrics = {k: v for k, v in metrics.items() if v == v}
        track.log(
            params={
                "variant": o.variant,
                "variant_config": json.dumps(vspec.model_dump(), sort_keys=True),
                "cutoff": str(cut),
                "data_vintage": vintage_id,
                "data_hash": data_hash,
                "config_hash": config_hash,
                "code_version": code,
                "seed": cfg.seed,
                "n_samples": spec.forecast.n_samples,
                "horizon": result.manifest["horizon"],
                "reconciliation": spec.forecast.reconciliation,
                "assumptions_hash": hash_file(spec.files["assumptions"]) if spec.assumptions is not None else "none",
            },
            metrics=o.metrics,
            files=[o.out_dir / f for f in ("bands_monthly.csv", "bands_annual.csv", "manifest.json", "fits.csv")],
        )
        if spec.assumptions is not None:
            occ = occupancy_stage(inflow or o.out_dir, spec, o.out_dir / "occupancy")
            if occ is not None:
                track.log(folder=occ.parent, subdir="occupancy")
        if spec.overlays:  # after the model-only files are written and logged; gating never sees overlays
            from mpp.tracking.overlays import overlay_params

            own = spec.assumptions if inflow is None else None  # else: from the national paths (_national_first)
            stage = overlay_stage(o.out_dir, spec.overlays, cfg.seed, own)
            track.log(
                params=overlay_params(spec.overlays), folder=stage.directory if stage else None, subdir="overlays"
            )
        mark = " — SAMPLE DATA (synthetic)" if identity.source.is_sample else ""
        png = fan_chart_png(o.out_dir, f"{o.variant}: total asylum inflow, cut-off {cut}{mark}")
        track.log(files=[png], subdir="plots")
        o.model_uri, o.model_id = track.log_model(o.out_dir)


def _decide_and_revise(
    track,
    o: VariantOutcome,
    cfg: PipelineConfig,
    cutoff: str,
    history=None,
    spec: RunSpec | None = None,
    loc: Project | None = None,
) -> None:
    """Gate a new version against the champion; the revision against the previous cut-off's version."""
    if o.new_version and o.version is not None:
        champ_version, champ_metrics, champ_tags = track.champion(o.variant)
        refused = other_data(champ_tags, track.source or "", champ_version) if champ_version is not None else None
        o.decision = (
            Decision(False, [refused], champion_version=champ_version)
            if refused
            else decide(
                o.metrics,
                champ_metrics,
                cfg.gating.metric,
                cfg.gating.margin,
                cfg.gating.higher_is_better,
                champ_version,
            )
        )
        track.tag_version(o.variant, o.version, "gating", o.decision.summary())
    prev, prev_bands = track.previous_bands(o.variant, cutoff)
    if prev is None:
        return
    current = pd.read_csv(o.out_dir / "bands_annual.csv")
    table = revision_table(current, prev_bands)
    o.previous_version = prev.version
    o.revision, o.revision_lines = table, revision_sentences(table)
    atomic_write_csv(o.out_dir / "revision.csv", table)
    md = revision_markdown(
        table,
        cutoff,
        prev.tags.get("cutoff", "?"),
        o.variant,
        f"registered version {prev.version} of {track.model_name(o.variant)}",
    )
    atomic_write_text(o.out_dir / "revision.md", md)
    waterfall = (
        revision_waterfall(o, prev, prev_bands, cutoff, history, spec, cfg, loc)
        if history is not None and spec is not None and loc is not None
        else []
    )
    assert o.run_id is not None
    with track.reopen(o.run_id):
        track.log(files=[o.out_dir / "revision.csv", o.out_dir / "revision.md", *waterfall])


def _report(track, o: VariantOutcome, coa: Path | None = None) -> None:
    from mpp.report import write_report

    files = write_report(o.out_dir, coa_observations=coa)
    assert o.run_id is not None
    with track.reopen(o.run_id):
        track.log(files=list(files), subdir="report")


def _outputs_missing(outcomes: dict[str, VariantOutcome]) -> str | None:
    """Why the output folders (named after the data's identity) cannot stand for a finished run (None: they
    can): a reused run prints and reports what is in them, so they must be there."""
    for o in outcomes.values():
        if not (o.out_dir / "bands_annual.csv").is_file():
            return f"no {o.out_dir / 'bands_annual.csv'}"
    return None


def _reused(track, done, cfg, candidate, cutoff, identity: DataIdentity, outcomes, loc) -> MonthlyResult:
    """A finished run with the same key: report what it decided, from its own records."""
    run_id, params = done
    for v, o in outcomes.items():
        mv = track.version_with_key(v, o.run_key)
        o.version = mv.version if mv else None
        o.run_id = mv.run_id if mv else None
        if mv is not None and (g := mv.tags.get("gating")):
            o.decision = Decision(g.startswith("promoted"), [g.split(": ", 1)[-1]])
        if (o.out_dir / "revision.csv").is_file():
            o.revision = pd.read_csv(o.out_dir / "revision.csv")
            o.revision_lines = revision_sentences(o.revision)
    return MonthlyResult(
        cutoff,
        params.get("data_vintage", ""),
        identity.data_hash,
        run_id,
        True,
        candidate,
        outcomes,
        loc.tracking_uri(),
        identity,
        cfg.model_prefix,
    )


# ------------------------------------------------------------------------------------- mpp forecast / backtest
