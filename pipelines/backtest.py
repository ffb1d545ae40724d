"""The acceptance backtest, as wiring only: real CBS panel, origins every 3 months 2019-06..2024-06, horizon 12.

    .venv/bin/python pipelines/backtest.py [OUT_DIR] [--workers N]

Resumable: rerunning with the same OUT_DIR only computes the (origin, variant) parts still missing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mpp.backtest.pipeline import SHARED_DATA, run_backtest_pipeline
from mpp.backtest.runner import parse_origins

DATA = SHARED_DATA / "real" / "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"
VARIANTS = ["baseline", "calibrated", "auto", "robust", "ets", "theta", "sarima", "prophet"]
ORIGINS = "2019-06:2024-06:3"
HORIZON = 12


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default="out/backtest", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    res = run_backtest_pipeline(DATA, args.variants.split(","), parse_origins(ORIGINS), HORIZON, args.out,
                                workers=args.workers)
    print(res.headline.to_string(index=False))
    print(res.ranking.to_string(index=False))
    print(f"wall time {res.wall_seconds:.1f} s; summary in {args.out / 'summary.md'}")


if __name__ == "__main__":
    main()
