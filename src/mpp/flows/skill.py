"""The skill protocol's flow: the real panels read, the points of every origin computed or read from their cache
(one `.npz` per origin under `<cache_dir>/points-<key>/`, `mpp.skill.run.points_key`), then the protocol evaluated
(`mpp.skill.run.evaluate_protocol`). `scripts/protocol.py` calls `run_protocol` and writes the docs table."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.models.variants import VariantsConfig
from mpp.skill.panels import ExternalPanels, load_cbs_panel
from mpp.skill.run import ProtocolResult, ProtocolSettings, evaluate_protocol, origin_points, points_key


def compute_points(
    wide: pd.DataFrame,
    panels: ExternalPanels | None,
    settings: ProtocolSettings,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    *,
    catalog: VariantsConfig,
) -> dict:
    """Points and registry sums at every origin: {origin: {...}} (`mpp.skill.run.origin_points`); cached per
    origin in `cache_dir`, keyed on the settings, the data and the specs of the registry variants used."""
    cache = Path(cache_dir) / f"points-{points_key(wide, panels, settings, catalog)}" if cache_dir else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    out = {}
    for o in settings.origins():
        f = cache / f"{o}.npz" if cache is not None else None
        if f is not None and f.exists():
            z = np.load(f, allow_pickle=False)
            out[o] = {k: z[k] for k in z.files}
            out[o]["info"] = json.loads(str(out[o]["info"]))
            continue
        t0 = time.perf_counter()
        rec = origin_points(o, wide, panels, settings, catalog)
        if f is not None:
            tmp = f.with_suffix(".tmp.npz")
            np.savez(tmp, **{k: v for k, v in rec.items() if k != "info"}, info=json.dumps(rec["info"]))
            tmp.replace(f)
        out[o] = rec
        if progress:
            print(f"  points {o}: {time.perf_counter() - t0:.1f}s", flush=True)
    return out


def run_protocol(
    settings: ProtocolSettings | None = None,
    cache_dir: str | Path | None = None,
    wide: pd.DataFrame | None = None,
    panels: ExternalPanels | None = None,
    progress: bool = True,
    n_boot: int = 1000,
    *,
    catalog: VariantsConfig,
) -> ProtocolResult:
    """The whole protocol on `wide` (default: the real CBS panel) and the external `panels` (default: the real
    ones), with the registry variants of `catalog` (from the run spec)."""
    settings = settings or ProtocolSettings()
    wide = load_cbs_panel() if wide is None else wide
    panels = ExternalPanels.load() if panels is None else panels
    t0 = time.perf_counter()
    points = compute_points(wide, panels, settings, cache_dir, progress, catalog=catalog)
    seconds = {"points": time.perf_counter() - t0}
    return evaluate_protocol(wide, points, settings, catalog, n_boot, seconds=seconds, started=t0)
