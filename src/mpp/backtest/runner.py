"""Rolling-origin backtest: refit every variant at every origin on the data known then, score what followed.

Each finished (origin, variant) is written atomically to `DIR/parts/<variant>/<origin>.parquet` (the scored
detail rows) with a sidecar `.json` (what the forecast used, how long it took); a rerun skips parts that
exist, so an interrupted backtest continues where it stopped. Seeds per series come from the run seed, so
the same seed gives the same numbers whatever the number of workers.

A part is reused only when its key matches: the variant's spec, the forecast settings, horizon and seed, the hash
of the data known at the origin and of the data scored against, and the code version. Otherwise it is
recomputed, and the log says which of these changed (`mpp.backtest` logger, or the `log` callable).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from mpp.backtest.evaluate import score_forecast
from mpp.backtest.realised import realisations_by_series
from mpp.errors import MppError
from mpp.forecast import run_forecast
from mpp.forecast.config import ForecastConfig
from mpp.forecast.parallel import map_tasks
from mpp.models.variants import VariantsConfig, VariantSpec
from mpp.provenance import atomic_write_json, atomic_write_parquet, code_version, hash_frame, hash_json
from mpp.strict import parse_month

logger = logging.getLogger("mpp.backtest")
VALUE_COLS = ["period", "stream", "nationality", "value"]
BASELINE = "baseline"  # seasonal naive, always scored as the reference
_ORIGINS = re.compile(r"^(\d{4}-\d{2}):(\d{4}-\d{2})(?::(\d+))?$")


class BacktestError(MppError):
    """The backtest cannot run as asked (bad origins, a results folder made with other settings)."""

    exit_code = 4


def parse_origins(spec: str) -> list[pd.Period]:
    """'2019-01:2025-06[:step]' -> monthly origins from the first to at most the last, every `step` months."""
    m = _ORIGINS.match(spec.strip())
    if not m:
        raise BacktestError(f"origins must look like 2019-01:2025-06 or 2019-06:2024-06:3, got {spec!r}")
    first, last = (parse_month(m.group(i), f"origins {spec!r}", error=BacktestError) for i in (1, 2))
    step = int(m.group(3) or 1)
    if step < 1 or last < first:
        raise BacktestError(f"origins {spec!r}: need first <= last and a step of at least 1 month")
    return list(pd.period_range(first, last, freq="M")[::step])


def with_baseline(variants: Sequence[str]) -> list[str]:
    """The variants to run, seasonal naive first and each once."""
    out = [BASELINE] + [v for v in variants if v != BASELINE]
    return list(dict.fromkeys(out))


class DataSource(Protocol):
    """Where realisations come from: what was known at an origin, and the latest figures to score against.

    `lag_months`: the publication lag of the source (the release calendar, `mpp.data.releases`): a forecast
    made at the end of month `origin` sees months up to `origin - lag_months` only, and its forecast starts
    after that month: the months in between are forecast and scored too (they were not out yet), then
    `horizon` months after the origin. Horizon 1 of the detail table is the first month after the data."""

    name: str
    lag_months: int

    def known_at(self, origin: pd.Period) -> pd.DataFrame: ...

    def latest(self) -> pd.DataFrame: ...


def data_cutoff(source: DataSource, origin: pd.Period) -> pd.Period:
    """The last month a forecast made at the end of `origin` can read from `source` (its publication lag)."""
    return origin - int(getattr(source, "lag_months", 0))


@dataclass
class FrameSource:
    """One table without publication history: at an origin, everything published by then, i.e. up to and
    including month `origin - lag_months` (0: up to the origin itself)."""

    data: pd.DataFrame
    name: str = "table"
    lag_months: int = 0

    def known_at(self, origin: pd.Period) -> pd.DataFrame:
        return self.data.loc[self.data["period"] <= data_cutoff(self, origin)].reset_index(drop=True)

    def latest(self) -> pd.DataFrame:
        return self.data


@dataclass
class VintageSource:
    """A vintage store: at an origin, the vintage published then (later revisions unseen), cut at the origin."""

    store: Any  # mpp.data.store.VintageStore
    name: str = "vintage store"
    lag_months: int = 0

    def known_at(self, origin: pd.Period) -> pd.DataFrame:
        df = self.store.read_as_of(origin)
        return df.loc[df["period"] <= data_cutoff(self, origin)].reset_index(drop=True)

    def latest(self) -> pd.DataFrame:
        return self.store.read()


@dataclass(frozen=True)
class PartTask:
    origin: pd.Period
    cutoff: pd.Period  # the last month published at the origin (= origin without a publication lag)
    variant: str
    spec: VariantSpec
    config: ForecastConfig
    key: dict[str, str]  # what the part depends on (see part_key)
    horizon: int
    seed: int
    history: pd.DataFrame  # canonical rows known at the origin, none after it
    realised: pd.DataFrame  # latest canonical rows, to score against
    part_dir: Path
    forecast_fn: Callable[..., Any] | None
    forecast_kwargs: dict


def part_path(out_dir: Path, variant: str, origin: pd.Period) -> Path:
    return Path(out_dir) / "parts" / variant / f"{origin}.parquet"


def run_part(task: PartTask) -> dict:
    """Forecast at one origin with one variant, score it, write the part atomically. Returns its metadata."""

    fn = task.forecast_fn or run_forecast
    t0 = time.perf_counter()
    res = fn(
        task.history,
        task.cutoff,
        variant=task.spec,
        horizon=task.horizon + (task.origin - task.cutoff).n,  # the unpublished months, then `horizon` more
        seed=task.seed,
        workers=1,
        progress=False,
        config=task.config,
        **task.forecast_kwargs,
    )
    seconds = time.perf_counter() - t0
    actual = realisations_by_series(task.realised, list(res.series_ids))
    after = actual.loc[actual.index > task.cutoff]
    detail = score_forecast(
        res.paths, list(res.series_ids), res.periods, res.history_wide, after, quantiles=res.manifest.get("quantiles")
    )
    detail.insert(0, "variant", task.variant)
    detail.insert(0, "origin", str(task.origin))
    path = part_path(task.part_dir, task.variant, task.origin)
    meta = {
        "origin": str(task.origin),
        "data_cutoff": str(task.cutoff),
        "variant": task.variant,
        "seconds": round(seconds, 3),
        "n_series": len(res.series_ids),
        "n_samples": int(res.paths.shape[2]),
        "fallbacks": len(res.manifest.get("fallbacks", {}) or {}),
        **{k: res.manifest.get(k) for k in ("data_hash", "data_vintage", "code_version", "config_hash")},
        "key": task.key,
    }
    atomic_write_json(path.with_suffix(".json"), meta)
    atomic_write_parquet(path, detail)  # last: its existence marks the part finished
    return meta


def part_key(
    spec: VariantSpec,
    config: ForecastConfig,
    horizon: int,
    seed: int,
    known: pd.DataFrame,
    realised_hash: str,
    code: str,
) -> dict[str, str]:
    """What one (origin, variant) part depends on, each part hashed separately so a change can be named."""
    return {
        "spec": hash_json(
            {
                "variant": spec.model_dump(mode="json"),
                "forecast": config.model_dump(mode="json"),
                "horizon": int(horizon),
                "seed": int(seed),
            }
        ),
        "data": hash_frame(known[VALUE_COLS]),
        "realised": realised_hash,
        "code": code,
    }


KEY_MEANING = {
    "spec": "variant spec or forecast settings",
    "data": "data known at the origin",
    "realised": "data scored against",
    "code": "code version",
}


def reuse_reason(part: Path, key: dict[str, str]) -> str | None:
    """None when the finished part at `part` was made with `key`; else why it must be recomputed."""
    if not part.exists():
        return "not computed yet"
    meta = part.with_suffix(".json")
    try:
        old = json.loads(meta.read_text()).get("key") or {}
    except (OSError, ValueError):
        return "its metadata is missing or unreadable"
    changed = [KEY_MEANING[k] for k in key if old.get(k) != key[k]]
    return f"changed: {', '.join(changed)}" if changed else None


def _check_settings(out_dir: Path, settings: dict) -> None:
    """A results folder belongs to one (horizon, seed, data); reusing it with others would mix numbers."""

    f = out_dir / "backtest.json"
    if f.exists():
        old = json.loads(f.read_text())
        defaults = {"publication_lag_months": 0}  # folders made before the release calendar had no lag
        diff = [k for k in settings if old.get(k, defaults.get(k)) != settings[k]]
        if diff:
            raise BacktestError(
                f"{out_dir} holds a backtest made with other settings ({', '.join(diff)}); "
                "use another --out folder or delete it"
            )
    else:
        atomic_write_json(f, settings)


def run_backtest(
    source: DataSource,
    variants: Sequence[str],
    origins: Sequence[pd.Period],
    horizon: int,
    out_dir: str | Path,
    seed: int = 0,
    workers: int = 1,
    backend: str = "processes",
    progress: bool = True,
    forecast_fn: Callable[..., Any] | None = None,
    forecast_kwargs: dict | None = None,
    *,
    catalog: VariantsConfig,
    config: ForecastConfig,
    log: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run (or resume) the backtest; returns the detail scores of every requested (origin, variant).

    `catalog` names the variants' specs and `config` the forecast settings (both from the run spec). Parts in
    `out_dir/parts/` with a matching key are read, not recomputed; `log` (default: the `mpp.backtest` logger)
    gets one line per variant saying what was reused and what was recomputed, and why. Tasks run in parallel
    across origins with the forecast engine's own task map (`workers`, `backend`), each forecast single-process.
    """

    out_dir = Path(out_dir)
    if horizon < 1:
        raise BacktestError(f"horizon must be at least 1 month, got {horizon}")
    latest = source.latest()
    last = latest["period"].max()
    bad = [str(o) for o in origins if o >= last]
    if bad:
        raise BacktestError(f"origins {', '.join(bad)} leave no realised month to score (data end {last})")
    variants = with_baseline(variants)
    realised_hash = hash_frame(latest[VALUE_COLS])
    lag = int(getattr(source, "lag_months", 0))
    settings = {
        "horizon": int(horizon),
        "seed": int(seed),
        "data": source.name,
        "data_hash": realised_hash,
        "publication_lag_months": lag,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_settings(out_dir, settings)

    log = log or logger.info
    specs = {v: catalog.get(v) for v in variants}  # ConfigError for an unknown name
    code = code_version()
    known = {o: source.known_at(o) for o in origins}
    todo = []
    for v in variants:
        reasons: dict[str, list[str]] = {}
        for o in origins:
            key = part_key(specs[v], config, horizon, seed, known[o], realised_hash, code)
            why = reuse_reason(part_path(out_dir, v, o), key)
            if why is None:
                reasons.setdefault("reused (same spec, data and code)", []).append(str(o))
                continue
            reasons.setdefault(f"recomputed ({why})", []).append(str(o))
            todo.append(
                PartTask(
                    o,
                    data_cutoff(source, o),
                    v,
                    specs[v],
                    config,
                    key,
                    int(horizon),
                    int(seed),
                    known[o],
                    latest,
                    out_dir,
                    forecast_fn,
                    dict(forecast_kwargs or {}),
                )
            )
        for what, which in reasons.items():
            log(f"backtest {v}: {len(which)} of {len(origins)} origin(s) {what}")
    if todo:
        map_tasks(
            run_part,
            todo,
            workers=workers,
            backend=backend,
            progress=progress,
            description=f"backtest ({len(todo)} of {len(origins) * len(variants)} to run)",
        )
    return read_parts(out_dir, variants, origins)


def read_parts(out_dir: str | Path, variants: Sequence[str], origins: Sequence[pd.Period]) -> pd.DataFrame:
    frames = []
    for v in variants:
        for o in origins:
            p = part_path(Path(out_dir), v, o)
            if not p.exists():
                raise BacktestError(f"part {p} is missing; rerun the backtest to complete it")
            frames.append(pd.read_parquet(p))
    return pd.concat(frames, ignore_index=True)


def read_part_meta(out_dir: str | Path) -> pd.DataFrame:
    """Metadata of every finished part (seconds per forecast, fallbacks, data hash)."""

    rows = [json.loads(p.read_text()) for p in sorted((Path(out_dir) / "parts").glob("*/*.json"))]
    return pd.DataFrame(rows)


__all__ = [
    "BASELINE",
    "BacktestError",
    "DataSource",
    "FrameSource",
    "PartTask",
    "VintageSource",
    "data_cutoff",
    "parse_origins",
    "part_key",
    "part_path",
    "read_part_meta",
    "read_parts",
    "reuse_reason",
    "run_backtest",
    "run_part",
    "with_baseline",
]
