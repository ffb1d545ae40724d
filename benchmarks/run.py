"""Benchmark: wall time and peak memory of a full forecast, per variant, panel and number of workers.

    .venv/bin/python benchmarks/run.py                       # every variant, both panels, 1 and 2 workers
    .venv/bin/python benchmarks/run.py --variants baseline,ets --panels real --workers 1
    .venv/bin/python benchmarks/run.py --panels national --samples 1000   # the national forecast (one row)

Each case runs in a fresh subprocess; its peak memory is the highest sum of resident memory of that process
and all its worker processes, sampled every 20 ms (psutil), on the real CBS panel (the project's reference data: its data snapshot) and on a synthetic panel of
2,000 bottom series (4 streams x 500 nationalities; every series kept, no pooling), and the national forecast
(`mpp forecast --national`, cut-off 2025-06, every national source). Prints one table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL_PANEL = "real/cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"  # under the project's reference data


def real_path() -> Path:
    from mpp.project import Project

    return Project.discover(REPO).reference_folder() / REAL_PANEL


def synthetic_panel(n_nationalities: int = 500, seed: int = 1):
    """Canonical table of 4 streams x n nationalities, 2015-01..2025-06: seasonal log-AR(1) counts rounded to 5."""
    import numpy as np
    import pandas as pd

    from mpp.data.schema import STREAMS

    rng = np.random.default_rng(seed)
    periods = pd.period_range("2015-01", "2025-06", freq="M")
    t = np.arange(len(periods))
    season = 0.25 * np.sin(2 * np.pi * (t % 12) / 12 - 1.0)
    frames = []
    for stream, scale in zip(STREAMS, (60.0, 6.0, 20.0, 1.5)):
        level = np.log(scale * rng.pareto(1.5, n_nationalities) + 0.5)
        eps = rng.normal(0, 0.25, (n_nationalities, len(periods)))
        ar = np.zeros_like(eps)
        for i in range(1, len(periods)):
            ar[:, i] = 0.8 * ar[:, i - 1] + eps[:, i]
        values = np.exp(level[:, None] + season[None, :] + ar)
        values = 5 * np.round(rng.poisson(values) / 5)
        codes = [f"N{i:03d}" for i in range(n_nationalities)]
        frames.append(
            pd.DataFrame(
                {
                    "period": np.tile(periods, n_nationalities),
                    "stream": stream,
                    "nationality": np.repeat(codes, len(periods)),
                    "value": values.reshape(-1).astype("int64"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def real_panel():
    from mpp.data.io import read_realisations

    return read_realisations(real_path())[0]


class PeakMemory:
    """Samples the resident memory of this process plus its children in a thread; `.peak` in bytes."""

    def __init__(self, interval: float = 0.02):
        import threading

        import psutil

        self.proc, self.interval, self.peak = psutil.Process(), interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def run_national_case(samples: int) -> dict:
    """The national forecast (mpp forecast --national): every national source read and validated, paths of
    every stream, bands per month, quarter and year."""
    from mpp.national.run import run_national
    from mpp.project import Project
    from mpp.spec import load_national_config

    cfg = load_national_config(project=Project.discover(REPO))
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        run = run_national("2025-06", real_path().parent, cfg, n_samples=samples)
        wall = time.perf_counter() - t0
    return {
        "variant": "national",
        "panel": "national",
        "workers": 1,
        "series": len(run.forecast.series_ids),
        "samples": samples,
        "wall_s": round(wall, 1),
        "peak_mib": round(mem.peak / 2**20),
        "fallbacks": 0,
    }


def run_case(variant: str, panel: str, workers: int, samples: int) -> dict:
    """Runs inside the subprocess: one full forecast (fit, dependence, reconcile, bands)."""
    if panel == "national":
        return run_national_case(samples)
    from mpp.forecast import run_forecast
    from mpp.project import Project
    from mpp.spec import load_spec

    spec = load_spec(Project.discover(REPO))
    config = spec.forecast
    update = {"n_samples": samples}
    if panel == "synthetic":
        update["pooling"] = config.pooling.model_copy(update={"top_n": 100_000})
    config = config.model_copy(update=update)
    history = synthetic_panel() if panel == "synthetic" else real_panel()
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        res = run_forecast(
            history, "2025-06", variant=spec.variant(variant), horizon=18, seed=0, workers=workers, config=config
        )
        wall = time.perf_counter() - t0
    return {
        "variant": variant,
        "panel": panel,
        "workers": workers,
        "series": len(res.series_ids),
        "samples": samples,
        "wall_s": round(wall, 1),
        "peak_mib": round(mem.peak / 2**20),
        "fallbacks": len(res.manifest["fallbacks"]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", default=None, help="comma-separated (default: every variant in config)")
    ap.add_argument(
        "--panels", default="real,synthetic,national", help="real, synthetic, national (the national model, one case)"
    )
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--json-out", default=str(REPO / "benchmarks" / "results" / "latest.json"))
    args = ap.parse_args()
    if args.case:
        variant, panel, workers = args.case.split(":")
        print(json.dumps(run_case(variant, panel, int(workers), args.samples)))
        return

    from rich.console import Console
    from rich.table import Table

    from mpp.project import Project
    from mpp.spec import load_variants

    variants = (
        args.variants.split(",") if args.variants else list(load_variants(project=Project.discover(REPO)).variants)
    )
    rows = []
    for panel in args.panels.split(","):
        for variant in ["national"] if panel == "national" else variants:
            for w in ["1"] if panel == "national" else args.workers.split(","):
                proc = subprocess.run(
                    [sys.executable, __file__, "--case", f"{variant}:{panel}:{w}", "--samples", str(args.samples)],
                    capture_output=True,
                    text=True,
                )
                if proc.returncode != 0:
                    rows.append(
                        {
                            "variant": variant,
                            "panel": panel,
                            "workers": int(w),
                            "error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed",
                        }
                    )
                else:
                    rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
                print(json.dumps(rows[-1]), file=sys.stderr)
    table = Table(title=f"Full forecast benchmark (cut-off 2025-06, horizon 18, {args.samples} paths per series)")
    for col in ("panel", "variant", "workers", "series", "wall_s", "peak_mib", "fallbacks"):
        table.add_column(col, justify="left" if col in ("panel", "variant") else "right")
    for r in rows:
        if "error" in r:
            table.add_row(r["panel"], r["variant"], str(r["workers"]), "-", "error", "-", r["error"][:40])
        else:
            table.add_row(
                r["panel"],
                r["variant"],
                str(r["workers"]),
                str(r["series"]),
                f"{r['wall_s']:.1f}",
                f"{r['peak_mib']:.0f}",
                str(r["fallbacks"]),
            )
    Console().print(table)
    out = Path(args.json_out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
