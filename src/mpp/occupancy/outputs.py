"""From occupancy paths to what analysts read: scenario bands per month and at 1 January, and sensitivities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.bands import DEFAULT_QUANTILES  # the shared definition of the four scenarios
from mpp.occupancy.assumptions import Assumptions
from mpp.occupancy.model import OccupancyPaths, Stocks, project_occupancy

BAND_COLUMNS = ("quantity", "period", *DEFAULT_QUANTILES)


def _band_rows(quantity: str, labels: list[str], values: np.ndarray, quantiles: dict[str, float]) -> pd.DataFrame:
    """values[period, sample] -> one row per period with the scenario quantiles."""
    q = np.quantile(values, list(quantiles.values()), axis=1)  # [quantile, period]
    out = pd.DataFrame({"quantity": quantity, "period": labels})
    for i, name in enumerate(quantiles):
        out[name] = q[i]
    return out


def january_first(paths: OccupancyPaths) -> tuple[list[str], dict[str, np.ndarray]]:
    """Stocks on each 1 January in the horizon (incl. the start when it is 1 January).

    -> (labels 'YYYY-01-01', {quantity: values[date, sample]}). The stock on 1 January of year Y is the stock
    at the end of the last step of year Y-1.
    """
    ends = paths.periods.asfreq("M", how="end")
    init = paths.initial_quantities()
    quantities = paths.quantities()
    labels, picks = [], []  # pick -1 = initial stocks, else the step index
    if paths.periods.asfreq("M", how="start")[0].month == 1:
        labels.append(f"{paths.periods[0].year}-01-01")
        picks.append(-1)
    for t, m in enumerate(ends):
        if m.month == 12:
            labels.append(f"{m.year + 1}-01-01")
            picks.append(t)
    out = {}
    for name, arr in quantities.items():
        rows = [init[name] if p < 0 else arr[p] for p in picks]
        out[name] = np.stack(rows) if rows else np.zeros((0, arr.shape[1]))
    return labels, out


def occupancy_bands(paths: OccupancyPaths, quantiles: dict[str, float] = DEFAULT_QUANTILES) -> pd.DataFrame:
    """Tidy bands of the STOCKS `quantity, period, minimum, median, medio, maximum`: one row per quantity and step
    (period 'YYYY-MM', or 'YYYYQn' for quarterly steps; the stock at the END of that period) and per 1 January
    (period 'YYYY-01-01'). The IND flows are in `flow_bands`."""
    labels = [str(p) for p in paths.periods]
    jan_labels, jan = january_first(paths)
    frames = []
    for name, arr in paths.quantities().items():
        frames.append(_band_rows(name, labels, arr, quantiles))
        if jan_labels:
            frames.append(_band_rows(name, jan_labels, jan[name], quantiles))
    return pd.concat(frames, ignore_index=True)


FLOW_QUANTITIES = ("ind_decisions", "ind_decisions_merits", "ind_grants", "grant_rate", "ukraine_asylum_filings")


def flow_bands(paths: OccupancyPaths, quantiles: dict[str, float] = DEFAULT_QUANTILES) -> pd.DataFrame:
    """Tidy bands of the IND FLOWS (decisions, decisions on the merits, grants, the grant rate = grants / decisions
    on the merits; Ukrainian asylum filings when that module runs) per step ('YYYY-MM') and per complete calendar
    year ('YYYY', sums of each path; the annual grant rate is each path's annual grants / decisions)."""
    labels = [str(p) for p in paths.periods]
    flows = paths.decision_flows()
    flows["grant_rate"] = np.divide(
        flows["ind_grants"],
        flows["ind_decisions_merits"],
        out=np.full_like(flows["ind_grants"], np.nan),
        where=flows["ind_decisions_merits"] > 0,
    )
    years = annual_index(paths.periods)
    frames = []
    for name in [q for q in FLOW_QUANTITIES if q in flows]:
        arr = flows[name]
        frames.append(_band_rows(name, labels, arr, quantiles))
        if not years:
            continue
        if name == "grant_rate":
            num = np.stack([flows["ind_grants"][idx].sum(axis=0) for idx in years.values()])
            den = np.stack([flows["ind_decisions_merits"][idx].sum(axis=0) for idx in years.values()])
            annual = np.divide(num, den, out=np.full_like(num, np.nan), where=den > 0)
        else:
            annual = np.stack([arr[idx].sum(axis=0) for idx in years.values()])
        frames.append(_band_rows(name, [str(y) for y in years], annual, quantiles))
    return pd.concat(frames, ignore_index=True)


def annual_index(periods: pd.PeriodIndex) -> dict[int, np.ndarray]:
    """Step indices of each complete calendar year in `periods` (monthly or quarterly)."""
    ends = periods.asfreq("M", how="end")
    starts = periods.asfreq("M", how="start")
    out = {}
    for y in sorted(set(ends.year)):
        idx = np.flatnonzero(ends.year == y)
        if starts[idx[0]].month == 1 and ends[idx[-1]].month == 12:
            out[int(y)] = idx
    return out


def end_of_year_median(paths: OccupancyPaths, quantity: str = "occupancy_total") -> pd.Series:
    """Median of `quantity` at the end of each complete calendar year in the horizon, indexed by year."""
    ends = paths.periods.asfreq("M", how="end")
    arr = paths.quantities()[quantity]
    return pd.Series({m.year: float(np.median(arr[t])) for t, m in enumerate(ends) if m.month == 12}, name=quantity)


def sensitivity_table(
    initial: Stocks | None,
    inflow: np.ndarray,
    periods: pd.PeriodIndex,
    assumptions: Assumptions,
    streams: tuple[str, ...],
    factor: float = 1.10,
) -> pd.DataFrame:
    """Change in median end-of-year occupancy when each assumption alone is multiplied by `factor`.

    One row per assumption (dotted path; taakstelling as one row scaling all half-years; `inflow.<stream>`
    scaling that stream's inflow paths) and year, with the
    base and changed medians and the change (persons and %). `initial=None` takes the stocks from the
    assumptions, so the initial stocks are varied too. Values bounded by their unit (a fraction cannot exceed
    1) are clipped; `clipped` says so. Departure split shares are left out: they change no stock.
    """

    def run(a: Assumptions, x: np.ndarray = inflow) -> pd.Series:
        init = initial if initial is not None else Stocks.from_assumptions(a)
        return end_of_year_median(project_occupancy(init, x, periods, a, streams))

    base = run(assumptions)
    variants: list[tuple[str, Assumptions, bool]] = []
    for path, p in assumptions.params():
        if path.startswith("departure.") and path.endswith("_share"):
            continue
        if initial is not None and path.startswith("initial_stocks."):
            continue
        new = p.scaled(factor)
        clipped = any(abs(nv - ov * factor) > 1e-12 for nv, ov in zip(new.values(), p.values()))
        variants.append((path, assumptions.replace_param(path, new), clipped))
    h = assumptions.housing
    if h.taakstelling:
        targets = tuple(t.model_copy(update={"value": t.value * factor}) for t in h.taakstelling)
        variants.append(
            (
                "housing.taakstelling",
                assumptions.model_copy(update={"housing": h.model_copy(update={"taakstelling": targets})}),
                False,
            )
        )
    runs = [(path, lambda a=a: run(a), clipped) for path, a, clipped in variants]
    for i, s in enumerate(streams):  # the inflow input itself, one stream at a time
        scale = np.ones(len(streams))
        scale[i] = factor
        runs.append((f"inflow.{s}", lambda sc=scale: run(assumptions, inflow * sc[:, None, None]), False))
    rows = []
    for path, compute, clipped in runs:
        changed = compute()
        for year in base.index:
            rows.append(
                {
                    "assumption": path,
                    "year": int(year),
                    "base_median": base[year],
                    "changed_median": changed[year],
                    "change": changed[year] - base[year],
                    "change_pct": 100.0 * (changed[year] - base[year]) / base[year] if base[year] else np.nan,
                    "clipped": clipped,
                }
            )
    out = pd.DataFrame(rows)
    return out.sort_values(
        ["year", "change"], key=lambda s: s.abs() if s.name == "change" else s, ascending=[True, False]
    ).reset_index(drop=True)
