"""The acceptance backtest, as a run definition only: the real CBS panel, origins every 3 months 2019-06..2024-06,
horizon 12, the variants below. Wiring is `mpp.flows.backtest`.

    .venv/bin/python pipelines/backtest.py [OUT_DIR] [--workers N]

The panel is read from the project's reference data (`reference_data` in [tool.mpp] of pyproject.toml, or
$MPP_REFERENCE_DATA). Resumable: rerunning with the same OUT_DIR only computes the parts still missing or stale.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mpp.backtest.runner import parse_origins
from mpp.errors import ConfigError
from mpp.flows import backtest
from mpp.project import Project

PANEL = "real/cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"
VARIANTS = ["baseline", "calibrated", "auto", "robust", "ets", "theta", "sarima", "prophet"]
ORIGINS = "2019-06:2024-06:3"
HORIZON = 12


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("out", nargs="?", default="out/backtest", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    project = Project.discover(Path(__file__).resolve().parent)
    if project.reference_data is None:
        raise ConfigError("no reference_data: set it in [tool.mpp] of pyproject.toml or $MPP_REFERENCE_DATA")
    res, _ = backtest(
        project.reference_data / PANEL,
        args.variants.split(","),
        parse_origins(ORIGINS),
        HORIZON,
        args.out,
        workers=args.workers,
        track=False,
        home=project.home,
    )
    print(res.headline.to_string(index=False))
    print(res.ranking.to_string(index=False))
    print(f"wall time {res.wall_seconds:.1f} s; summary in {args.out / 'summary.md'}")


if __name__ == "__main__":
    main()
