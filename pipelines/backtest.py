"""The acceptance backtest: its definition is the project's `backtest.yaml` (the real CBS panel, origins every
3 months 2019-06..2024-06, horizon 12, the variants); wiring is `mpp.flows.backtest`.

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
from mpp.spec import BacktestSpec, load_acceptance_backtest


def main() -> None:
    project = Project.discover(Path(__file__).resolve().parent)
    run = load_acceptance_backtest(project=project)
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("out", nargs="?", default="out/backtest", type=Path)
    ap.add_argument("--workers", type=int, default=run.workers)
    ap.add_argument("--variants", default=",".join(run.variants))
    args = ap.parse_args()
    if project.reference_data is None:
        raise ConfigError("no reference_data: set it in [tool.mpp] of pyproject.toml or $MPP_REFERENCE_DATA")
    plan = BacktestSpec(
        args.variants.split(","), tuple(parse_origins(run.origins)), run.horizon, workers=args.workers, track=False
    )
    res, _ = backtest(project.reference_data / run.panel, plan, args.out, home=project.home)
    print(res.headline.to_string(index=False))
    print(res.ranking.to_string(index=False))
    print(f"wall time {res.wall_seconds:.1f} s; summary in {args.out / 'summary.md'}")


if __name__ == "__main__":
    main()
