"""The occupancy stage from inflow paths to tables and a manifest (`OccupancyRun`), and the long replay to its
tables (`ReplayRun`): what `mpp occupancy`, `mpp occupancy-replay` and the monthly run compute. Reading the
forecast directory and writing the run folder is `mpp.flows.occupancy`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.bands import manifest_quantiles, validate_quantiles
from mpp.data.guard import guarded_read
from mpp.errors import DataError
from mpp.occupancy import replay_inputs as h
from mpp.occupancy.assumptions import Assumptions
from mpp.occupancy.history import calibrate_long, jackknife_band, run_long_replay
from mpp.occupancy.model import Stocks, project_occupancy
from mpp.occupancy.outputs import end_of_year_median, flow_bands, occupancy_bands, sensitivity_table
from mpp.occupancy.replay import MEASURE_TO_QUANTITY, Knob, error_summary
from mpp.occupancy.replay_inputs import NAREIZIGERS_PROFILES, long_replay_inputs
from mpp.provenance import code_version, hash_file, hash_json


def with_quantity(comparison: pd.DataFrame) -> pd.DataFrame:
    """The comparison with the model quantity each observation measures (what the replay chart draws)."""
    return comparison.assign(quantity=comparison["measure"].map(MEASURE_TO_QUANTITY))


class ForecastMissesStart(DataError):
    """The forecast does not cover the month the assumptions' initial stocks start from."""


@dataclass
class OccupancyRun:
    """The occupancy of one forecast: `tables` (file name -> table, the flow writes each as CSV) and the
    manifest that lists them."""

    tables: dict[str, pd.DataFrame]
    manifest: dict


def project_paths(
    streams: tuple[str, ...],
    periods: pd.PeriodIndex,
    paths: np.ndarray,
    fmanifest: dict,
    assumptions: Assumptions,
    files: dict,
    sensitivity: bool = False,
    overlays: list | None = None,
    replay: dict | None = None,
    quantiles: dict[str, float] | None = None,
    overlay_effects: Callable[..., tuple[Assumptions, list[dict]]] | None = None,
) -> OccupancyRun:
    """Project the inflow `paths[stream, month, sample]` (a forecast's, manifest `fmanifest`) from the assumptions'
    initial-stock month on (the forecast must reach it) -> occupancy_bands.csv, ind_flow_bands.csv (and
    sensitivity.csv, ukraine_scenarios.csv, replay_track_record.csv) and the manifest.

    `assumptions` come validated from `mpp.spec.load_assumptions`; `files` names where they and the forecast came
    from (assumptions_file, assumptions_hash, forecast_dir, forecast_manifest_hash, forecast_paths_hash: recorded
    in the manifest); the bands use `quantiles` (default: the forecast's own).

    `overlays` (loaded overlay files, `mpp.spec.load_overlays`): their occupancy effects change the
    assumption schedules over the projected months through `overlay_effects` (`mpp.overlays.apply_to_assumptions`,
    passed in so that occupancy does not depend on overlays); their inflow effects belong to the forecast
    directory: pass the "model + overlays" forecast, `<forecast>/overlays`, for those. `replay`: see
    `track_record`."""
    a = assumptions
    start = pd.Period(a.initial_stocks.date[:7], freq="M")
    if start not in periods:
        raise ForecastMissesStart(
            f"the forecast covers {periods[0]}..{periods[-1]} but the assumptions' initial stocks are "
            f"for {a.initial_stocks.date} (first projected month {start})"
        )
    i = periods.get_loc(start)
    paths, periods = paths[:, i:], periods[i:]
    overlay_records: list[dict] = []
    if overlays:
        if overlay_effects is None:
            raise TypeError("overlays need overlay_effects (mpp.overlays.apply_to_assumptions)")
        a, overlay_records = overlay_effects(a, overlays, periods)
    result = project_occupancy(Stocks.from_assumptions(a), paths, periods, a, streams)
    quantiles = validate_quantiles(quantiles) if quantiles else manifest_quantiles(fmanifest)
    tables = {
        "occupancy_bands.csv": occupancy_bands(result, quantiles),
        "ind_flow_bands.csv": flow_bands(result, quantiles),
    }
    eoy = end_of_year_median(result)
    manifest = {
        "stage": "occupancy",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "assumptions_file": files.get("assumptions_file"),
        "assumptions_hash": files.get("assumptions_hash"),
        "assumptions_name": a.name,
        "assumptions_version": a.version,
        "assumptions_content_hash": hash_json(a.model_dump(mode="json")),
        "assumptions": a.model_dump(mode="json", exclude_none=True),
        "quantiles": quantiles,
        "forecast_dir": files.get("forecast_dir"),
        "forecast_manifest_hash": files.get("forecast_manifest_hash"),
        "forecast_paths_hash": files.get("forecast_paths_hash"),
        "forecast": {
            k: fmanifest.get(k) for k in ("kind", "cutoff", "seed", "data_hash", "config_hash", "code_version", "label")
        },
        "warnings": fmanifest.get("occupancy_warnings", []),
        "periods": [str(periods[0]), str(periods[-1])],
        "n_samples": int(paths.shape[2]),
        "median_occupancy_end_of_year": {str(k): round(v, 1) for k, v in eoy.items()},
        "segments": {
            "amv": a.amv is not None,
            "ukraine": bool(a.ukraine is not None and a.ukraine.enabled),
            "parameter_uncertainty": a.uncertainty is not None,
        },
        "outputs": ["occupancy_bands.csv", "ind_flow_bands.csv"] + (["sensitivity.csv"] if sensitivity else []),
        "overlays": [
            {
                "name": lo.name,
                "version": lo.overlay.version,
                "status": lo.overlay.status,
                "file": lo.path,
                "sha256": lo.sha256,
            }
            for lo in overlays or []
        ],
        "overlay_effects": overlay_records,
    }
    if sensitivity:
        tables["sensitivity.csv"] = sensitivity_table(None, paths, periods, a, streams)
    if a.ukraine is not None:
        tables["ukraine_scenarios.csv"] = ukraine_scenarios(a, paths, periods, streams)
        manifest["outputs"].append("ukraine_scenarios.csv")
        manifest["ukraine"] = {
            "enabled_in_projection": a.ukraine.enabled,
            "active": a.ukraine.active,
            "directive_end": a.ukraine.directive_end,
            "scenarios": {k: v.label for k, v in a.ukraine.scenarios.items()},
        }
    if replay is not None:
        record, manifest["replay"] = track_record(replay)
        if record is not None:
            tables[manifest["replay"]["file"]] = record
            manifest["outputs"].append(manifest["replay"]["file"])
    return OccupancyRun(tables, manifest)


