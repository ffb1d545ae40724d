"""The skill protocol on the real CBS panel: every candidate at every origin, choices on tuning origins only,
the headline on locked origins. `mpp.flows.skill.run_protocol` loads the panels, computes or reads the cached
points and calls `evaluate_protocol`; `scripts/protocol.py` runs it and writes the docs table.

Steps
1. Points (`origin_points`, cached by the flow): at each quarterly origin, the median 12-month sums of the bottom series from `naive`,
   `anchored` (registry), `global` (LightGBM cross-learning) and `indicator` (global + BAMF/EU+), plus the
   sample sums of the registry variants `baseline` (seasonal naive simulation, the CRPS reference) and
   `anchored` (the old default, with its own bands). Every input cut at the origin.
2. Candidates: each point method (and its log-scale shrinkage toward the naive total with weight w) calibrated
   by pooled conformal errors (`mpp.skill.calibrate`), under named calibration options.
3. Choices, on tuning origins only (through `choose_on_tuning`): the shrinkage weight per point method, the
   calibration option, and the default = the best CRPS of 12-month sums on tuning origins.
4. The table: every candidate, tuning and locked origins apart, with paired bootstrap SEs to the naive total.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from mpp.backtest.protocol import OriginSplit, choose_on_tuning, score_cases, summarise
from mpp.models.registry import panel_function
from mpp.models.variants import VariantsConfig
from mpp.provenance import hash_json
from mpp.skill.calibrate import CALIBRATION_NAMES, aggregate_matrix, calibrated_sums, options_from_name
from mpp.skill.horizons import band_calibration, monthly_scores, year_cases
from mpp.skill.methods import Context, GlobalModel, naive_point, registry_sums
from mpp.skill.panels import ExternalPanels

POINT_METHODS = ("naive", "anchored", "global", "indicator")
BASELINE_LABEL = "seasonal naive simulation (baseline)"
ANCHORED_LABEL = "anchored (old default)"
CONFORMAL_LABEL = "naive-centred pooled conformal (naive_conformal)"
ENGINE_VARIANT = {BASELINE_LABEL: "baseline", ANCHORED_LABEL: "anchored", CONFORMAL_LABEL: "naive_conformal"}
#: Months of the engine variant's paths at every origin: to December of the year after next.
PATH_MONTHS = 36
SHRINK_WEIGHTS = (0.25, 0.5, 0.75, 1.0)
CALIBRATIONS = {name: options_from_name(name) for name in CALIBRATION_NAMES}


@dataclass
class ProtocolSettings:
    first_origin: str = "2016-12"  # first origin whose errors enter the calibration pools
    first_scored: str = "2018-06"  # first origin scored (earlier ones only warm the pools up)
    last_origin: str = "2024-06"
    step: int = 3
    n_samples: int = 400
    registry_samples: int = 200
    seed: int = 13
    split: OriginSplit = field(default_factory=OriginSplit)
    # months between a month's end and its publication (the release calendar's CBS panel lag): at origin o
    # every method, the naive rule included, reads the panel up to o - publication_lag only
    publication_lag: int = 0

    def known(self, origin: pd.Period) -> pd.Period:
        """The last month published by the end of `origin`."""
        return origin - self.publication_lag

    def origins(self) -> list[pd.Period]:
        return list(pd.period_range(self.first_origin, self.last_origin, freq="M")[:: self.step])

    def scored(self) -> list[pd.Period]:
        return [o for o in self.origins() if o >= pd.Period(self.first_scored, freq="M")]

    def key(self, data_hash: str) -> str:
        d = asdict(self)
        d["split"] = asdict(self.split)
        return hashlib.sha256(json.dumps([d, data_hash], sort_keys=True).encode()).hexdigest()[:12]


REGISTRY_VARIANTS = ("anchored", "baseline")


def data_hash(wide: pd.DataFrame, panels: ExternalPanels | None) -> str:
    h = hashlib.sha256(pd.util.hash_pandas_object(wide.reset_index(), index=False).to_numpy().tobytes())
    if panels is not None:
        h.update(pd.util.hash_pandas_object(panels.long, index=False).to_numpy().tobytes())
    return h.hexdigest()[:12]


def points_key(wide: pd.DataFrame, panels: ExternalPanels | None, settings: ProtocolSettings, catalog) -> str:
    """What the points depend on: the settings, the data and the specs of the registry variants used (`catalog`,
    from the run spec); `mpp.flows.skill` caches the points of each origin under it."""
    specs = {v: catalog.get(v) for v in REGISTRY_VARIANTS}
    return settings.key(data_hash(wide, panels) + hash_json({v: s.model_dump(mode="json") for v, s in specs.items()}))


def origin_points(
    origin: pd.Period,
    wide: pd.DataFrame,
    panels: ExternalPanels | None,
    settings: ProtocolSettings,
    catalog: VariantsConfig,
) -> dict:
    """Points and registry sums at one origin: the naive, anchored, global and indicator points, the registry
    variants' sample sums (`sums_<variant>`) and `info` (seconds per model, the indicator's fallback); every input
    cut at what was published by the origin."""
    k, lead = settings.known(origin), settings.publication_lag
    ctx = Context(k, wide.loc[:k], panels.known_at(k) if panels is not None else None, settings.seed)
    rec: dict = {"naive": naive_point(ctx)}
    info: dict = {}
    for v in REGISTRY_VARIANTS:
        t = time.perf_counter()
        rec[f"sums_{v}"] = registry_sums(ctx, catalog.get(v), settings.registry_samples, lead)
        info[f"seconds_{v}"] = time.perf_counter() - t
    rec["anchored"] = np.median(rec["sums_anchored"], axis=1)
    for name, model in (("global", GlobalModel()), ("indicator", GlobalModel(indicators=("bamf", "euplus")))):
        t = time.perf_counter()
        rec[name], info[name] = model.predict(ctx, lead)
        info[f"seconds_{name}"] = time.perf_counter() - t
    rec["info"] = info
    return rec


def cases_for(wide: pd.DataFrame, origin: pd.Period, lag: int = 0) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The cases of one origin (14 bottom series, stream sums, total) and the bottom outcomes (None if the
    12 months after the origin are not all realised); the naive total is that of the last 12 months published
    by the origin (`lag` months before it)."""
    ids = list(wide.columns)
    names, amat = aggregate_matrix(ids)
    hist = wide.loc[: origin - lag]
    naive_b = hist.iloc[-12:].to_numpy(float).sum(axis=0)
    after = wide.loc[origin + 1 : origin + 12]
    actual = after.to_numpy(float).sum(axis=0) if len(after) == 12 and after.notna().all().all() else None
    a = np.full(len(ids), np.nan) if actual is None else actual
    cases = pd.DataFrame(
        {
            "origin": str(origin),
            "series_id": ids + names,
            "level": ["bottom"] * len(ids) + ["stream"] * (len(names) - 1) + ["total"],
            "actual": np.concatenate([a, amat @ a]),
            "naive": np.concatenate([naive_b, amat @ naive_b]),
        }
    )
    return cases, actual


