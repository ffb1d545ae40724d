"""Replaying history, shared parts: compare the model with COA's own occupancy figures, summarise the errors,
and estimate rates on a fit window (`Knob`, `minimise`). The replay itself (realised inflow, decisions and
backlog, each month with its source) is `mpp.occupancy.history`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product

import numpy as np
import pandas as pd

from mpp.errors import DataError
from mpp.occupancy.assumptions import Assumptions
from mpp.occupancy.model import OccupancyPaths

# Which model quantity each COA measure corresponds to (others have no counterpart in the model). The three
# total-person measures differ in definition (see ../shared/data/real/PROVENANCE.md): "in de opvang" counts
# everybody in COA reception, "met opvangovereenkomst" those with a reception agreement, "met recht op opvang"
# excludes nareizigers and repeat applicants. Each is compared with the model's total; `measure` stays in
# the comparison so the definitions are never mixed silently.
MEASURE_TO_QUANTITY = {
    "persons_in_coa_reception_total": "occupancy_total",
    "persons_with_coa_reception_agreement": "occupancy_total",
    "persons_with_right_to_coa_reception": "occupancy_total",
    "status_holders_in_coa_reception": "status_holders",
}

#: an observation this close to the first or last step end is compared with it (e.g. 1 June with 31 May)
NEAREST_STEP_DAYS = pd.Timedelta(days=16)


def compare_with_observations(paths: OccupancyPaths, observations: pd.DataFrame, sample: int = 0) -> pd.DataFrame:
    """Model stocks at each COA observation date inside the horizon vs the observed value.

    The model value is the stock at the END of the step nearest to the observation date (a step ends on the
    last day of its month or quarter; the initial stocks count as the end of the step before the first).
    Returns date, measure, kind, observed, model, model_date, error (model - observed), pct_error.
    """
    q = paths.quantities()
    init = paths.initial_quantities()
    ends = [(paths.periods[0] - 1).end_time.normalize()] + [p.end_time.normalize() for p in paths.periods]
    ends_ts = pd.DatetimeIndex(ends)
    rows = []
    for _, o in observations.iterrows():
        quantity = MEASURE_TO_QUANTITY.get(o["measure"])
        date = pd.Timestamp(o["date"])
        if quantity is None or date < ends_ts[0] - NEAREST_STEP_DAYS or date > ends_ts[-1] + NEAREST_STEP_DAYS:
            continue
        k = int(np.argmin(np.abs((ends_ts - date).days)))
        model = init[quantity][sample] if k == 0 else q[quantity][k - 1, sample]
        observed = float(o["value"])
        rows.append(
            {
                "date": date.date().isoformat(),
                "measure": o["measure"],
                "kind": o.get("kind", ""),
                "source": o.get("source", ""),
                "observed": observed,
                "model": float(model),
                "model_date": ends_ts[k].date().isoformat(),
                "error": float(model) - observed,
                "pct_error": 100.0 * (float(model) - observed) / observed,
            }
        )
    cols = ["date", "measure", "kind", "source", "observed", "model", "model_date", "error", "pct_error"]
    return pd.DataFrame(rows, columns=cols).sort_values(["measure", "date"], kind="stable").reset_index(drop=True)


def error_summary(comparison: pd.DataFrame, after: str | None = None) -> pd.DataFrame:
    """Per measure and kind of observation (firm = annual/point figures, approx = rounded news figures), dated
    after `after` (default: after the earliest date, the start): n, mean absolute % error, largest absolute %
    error, mean % error (bias)."""
    if after is None and len(comparison):
        after = str(comparison["date"].min())
    c = comparison[comparison["date"].astype(str) > after] if after is not None else comparison
    c = c.assign(quality=np.where(c["kind"] == "approx", "approx", "firm"))
    rows = []
    for (measure, quality), g in c.groupby(["measure", "quality"], sort=True):
        rows.append(
            {
                "measure": measure,
                "quality": quality,
                "n": len(g),
                "mean_abs_pct_error": float(g["pct_error"].abs().mean()),
                "max_abs_pct_error": float(g["pct_error"].abs().max()),
                "mean_pct_error": float(g["pct_error"].mean()),
            }
        )
    return pd.DataFrame(
        rows, columns=["measure", "quality", "n", "mean_abs_pct_error", "max_abs_pct_error", "mean_pct_error"]
    )


@dataclass
class Replay:
    """One deterministic replay: the paths (one sample), the comparison with COA and the notes."""

    paths: OccupancyPaths
    comparison: pd.DataFrame
    summary: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def monthly(self) -> pd.DataFrame:
        """Stocks at the end of each step and the step's flows; the first row is the step before the replay
        with the initial stocks (its flows empty)."""
        p = self.paths
        out = pd.DataFrame({"period": [str(p.periods[0] - 1)] + [str(x) for x in p.periods]})
        init = p.initial_quantities()
        for name, arr in p.quantities().items():
            out[name] = np.concatenate([init[name][:1], arr[:, 0]])
        for name, arr in p.flows.items():
            out[name] = np.concatenate([[np.nan], arr[:, 0]])
        return out


# ------------------------------------------------------------------------------------------------ calibration

#: weight of an observation in the calibration by its `kind`: rounded news figures ("zo'n 20.000") count half
KIND_WEIGHT = {"approx": 0.5}


@dataclass(frozen=True)
class Knob:
    """One assumption to estimate: a dotted Param path set to one constant value within [low, high]."""

    path: str
    low: float
    high: float

    @classmethod
    def parse(cls, text: str) -> Knob:
        """'departure.hazard=0.01:0.6' -> Knob."""
        try:
            path, bounds = text.split("=")
            low, high = (float(v) for v in bounds.split(":"))
        except ValueError:
            raise DataError(
                f"--calibrate expects PATH=LOW:HIGH (e.g. departure.hazard=0.01:0.6), got {text!r}"
            ) from None
        if not low < high:
            raise DataError(f"--calibrate {text!r}: LOW must be below HIGH")
        return cls(path.strip(), low, high)


def with_values(a: Assumptions, values: dict[str, float], source: str | None = None) -> Assumptions:
    """The assumptions with each dotted Param path set to one constant value (optionally a new source)."""
    params = dict(a.params())
    for path, v in values.items():
        if path not in params:
            raise DataError(f"no assumption {path!r}; known: {', '.join(sorted(params))}")
        update = {"value": float(v), "schedule": None}
        if source:
            update["source"] = f"{source} (was: {params[path].source})"
        a = a.replace_param(path, params[path].model_copy(update=update))
    return a


@dataclass
class Calibration:
    values: dict[str, float]
    fit_until: str
    n_fit: int
    n_check: int
    loss: float


def weighted_loss(c: pd.DataFrame) -> float:
    """Sum of squared relative errors, rounded news figures (kind 'approx') at half weight."""
    w = c["kind"].map(KIND_WEIGHT).fillna(1.0).to_numpy()
    return float(np.sum(w * (c["pct_error"].to_numpy() / 100.0) ** 2))


def minimise(loss, knobs: Sequence[Knob], starts: int = 1) -> tuple[dict[str, float], float]:
    """Minimise loss({path: value}) over the knobs' boxes: a 9-point grid per knob, then bounded Nelder-Mead from
    the best `starts` grid points (several where the loss has more than one basin); the lowest wins.
    Deterministic. -> (values rounded to 4 decimals, loss)."""

    from scipy.optimize import minimize

    lo = np.array([k.low for k in knobs])
    hi = np.array([k.high for k in knobs])
    f = lambda v: loss({k.path: float(x_) for k, x_ in zip(knobs, np.clip(v, lo, hi))})  # noqa: E731
    grid = [np.linspace(k.low, k.high, 9) for k in knobs]
    scored = sorted(((f(np.array(p)), np.array(p)) for p in product(*grid)), key=lambda s: s[0])
    step = (hi - lo) / 8.0
    v_loss, v = np.inf, None
    for best_loss, best in scored[: max(1, starts)]:
        res = minimize(
            f,
            best,
            method="Nelder-Mead",
            bounds=list(zip(lo, hi)),
            options={
                "xatol": 1e-4,
                "fatol": 1e-9,
                "initial_simplex": np.vstack(
                    [best]
                    + [
                        best + np.where(np.arange(len(knobs)) == i, step, 0.0) * (1 if best[i] < hi[i] else -1)
                        for i in range(len(knobs))
                    ]
                ),
            },
        )
        # Nelder-Mead with bounds stays inside them, so res.fun is the loss at res.x
        cand, c_loss = (np.clip(res.x, lo, hi), float(res.fun)) if res.fun <= best_loss else (best, best_loss)
        if c_loss < v_loss:
            v, v_loss = cand, c_loss
    return {k.path: float(round(x_, 4)) for k, x_ in zip(knobs, v)}, v_loss