def track_record(replay: dict) -> tuple[pd.DataFrame | None, dict]:
    """The long replay as the projection's track record -> (the table of `replay_track_record.csv`: date,
    measure, observed, model, pct_error, window fit/check; its summary for the manifest); (None, a note) when the
    real series are absent. `replay`: real (folder, or None), assumptions (validated `Assumptions`),
    assumptions_file, start, end, fit_until."""

    if replay.get("real") is None:
        return None, {
            "note": "no track record: the project names no reference data (reference_data in mpp.toml)",
            "reason": "no_reference_data",
        }
    real = Path(replay["real"])
    obs_path = real / "coa_occupancy_observations.csv"
    if not obs_path.is_file():
        return None, {
            "note": f"no track record: the real series are not at {real}",
            "reason": "series_missing",
            "real": str(real),
        }
    a = replay["assumptions"]
    obs = guarded_read(pd.read_csv, obs_path, "COA observations CSV")
    inp = long_replay_inputs(real, replay["start"], replay["end"])
    r, _ = run_long_replay(a, inp, obs)
    c = r.comparison.drop_duplicates(["date", "measure", "observed"]).copy()
    first_day = str(inp.periods[0].start_time.date())
    c["window"] = np.where(c["date"] < first_day, "start", np.where(c["date"] <= replay["fit_until"], "fit", "check"))
    cols = ["date", "measure", "kind", "source", "observed", "model", "pct_error", "window"]
    check = c[c["window"] == "check"]
    return c[cols], {
        "file": "replay_track_record.csv",
        "periods": [replay["start"], replay["end"]],
        "fit_until": replay["fit_until"],
        "assumptions_file": str(replay["assumptions_file"]),
        "assumptions_hash": hash_file(Path(replay["assumptions_file"])),
        "inputs": {str(f): hash_file(f) for f in input_files(real) if f.is_file()},
        "check_mean_abs_pct_error": round(float(check["pct_error"].abs().mean()), 2) if len(check) else None,
    }


