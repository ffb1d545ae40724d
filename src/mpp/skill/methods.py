"""Candidate forecasts of next-12-month sums for the skill protocol, at one origin.

Point methods give the median 12-month sum per bottom series from what is known at the origin:
  naive       the sum of the last 12 months (the rule to beat);
  registry    the median of a model-registry variant's path sums (e.g. `anchored`, `baseline`), which also
              gives that variant's own sample sums;
  global      one LightGBM model of the log-ratio (next 12 months / last 12 months) fitted across every
              series of the wide real panels (UNHCR, Eurostat EU+ countries, BAMF, CBS 41 nationalities) and
              the CBS panel, all cut at the origin (cross-learning), applied to the CBS panel;
  indicator   the global model with leading indicators (Germany's first applications by nationality, BAMF;
              EU+ first-time applicants, Eurostat) as extra features; when an indicator ends before the
              cut-off the variant falls back to `global` and records why (never extrapolates);
  shrink      log-scale combination w * log1p(other) + (1 - w) * log1p(naive).

`mpp.skill.calibrate` turns points into sample sums by pooled conformal calibration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mpp.models import forecast_series
from mpp.skill.panels import ExternalPanels, load_cbs_panel

MIN_TRAIN_ROWS = 50  # below this the global model returns the naive total (recorded as a fallback)
MIN_LEVEL = 60.0  # training rows need a last-12-month sum of at least this (tiny series are noise)


@dataclass
class Context:
    origin: pd.Period
    history: pd.DataFrame  # period x series_id of the CBS panel, rows <= origin only
    panels: ExternalPanels | None  # cut at the origin
    seed: int = 0
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.history) and self.history.index.max() > self.origin:
            raise ValueError(f"history reaches {self.history.index.max()}, after the origin {self.origin}")
        if self.panels is not None and len(self.panels.long) and self.panels.long["period"].max() > self.origin:
            raise ValueError("external panels reach past the origin; pass panels.known_at(origin)")


def naive_point(ctx: Context) -> np.ndarray:
    return ctx.history.iloc[-12:].to_numpy(float).sum(axis=0)


def registry_sums(ctx: Context, spec, n_samples: int = 200, lead: int = 0) -> np.ndarray:
    """Sample sums [series, sample] of the 12 months starting `lead` months after the history's end, of a
    model-registry variant (a `VariantSpec` from the run spec), one series at a time."""

    out = np.empty((ctx.history.shape[1], n_samples))
    for i, col in enumerate(ctx.history.columns):
        y = ctx.history[col].astype(float)
        out[i] = forecast_series(y, 12 + lead, n_samples, spec, seed=ctx.seed + 7919 * i).paths[lead:].sum(axis=0)
    return out


# ----------------------------------------------------------------------------------- global model


def _features(w: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Feature frames (period x key) at every month k from a wide monthly table; NaN where not computable."""
    s12 = w.rolling(12, min_periods=12).sum()
    sp12 = s12.shift(12)
    m3 = w.rolling(3, min_periods=3).sum() * 4
    m6 = w.rolling(6, min_periods=6).sum() * 2
    lg = np.log1p(w.clip(lower=0))
    vol = lg.diff().rolling(12, min_periods=12).std()
    return {
        "r1": np.log((w * 12 + 1) / (s12 + 1)),
        "r3": np.log((m3 + 1) / (s12 + 1)),
        "r6": np.log((m6 + 1) / (s12 + 1)),
        "yoy": np.log((s12 + 1) / (sp12 + 1)),
        "level": np.log1p(s12),
        "vol": vol,
        "s12": s12,
    }


FEATURES = ("r1", "r3", "r6", "yoy", "level", "vol", "month")


