"""Benchmark of the skill candidates (issue 13): wall time and peak memory of one origin's forecast of
next-12-month sums, per candidate, panel and number of workers.

    .venv/bin/python benchmarks/skill.py                     # every candidate, both panels, 1 and 2 workers
    .venv/bin/python benchmarks/skill.py --candidates global --panels real --workers 1

Candidates: `global` (LightGBM cross-learning; trained on the wide real panels plus the target panel, cut at
the origin), `indicator` (global + BAMF / EU+ indicators, with their recorded fallback), `pooled_conformal`
(calibration of naive 12-month totals by pooled conformal errors over 24 quarterly origins, count/independent).
Panels: the real CBS panel (14 series; external panels from ../shared/data/real) and the synthetic panel of
2,000 bottom series from benchmarks/run.py (no external panels: the global model learns across its 2,000
series). Workers = LightGBM threads (the calibration is vectorised numpy and single-threaded: its two rows
show the noise). Each case runs in a fresh subprocess; peak memory as in benchmarks/run.py (psutil).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CANDIDATES = ("global", "indicator", "pooled_conformal")
ORIGIN = "2024-06"


def wide_panel(panel: str):
    import pandas as pd

    if panel == "real":
        from mpp.skill.panels import load_cbs_panel

        return load_cbs_panel()
    from run import synthetic_panel

    df = synthetic_panel()
    df["series_id"] = df["stream"] + "/" + df["nationality"]
    w = df.pivot_table(index="period", columns="series_id", values="value").sort_index().astype(float)
    w.index = pd.PeriodIndex(w.index, freq="M")
    return w


def run_case(candidate: str, panel: str, workers: int) -> dict:
    import pandas as pd
    from run import PeakMemory

    from mpp.skill.calibrate import calibrated_sums, options_from_name
    from mpp.skill.methods import Context, GlobalModel
    from mpp.skill.panels import ExternalPanels

    wide = wide_panel(panel)
    origin = pd.Period(ORIGIN, freq="M")
    panels = ExternalPanels.load() if panel == "real" else None
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        if candidate in ("global", "indicator"):
            model = GlobalModel(indicators=("bamf", "euplus") if candidate == "indicator" else ())
            model.n_jobs = workers
            ctx = Context(origin, wide.loc[:origin], panels.known_at(origin) if panels is not None else None)
            point, _ = model.predict(ctx)
            n = len(point)
        else:
            origins = list(pd.period_range("2018-06", ORIGIN, freq="M")[::3])
            pts = {o: wide.loc[:o].iloc[-12:].sum().to_numpy() for o in origins}
            act = {
                o: (wide.loc[o + 1 : o + 12].sum().to_numpy() if o + 12 <= wide.index[-1] else None) for o in origins
            }
            hist = {o: wide.loc[:o] for o in origins}
            res = calibrated_sums(origins, pts, act, hist, options_from_name("count/independent/raw"), 400)
            n = res[origin][0].shape[0] + res[origin][1].shape[0]
        seconds = time.perf_counter() - t0
    return {
        "candidate": candidate,
        "panel": panel,
        "workers": workers,
        "series": int(n),
        "wall_s": round(seconds, 2),
        "peak_mib": round(mem.peak / 2**20, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidates", default=",".join(CANDIDATES))
    ap.add_argument("--panels", default="real,synthetic")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--case", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        c, p, w = args.case.split(":")
        print(json.dumps(run_case(c, p, int(w))))
        return
    rows = []
    for panel in args.panels.split(","):
        for cand in args.candidates.split(","):
            for w in args.workers.split(","):
                proc = subprocess.run(
                    [sys.executable, __file__, "--case", f"{cand}:{panel}:{w}"], capture_output=True, text=True
                )
                if proc.returncode != 0:
                    rows.append(
                        {
                            "candidate": cand,
                            "panel": panel,
                            "workers": int(w),
                            "error": proc.stderr.strip().splitlines()[-1:],
                        }
                    )
                else:
                    rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
                print(rows[-1], flush=True)
    print("\n| panel | candidate | workers | series | wall_s | peak_mib |\n|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['panel']} | {r['candidate']} | {r['workers']} | - | error | {r['error']} |")
        else:
            print(
                f"| {r['panel']} | {r['candidate']} | {r['workers']} | {r['series']} | {r['wall_s']} | "
                f"{r['peak_mib']} |"
            )


if __name__ == "__main__":
    main()
