"""Occupancy overlays: effects on an assumption of the stock-flow model (grant rate, Dublin share, decision
capacity, housing, or any parameter of the assumptions file) become a changed monthly schedule of that
parameter. The model-only assumptions are left as they are; a new Assumptions object is returned.

The occupancy projection uses one assumption set for all inflow paths, so an uncertain size enters with its
median (the uncertainty of inflow overlays is drawn per path; that of occupancy overlays is not).
Values are kept within the parameter's unit bounds (a grant rate stays within 0..1).

`housing` changes the realisation rate of the taakstelling where the assumptions have one; on a hazard-based
setting (housing by a monthly hazard only, e.g. projection_2026 with the replay's hazard) a multiplicative
`housing` effect scales that hazard by the same factor (x0.8: a fifth fewer status holders housed per month at
the same stock, as x0.8 on the realisation rate is a fifth fewer housed at the same target); an additive one
(fraction points of a target) has no meaning there and is refused.
"""

from __future__ import annotations

import pandas as pd

from mpp.errors import ConfigError
from mpp.occupancy.assumptions import UNIT_BOUNDS, Assumptions, Param, Step
from mpp.overlays.apply import ordered_overlays, phase_weights
from mpp.overlays.schema import INFLOW, LoadedOverlay


def occupancy_effects(overlays: list[LoadedOverlay]):
    """(overlay, index, effect) of every occupancy effect, in application order."""
    return [
        (lo, i, e)
        for lo in ordered_overlays(list(overlays))
        for i, e in enumerate(lo.overlay.effects)
        if e.quantity != INFLOW
    ]


HOUSING_RATE, HOUSING_HAZARD = "housing.realisation_rate", "housing.hazard"


def _parameter(a: Assumptions, lo: LoadedOverlay, i: int, e) -> str:
    """The dotted parameter an occupancy effect changes in `a` (`housing`: the realisation rate, or the hazard)."""
    path = e.parameter
    params = dict(a.params())
    if e.quantity != "housing" or HOUSING_RATE in params or HOUSING_HAZARD not in params:
        return path
    if e.change != "multiplicative":
        raise ConfigError(
            f"overlay {lo.name!r} ({lo.path}) effect {i + 1}: an additive housing effect needs a realisation rate "
            f"of the taakstelling, and the assumptions {a.name!r} house status holders by a monthly hazard "
            "(housing.hazard) only; give a multiplicative size (it scales the hazard)"
        )
    return HOUSING_HAZARD


def apply_to_assumptions(
    a: Assumptions, overlays: list[LoadedOverlay], months: pd.PeriodIndex
) -> tuple[Assumptions, list[dict]]:
    """-> (assumptions with the occupancy effects applied over `months`, one record per changed parameter).

    Two effects on the same parameter and overlapping months need overlays with distinct `order`s."""
    effects = occupancy_effects(overlays)
    params = dict(a.params())
    records: list[dict] = []
    by_param: dict[str, list] = {}
    for lo, i, e in effects:
        where = f"overlay {lo.name!r} ({lo.path}) effect {i + 1}"
        path = _parameter(a, lo, i, e)
        if path not in params:
            raise ConfigError(
                f"{where}: {e.quantity!r} is not a parameter of the assumptions "
                f"{a.name!r} (parameters: {', '.join(sorted(params))})"
            )
        w = phase_weights(e, months)
        for lo2, i2, w2 in by_param.get(path, []):
            same = lo2 is lo
            ordered = (
                not same
                and lo.overlay.order is not None
                and lo2.overlay.order is not None
                and lo.overlay.order != lo2.overlay.order
            )
            if ((w > 0) & (w2 > 0)).any() and not ordered:
                raise ConfigError(
                    f"overlays conflict: {where} and overlay {lo2.name!r} effect {i2 + 1} both change "
                    f"{path}; give both overlays a distinct `order`"
                )
        by_param.setdefault(path, []).append((lo, i, w))
    for lo, i, e in effects:
        path = _parameter(a, lo, i, e)
        p: Param = dict(a.params())[path]
        w = phase_weights(e, months)
        size = e.size.median()
        start = months[0]
        if p.schedule is not None:
            start = min(start, pd.Period(p.schedule[0].start, freq="M"))
        span = pd.period_range(start, months[-1], freq="M")
        base = p.monthly(span)
        ws = pd.Series(w, index=months).reindex(span, fill_value=0.0).to_numpy()
        new = base * (1.0 + ws * (size - 1.0)) if e.change == "multiplicative" else base + ws * size
        lo_b, hi_b = UNIT_BOUNDS[p.unit]
        new = new.clip(lo_b, hi_b)
        steps, last = [], None
        for m, v in zip(span, new):
            if last is None or v != last:
                steps.append(Step(start=str(m), value=float(v)))
                last = v
        note = f"changed by overlay {lo.name} v{lo.overlay.version} ({lo.overlay.status})"
        a = a.replace_param(path, Param(schedule=tuple(steps), unit=p.unit, source=f"{p.source} [{note}]", note=p.note))
        records.append(
            {
                "overlay": lo.name,
                "effect": i + 1,
                "parameter": path,
                "change": e.change,
                "size": size,
                "start": e.start,
                "end": e.end,
                "phase_in_months": e.phase_in_months,
                "before_first": float(base[-len(months)]),
                "after_last": float(new[-1]),
            }
        )
    return a, records