def candidate_sums(
    wide: pd.DataFrame, points: dict, settings: ProtocolSettings, point: str, weight: float, calibration: str
) -> dict:
    """{origin: sums[case, sample]} of one calibrated candidate (shrinkage `weight` of `point` vs naive)."""
    origins = settings.origins()
    pts, act, hists = {}, {}, {}
    for o in origins:
        base, naive = points[o][point], points[o]["naive"]
        pts[o] = np.expm1(weight * np.log1p(np.maximum(base, 0)) + (1 - weight) * np.log1p(naive))
        act[o] = cases_for(wide, o, settings.publication_lag)[1]
        hists[o] = wide.loc[: settings.known(o)]
    res = calibrated_sums(
        origins,
        pts,
        act,
        hists,
        CALIBRATIONS[calibration],
        settings.n_samples,
        settings.seed,
        settings.publication_lag,
    )
    return {o: np.vstack([res[o][0], res[o][1]]) for o in origins}


def registry_case_sums(points: dict, origin: pd.Period, variant: str, seed: int, ids: list[str]) -> np.ndarray:
    """A registry variant's bottom sample sums plus aggregates (series paired at random: independent)."""
    b = points[origin][f"sums_{variant}"]
    rng = np.random.default_rng(seed)
    b = np.stack([row[rng.permutation(row.size)] for row in b])
    _, amat = aggregate_matrix(ids)
    return np.vstack([b, amat @ b])


