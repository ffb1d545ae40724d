"""The panel's accuracy figures as README and docs quote them, computed from `mpp backtest`'s own detail table
(`scores_detail.parquet`), and the marked blocks of README/docs that hold them. Pure: no I/O.

`scripts/readme_figures.py` runs `mpp backtest` (the same function, `mpp.flows.backtest`) and writes the blocks;
`tests/test_readme_figures.py` checks that README's block equals the one rendered from the generated table.

Cases are the ones the skill protocol scores: every bottom series (stream x nationality), the stream sums and
the total, for the next 12 months after the last published month (`target == 'next12'`); the naive rule is the
sum of the 12 months before (the detail's `snaive`).
"""

from __future__ import annotations

import re

import pandas as pd

from mpp.backtest.protocol import OriginSplit, paired_bootstrap

LEVELS = ("stream_nationality", "stream", "total")


def panel_table(detail: pd.DataFrame, split: OriginSplit, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """One row per (variant, origin role): pooled and aggregate WAPE of the median next-12-month sums, the
    naive rule's, the difference with a paired origin-bootstrap SE, P5-P95 coverage, medio and median
    exceedance."""
    cases = detail.loc[detail["level"].isin(LEVELS)].copy()
    cases["origin"] = cases["origin"].astype(str)
    d = cases.loc[cases["target"] == "next12"].copy()
    d["abs_naive"] = (d["snaive"] - d["actual"]).abs()
    rows = []
    for variant, sub in d.groupby("variant", sort=False):
        for role, pick in (("locked", split.locked_only), ("tuning", split.tuning_only)):
            s = pick(sub)
            if s.empty:
                continue
            other = pick(cases.loc[cases["variant"] == variant])
            month, half = other.loc[other["target"] == "month"], other.loc[other["target"] == "half"]
            den = half["actual"].sum()
            agg = s["level"] != "stream_nationality"
            diff, se = paired_bootstrap(s["origin"], s["abs_error"], s["abs_naive"], s["actual"], n_boot, seed)
            rows.append(
                {
                    "variant": variant,
                    "origins_role": role,
                    "first": s["origin"].min(),
                    "last": s["origin"].max(),
                    "origins": s["origin"].nunique(),
                    "cases": len(s),
                    "wape": float(s["abs_error"].sum() / s["actual"].sum()),
                    "wape_naive": float(s["abs_naive"].sum() / s["actual"].sum()),
                    "d_wape": diff,
                    "se_d_wape": se,
                    "wape_aggregate": float(s.loc[agg, "abs_error"].sum() / s.loc[agg, "actual"].sum()),
                    "wape_aggregate_naive": float(s.loc[agg, "abs_naive"].sum() / s.loc[agg, "actual"].sum()),
                    "cov90": float(s["covered"].mean()),
                    "cov90_aggregate": float(s.loc[agg, "covered"].mean()),
                    "exceed_medio": float(s["exceed_medio"].mean()),
                    "exceed_median": float(s["exceed_median"].mean()),
                    "monthly_cov90": float(month["covered"].mean()) if len(month) else float("nan"),
                    "monthly_exceed_medio": float(month["exceed_medio"].mean()) if len(month) else float("nan"),
                    "half_wape": float(half["abs_error"].sum() / den) if den > 0 else float("nan"),
                    "half_wape_last6": float((half["snaive"] - half["actual"]).abs().sum() / den)
                    if den > 0
                    else float("nan"),
                    "half_wape_half12": float((half["naive_half12"] - half["actual"]).abs().sum() / den)
                    if den > 0
                    else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def _pct(x: float) -> str:
    return "-" if x != x else f"{100 * x:.1f}%"


def markdown_table(table: pd.DataFrame, role: str = "locked") -> str:
    sub = table.loc[table["origins_role"] == role]
    if sub.empty:
        return ""
    lines = [
        f"{role} origins {sub['first'].iloc[0]}..{sub['last'].iloc[0]} ({int(sub['origins'].iloc[0])} origins, "
        f"{int(sub['cases'].iloc[0])} next-12-month sums):",
        "",
        "| variant | pooled WAPE | naive last-12 | difference ± SE | aggregate WAPE (naive) | P5-P95 covers "
        "| aggregates covered | medio exceeded (aim 33%) | median exceeded |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sub.itertuples():
        lines.append(
            f"| `{r.variant}` | {r.wape:.3f} | {r.wape_naive:.3f} | {r.d_wape:+.3f} ± {r.se_d_wape:.3f} | "
            f"{r.wape_aggregate:.3f} ({r.wape_aggregate_naive:.3f}) | {_pct(r.cov90)} | {_pct(r.cov90_aggregate)} | "
            f"{_pct(r.exceed_medio)} | {_pct(r.exceed_median)} |"
        )
    return "\n".join(lines)


def monthly_markdown(table: pd.DataFrame) -> str:
    """The monthly path per variant and origin role: monthly P5-P95 coverage and medio exceedance, and the next
    6 months' sum against the last-6-months and half-of-last-12-months rules."""
    if "half_wape" not in table.columns:
        return ""
    lines = [
        "| variant | origins | monthly P5-P95 covers | monthly medio exceeded | half-year WAPE | last 6 months "
        "| half of last 12 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| `{r.variant}` | {r.origins_role} {r.first}..{r.last} | {_pct(r.monthly_cov90)} | "
            f"{_pct(r.monthly_exceed_medio)} | {r.half_wape:.3f} | {r.half_wape_last6:.3f} | {r.half_wape_half12:.3f} |"
        )
    return "\n".join(lines)


def readme_block(table: pd.DataFrame, command: str, default: str) -> str:
    """The README's panel block: the locked table, the command that made it, the engine default."""
    return "\n".join(
        [
            f"Generated by `{command}` (next 12 months after the last published month, every bottom series, "
            "the stream sums and the total; no choice read these origins):",
            "",
            markdown_table(table, "locked"),
            "",
            f"Engine default (`variants.yaml`, chosen by the skill protocol's rule on tuning origins): `{default}`.",
        ]
    )


def _marker(name: str, script: str) -> tuple[str, str]:
    return f"<!-- generated:{name} ({script}; do not edit) -->", f"<!-- end:{name} -->"


def read_block(text: str, name: str, script: str = "scripts/readme_figures.py") -> str:
    """The content between the markers of block `name`, written by `script` (ValueError if absent)."""
    start, end = _marker(name, script)
    m = re.search(re.escape(start) + r"\n(.*?)\n" + re.escape(end), text, flags=re.S)
    if m is None:
        raise ValueError(f"no generated block {name!r}")
    return m.group(1)


def write_block(text: str, name: str, content: str, script: str = "scripts/readme_figures.py") -> str:
    """`text` with block `name` (written by `script`) replaced by `content` (ValueError if the markers are absent)."""
    start, end = _marker(name, script)
    read_block(text, name, script)
    pattern = re.escape(start) + r"\n.*?\n" + re.escape(end)
    return re.sub(pattern, lambda _: f"{start}\n{content}\n{end}", text, count=1, flags=re.S)


def percentile_sentence(row: pd.Series | dict, command: str) -> str:
    """The README's overlay sentence from a plausibility row (`mpp.overlays.io.plausibility_of_targets`)."""
    return (
        f"the 2025 budget's {row['figure']:,.0f} for {int(row['year'])} lies at P{row['percentile']:.1f} of the "
        f"national forecast (`{command}`)."
    )


def fan_caption(variant: str, command: str) -> str:
    """README's fan chart with the variant and command that drew it (scripts/readme_figures.py)."""
    return (
        f"![Fan chart: real CBS panel of 7 nationalities (first requests + nareizigers), cut-off 2025-06, default "
        f"variant {variant}](docs/img/fan_chart_total.png)\n\n*The total's bands from `{command}` (default variant "
        f"`{variant}`).*"
    )


def overlay_table(row: pd.Series | dict, command: str) -> str:
    """docs/overlays.md's row for the national forecast from the same plausibility row as the sentence."""
    return (
        f"`{command}` ({int(row['n_paths'])} paths, default variant and horizon):\n\n"
        "| forecast | what TOTAL/TOTAL is | model median 2027 | P5-P95 | 24,730 at |\n|---|---|---|---|---|\n"
        f"| national forecast (`--national`) | national total asylum inflow (the budget's scope) "
        f"| {row['model_median']:,.0f} | {row['model_minimum']:,.0f}-{row['model_maximum']:,.0f} "
        f"| P{row['percentile']:.1f} (implied {row['implied_change_pct']:+.0f}%, range "
        f"{row['implied_change_pct_low']:+.0f}% to {row['implied_change_pct_high']:+.0f}%) |"
    )


__all__ = [
    "LEVELS",
    "markdown_table",
    "fan_caption",
    "monthly_markdown",
    "overlay_table",
    "panel_table",
    "percentile_sentence",
    "read_block",
    "readme_block",
    "write_block",
]
