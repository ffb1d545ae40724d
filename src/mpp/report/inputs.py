"""Read a forecast run directory for the analyst outputs. Optional parts (occupancy, backtest, revision) may be absent.

Layout (see docs/architecture.md):
  bands_monthly.csv   series_id, level, stream, nationality, period, minimum, median, medio, maximum
  bands_annual.csv    the same with `year` instead of `period`
  history.csv         series_id, period, value (realised values up to the cut-off), optional
  manifest.json       cutoff, variant, seed, quantiles, data_vintage, data_hash, config_hash, code_version, ...
  occupancy/occupancy_bands.csv  quantity, period, minimum, median, medio, maximum   (optional)
  occupancy/manifest.json        assumptions_hash, assumptions, ...                   (optional)
  backtest/summary.json, backtest/scores.csv                                          (optional)
  revision.csv        quantity, year, scenario, current, previous                     (optional)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mpp.errors import DataError
from mpp.report.i18n import SCENARIOS

BAND_KEYS = ("series_id", "level", "stream", "nationality")


@dataclass
class RunData:
    """Everything a report needs from one run directory. Optional parts are None (or empty) when absent."""

    directory: Path
    manifest: dict[str, Any]
    bands_monthly: pd.DataFrame  # one row per (series_id, period); period 'YYYY-MM' str
    bands_annual: pd.DataFrame  # one row per (series_id, year); year int
    history: pd.DataFrame  # series_id, period ('YYYY-MM' str), value float; may be empty
    occupancy_bands: pd.DataFrame | None = None  # quantity, period (str), scenarios
    occupancy_manifest: dict[str, Any] = field(default_factory=dict)
    backtest_summary: dict[str, Any] | None = None
    backtest_scores: pd.DataFrame | None = None
    revision: pd.DataFrame | None = None  # quantity, year, scenario, current, previous
    national_annual: pd.DataFrame | None = None  # a national forecast (mpp forecast --national): bands_annual.csv
    national_manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def cutoff(self) -> str | None:
        c = self.manifest.get("cutoff")
        return None if c is None else str(c)[:7]

    def history_series(self, series_id: str) -> pd.Series:
        """Realised monthly values of one series on a PeriodIndex (empty when unknown)."""
        h = self.history[self.history["series_id"] == series_id]
        return pd.Series(h["value"].to_numpy(float), index=pd.PeriodIndex(h["period"], freq="M"), name=series_id)

    def series_bands(self, series_id: str, annual: bool = False) -> pd.DataFrame:
        bands = self.bands_annual if annual else self.bands_monthly
        return bands[bands["series_id"] == series_id].reset_index(drop=True)


def _read_csv(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    try:
        df = pd.read_csv(
            path,
            dtype={"period": str, "series_id": str, "stream": str, "nationality": str, "level": str, "quantity": str},
            float_precision="round_trip",
        )
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    return df


def _read_json(path: Path) -> dict[str, Any]:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot read JSON ({exc})") from exc
    if not isinstance(obj, dict):
        raise DataError(f"{path}: expected a JSON object")
    return obj


def _period_str(s: pd.Series) -> pd.Series:
    return s.astype(str).str.slice(0, 7)


def _optional(path: Path) -> Path | None:
    return path if path.is_file() else None


def read_run(directory: str | Path) -> RunData:
    """Read a run directory. Raises DataError (one line) if a required file is missing or malformed."""
    d = Path(directory)
    if not d.is_dir():
        raise DataError(f"run directory not found: {d}")
    for name in ("bands_monthly.csv", "bands_annual.csv", "manifest.json"):
        if not (d / name).is_file():
            raise DataError(f"{d}: not a forecast run directory (missing {name})")
    manifest = _read_json(d / "manifest.json")
    monthly = _read_csv(d / "bands_monthly.csv", BAND_KEYS + ("period",) + SCENARIOS)
    monthly["period"] = _period_str(monthly["period"])
    annual = _read_csv(d / "bands_annual.csv", BAND_KEYS + ("year",) + SCENARIOS)
    annual["year"] = annual["year"].astype(int)
    if (p := _optional(d / "history.csv")) is not None:
        history = _read_csv(p, ("series_id", "period", "value"))
        history["period"] = _period_str(history["period"])
        history["value"] = history["value"].astype(float)
    else:
        history = pd.DataFrame(
            {"series_id": pd.Series(dtype=str), "period": pd.Series(dtype=str), "value": pd.Series(dtype=float)}
        )
    run = RunData(directory=d, manifest=manifest, bands_monthly=monthly, bands_annual=annual, history=history)

    occ = d / "occupancy"
    if (p := _optional(occ / "occupancy_bands.csv")) is not None:
        ob = _read_csv(p, ("quantity", "period") + SCENARIOS)
        ob["period"] = ob["period"].astype(str)
        run.occupancy_bands = ob
    if (p := _optional(occ / "manifest.json")) is not None:
        run.occupancy_manifest = _read_json(p)
    if (p := _optional(d / "backtest" / "summary.json")) is not None:
        run.backtest_summary = _read_json(p)
    if (p := _optional(d / "backtest" / "scores.csv")) is not None:
        run.backtest_scores = _read_csv(p, ())
    if (p := _optional(d / "revision.csv")) is not None:
        rev = _read_csv(p, ("quantity", "year", "scenario", "current", "previous"))
        rev["year"] = rev["year"].astype(int)
        run.revision = rev
    for nat in (d / "national", d.parent / "national"):  # its own, or the one `mpp monthly` writes beside
        if (nat / "bands_annual.csv").is_file() and (nat / "manifest.json").is_file():
            attach_national(run, nat)
            break
    return run


def attach_national(run: RunData, directory: str | Path) -> RunData:
    """Attach a national forecast folder (bands_annual.csv + manifest.json of `mpp forecast --national`)."""
    d = Path(directory)
    for name in ("bands_annual.csv", "manifest.json"):
        if not (d / name).is_file():
            raise DataError(f"{d}: not a national forecast folder (missing {name})")
    annual = _read_csv(d / "bands_annual.csv", ("series_id", "year") + SCENARIOS)
    annual["year"] = annual["year"].astype(int)
    run.national_annual = annual
    run.national_manifest = _read_json(d / "manifest.json")
    return run


def read_coa_observations(source: str | Path | pd.DataFrame | None) -> pd.DataFrame | None:
    """Realised COA figures (date, measure, value[, kind]) from a CSV such as
    ../shared/data/real/coa_occupancy_observations.csv, or a frame as given; None stays None."""
    if source is None or isinstance(source, pd.DataFrame):
        return source
    path = Path(source)
    if not path.is_file():
        raise DataError(f"COA observations file not found: {path}")
    df = _read_csv(path, ("date", "measure", "value"))
    bad = pd.to_datetime(df["date"], errors="coerce").isna() | pd.to_numeric(df["value"], errors="coerce").isna()
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise DataError(
            f"{path}: row {i + 2}: date or value unreadable ({df['date'].iloc[i]!r}, {df['value'].iloc[i]!r})"
        )
    return df