def variant_paths(wide: pd.DataFrame, settings: ProtocolSettings, spec) -> dict[pd.Period, np.ndarray]:
    """The panel variant's monthly paths[series, month, sample] at every origin, from the same function the
    engine calls (`mpp forecast` with this variant), on the months published by the origin; months 1.. after
    the origin (the paths start after the last published month and the first `publication_lag` are dropped)."""

    panel = panel_function(spec.family)
    if panel is None:
        raise ValueError(f"variant {spec.name} is not a panel family")
    lag = settings.publication_lag
    out = {}
    for o in settings.origins():
        rng = np.random.default_rng([settings.seed, o.ordinal])
        out[o] = panel(wide.loc[: settings.known(o)], PATH_MONTHS + lag, settings.n_samples, spec, rng)[0][:, lag:]
    return out


def _case_sums(paths: np.ndarray, ids: list[str]) -> np.ndarray:
    b = paths[:, :12].sum(axis=1)
    return np.vstack([b, aggregate_matrix(ids)[1] @ b])


def score_candidate(wide: pd.DataFrame, settings: ProtocolSettings, sums_by_origin: dict) -> pd.DataFrame:
    frames = []
    for o in settings.scored():
        cases, actual = cases_for(wide, o, settings.publication_lag)
        if actual is None:
            continue
        frames.append(score_cases(cases, sums_by_origin[o]))
    return pd.concat(frames, ignore_index=True)


def naive_scored(wide: pd.DataFrame, settings: ProtocolSettings) -> pd.DataFrame:
    """The naive total as a point forecast (a degenerate ensemble: no band)."""
    frames = []
    for o in settings.scored():
        cases, actual = cases_for(wide, o, settings.publication_lag)
        if actual is None:
            continue
        frames.append(score_cases(cases, cases["naive"].to_numpy(float)[:, None]))
    return pd.concat(frames, ignore_index=True)


@dataclass
class ProtocolResult:
    table: pd.DataFrame  # one row per (candidate, origin set)
    choices: list[dict]  # what was chosen, on which origins, among what
    scored: dict[str, pd.DataFrame]  # per-case scores of every candidate
    default: str
    seconds: dict[str, float]
    engine_default: str = ""
    bands: pd.DataFrame = field(default_factory=pd.DataFrame)  # band exceedance per calendar-year horizon
    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)  # monthly coverage, half-year sums vs naive rules


def evaluate_protocol(
    wide: pd.DataFrame,
    points: dict,
    settings: ProtocolSettings,
    catalog: VariantsConfig,
    n_boot: int = 1000,
    seconds: dict[str, float] | None = None,
    started: float | None = None,
) -> ProtocolResult:
    """Every candidate scored at every origin from the `points` (`origin_points` per origin), the choices made on
    tuning origins only, the table of tuning and locked origins. `seconds` (e.g. the points' wall time) are kept
    in the result with the time of each step; `started` (time.perf_counter()) is where the total starts."""
    t0 = time.perf_counter() if started is None else started
    seconds = dict(seconds or {})
    for k in ("anchored", "baseline", "global", "indicator"):
        seconds[f"model_{k}"] = float(sum(p["info"].get(f"seconds_{k}", 0.0) for p in points.values()))
    scored, conformal = _reference_scores(wide, points, settings, catalog, seconds)
    t = time.perf_counter()
    choices, calibration = _candidate_choices(wide, points, settings, scored)
    seconds["candidates"] = time.perf_counter() - t
    default, engine_default, default_choices = _default_choices(settings, scored, calibration, n_boot)
    choices += default_choices
    table = _protocol_table(scored, settings, n_boot)
    seconds["total"] = time.perf_counter() - t0
    choices.append(_fallback_record(points, settings))
    scored_paths = {o: p for o, p in conformal.items() if o >= pd.Period(settings.first_scored, freq="M")}
    cases, sums = year_cases(wide, scored_paths)
    return ProtocolResult(
        bands=band_calibration(cases, sums, settings.split),
        monthly=monthly_scores(wide, scored_paths, settings.split, settings.publication_lag),
        table=table,
        choices=choices,
        scored=scored,
        default=default,
        seconds=seconds,
        engine_default=ENGINE_VARIANT[engine_default],
    )