def _rows(w: pd.DataFrame, source: str, with_target: bool, lead: int = 0) -> pd.DataFrame:
    """Long table of features (and the target log-ratio where known inside `w`) for every (month, key)."""
    f = _features(w)
    parts = {k: v.stack(future_stack=True) for k, v in f.items()}
    df = pd.DataFrame(parts)
    if with_target:
        nxt = w.rolling(12, min_periods=12).sum().shift(-12 - lead)  # the 12 months after `lead` unseen ones
        df["target"] = np.log((nxt + 1) / (f["s12"] + 1)).stack(future_stack=True)
    df.index.names = ["period", "key"]
    df = df.reset_index()
    df["month"] = df["period"].dt.month.astype(float)
    df["source"] = source
    return df


def training_rows(ctx: Context, lead: int = 0) -> pd.DataFrame:
    """Every row whose features and target are known at the origin, from all panels and the CBS panel."""
    frames = [_rows(ctx.history, "cbs", True, lead)]
    if ctx.panels is not None:
        for panel in sorted(ctx.panels.long["panel"].unique()):
            frames.append(_rows(ctx.panels.wide(panel), panel, True, lead))
    df = pd.concat(frames, ignore_index=True)
    df = df.loc[np.isfinite(df["target"]) & (df["s12"] >= MIN_LEVEL)]
    return df.dropna(subset=["r3", "yoy", "vol"])


INDICATORS = ("bamf", "euplus")


def indicator_status(panels: ExternalPanels | None, origin: pd.Period, name: str) -> tuple[bool, str]:
    """(usable at this origin, why not). An indicator is usable only if it has a value for the origin month
    itself: ending earlier means the latest features would have to be extrapolated, which we never do."""
    if panels is None:
        return False, f"{name}: no external panels given"
    panel = {"bamf": "bamf", "euplus": "eurostat"}[name]
    last = panels.last.get(panel)
    if last is None:
        return False, f"{name}: no data up to the cut-off {origin}"
    if last < origin:
        return False, f"{name} data end {last}, before the cut-off {origin}"
    return True, ""


