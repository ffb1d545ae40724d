"""Shared pieces of the bad-input tests: a small valid panel, a fast configuration, and byte snapshots of the
folders a rejected input must leave untouched (store, registry, earlier outputs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

STREAMS4 = ("first_asylum_request", "repeat_asylum_request", "nareizigers", "resettlement")
HEADER = "period,stream,nationality,value\n"

FORECAST_YAML = """horizon: 18
n_samples: 60
quantiles: {minimum: 0.05, median: 0.5, medio: 0.67, maximum: 0.95}
reconciliation: bottom_up
dependence: false
pooling: {top_n: 15, window_months: 24}
parallel: {workers: 1, backend: processes}
"""
VARIANTS_YAML = """default: drift
variants:
  baseline: {family: seasonal_naive}
  drift: {family: drift}
"""
PIPELINE = {
    "variants": ["baseline"],
    "candidate": "drift",
    "seed": 0,
    "report": True,
    "occupancy": {"assumptions": None},
    "gating": {
        "metric": "stream_nationality.crps_scaled",
        "margin": 0.05,
        "origins": 1,
        "step": 3,
        "offset": 12,
        "horizon": 12,
        "n_samples": 40,
    },
}


def write_config(folder: Path, **overrides: str) -> Path:
    """forecast.yaml, variants.yaml and pipeline.yaml of a quick run; `overrides` replace a file's text."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "forecast.yaml": FORECAST_YAML,
        "variants.yaml": VARIANTS_YAML,
        "pipeline.yaml": yaml.safe_dump(PIPELINE, sort_keys=False),
    }
    files.update({k.replace("_", "."): v for k, v in overrides.items()})
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def panel_rows(start_year: int = 2019, end_year: int = 2024, nationalities=("SY", "ER"), seed: int = 0) -> list[str]:
    """Lines (without header) of a complete, valid tidy panel."""
    rng = np.random.default_rng(seed)
    return [
        f"{y}-{m:02d},{s},{n},{int(rng.poisson(100))}"
        for y in range(start_year, end_year + 1)
        for m in range(1, 13)
        for s in STREAMS4
        for n in nationalities
    ]


def write_panel(path: Path, rows: list[str] | None = None) -> Path:
    path.write_text(HEADER + "\n".join(panel_rows() if rows is None else rows) + "\n")
    return path


def snapshot(*roots: Path) -> dict[str, bytes]:
    """Every file under the roots with its bytes (a missing root is an empty snapshot)."""
    out: dict[str, bytes] = {}
    for root in roots:
        if root.is_file():
            out[str(root)] = root.read_bytes()
        elif root.is_dir():
            for f in sorted(root.rglob("*")):
                if f.is_file():
                    out[str(f)] = f.read_bytes()
    return out


def assert_unchanged(before: dict[str, bytes], *roots: Path) -> None:
    after = snapshot(*roots)
    added, removed = sorted(set(after) - set(before)), sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    assert not (added or removed or changed), f"added {added}, removed {removed}, changed {changed}"