def _reference_scores(
    wide: pd.DataFrame, points: dict, settings: ProtocolSettings, catalog: VariantsConfig, seconds: dict
) -> tuple[dict[str, pd.DataFrame], dict[pd.Period, np.ndarray]]:
    """The scores of the naive total, the registry variants and the engine's naive_conformal paths (also
    returned: the band and monthly scores read them)."""
    scored: dict[str, pd.DataFrame] = {}
    scored["naive total (point)"] = naive_scored(wide, settings)
    for v, label in (("baseline", BASELINE_LABEL), ("anchored", ANCHORED_LABEL)):
        scored[label] = score_candidate(
            wide,
            settings,
            {o: registry_case_sums(points, o, v, settings.seed, list(wide.columns)) for o in settings.origins()},
        )
    t = time.perf_counter()
    conformal = variant_paths(wide, settings, catalog.get("naive_conformal"))
    scored[CONFORMAL_LABEL] = score_candidate(
        wide, settings, {o: _case_sums(p, list(wide.columns)) for o, p in conformal.items()}
    )
    seconds["model_naive_conformal"] = time.perf_counter() - t
    return scored, conformal


def _crps_criterion(frame: pd.DataFrame) -> float:
    return float(frame["crps"].sum())


def _candidate_choices(
    wide: pd.DataFrame, points: dict, settings: ProtocolSettings, scored: dict[str, pd.DataFrame]
) -> tuple[list[dict], str]:
    """Choice 1, the calibration option (space / dependence / centring) on the naive point, and choice 2, per
    point method the shrinkage weight toward the naive total (chosen calibration); every candidate is added to
    `scored` -> (the choices, the chosen calibration)."""
    split = settings.split
    cands = {}
    for cal in CALIBRATIONS:
        name = f"naive + pooled conformal [{cal}]"
        scored[name] = score_candidate(wide, settings, candidate_sums(wide, points, settings, "naive", 1.0, cal))
        cands[name] = split.tuning_only(scored[name])
    best, crit = choose_on_tuning(split, cands, _crps_criterion, what="calibration option")
    calibration = best.split("[")[1].rstrip("]")
    choices = [_choice("calibration option (space/dependence/centring)", best, "sum CRPS", crit, cands[best])]
    for point in POINT_METHODS[1:]:
        cands = {}
        for w in SHRINK_WEIGHTS:
            name = f"{point} w={w:g} + pooled conformal [{calibration}]"
            scored[name] = score_candidate(
                wide, settings, candidate_sums(wide, points, settings, point, w, calibration)
            )
            cands[name] = split.tuning_only(scored[name])
        best, crit = choose_on_tuning(split, cands, _crps_criterion, what=f"shrinkage weight of {point}")
        choices.append(_choice(f"shrinkage weight for {point}", best, "sum CRPS", crit, cands[best]))
    return choices, calibration


def _choice(choice: str, chosen: str, criterion: str, scores: dict, frame: pd.DataFrame) -> dict:
    return {
        "choice": choice,
        "chosen": chosen,
        "criterion": criterion,
        "scores": scores,
        "origins": _origin_span(frame),
    }


