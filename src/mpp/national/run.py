"""A national forecast run: sources -> validated observations -> paths -> bands per month, quarter and year and
a manifest listing every source used per series and frequency, as one `NationalRun` object
(`mpp.flows.national.write_national` writes its files).

Stored tables never hold a month before the cut-off that no source published: monthly bands start the month
after the cut-off, observations.csv holds the resolved values at the frequency they were published (or sums
of complete finer periods), quarterly and annual bands mark what is observed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mpp.bands import BAND_NAMES, validate_quantiles
from mpp.data.observations import before, resolve, validate_observations
from mpp.data.schema import series_level, split_series_id
from mpp.national.config import NationalConfig
from mpp.national.model import NationalForecast, forecast_national
from mpp.national.sources import load_observations
from mpp.provenance import code_version, hash_file, hash_json

FILES = (
    "bands_monthly.csv",
    "bands_quarterly.csv",
    "bands_annual.csv",
    "paths.parquet",
    "observations.csv",
    "findings.csv",
    "manifest.json",
)
PUBLISHED = (
    "first_asylum_request/TOTAL",
    "repeat_asylum_request/TOTAL",
    "nareizigers/TOTAL",
    "resettlement/TOTAL",
    "TOTAL/TOTAL",
)


@dataclass
class NationalRun:
    forecast: NationalForecast
    observations: pd.DataFrame  # resolved, before the cut-off
    findings: pd.DataFrame
    bands_monthly: pd.DataFrame
    bands_quarterly: pd.DataFrame
    bands_annual: pd.DataFrame
    manifest: dict


def band_table(values: np.ndarray, series_ids, time_col: str, times, quantiles: dict[str, float]) -> pd.DataFrame:
    """values[series, time, sample] -> one row per (series, time) with the scenario bands."""
    q = np.quantile(values, list(quantiles.values()), axis=-1)
    rows = []
    for i, sid in enumerate(series_ids):
        stream, nat = split_series_id(sid)
        for j, t in enumerate(times):
            rows.append(
                {
                    "series_id": sid,
                    "level": series_level(stream, nat),
                    "stream": stream,
                    "nationality": nat,
                    time_col: t,
                    **{b: float(q[k, i, j]) for k, b in enumerate(quantiles)},
                }
            )
    return pd.DataFrame(rows)


def bands(fc: NationalForecast, quantiles: dict[str, float]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    after = fc.months > fc.cutoff
    monthly = band_table(fc.paths[:, after, :], fc.series_ids, "period", [str(p) for p in fc.months[after]], quantiles)
    quarters, qv = fc.quarterly()
    quarterly = band_table(qv, fc.series_ids, "period", [str(q) for q in quarters], quantiles)
    basis = fc.basis.set_index(["series_id", "period"])["basis"]
    quarterly["basis"] = [
        basis.get((s, p), "sum of streams" if s == "TOTAL/TOTAL" else "")
        for s, p in zip(quarterly["series_id"], quarterly["period"])
    ]
    years, av = fc.annual()
    annual = band_table(av, fc.series_ids, "year", years, quantiles)
    return monthly, quarterly, annual


def sources_manifest(res: pd.DataFrame) -> dict:
    """{series: {freq: {source: 'first..last (n values)'}}} of the resolved observations."""
    out: dict = {}
    for (stream, nat, freq, source), g in res.groupby(["stream", "nationality", "freq", "source"]):
        g = g.sort_values("start")
        derived = sorted(set(g["derived"]) - {""})
        text = f"{g['period'].iloc[0]}..{g['period'].iloc[-1]} ({len(g)} values)"
        if derived:
            text += "; " + "; ".join(derived[:3])
        files = sorted({f for v in g["file"] for f in str(v).split("+")})
        out.setdefault(f"{stream}/{nat}", {}).setdefault(freq, {})[source] = {"periods": text, "files": files}
    return out


def run_national(
    cutoff, data_dir: str | Path, cfg: NationalConfig, seed: int = 0, n_samples: int | None = None
) -> NationalRun:
    """The national forecast at `cutoff` from the sources in `data_dir`, with the settings `cfg` (`mpp.spec`)."""
    data_dir = Path(data_dir)
    cutoff = pd.Period(str(cutoff), freq="M")
    obs = load_observations(cfg, data_dir)
    known = before(obs, cutoff)
    findings = validate_observations(known, cfg.tolerance.relative)
    res = resolve(known, cfg.precedence)
    fc = forecast_national(obs, cutoff, cfg, seed=seed, n_samples=n_samples)
    quantiles = validate_quantiles(cfg.model.quantiles)
    bm, bq, ba = bands(fc, quantiles)
    files = {}
    for key, src in cfg.sources.items():
        p = (data_dir / src.file).resolve()
        files[key] = {"file": str(p), "sha256": hash_file(p)}
    manifest = {
        "kind": "national",
        "cutoff": str(cutoff),
        "seed": seed,
        "n_samples": int(fc.paths.shape[2]),
        "months": f"{fc.months[0]}..{fc.months[-1]}",
        "code_version": code_version(),
        "config_hash": hash_json(cfg.model_dump()),
        "quantiles": quantiles,
        "series_order": fc.series_ids,
        "source_files": files,
        "sources_used": sources_manifest(res),
        "models": fc.details,
        "findings": [f.message() for f in findings],
        "note": (
            "monthly bands start after the cut-off; quarters and years before it are observed values "
            "or nowcasts (column basis of bands_quarterly.csv); no month is stored that no source published"
        ),
    }
    fdf = (
        pd.DataFrame([f.__dict__ for f in findings])
        if findings
        else pd.DataFrame(
            columns=[
                "kind",
                "stream",
                "period",
                "value_a",
                "source_a",
                "where_a",
                "value_b",
                "source_b",
                "where_b",
                "difference",
                "tolerance",
            ]
        )
    )
    return NationalRun(fc, res, fdf, bm, bq, ba, manifest)


def paths_frame(fc: NationalForecast) -> pd.DataFrame:
    """Sample paths of the months after the cut-off, in the layout of `mpp forecast`'s paths.parquet."""
    after = fc.months > fc.cutoff
    p = fc.paths[:, after, :]
    n, h, s = p.shape
    df = pd.DataFrame(p.transpose(0, 2, 1).reshape(n * s, h), columns=[str(m) for m in fc.months[after]])
    df.insert(0, "sample", np.tile(np.arange(s), n))
    df.insert(0, "series_id", np.repeat(fc.series_ids, s))
    return df


def annual_table(bands_annual: pd.DataFrame) -> pd.DataFrame:
    """The MPP's annual table from a national run's annual bands: the published quantities, this year and the
    next two, rounded to tens."""
    a = bands_annual[bands_annual["series_id"].isin(PUBLISHED)].copy()
    a["order"] = a["series_id"].map({s: i for i, s in enumerate(PUBLISHED)})
    a = a.sort_values(["order", "year"])
    for b in BAND_NAMES:
        a[b] = a[b].round(-1)
    return a[["series_id", "year", *BAND_NAMES]].reset_index(drop=True)
