"""Real panels for the skill protocol, read by path from the shared data folder, and cut at an origin.

- the target: the CBS 7-nationality monthly panel (two streams) as a wide table period x series_id;
- wide panels for cross-learning (UNHCR NL by origin 2012-2017, Eurostat EU+ by reporting country 2008-2020-08,
  BAMF Germany by origin 2015-2021-11, CBS 41 nationalities 2007-2015-11): long tables (panel, key, period,
  value);
- leading indicators: BAMF first applications for the CBS nationalities, the EU+ first-time total.

Every external table reaches a model only through `ExternalPanels.known_at(origin)`, which drops every month
after the origin, exactly like the target (tests/skill/test_skill_poisoning.py poisons the later months).
Nothing is interpolated: missing cells stay missing (rows dropped), absent UNHCR origin-months are zero as
PROVENANCE section 8 says.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.errors import DataError
from mpp.project import Project

CBS_PANEL = "cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"
UNHCR = "unhcr_monthly_asylum_applications_NL_by_origin_2012_2017.csv"
EUROSTAT_TSV = "eurostat_migr_asyappctzm_all_countries_totals_2008_2020-08.tsv"
BAMF = "bamf_DE_monthly_by_origin_2015_2021-11.csv"
CBS41 = "cbs_asylum_requests_monthly_by_nationality_sex_2007_2015-11_wide.csv"

#: BAMF `ls_code` of the CBS panel's nationalities (names vary across BAMF's monthly files; codes do not).
BAMF_CODES = {
    "Syria": 475,
    "Eritrea": 224,
    "Turkey": 163,
    "Iraq": 438,
    "Afghanistan": 423,
    "Yemen": 421,
    "Somalia": 273,
}


def real_dir(path: str | os.PathLike | None = None) -> Path:
    """The folder of the real panels: `path`, else $MPP_REAL_DATA, else `real/` of the project's reference data."""
    if path is None and not os.environ.get("MPP_REAL_DATA"):
        path = Project.discover().reference_folder() / "real"
    d = Path(path if path is not None else os.environ["MPP_REAL_DATA"])
    if not (d / CBS_PANEL).exists():
        raise DataError(f"{d}: the real data folder lacks {CBS_PANEL}")
    return d