def ukraine_scenarios(a, paths: np.ndarray, periods: pd.PeriodIndex, streams: tuple[str, ...]) -> pd.DataFrame:
    """Each Ukrainian scenario (labelled, an assumption) run through the projection: per month the municipal
    reception stock, asylum filings, and the median COA occupancy and capacity need with that scenario and with
    the module off (so the scenario's effect is their difference)."""
    off = a.model_copy(update={"ukraine": a.ukraine.model_copy(update={"enabled": False})})
    base = project_occupancy(Stocks.from_assumptions(off), paths, periods, off, streams)
    occ0, cap0 = np.median(base.occupancy(), axis=1), np.median(base.capacity_need(), axis=1)
    frames = []
    for name, sc in a.ukraine.scenarios.items():
        on = a.model_copy(update={"ukraine": a.ukraine.model_copy(update={"enabled": True, "active": name})})
        r = project_occupancy(Stocks.from_assumptions(on), paths, periods, on, streams)
        occ, cap = np.median(r.occupancy(), axis=1), np.median(r.capacity_need(), axis=1)
        frames.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "label": sc.label,
                    "period": [str(p) for p in periods],
                    "municipal_reception": r.ukraine.group("ukraine_municipal")[:, 0],
                    "asylum_filings": r.ukraine.flows["asylum_filings"][:, 0],
                    "occupancy_median": occ,
                    "occupancy_median_without": occ0,
                    "occupancy_effect": occ - occ0,
                    "capacity_need_median": cap,
                    "capacity_need_effect": cap - cap0,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@dataclass
class ReplayRun:
    """The long replay's tables (file name -> table, in the order they are written), its markdown table, what
    its chart draws and its manifest."""

    tables: dict[str, pd.DataFrame]
    markdown: str
    monthly: pd.DataFrame
    comparison: pd.DataFrame
    manifest: dict
    band: pd.DataFrame | None = field(default=None)


def replay_long(
    real_dir: Path,
    start: str,
    end: str,
    assumptions: Assumptions,
    obs: pd.DataFrame,
    fit_until: str,
    files: dict,
    nareizigers_profile: str = "panel",
    calibrate: list[str] | None = None,
    band: bool = False,
) -> ReplayRun:
    """The replay (mpp.occupancy.history) on realised inflow, decisions, grant rates and backlog against COA's
    observations `obs` -> replay_monthly.csv, replay_inputs.csv (every input per month with its source),
    replay_vs_observations.csv (each observation marked start / fit / check), replay_errors.csv (check window
    only), replay_sensitivity.csv (the nareizigers profile before 2018: the other profile, same rates),
    replay_table.md and the manifest (`files`: observations_file, observations_hash, assumptions_file,
    assumptions_hash). With `calibrate` the rates are first estimated on observations up to `fit_until` only;
    with `band` too, replay_band.csv: the range of the replay over the leave-one-estimation-year-out estimates
    (`history.jackknife_band`), shaded in the chart."""

    if band and not calibrate:
        raise DataError("--band re-estimates the --calibrate rates leaving out one year at a time: give --calibrate")
    a = assumptions
    inp = long_replay_inputs(real_dir, start, end, nareizigers_profile)
    calibration = None
    values: dict[str, float] = {}
    if calibrate:
        calibration = fit_knobs_long(a, inp, obs, calibrate, fit_until, calibrate_long)
        values = calibration.values
    r, used = run_long_replay(a, inp, obs, values)
    first_day = str(inp.periods[0].start_time.date())
    r.comparison["used_for"] = np.where(
        r.comparison["date"] < first_day, "start", np.where(r.comparison["date"] <= fit_until, "fit", "check")
    )
    r.summary = error_summary(r.comparison[r.comparison["used_for"] == "check"], after=fit_until)
    sens = _profile_sensitivity(a, inp, obs, values, real_dir, start, end, nareizigers_profile, first_day)
    band_frame, band_estimates = None, None
    tables: dict[str, pd.DataFrame] = {}
    if band:
        band_frame, band_estimates = jackknife_band(a, inp, obs, [Knob.parse(k) for k in calibrate or []], fit_until)
        tables["replay_band.csv"] = band_frame
    monthly = r.monthly()
    monthly["eurostat_pending"] = [float(inp.pending.iloc[0])] + [float(inp.pending[p]) for p in inp.periods]
    tables.update(
        {
            "replay_monthly.csv": monthly,
            "replay_inputs.csv": inp.sources,
            "replay_vs_observations.csv": r.comparison,
            "replay_errors.csv": r.summary,
            "replay_sensitivity.csv": sens,
        }
    )
    outputs = [*[f for f in tables if f != "replay_band.csv"], "replay_table.md"]
    manifest = {
        "stage": "occupancy_replay_long",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "periods": [start, end],
        "real_dir": str(real_dir),
        "input_hashes": {str(f): hash_file(f) for f in input_files(Path(real_dir)) if f.is_file()},
        **{k: files.get(k) for k in ("observations_file", "observations_hash", "assumptions_file", "assumptions_hash")},
        "nareizigers_profile": nareizigers_profile,
        "fit_until": fit_until,
        "values": values
        or {
            k: getattr(used.housing if k.startswith("housing") else used.departure, "hazard").values()[0]
            for k in ("housing.hazard", "departure.hazard")
        },
        "initial_stocks": {
            g: round(getattr(used.initial_stocks, g).values()[0], 1)
            for g in ("asylum_seekers", "pending_outside_coa", "status_holders", "rejected")
        },
        "notes": r.notes,
        "calibration": _calibration_summary(calibration),
        "band_estimates": band_estimates,
        "errors": r.summary.round(2).to_dict(orient="records"),
        "outputs": outputs + (["replay_band.csv"] if band else []),
    }
    return ReplayRun(tables, replay_table(r.comparison), monthly, r.comparison, manifest, band_frame)


