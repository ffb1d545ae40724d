"""The registered model: an MLflow pyfunc that carries one cut-off's reconciled sample paths.

Why paths and not a refit: the registered version must give back EXACTLY the bands that were published. The
reconciled paths are the forecast itself (fitted models, dependence and reconciliation already applied), they
are small (series x months x samples floats in Parquet, stored bit-exact) and re-deriving bands from them with
`mpp.bands` is deterministic and takes milliseconds. A refit from logged data and seed would also reproduce the
numbers, but only with the same library versions and BLAS, and would take minutes.

    model = mlflow.pyfunc.load_model("models:/mpp-robust@champion")
    model.predict(pd.DataFrame({"kind": ["annual"]}))          # bands_annual as logged
    model.predict(pd.DataFrame({"kind": ["monthly"], "series_id": ["TOTAL/TOTAL"]}))
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow.pyfunc
import pandas as pd

from mpp.bands import BAND_NAMES, annual_bands, monthly_bands
from mpp.forecast import read_paths

ARTIFACT = "forecast"  # key of the forecast directory among the pyfunc artifacts
MODEL_FILES = ("paths.parquet", "history.csv", "manifest.json")


def bands_from_forecast_dir(directory: str | Path, kind: str = "annual") -> pd.DataFrame:
    """Monthly or annual bands re-derived from a forecast directory's paths (as the engine derived them)."""

    d = Path(directory)
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    ids, periods, paths = read_paths(d)  # paths[series, horizon, sample]
    order = manifest.get("series_order") or ids
    paths = paths[[ids.index(s) for s in order]]
    q = manifest.get("quantiles") or {}
    quantiles = {k: q[k] for k in BAND_NAMES} if q else None  # the manifest's JSON keys are sorted
    if kind == "monthly":
        return monthly_bands(paths, order, periods, quantiles)
    if kind == "annual":
        hist = pd.read_csv(d / "history.csv", dtype={"period": str, "series_id": str})
        realised = hist.pivot(index="period", columns="series_id", values="value")
        realised.index = pd.PeriodIndex(realised.index, freq="M")
        return annual_bands(paths, order, periods, quantiles, realised=realised)
    raise ValueError(f"kind must be 'annual' or 'monthly', got {kind!r}")


class BandsModel(mlflow.pyfunc.PythonModel):
    """predict(DataFrame with `kind` = annual|monthly and optional `series_id` rows) -> bands table."""

    def load_context(self, context) -> None:
        self.directory = Path(context.artifacts[ARTIFACT])

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        kind = str(model_input["kind"].iloc[0]) if "kind" in model_input and len(model_input) else "annual"
        bands = bands_from_forecast_dir(self.directory, kind)
        if "series_id" in model_input and model_input["series_id"].notna().any():
            bands = bands[bands["series_id"].isin(set(model_input["series_id"].dropna()))]
        return bands.reset_index(drop=True)