def _indicator_features(ctx: Context, rows: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """Add ind_<name>_r3 and ind_<name>_yoy (the indicator's own momentum at month k) to CBS rows."""
    out = rows.copy()
    for name in names:
        for feat in ("r3", "yoy"):
            out[f"ind_{name}_{feat}"] = np.nan
        for key in out.loc[out["source"] == "cbs", "key"].unique():
            nat = str(key).split("/", 1)[-1]
            series = ctx.panels.indicator(name, nat) if ctx.panels is not None else pd.Series(dtype=float)
            if series.empty:
                continue
            full = series.reindex(pd.period_range(series.index.min(), series.index.max(), freq="M"))
            f = _features(full.to_frame("x"))
            sel = (out["source"] == "cbs") & (out["key"] == key)
            for feat in ("r3", "yoy"):
                out.loc[sel, f"ind_{name}_{feat}"] = f[feat]["x"].reindex(out.loc[sel, "period"]).to_numpy()
    return out


@dataclass
class GlobalModel:
    """LightGBM on lagged log-ratios, small and single-threaded (2 cores are shared)."""

    n_estimators: int = 200
    learning_rate: float = 0.03
    num_leaves: int = 15
    min_child_samples: int = 40
    cbs_weight: float = 3.0
    indicators: tuple[str, ...] = ()
    n_jobs: int = 1

    def predict(self, ctx: Context, lead: int = 0) -> tuple[np.ndarray, dict]:
        """Median sums of the 12 months that start `lead` months after ctx.history's last month (a publication
        lag: the months between the last published one and the forecast's origin), and what was used."""
        import lightgbm as lgb

        info: dict = {"indicators_used": [], "fallback": ""}
        use = []
        for name in self.indicators:
            ok, why = indicator_status(ctx.panels, ctx.origin, name)
            if ok:
                use.append(name)
            else:
                info["fallback"] += ("; " if info["fallback"] else "") + why
        if self.indicators and info["fallback"]:
            info["fallback"] += "; fell back to " + ("indicators " + ", ".join(use) if use else "the global model")
        train = training_rows(ctx, lead)
        feats = list(FEATURES)
        now = _rows(ctx.history, "cbs", False)
        now = now.loc[now["period"] == ctx.origin]
        if use:
            train = _indicator_features(ctx, train, tuple(use))
            now = _indicator_features(ctx, now, tuple(use))
            feats += [f"ind_{n}_{f}" for n in use for f in ("r3", "yoy")]
        info["indicators_used"] = use
        s12 = naive_point(ctx)
        if len(train) < MIN_TRAIN_ROWS:  # nothing to learn from yet: the naive total, said out loud
            info["fallback"] += ("; " if info["fallback"] else "") + (
                f"only {len(train)} training rows known at {ctx.origin}: the naive 12-month total"
            )
            info["train_rows"] = int(len(train))
            return s12, info
        weight = np.where(train["source"] == "cbs", self.cbs_weight, 1.0)
        model = lgb.LGBMRegressor(
            objective="l1",
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.9,
            n_jobs=self.n_jobs,
            random_state=ctx.seed,
            verbose=-1,
        )
        model.fit(train[feats], train["target"], sample_weight=weight)
        now = now.set_index("key").reindex(ctx.history.columns)
        ratio = model.predict(now[feats])
        info["train_rows"] = int(len(train))
        info["train_last"] = str(train["period"].max())
        return np.maximum((s12 + 1) * np.exp(ratio) - 1, 0.0), info


def lead_lags(
    target: pd.DataFrame, panels: ExternalPanels, name: str = "bamf", max_lag: int = 12, until: pd.Period | None = None
) -> pd.DataFrame:
    """How far an indicator leads each CBS series: the correlation of year-on-year log changes of 3-month
    sums, indicator at k - lag against the series at k, for lag 0..max_lag, on the months both cover (up to
    `until`). Returns one row per series with the best lag, its correlation and the lag-0 correlation."""
    rows = []
    for col in target.columns:
        nat = col.split("/", 1)[-1]
        ind = panels.indicator(name, nat)
        if ind.empty:
            continue
        ind = ind.reindex(pd.period_range(ind.index.min(), ind.index.max(), freq="M"))
        y = target[col]
        if until is not None:
            y, ind = y.loc[:until], ind.loc[:until]

        def yoy3(s: pd.Series) -> pd.Series:
            m3 = s.rolling(3, min_periods=3).sum()
            return np.log((m3 + 1) / (m3.shift(12) + 1))

        yy, ii = yoy3(y), yoy3(ind)
        corrs = {}
        for lag in range(max_lag + 1):
            both = pd.concat([yy, ii.shift(lag)], axis=1).dropna()
            corrs[lag] = both.iloc[:, 0].corr(both.iloc[:, 1]) if len(both) >= 24 else np.nan
        best = max(corrs, key=lambda k: -np.inf if np.isnan(corrs[k]) else corrs[k])
        rows.append(
            {
                "series_id": col,
                "indicator": name,
                "best_lag": best,
                "corr_best": corrs[best],
                "corr_lag0": corrs[0],
                "months": int(pd.concat([yy, ii], axis=1).dropna().shape[0]),
            }
        )
    return pd.DataFrame(rows)


__all__ = [
    "Context",
    "FEATURES",
    "GlobalModel",
    "INDICATORS",
    "indicator_status",
    "lead_lags",
    "naive_point",
    "registry_sums",
    "training_rows",
]


def lag_table(until: str | pd.Period | None = None) -> pd.DataFrame:
    """`lead_lags` of both indicators against every CBS series on the real data (for the docs)."""

    wide = load_cbs_panel()
    panels = ExternalPanels.load()
    until = pd.Period(until, freq="M") if until is not None else None
    return pd.concat([lead_lags(wide, panels, n, until=until) for n in INDICATORS], ignore_index=True)