def _profile_sensitivity(
    a: Assumptions,
    inp,
    obs: pd.DataFrame,
    values: dict,
    real_dir: Path,
    start: str,
    end: str,
    nareizigers_profile: str,
    first_day: str,
) -> pd.DataFrame:
    """The replay under each nareizigers profile before 2018 (the given one and the others, same rates): per
    observation from `first_day` on, the replayed value and its % error."""
    rows = []
    for prof in NAREIZIGERS_PROFILES:
        alt_inp = inp if prof == nareizigers_profile else long_replay_inputs(real_dir, start, end, prof)
        alt, _ = run_long_replay(a, alt_inp, obs, values)
        c = alt.comparison.drop_duplicates(["date", "measure"])
        for _, row in c[c["date"] >= first_day].iterrows():
            rows.append(
                {
                    "nareizigers_profile": prof,
                    "date": row["date"],
                    "measure": row["measure"],
                    "model": row["model"],
                    "pct_error": row["pct_error"],
                }
            )
    return pd.DataFrame(rows)


def replay_table(comparison: pd.DataFrame) -> str:
    """The replay's own table (markdown): per observation date and measure (the first of duplicate sources) the
    observed and replayed value, the % error and the window (start / estimation / check)."""
    c = comparison.drop_duplicates(["date", "measure"]).sort_values(["measure", "date"], kind="stable")
    window = {"start": "start", "fit": "estimation", "check": "**check**"}
    lines = ["| date | measure | kind | observed | replay | error | window |", "|---|---|---|---|---|---|---|"]
    for _, r in c.iterrows():
        lines.append(
            f"| {r['date']} | {r['measure']} | {r['kind']} | {r['observed']:,.0f} | {r['model']:,.0f} | "
            f"{r['pct_error']:+.1f}% | {window.get(r['used_for'], r['used_for'])} |"
        )
    return "\n".join(lines) + "\n"


def input_files(real_dir: Path) -> list[Path]:
    """The files the long replay reads (for the manifest's hashes)."""

    return [
        real_dir / f
        for f in (h.EUROSTAT_MONTHLY, h.EUROSTAT_PENDING, h.CBS_MONTHLY, *h.IND_MONTHLY_FILES, h.CBS_PANEL)
        + (h.CBS_QUARTERLY, h.CBS_ANNUAL, h.EUROSTAT_ANNUAL)
    ] + [real_dir.parent / h.REALISED_TOTALS]


def fit_knobs_long(a, inp, obs, calibrate: list[str], fit_until: str, calibrate_long):
    if not fit_until:
        raise DataError("--calibrate needs --fit-until (the last observation date used for estimating)")
    knobs = [Knob.parse(k) for k in calibrate]
    if not knobs or len(knobs) > 3:
        raise DataError("calibrate between 1 and 3 assumptions at a time")
    return calibrate_long(a, inp, obs, knobs, fit_until)


def _calibration_summary(calibration) -> dict | None:
    """What a replay manifest records of an estimation (None when nothing was estimated)."""
    if calibration is None:
        return None
    return {
        "values": calibration.values,
        "fit_until": calibration.fit_until,
        "n_fit": calibration.n_fit,
        "n_check": calibration.n_check,
        "loss": round(calibration.loss, 6),
    }
