"""A synthetic but realistic monthly panel: ~40 nationalities x 4 streams, for demos and tests.

The real public data lacks a complete panel (no national monthly totals after 2020, no repeat requests, no
resettlement by nationality), so the bundled sample imitates its *shape* instead of copying figures:
- national annual rates per stream follow stylised knots (log-linear between them): the 2015 surge, the
  2020 COVID dip, the 2021-2023 rise, the 2024-2025 fall; scale per stream as in the ministry letters
  (first requests ~20-45k a year, nareizigers ~4-12k, repeat requests ~1.5-3.5k, resettlement ~0.2-0.8k);
- seasonality per stream (first requests peak in autumn), and AR(1) noise on the log scale;
- shares per nationality: a stylised base weight, nationality-specific surges (Eritrea 2015-16, Afghanistan
  2021-22, Turkey 2022-23, Yemen 2023-24, Syria's 2025 fall), a slow random walk, and a softmax per month;
- counts drawn as gamma-Poisson (over-dispersed) and rounded to multiples of 5 like CBS, so small
  nationalities give zero-heavy series.
`tests/data/test_sample.py` checks the shape against the real files and fails when it drifts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpp.data.schema import STREAMS, UNKNOWN, canonical

# code: base log-weight per stream (first, repeat, nareizigers, resettlement). Stylised, not real figures.
NATIONALITIES: dict[str, tuple[float, float, float, float]] = {
    "SYR": (4.0, 2.0, 4.6, 3.0),
    "ERI": (2.0, 1.6, 3.2, 2.4),
    "TUR": (1.0, 0.8, 1.4, -3.0),
    "IRQ": (1.8, 1.8, 1.6, 0.8),
    "AFG": (1.3, 1.8, 1.0, 0.8),
    "YEM": (0.9, 0.2, 1.6, 0.5),
    "SOM": (1.3, 1.2, 1.2, 1.5),
    UNKNOWN: (1.5, 1.0, 0.6, -3.0),
    "DZA": (1.1, 1.2, -1.5, -3.0),
    "NGA": (0.9, 1.0, -1.0, -3.0),
    "MAR": (0.8, 1.3, -1.5, -3.0),
    "SDN": (0.8, 0.4, 0.4, 2.2),
    "PAK": (0.6, 0.6, 0.2, -3.0),
    "ETH": (0.5, 0.6, 0.0, 0.3),
    "IRN": (1.2, 1.6, 0.4, -1.0),
    "SLE": (0.0, -0.5, -1.5, -3.0),
    "XXA": (0.9, 0.9, 1.2, 0.8),
    "GEO": (0.8, 0.8, -2.0, -3.0),
    "ALB": (0.6, 0.6, -2.0, -3.0),
    "LBY": (0.4, 0.5, -0.3, -1.0),
    "EGY": (0.2, 0.3, -1.0, -3.0),
    "TUN": (0.1, 0.5, -2.0, -3.0),
    "GIN": (0.4, 0.3, -1.5, -3.0),
    "COD": (0.2, 0.4, -0.3, 1.8),
    "UGA": (0.3, 0.2, -1.0, 0.2),
    "RUS": (0.6, 0.9, -0.6, -3.0),
    "UKR": (0.2, 0.4, -1.2, -3.0),
    "COL": (0.4, 0.2, -2.5, -3.0),
    "VEN": (0.2, 0.1, -2.0, -3.0),
    "CMR": (0.1, 0.1, -2.0, -3.0),
    "SRB": (0.5, 1.0, -2.0, -3.0),
    "XKX": (0.1, 0.6, -2.0, -3.0),
    "MNG": (0.5, 0.9, -2.0, -3.0),
    "BDI": (-0.5, -0.5, -1.5, 1.0),
    "SSD": (-0.6, -0.8, -1.0, 0.9),
    "LBN": (-0.1, 0.0, -1.5, 0.0),
    "PSE": (0.0, 0.2, 0.2, 0.2),
    "CHN": (-0.2, 0.0, -1.5, -3.0),
    "IND": (-0.4, -0.2, -2.0, -3.0),
    "BGD": (-0.8, -0.6, -2.5, -3.0),
}
# (code, centre "YYYY-MM", width in months, height on the log-weight scale)
SURGES: tuple[tuple[str, str, float, float], ...] = (
    ("SYR", "2015-09", 5, 0.9),
    ("ERI", "2015-10", 8, 1.2),
    ("IRQ", "2015-10", 4, 0.7),
    ("AFG", "2015-11", 4, 0.8),
    ("AFG", "2021-11", 5, 1.0),
    ("TUR", "2022-09", 9, 1.3),
    ("TUR", "2016-10", 5, 0.8),
    ("YEM", "2023-12", 9, 1.1),
    ("DZA", "2017-06", 10, 0.7),
    ("MAR", "2018-06", 10, 0.6),
    ("SYR", "2025-04", 3, -1.4),
    ("ALB", "2015-03", 4, 1.0),
    ("SRB", "2015-03", 4, 0.8),
    ("GEO", "2019-02", 6, 0.9),
    ("COL", "2021-06", 8, 0.8),
)
# National annual rate per stream at knots (YYYY-MM: persons per year); log-linear in between.
RATE_KNOTS: dict[str, dict[str, float]] = {
    "first_asylum_request": {
        "2013-01": 14000,
        "2014-06": 22000,
        "2015-06": 30000,
        "2015-10": 78000,
        "2016-02": 30000,
        "2016-08": 17000,
        "2017-06": 15500,
        "2018-06": 20000,
        "2019-06": 22500,
        "2020-02": 20000,
        "2020-04": 5000,
        "2020-08": 15000,
        "2021-06": 23000,
        "2022-06": 36000,
        "2023-06": 38000,
        "2023-12": 40000,
        "2024-06": 31000,
        "2025-06": 24000,
        "2026-12": 24000,
    },
    "nareizigers": {
        "2013-01": 3500,
        "2015-01": 5000,
        "2016-03": 12000,
        "2017-01": 8500,
        "2018-06": 6200,
        "2019-06": 4200,
        "2020-04": 2500,
        "2020-10": 4500,
        "2021-06": 9500,
        "2022-06": 11000,
        "2023-06": 10000,
        "2024-06": 12000,
        "2025-06": 10500,
        "2026-12": 10000,
    },
    "repeat_asylum_request": {
        "2013-01": 2500,
        "2015-06": 3300,
        "2017-01": 2600,
        "2019-01": 2400,
        "2020-04": 1300,
        "2021-01": 1700,
        "2022-06": 1600,
        "2024-01": 2600,
        "2025-06": 2200,
        "2026-12": 2200,
    },
    "resettlement": {
        "2013-01": 450,
        "2016-06": 650,
        "2019-06": 550,
        "2020-04": 250,
        "2021-01": 250,
        "2022-06": 450,
        "2024-01": 550,
        "2025-06": 300,
        "2026-12": 300,
    },
}
# Seasonal amplitude and peak month per stream (log scale, cosine)
SEASON: dict[str, tuple[float, int]] = {
    "first_asylum_request": (0.27, 10),
    "nareizigers": (0.12, 12),
    "repeat_asylum_request": (0.08, 1),
    "resettlement": (0.30, 11),
}
DISPERSION = {
    "first_asylum_request": 25.0,
    "nareizigers": 12.0,
    "repeat_asylum_request": 10.0,
    "resettlement": 0.6,
}  # gamma shape: smaller = lumpier (resettlement arrives in groups)
DEFAULT_END = "2025-06"  # last full month of the real monthly panel


def _annual_rate(stream: str, months: pd.PeriodIndex) -> np.ndarray:
    """rate[month] in persons per year, log-linear between the stream's knots."""
    knots = RATE_KNOTS[stream]
    x = np.array([pd.Period(k, freq="M").ordinal for k in knots], dtype=float)
    y = np.log(np.array(list(knots.values()), dtype=float))
    return np.exp(np.interp(months.asi8.astype(float), x, y))


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    e = rng.normal(0.0, sd, n)
    out = np.empty(n)
    out[0] = e[0] / np.sqrt(1 - phi**2)
    for t in range(1, n):  # recursion over months (n ~ 130), not over rows
        out[t] = phi * out[t - 1] + e[t]
    return out


