"""The short Markdown and HTML summary of a backtest, from its tables. Pure: returns strings."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd


def markdown_table(df: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub-flavoured Markdown table (floats rounded to `digits`)."""

    def cell(x) -> str:
        if isinstance(x, (float, np.floating)):
            return "" if np.isnan(x) else f"{x:.{digits}f}" if abs(x) < 1000 else f"{x:,.0f}"
        return str(x)

    head = "| " + " | ".join(map(str, df.columns)) + " |"
    sep = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(cell(x) for x in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def summary_markdown(
    title: str,
    facts: dict[str, str],
    headline: pd.DataFrame,
    ranking: pd.DataFrame,
    peer: pd.DataFrame | None,
    plots: list[str],
    notes: list[str],
) -> str:
    lines = [f"# {title}", ""]
    lines += [f"- **{k}**: {v}" for k, v in facts.items()]
    lines += [
        "",
        "## Headline: next-12-month totals per series",
        "",
        "wape = sum|F-A|/sum A with F the median of path sums; coverage90 = share inside P5-P95 of path "
        "sums (target 85-95%); width_rel = mean (P95-P5)/A; CRPS skill vs seasonal naive on monthly values "
        "(SE: bootstrap over origins). The monthly path: coverage_min_max_monthly = share of monthly values "
        "inside their P5-P95 band; wape_half = the same WAPE on the next 6 months' sum, beside the naive "
        "rules wape_half_last6 (the last 6 months) and wape_half_half12 (half the last 12 months).",
        "",
        markdown_table(headline),
        "",
    ]
    top = ranking[
        [
            "level",
            "rank",
            "variant",
            "crps_scaled",
            "crps_skill",
            "mase",
            "rmsse",
            "smape",
            "coverage_min_max",
            "exceed_medio",
            "exceed_median",
        ]
    ]
    lines += ["## Ranking by level (monthly values, mean scaled CRPS)", "", markdown_table(top), ""]
    if peer is not None and not peer.empty:
        peer = peer.loc[peer["realised"].notna()]  # only forecasts whose outcome is known can be judged
        cols = [
            "forecaster",
            "vintage",
            "data_cutoff",
            "quantity",
            "target_year",
            "minimum",
            "median",
            "medio",
            "maximum",
            "realised",
            "approx",
            "rel_error",
            "inside",
        ]
        lines += ["## Official MPP forecasts and ours at the same cut-off", "", markdown_table(peer[cols]), ""]
    if notes:
        lines += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    lines += ["## Figures", "", *[f"![{p}]({p})" for p in plots], ""]
    return "\n".join(lines)


def summary_html(
    title: str,
    facts: dict[str, str],
    headline: pd.DataFrame,
    ranking: pd.DataFrame,
    peer: pd.DataFrame | None,
    plots: list[str],
    notes: list[str],
) -> str:
    fmt = {
        "float_format": lambda x: f"{x:.3f}" if abs(x) < 1000 else f"{x:,.0f}",
        "index": False,
        "border": 0,
        "na_rep": "",
    }
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto}table{border-collapse:collapse;"
        "font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}</style>",
        f"</head><body><h1>{html.escape(title)}</h1><ul>",
        *[f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in facts.items()],
        "</ul>",
        "<h2>Headline: next-12-month totals per series</h2>",
        headline.to_html(**fmt),
        "<h2>Ranking by level</h2>",
        ranking.to_html(**fmt),
    ]
    if peer is not None and not peer.empty:
        peer = peer.loc[peer["realised"].notna()]
        parts += ["<h2>Official MPP forecasts and ours at the same cut-off</h2>", peer.to_html(**fmt)]
    if notes:
        parts += ["<h2>Notes</h2><ul>", *[f"<li>{html.escape(n)}</li>" for n in notes], "</ul>"]
    parts += [
        "<h2>Figures</h2>",
        *[f"<p><img src='{html.escape(p)}' style='max-width:100%'></p>" for p in plots],
        "</body></html>",
    ]
    return "\n".join(parts)
