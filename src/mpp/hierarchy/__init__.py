"""Hierarchy of series (summing matrix), reconciliation of sample paths, and cross-series dependence."""

from mpp.hierarchy.dependence import SAMPLERS, impose_dependence
from mpp.hierarchy.reconcile import (
    METHODS,
    RECONCILIATION,
    projection_matrix,
    reconcile_paths,
    shrunk_covariance,
)
from mpp.hierarchy.structure import Hierarchy, aggregate_history, build_hierarchy, pool_small_nationalities

__all__ = [
    "METHODS",
    "RECONCILIATION",
    "SAMPLERS",
    "Hierarchy",
    "aggregate_history",
    "build_hierarchy",
    "impose_dependence",
    "pool_small_nationalities",
    "projection_matrix",
    "reconcile_paths",
    "shrunk_covariance",
]