def _shares(rng: np.random.Generator, months: pd.PeriodIndex, stream_idx: int) -> np.ndarray:
    """shares[nationality, month], summing to 1 per month."""
    codes = list(NATIONALITIES)
    t = months.asi8.astype(float)
    logw = np.array([NATIONALITIES[c][stream_idx] for c in codes])[:, None] + np.zeros((1, len(t)))
    for code, centre, width, height in SURGES:
        scale = 1.0 if stream_idx == 0 else 0.5  # surges show up mainly in first requests
        logw[codes.index(code)] += (
            scale * height * np.exp(-0.5 * ((t - pd.Period(centre, freq="M").ordinal) / width) ** 2)
        )
    walk = np.cumsum(rng.normal(0.0, 0.04, logw.shape), axis=1)
    logw = logw + walk - walk.mean(axis=1, keepdims=True)
    w = np.exp(logw - logw.max(axis=0, keepdims=True))
    return w / w.sum(axis=0, keepdims=True)


def generate_sample(seed: int = 0, start: str = "2015-01", end: str = DEFAULT_END) -> pd.DataFrame:
    """The synthetic canonical table (source "synthetic sample (seed N)"); deterministic in `seed`."""
    months = pd.period_range(start, end, freq="M")
    rng = np.random.default_rng(seed)
    codes = list(NATIONALITIES)
    frames = []
    for s_idx, stream in enumerate(STREAMS):
        amplitude, peak = SEASON[stream]
        season = amplitude * np.cos(2 * np.pi * (months.month.to_numpy() - peak) / 12)
        level = _annual_rate(stream, months) / 12 * np.exp(season + _ar1(rng, len(months), 0.6, 0.08))
        mean = _shares(rng, months, s_idx) * level[None, :]  # mean[nationality, month]
        k = DISPERSION[stream]
        counts = rng.poisson(rng.gamma(k, mean / k))
        rounded = (5 * np.round(counts / 5)).astype("int64")
        frames.append(
            pd.DataFrame(
                {
                    "period": np.tile(months, len(codes)),
                    "stream": stream,
                    "nationality": np.repeat(codes, len(months)),
                    "value": rounded.reshape(-1),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["period"] = pd.PeriodIndex(out["period"], freq="M")
    out["source"] = f"synthetic sample (seed {seed})"
    return canonical(out)