def _default_choices(
    settings: ProtocolSettings, scored: dict[str, pd.DataFrame], calibration: str, n_boot: int
) -> tuple[str, str, list[dict]]:
    """Choice 3, the default. Candidates that beat the naive total on tuning origins (pooled WAPE lower by more
    than 1.96 bootstrap SEs) compete on sum CRPS; if none does, the default is the best-calibrated simple method
    (90% coverage of bottom and aggregate sums closest to 90%). Same rule among the registry variants for the
    engine's default (`config/variants.yaml`), which must be a registry variant -> (default, engine default
    label, the two choices)."""
    split = settings.split
    pool = {k: split.tuning_only(v) for k, v in scored.items() if k != "naive total (point)"}
    simple = {
        k: v
        for k, v in pool.items()
        if k in (BASELINE_LABEL, CONFORMAL_LABEL, f"naive + pooled conformal [{calibration}]")
    }
    default, rule, crit = _default_rule(split, pool, simple, n_boot, settings.seed)
    registry = {k: v for k, v in pool.items() if k in ENGINE_VARIANT}
    engine_default, rule_e, crit_e = _default_rule(
        split, registry, {k: registry[k] for k in (BASELINE_LABEL, CONFORMAL_LABEL)}, n_boot, settings.seed
    )
    return (
        default,
        engine_default,
        [
            _choice("default method", default, rule, crit, pool[default]),
            _choice("engine default (a registry variant)", engine_default, rule_e, crit_e, pool[engine_default]),
        ],
    )


def _protocol_table(scored: dict[str, pd.DataFrame], settings: ProtocolSettings, n_boot: int) -> pd.DataFrame:
    """One row per (candidate, origin set): tuning and locked origins apart, paired to the baseline's scores."""
    split, reference = settings.split, scored[BASELINE_LABEL]
    rows = []
    for name, frame in scored.items():
        for role, sub in (("tuning", split.tuning_only(frame)), ("locked", split.locked_only(frame))):
            if sub.empty:
                continue
            ref = split.tuning_only(reference) if role == "tuning" else split.locked_only(reference)
            row = summarise(sub, ref, n_boot=n_boot, seed=settings.seed)
            rows.append(
                {"method": name, "origins_role": role, "first": sub["origin"].min(), "last": sub["origin"].max(), **row}
            )
    return pd.DataFrame(rows)


def _fallback_record(points: dict, settings: ProtocolSettings) -> dict:
    """The indicator model's fallbacks, recorded per origin (its indicators end before the last origins)."""
    fallbacks = sorted(
        {p["info"]["indicator"]["fallback"] for p in points.values() if p["info"]["indicator"]["fallback"]}
    )
    return {
        "choice": "indicator fallbacks (recorded per origin)",
        "chosen": "",
        "criterion": "",
        "scores": {str(o): points[o]["info"]["indicator"]["fallback"] for o in settings.origins()},
        "origins": "",
        "distinct": fallbacks,
    }


def _default_rule(split: OriginSplit, pool: dict, simple: dict, n_boot: int, seed: int) -> tuple[str, str, dict]:
    """(chosen, the rule that chose it, the scores it compared), reading tuning origins only."""
    for name, frame in pool.items():
        split.assert_tuning(frame, what=f"the default ({name})")
    beats = {}
    for name, frame in pool.items():
        row = summarise(frame, None, n_boot=n_boot, seed=seed)
        if row["d_wape"] + 1.96 * row["se_d_wape"] < 0:
            beats[name] = frame
    if beats:
        best, crit = choose_on_tuning(split, beats, lambda f: float(f["crps"].sum()), what="the default")
        return best, "beats the naive total on tuning (pooled WAPE, 1.96 SE); then sum CRPS", crit

    def calibration_error(frame: pd.DataFrame) -> float:
        agg = frame["level"] != "bottom"
        return max(abs(frame["covered"].mean() - 0.9), abs(frame.loc[agg, "covered"].mean() - 0.9))

    best, crit = choose_on_tuning(split, simple, calibration_error, what="the default")
    return (
        best,
        (
            "nothing beats the naive total on tuning origins: best-calibrated simple method "
            "(max abs(cov90 - 90%) over bottom and aggregate sums)"
        ),
        crit,
    )


def _origin_span(frame: pd.DataFrame) -> str:
    o = sorted(frame["origin"].unique())
    return f"{o[0]}..{o[-1]} ({len(o)} origins)" if o else ""


__all__ = [
    "CALIBRATIONS",
    "POINT_METHODS",
    "ProtocolResult",
    "ProtocolSettings",
    "candidate_sums",
    "cases_for",
    "evaluate_protocol",
    "origin_points",
    "points_key",
]