def load_cbs_panel(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The CBS panel as period x series_id ('stream/nationality'), float."""
    df = pd.read_csv(real_dir(path) / CBS_PANEL)
    df["period"] = pd.PeriodIndex(df["period"], freq="M")
    df["series_id"] = df["stream"] + "/" + df["nationality"]
    wide = df.pivot_table(index="period", columns="series_id", values="value", aggfunc="sum").sort_index()
    return wide.astype(float)


def _long(panel: str, key, period, value) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "panel": panel,
            "key": pd.Series(key).astype(str).to_numpy(),
            "period": pd.PeriodIndex(period, freq="M"),
            "value": pd.to_numeric(pd.Series(value), errors="coerce").to_numpy(float),
        }
    )
    return out.dropna(subset=["value"])


def load_unhcr(d: Path) -> pd.DataFrame:
    df = pd.read_csv(d / UNHCR)
    out = _long("unhcr", df["origin"], df["period"], df["value"])
    # Absent origin-months are zero (PROVENANCE 8): complete each origin's grid between its first and last month.
    full = out.pivot_table(index="period", columns="key", values="value", aggfunc="sum")
    full = full.reindex(pd.period_range(full.index.min(), full.index.max(), freq="M")).fillna(0.0)
    stacked = full.stack().rename("value").reset_index()
    stacked.columns = ["period", "key", "value"]
    return _long("unhcr", stacked["key"], stacked["period"], stacked["value"])


def load_eurostat_countries(d: Path) -> pd.DataFrame:
    """First-time applicants (NASY_APP, citizen TOTAL) by EU+ reporting country; aggregates (EU27_2020, EU28,
    TOTAL) kept as their own keys."""
    raw = pd.read_csv(d / EUROSTAT_TSV, sep="\t", dtype=str)
    keycol = raw.columns[0]
    parts = raw[keycol].str.split(",", expand=True)
    parts.columns = keycol.split("\\")[0].split(",")
    sel = (parts["citizen"] == "TOTAL") & (parts["asyl_app"] == "NASY_APP")
    body = raw.loc[sel].drop(columns=[keycol])
    body.index = parts.loc[sel, "geo\\TIME_PERIOD" if "geo\\TIME_PERIOD" in parts else parts.columns[-1]]
    body.columns = [c.strip() for c in body.columns]
    cells = body.apply(lambda s: s.str.replace(r"[^0-9.]", "", regex=True).replace("", np.nan))
    long = cells.stack().rename("value").reset_index()
    long.columns = ["key", "period", "value"]
    return _long("eurostat", long["key"], long["period"], long["value"])


def load_bamf(d: Path) -> pd.DataFrame:
    df = pd.read_csv(d / BAMF)
    df = df.loc[df["ls_code"].notna() & (df["ls_code"] > 0)]  # -1 = rows without a country code
    df["ls_code"] = df["ls_code"].astype(int)
    g = df.groupby(["ls_code", "period"], as_index=False)["erstantraege"].sum(min_count=1)
    return _long("bamf", g["ls_code"], g["period"], g["erstantraege"])


def load_cbs41(d: Path) -> pd.DataFrame:
    raw = pd.read_csv(d / CBS41, dtype=str)
    tot = (
        raw.loc[raw["Sex"].str.strip().str.lower().str.startswith("total")]
        if (raw["Sex"].str.strip().str.lower().str.startswith("total").any())
        else raw
    )
    months = [c for c in raw.columns[3:]]
    periods = pd.PeriodIndex(pd.to_datetime([c.replace("*", "").strip() for c in months], format="%Y %B"), freq="M")
    vals = tot[months].apply(lambda s: pd.to_numeric(s.str.replace(r"[^0-9.]", "", regex=True), errors="coerce"))
    vals.columns = periods
    vals.index = tot["Citizenship"].str.strip()
    vals = vals.groupby(level=0).sum(min_count=1)
    long = vals.stack().rename("value").reset_index()
    long.columns = ["key", "period", "value"]
    return _long("cbs41", long["key"], long["period"], long["value"])


@dataclass
class ExternalPanels:
    """The wide panels and indicators, each a long table (panel, key, period, value)."""

    long: pd.DataFrame
    last: dict[str, pd.Period] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> ExternalPanels:
        d = real_dir(path)
        missing = [f for f in (UNHCR, EUROSTAT_TSV, BAMF, CBS41) if not (d / f).is_file()]
        if missing:  # the wide panels are not in the packaged snapshot (size): they come from the shared data
            raise DataError(
                f"{d}: the wide cross-learning panels are missing ({', '.join(missing)}); pass the folder that has "
                "them (e.g. ../shared/data/real) or set $MPP_REAL_DATA"
            )
        long = pd.concat([load_unhcr(d), load_eurostat_countries(d), load_bamf(d), load_cbs41(d)], ignore_index=True)
        last = long.groupby("panel")["period"].max().to_dict()
        return cls(long=long, last=last)

    def known_at(self, origin: pd.Period) -> ExternalPanels:
        """Every panel cut at the origin: no later month can reach a model trained for it."""
        origin = pd.Period(origin, freq="M")
        cut = self.long.loc[self.long["period"] <= origin]
        return ExternalPanels(long=cut, last=cut.groupby("panel")["period"].max().to_dict())

    def wide(self, panel: str) -> pd.DataFrame:
        """period x key of one panel (NaN where the panel has no value)."""
        sub = self.long.loc[self.long["panel"] == panel]
        if sub.empty:
            return pd.DataFrame(dtype=float)
        w = sub.pivot_table(index="period", columns="key", values="value", aggfunc="sum").sort_index()
        return w.reindex(pd.period_range(w.index.min(), w.index.max(), freq="M"))

    def indicator(self, name: str, nationality: str | None = None) -> pd.Series:
        """A leading indicator as a monthly series: 'bamf' (Germany's first applications of the nationality)
        or 'euplus' (EU+ first-time applicants, Eurostat geo TOTAL)."""
        if name == "bamf":
            code = BAMF_CODES.get(str(nationality))
            w = self.wide("bamf")
            if code is None or str(code) not in w.columns:
                return pd.Series(dtype=float)
            return w[str(code)].dropna()
        if name == "euplus":
            w = self.wide("eurostat")
            return w["TOTAL"].dropna() if "TOTAL" in w.columns else pd.Series(dtype=float)
        raise ValueError(f"unknown indicator {name!r}; known: bamf, euplus")


__all__ = ["BAMF_CODES", "ExternalPanels", "load_cbs_panel", "real_dir"]
