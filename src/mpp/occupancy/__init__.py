"""COA reception occupancy: a cohort stock-flow model driven by (reconciled) inflow sample paths.

Public API (the assumptions file is read by `mpp.spec.load_assumptions`): `Stocks`, `project_occupancy`, `OccupancyPaths`, `occupancy_bands`,
`sensitivity_table`, `read_stream_paths`, `scenario_inflow`. See docs/occupancy.md.
"""

from mpp.occupancy.assumptions import Assumptions, parse_assumptions
from mpp.occupancy.inputs import read_stream_paths, stream_paths_frame
from mpp.occupancy.model import GROUPS, OccupancyPaths, Stocks, project_occupancy
from mpp.occupancy.outputs import end_of_year_median, occupancy_bands, sensitivity_table
from mpp.occupancy.scenario import ScenarioSpec, scenario_inflow, seasonal_profile

__all__ = [
    "Assumptions",
    "GROUPS",
    "OccupancyPaths",
    "Stocks",
    "ScenarioSpec",
    "end_of_year_median",
    "occupancy_bands",
    "parse_assumptions",
    "project_occupancy",
    "read_stream_paths",
    "scenario_inflow",
    "seasonal_profile",
    "sensitivity_table",
    "stream_paths_frame",
]
