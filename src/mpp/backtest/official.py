"""The official MPP forecasts as a peer: their published scenarios and ours at the same data cut-off, each
scored against the realised figure of the quantity it forecast. Pure: tables in, tables out.

Honesty rules (see docs/backtest.md):
- The official MPP forecasts *total asylum inflow* (first + repeat requests + nareizigers + resettlement),
  nationally. A panel that covers only some nationalities or streams is never compared with the official
  national number directly.
  Both are scored on their OWN realised quantity and compared by relative error and band coverage.
- One national figure of ours is shown, clearly marked as resting on an assumption: national first requests =
  the panel's first-request forecast divided by the share the panel had of national first requests in the four
  quarters before the cut-off (a quarterly national series). The share is held fixed,
  so this band is too narrow by the share's own uncertainty.
- Realised national totals come from files that name their source; approximate ones keep `approx = yes`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.bands import BAND_NAMES

SCENARIOS = BAND_NAMES


def official_scenarios(published: pd.DataFrame) -> pd.DataFrame:
    """Published scenario values wide: one row per (vintage, data_cutoff, quantity, target_year)."""
    key = ["vintage", "published", "data_cutoff", "quantity", "target_year"]
    p = published.assign(data_cutoff=published["data_cutoff"].fillna(""), published=published["published"].astype(str))
    wide = p.pivot_table(index=key, columns="scenario", values="value", aggfunc="first").reset_index()
    for s in SCENARIOS:
        if s not in wide.columns:
            wide[s] = np.nan
    wide.columns.name = None
    return wide[key + list(SCENARIOS)]


def score_scenarios(table: pd.DataFrame, realised: pd.DataFrame) -> pd.DataFrame:
    """Add the realised value (with source, approx) and errors to rows with `quantity, target_year` + scenarios.

    central   the median scenario when published, otherwise medio (the MPP's planning figure)
    rel_error (central - realised) / realised
    inside    realised within [minimum, maximum] when both are published
    """
    r = realised.rename(columns={"year": "target_year", "value": "realised", "source": "realised_source"})
    r = r.drop_duplicates(["quantity", "target_year"], keep="first")
    out = table.merge(
        r[["quantity", "target_year", "realised", "approx", "realised_source"]],
        on=["quantity", "target_year"],
        how="left",
    )
    out["central_scenario"] = np.where(out["median"].notna(), "median", "medio")
    out["central"] = out["median"].fillna(out["medio"])
    out["rel_error"] = (out["central"] - out["realised"]) / out["realised"]
    has_band = out["minimum"].notna() & out["maximum"].notna() & out["realised"].notna()
    inside = (out["realised"] >= out["minimum"]) & (out["realised"] <= out["maximum"])
    out["inside"] = inside.where(has_band)
    return out


def share_before(
    partial_quarterly: pd.Series, national_quarterly: pd.Series, cutoff: pd.Period, quarters: int = 4
) -> float:
    """Share of the national total covered by a partial panel over the last `quarters` full quarters up to
    the cut-off (quarterly series indexed by Period[Q])."""
    last_q = (cutoff + 1).asfreq("Q") - 1  # the last quarter whose months all lie at or before the cut-off
    idx = pd.period_range(last_q - quarters + 1, last_q, freq="Q")
    p, n = partial_quarterly.reindex(idx), national_quarterly.reindex(idx)
    if p.isna().any() or n.isna().any() or n.sum() <= 0:
        return float("nan")
    return float(p.sum() / n.sum())


def ours_at_cutoff(year_rows: pd.DataFrame, variant: str, cutoff: str, quantities: dict[str, str]) -> pd.DataFrame:
    """Our annual bands at one cut-off in the peer table's shape.

    `year_rows`: detail rows (target == 'year') of the forecast made at `cutoff`; `quantities` maps a
    series id to the name of the quantity it is (e.g. 'TOTAL/TOTAL' -> 'panel_first_requests_and_nareizigers').
    The realised value is the panel's own realised figure.
    """
    y = year_rows.loc[
        (year_rows["variant"] == variant)
        & (year_rows["origin"] == cutoff)
        & (year_rows["series_id"].isin(list(quantities)))
    ]
    out = pd.DataFrame(
        {
            "vintage": f"mpp {variant}",
            "published": "",
            "data_cutoff": cutoff,
            "quantity": y["series_id"].map(quantities),
            "target_year": y["period"].astype(int),
            **{s: y[s].to_numpy() for s in SCENARIOS},
            "realised": y["actual"].to_numpy(),
            "approx": "no",
            "realised_source": "the same monthly panel, summed",
        }
    )
    return out.reset_index(drop=True)


def scaled_national(rows: pd.DataFrame, share: float, quantity: str, realised: pd.DataFrame, note: str) -> pd.DataFrame:
    """Our panel bands divided by a coverage share, as a national figure resting on that assumption."""
    out = rows.copy()
    for s in SCENARIOS:
        out[s] = out[s] / share
    out["quantity"] = quantity
    out["vintage"] = out["vintage"] + f" / share {share:.3f} (assumption: {note})"
    return score_scenarios(out.drop(columns=["realised", "approx", "realised_source"]), realised)


def peer_table(published: pd.DataFrame, realised: pd.DataFrame, ours: list[pd.DataFrame]) -> pd.DataFrame:
    """Official and our rows side by side, sorted by data cut-off, target year and quantity."""
    official = score_scenarios(official_scenarios(published), realised)
    official.insert(0, "forecaster", "official MPP")
    frames = [official]
    for o in ours:
        if o.empty:
            continue
        o = o if "rel_error" in o.columns else score_scenarios_own(o)
        frames.append(o.assign(forecaster="mpp (this project)"))
    cols = [
        "forecaster",
        "vintage",
        "published",
        "data_cutoff",
        "quantity",
        "target_year",
        *SCENARIOS,
        "realised",
        "approx",
        "central_scenario",
        "central",
        "rel_error",
        "inside",
        "realised_source",
    ]
    out = pd.concat([f.reindex(columns=cols) for f in frames], ignore_index=True)
    return out.sort_values(["target_year", "data_cutoff", "forecaster", "quantity"]).reset_index(drop=True)


def score_scenarios_own(rows: pd.DataFrame) -> pd.DataFrame:
    """Errors for rows that already carry their own realised value."""
    own = rows[["quantity", "target_year", "realised", "approx", "realised_source"]].rename(
        columns={"target_year": "year", "realised": "value", "realised_source": "source"}
    )
    return score_scenarios(rows.drop(columns=["realised", "approx", "realised_source"]), own)
