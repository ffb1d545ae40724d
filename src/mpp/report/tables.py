"""Pure table computations of the analyst outputs (no I/O): headline, revision, scorecard, flattened settings."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mpp.bands import compare_bands
from mpp.data.schema import STREAMS
from mpp.report.i18n import SCENARIOS
from mpp.report.inputs import RunData

TOTAL_ID = "TOTAL/TOTAL"
PROVENANCE_KEYS = (
    "cutoff",
    "variant",
    "seed",
    "n_samples",
    "horizon",
    "data_vintage",
    "data_hash",
    "config_hash",
    "code_version",
    "reconciliation",
    "created",
    "mlflow_run_id",
)
HEADLINE_COLUMNS = ("quantity", "year", *SCENARIOS)


def stream_ids(run: RunData) -> list[str]:
    """Stream totals present in the run, in the order of mpp.data.schema.STREAMS."""

    present = set(run.bands_monthly.loc[run.bands_monthly["level"] == "stream", "series_id"])
    return [f"{s}/TOTAL" for s in STREAMS if f"{s}/TOTAL" in present] + sorted(
        p for p in present if p.split("/")[0] not in STREAMS
    )


def top_nationalities(run: RunData, n: int = 5) -> list[str]:
    """Nationality totals (TOTAL/n) with the largest median inflow over the horizon; pooled OTHER/UNKNOWN left out."""
    b = run.bands_monthly
    nat = b[(b["level"] == "nationality") & ~b["nationality"].isin(["OTHER", "UNKNOWN"])]
    order = nat.groupby("series_id")["median"].sum().sort_values(ascending=False, kind="stable")
    return list(order.index[:n])


def first_forecast_year(run: RunData) -> int:
    """The year of the first forecast month ("this year" of the ministry letters)."""
    periods = pd.PeriodIndex(run.bands_monthly["period"], freq="M")
    return int(periods.min().year)


def last_complete_year(run: RunData) -> int:
    """The last year the forecast horizon covers up to December: later annual bands would be partial sums."""
    last = pd.PeriodIndex(run.bands_monthly["period"], freq="M").max()
    return int(last.year if last.month == 12 else last.year - 1)


def headline_years(run: RunData, n_years: int = 3) -> list[int]:
    """The first forecast year and the next ones, as far as the run has complete annual bands for them."""
    first = first_forecast_year(run)
    available = set(run.bands_annual["year"])
    return [y for y in range(first, min(first + n_years, last_complete_year(run) + 1)) if y in available]


def year_end_occupancy(occupancy_bands: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Occupancy stocks at the end of each year: the 1 January value of the next year ('YYYY-01-01') when the table
    has it, else the value of December of the year (a monthly stock is the stock at the end of its month)."""
    ob = occupancy_bands
    rows = []
    for quantity, g in ob.groupby("quantity", sort=False):
        by_period = g.drop_duplicates("period", keep="last").set_index("period")
        for y in years:
            for key in (f"{y + 1}-01-01", f"{y}-12"):
                if key in by_period.index:
                    r = by_period.loc[key]
                    rows.append({"quantity": quantity, "year": y, **{s: float(r[s]) for s in SCENARIOS}})
                    break
    return pd.DataFrame(rows, columns=list(HEADLINE_COLUMNS))


def headline_table(run: RunData, n_years: int = 3) -> pd.DataFrame:
    """Annual minimum/median/medio/maximum for total inflow, each stream and (when present) the occupancy
    quantities, for the first forecast year and the next ones. Columns: quantity, year, minimum..maximum; quantity is
    a series id ('TOTAL/TOTAL', 'nareizigers/TOTAL') or an occupancy quantity name."""
    years = headline_years(run, n_years)
    ids = [TOTAL_ID, *stream_ids(run)]
    a = run.bands_annual
    a = a[a["series_id"].isin(ids) & a["year"].isin(years)].copy()
    a["order"] = a["series_id"].map({s: i for i, s in enumerate(ids)})
    inflow = a.sort_values(["order", "year"]).rename(columns={"series_id": "quantity"})[list(HEADLINE_COLUMNS)]
    parts = [inflow]
    if run.occupancy_bands is not None:
        parts.append(year_end_occupancy(run.occupancy_bands, years))
    return pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else inflow


def revision_against(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Compare two headline tables (quantity, year, scenarios): long table quantity, year, scenario, current,
    previous, change, change_pct; only quantity-years present in both."""
    return add_change(compare_bands(current, previous, keys=("quantity", "year")))


def add_change(rev: pd.DataFrame) -> pd.DataFrame:
    out = rev.copy()
    out["change"] = out["current"] - out["previous"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change_pct"] = np.where(out["previous"] != 0, 100.0 * out["change"] / out["previous"], np.nan)
    return out.reset_index(drop=True)


# Columns that identify a score row rather than measure something: never averaged.
_ID_COLUMNS = {"origin", "horizon", "sample", "seed", "year", "period", "cutoff", "fold"}


def backtest_scorecard(scores: pd.DataFrame, max_rows: int = 40) -> pd.DataFrame:
    """A compact scorecard from a tidy scores table: mean of each numeric score per (variant, level) when those
    columns exist (per whatever of them exists otherwise), else the first rows."""
    groups = [c for c in ("variant", "level") if c in scores.columns]
    metric_name = next(
        (c for c in ("metric", "score") if c in scores.columns and not pd.api.types.is_numeric_dtype(scores[c])), None
    )
    numeric = [c for c in scores.columns if pd.api.types.is_numeric_dtype(scores[c]) and c not in _ID_COLUMNS]
    if not numeric:
        return scores.head(max_rows).reset_index(drop=True)
    if metric_name is not None and len(numeric) == 1:  # long form: metric, value
        keys = groups + [metric_name]
        card = scores.groupby(keys, sort=True)[numeric[0]].mean().unstack(metric_name).reset_index()
        card.columns.name = None
    elif groups:
        card = scores.groupby(groups, sort=True)[numeric].mean().reset_index()
    else:
        card = scores[numeric].mean().to_frame("mean").T.reset_index(drop=True)
    return card.head(max_rows)


def flatten(obj: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested dicts/lists -> (dotted key, value text) rows for a two-column table."""
    rows: list[tuple[str, str]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            rows += flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        for i, v in enumerate(obj):
            rows += flatten(v, f"{prefix}[{i}]")
    else:
        rows.append((prefix, ", ".join(map(str, obj)) if isinstance(obj, list) else str(obj)))
    return rows


def family_counts(manifest: dict[str, Any]) -> pd.DataFrame:
    """How many series each model family was used for (from manifest['families'])."""
    fam = manifest.get("families") or {}
    if not isinstance(fam, dict) or not fam:
        return pd.DataFrame(columns=["family", "series"])
    s = pd.Series(fam, dtype=str).value_counts().sort_index()
    return s.rename_axis("family").reset_index(name="series")


def provenance_rows(run: RunData) -> list[tuple[str, str]]:
    """What made this run: manifest keys (data vintage and hash, config hash, code version, MLflow run id...) and
    the occupancy assumptions hash when the run has an occupancy projection."""
    m = run.manifest
    rows = [(k, str(m[k])) for k in PROVENANCE_KEYS if m.get(k) not in (None, "")]
    if run.occupancy_manifest.get("assumptions_hash"):
        rows.append(("assumptions_hash", str(run.occupancy_manifest["assumptions_hash"])))
    return rows
