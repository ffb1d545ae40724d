"""Backtest figures (matplotlib, Agg backend). Each function takes tables and returns a Figure; saving is
the caller's business."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from mpp.data.schema import LEVELS  # noqa: E402


def error_by_horizon(scores: pd.DataFrame, metric: str = "mase") -> plt.Figure:
    """Mean `metric` of monthly forecasts by horizon, one line per variant, one panel per level."""
    month = scores.loc[scores["target"] == "month"]
    levels = [lv for lv in LEVELS if lv in set(month["level"])]
    fig, axes = plt.subplots(
        1, max(len(levels), 1), figsize=(4 * max(len(levels), 1), 3.4), sharey=False, squeeze=False
    )
    for ax, lvl in zip(axes[0], levels):
        m = month.loc[month["level"] == lvl].groupby(["variant", "horizon"])[metric].mean().unstack(0)
        m.plot(ax=ax, marker="o", ms=3)
        ax.set_title(lvl)
        ax.set_xlabel("horizon (months)")
        ax.set_ylabel(metric.upper())
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def coverage_by_level(scores: pd.DataFrame, nominal: float = 0.90) -> plt.Figure:
    """Share of monthly outcomes inside the minimum-maximum band, per level and variant."""
    month = scores.loc[scores["target"] == "month"]
    c = month.groupby(["level", "variant"])["coverage_min_max"].mean().unstack(1)
    c = c.reindex([lv for lv in LEVELS if lv in c.index])
    fig, ax = plt.subplots(figsize=(7, 3.6))
    c.plot.bar(ax=ax, rot=0)
    ax.axhline(nominal, color="black", ls="--", lw=1, label=f"nominal {nominal:.0%}")
    ax.set_ylim(0, 1)
    ax.set_ylabel("coverage of minimum-maximum")
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    return fig


def annual_error_by_origin_year(annual: pd.DataFrame, level: str = "total") -> plt.Figure:
    """Mean absolute relative error of the median annual total by origin year (own year and next year)."""
    a = annual.loc[annual["level"] == level]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), squeeze=False, sharey=True)
    for ax, (h, title) in zip(axes[0], [(0, "origin's year"), (1, "next year")]):
        s = a.loc[a["horizon"] == h].groupby(["origin_year", "variant"])["abs_rel_error"].mean().unstack(1)
        if s.empty:
            ax.text(0.5, 0.5, "not covered by the horizon", ha="center", va="center", transform=ax.transAxes)
        else:
            s.plot(ax=ax, marker="o")
        ax.set_title(f"{level}: {title}")
        ax.set_xlabel("origin year")
        ax.set_ylabel("|median - realised| / realised")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
