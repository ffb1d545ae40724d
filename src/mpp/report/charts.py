"""Fan charts and annual scenario charts (matplotlib, object API on the Agg canvas: no global pyplot state).

Every chart uses the same styling: realised history in near-black, the minimum-maximum band lightly shaded, the
median-medio band darker, the median as a line, and the forecast start marked by a dashed line.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter, YearLocator
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from mpp.report.i18n import SCENARIOS, check_lang, format_number, format_pct, format_rounded, t


@dataclass
class Chart:
    """A rendered chart of the report: file stem, title and PNG bytes."""

    name: str  # file stem, e.g. "fan_TOTAL_TOTAL"
    title: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def chart_name(kind: str, quantity: str) -> str:
    """A file stem for a chart: 'fan_TOTAL_TOTAL', 'annual_nareizigers_TOTAL', 'fan_occupancy_total'."""
    return f"{kind}_{re.sub(r'[^A-Za-z0-9_]+', '_', quantity)}"


COLORS = {
    "history": "#222222",
    "outer": "#c6dbef",
    "inner": "#6baed6",
    "median": "#08519c",
    "medio": "#2171b5",
    "realised_bar": "#9e9e9e",
    "grid": "#e0e0e0",
}
FIGSIZE = (8.0, 3.6)


def style_axes(ax, lang: str, ylabel: str, percent: bool = False) -> None:
    """The report's axis style: label, number or percent ticks in the language's format, a y grid, y from 0."""
    if percent:  # shares 0..1 shown as 0% .. 100%
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_pct(v, lang, 0)))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang)))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.set_ylabel(ylabel)
    ax.grid(True, axis="y", color=COLORS["grid"], linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_ylim(bottom=0)


def new_figure(figsize=FIGSIZE) -> tuple[Figure, object]:
    """A figure with one axes, fixed margins, no pyplot state."""
    # Fixed margins instead of constrained layout: the same look for these few chart shapes at half the cost.
    fig = Figure(figsize=figsize, dpi=100)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0.115, right=0.975, top=0.9, bottom=0.1)
    return fig, fig.add_subplot()


def _as_period_index(values) -> pd.PeriodIndex:
    if isinstance(values, pd.PeriodIndex):
        return values.asfreq("M")
    return pd.PeriodIndex(pd.Series(values).astype(str).str.slice(0, 7), freq="M")


def fan_chart(
    history: pd.Series,
    bands: pd.DataFrame,
    title: str,
    lang: str = "en",
    *,
    history_months: int = 60,
    ylabel: str | None = None,
    percent: bool = False,
    observed: pd.Series | None = None,
    observed_label: str | None = None,
) -> Figure:
    """Realised history plus the four scenario bands of one monthly series.

    history: realised values on a PeriodIndex (or 'YYYY-MM' labels); may be empty (e.g. occupancy without observations).
    bands: one row per forecast month with `period` and the columns minimum, median, medio, maximum.
    Only the last `history_months` of history are drawn so the forecast stays readable.
    percent: the values are shares (0..1), the axis reads in %. observed: sparse realised values on dates (e.g. COA
    occupancy figures), drawn as markers.
    """
    check_lang(lang)
    fig, ax = new_figure()
    b = bands.assign(_p=_as_period_index(bands["period"]).to_numpy()).sort_values("_p")
    x = pd.PeriodIndex(b["_p"], freq="M").to_timestamp()
    band = {s: b[s].to_numpy(float) for s in SCENARIOS}

    h = history.dropna()
    if len(h):
        h = pd.Series(h.to_numpy(float), index=_as_period_index(h.index)).sort_index().iloc[-history_months:]
        hx = h.index.to_timestamp()
        ax.plot(hx, h.to_numpy(), color=COLORS["history"], linewidth=1.4, label=t("realised", lang))
        # Start the fan at the last realised value so the picture has no gap at the cut-off.
        if len(x) and h.index[-1] < b["_p"].iloc[0]:
            x = hx[-1:].append(x)
            band = {s: np.concatenate([[h.iloc[-1]], v]) for s, v in band.items()}
        ax.axvline(hx[-1], color="#888888", linestyle="--", linewidth=0.9)

    ax.fill_between(
        x, band["minimum"], band["maximum"], color=COLORS["outer"], linewidth=0, label=t("band_outer", lang)
    )
    ax.fill_between(x, band["median"], band["medio"], color=COLORS["inner"], linewidth=0, label=t("band_inner", lang))
    ax.plot(x, band["median"], color=COLORS["median"], linewidth=1.8, label=t("median", lang))
    obs_top = 0.0
    if observed is not None and len(observed.dropna()):
        o = observed.dropna().sort_index()
        ax.plot(
            pd.to_datetime(o.index),
            o.to_numpy(float),
            color=COLORS["history"],
            linewidth=1.0,
            marker="o",
            markersize=3.5,
            label=observed_label or t("realised", lang),
        )
        obs_top = float(o.max())

    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    lo, hi = ax.get_xlim()
    ax.xaxis.set_major_locator(YearLocator(base=max(1, int((hi - lo) / 365.25 // 8) + 1)))
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    style_axes(ax, lang, ylabel or t("persons_per_month", lang), percent=percent)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=5)
    ax.margins(x=0.01)
    top = max(np.nanmax(band["maximum"]) if len(x) else 0, h.max() if len(h) else 0, obs_top)
    ax.set_ylim(0, top * 1.18 if top > 0 else 1)  # head room for the legend
    return fig


VARIANT_COLORS = ("#08519c", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e")


def overlay_fan_chart(
    history: pd.Series, bands: dict[str, pd.DataFrame], title: str, lang: str = "en", *, history_months: int = 48
) -> Figure:
    """Several variants' monthly bands on one chart: per variant its minimum-maximum band (light) and median (line),
    in its own colour; the first variant (the champion) is drawn last, on top. Realised history in near-black."""
    check_lang(lang)
    fig, ax = new_figure((8.0, 3.8))
    top = 0.0
    h = history.dropna()
    if len(h):
        h = pd.Series(h.to_numpy(float), index=_as_period_index(h.index)).sort_index().iloc[-history_months:]
        ax.plot(h.index.to_timestamp(), h.to_numpy(), color=COLORS["history"], linewidth=1.3, label=t("realised", lang))
        ax.axvline(h.index[-1].to_timestamp(), color="#888888", linestyle="--", linewidth=0.9)
        top = float(h.max())
    items = list(bands.items())
    for i, (variant, b) in reversed(list(enumerate(items))):
        if b.empty:
            continue
        b = b.assign(_p=_as_period_index(b["period"]).to_numpy()).sort_values("_p")
        x = pd.PeriodIndex(b["_p"], freq="M").to_timestamp()
        color = VARIANT_COLORS[i % len(VARIANT_COLORS)]
        ax.fill_between(
            x, b["minimum"].to_numpy(float), b["maximum"].to_numpy(float), color=color, alpha=0.12, linewidth=0
        )
        ax.plot(
            x,
            b["median"].to_numpy(float),
            color=color,
            linewidth=2.2 if i == 0 else 1.6,
            label=f"{variant} ({t('median', lang)}; {t('band_outer', lang)})",
        )
        top = max(top, float(np.nanmax(b["maximum"].to_numpy(float))))
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.xaxis.set_major_locator(YearLocator())
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    style_axes(ax, lang, t("persons_per_month", lang))
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles, names, loc="upper left", fontsize=8, frameon=False, ncol=3)
    ax.margins(x=0.01)
    ax.set_ylim(0, top * 1.25 if top > 0 else 1)
    return fig


def realised_annual(history: pd.Series) -> pd.Series:
    """Sums of complete calendar years (12 realised months) of a monthly series; incomplete years are left out."""
    h = history.dropna()
    if not len(h):
        return pd.Series(dtype=float)
    idx = _as_period_index(h.index)
    s = pd.Series(h.to_numpy(float), index=idx)
    by_year = s.groupby(idx.year)
    counts = by_year.count()
    return by_year.sum()[counts == 12].astype(float)


def annual_chart(
    bands_annual: pd.DataFrame,
    title: str,
    lang: str = "en",
    *,
    realised: pd.Series | None = None,
    realised_years: int = 3,
    ylabel: str | None = None,
) -> Figure:
    """Bar-with-whiskers chart of the annual scenarios: the bar is the median, the whisker runs from minimum to
    maximum, a tick marks medio. Complete realised years (index year, value) are drawn as grey bars before them."""
    check_lang(lang)
    fig, ax = new_figure((8.0, 3.4))
    a = bands_annual.sort_values("year")
    years = a["year"].astype(int).to_numpy()
    med = a["median"].to_numpy(float)
    lo, hi, medio = (a[s].to_numpy(float) for s in ("minimum", "maximum", "medio"))
    if realised is not None and len(realised):
        r = realised[realised.index < (years.min() if len(years) else np.inf)].iloc[-realised_years:]
        ax.bar(r.index.astype(str), r.to_numpy(), color=COLORS["realised_bar"], width=0.6, label=t("realised", lang))
        for xi, v in zip(r.index.astype(str), r.to_numpy()):
            ax.annotate(
                format_number(v, lang),
                (xi, v),
                ha="center",
                va="bottom",
                fontsize=8,
                xytext=(0, 2),
                textcoords="offset points",
            )
    labels = years.astype(str)
    ax.bar(labels, med, color=COLORS["inner"], width=0.6, label=t("median", lang))
    ax.errorbar(
        labels,
        med,
        yerr=[med - lo, hi - med],
        fmt="none",
        ecolor=COLORS["history"],
        capsize=6,
        linewidth=1.2,
        label=f"{t('minimum', lang)} - {t('maximum', lang)}",
    )
    ax.scatter(
        labels, medio, marker="_", s=400, color=COLORS["median"], linewidths=2.2, zorder=3, label=t("medio", lang)
    )
    for xi, v, top in zip(labels, med, hi):
        ax.annotate(
            format_rounded(v, lang),
            (xi, top),
            ha="center",
            va="bottom",
            fontsize=8,
            xytext=(0, 3),
            textcoords="offset points",
        )
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    style_axes(ax, lang, ylabel or t("persons_per_year", lang))
    handles, names = ax.get_legend_handles_labels()
    order = [t(k, lang) for k in ("realised", "median", "medio")] + [f"{t('minimum', lang)} - {t('maximum', lang)}"]
    pairs = sorted(zip(handles, names), key=lambda hn: order.index(hn[1]))
    ax.legend([h for h, _ in pairs], [n for _, n in pairs], loc="upper left", fontsize=8, frameon=False, ncol=4)
    top = np.nanmax(hi) if len(hi) else 0
    if realised is not None and len(realised):
        top = max(top, float(realised.max()))
    ax.set_ylim(0, top * 1.25 if top > 0 else 1)
    return fig


def replay_chart(
    monthly: pd.DataFrame,
    comparison: pd.DataFrame,
    title: str,
    fit_until: str | None = None,
    band: pd.DataFrame | None = None,
) -> Figure:
    """A replay against COA's figures: model totals and status holders as lines (end of month), observations
    as markers (filled: COA/NJI figures; hollow: rounded news figures), one colour per quantity.

    `monthly` has period, occupancy_total, status_holders; `comparison` has date, quantity (the model quantity
    an observation measures), kind and observed; `band` (optional) has period and `<quantity>_low` /
    `<quantity>_high`, drawn as a shaded range around each line."""
    fig, ax = new_figure((8.0, 3.8))
    x = pd.PeriodIndex(monthly["period"].astype(str), freq="M").to_timestamp(how="end").normalize()
    lines = {
        "occupancy_total": ("persons in COA", COLORS["median"]),
        "status_holders": ("status holders in COA", "#d95f02"),
    }
    for q, (label, colour) in lines.items():
        ax.plot(x, monthly[q].to_numpy(float), color=colour, linewidth=1.8, label=f"model: {label}")
        if band is not None:
            xb = pd.PeriodIndex(band["period"].astype(str), freq="M").to_timestamp(how="end").normalize()
            ax.fill_between(xb, band[f"{q}_low"], band[f"{q}_high"], color=colour, alpha=0.18, linewidth=0)
    c = comparison.assign(_q=comparison["quantity"], _d=pd.to_datetime(comparison["date"]))
    for q, (label, colour) in lines.items():
        g = c[c["_q"] == q]
        for approx, marker_face in ((False, colour), (True, "white")):
            h = g[(g["kind"] == "approx") == approx]
            if len(h):
                kind = "news, rounded" if approx else "COA/NJI"
                ax.scatter(
                    h["_d"],
                    h["observed"],
                    s=36,
                    marker="o",
                    facecolors=marker_face,
                    edgecolors=colour,
                    linewidths=1.4,
                    zorder=3,
                    label=f"observed {label} ({kind})",
                )
    if fit_until:  # the estimation window ends here; observations after it check the estimates
        ax.axvline(pd.Timestamp(fit_until), color="#777777", linestyle="--", linewidth=1.0)
        ax.text(
            pd.Timestamp(fit_until),
            ax.get_ylim()[1] * 0.02,
            "  estimation | check",
            color="#555555",
            fontsize=8,
            va="bottom",
        )
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    style_axes(ax, "en", "persons")
    ax.xaxis.set_major_locator(YearLocator())
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    handles, names = ax.get_legend_handles_labels()
    seen = dict(zip(names, handles))
    ax.legend(seen.values(), seen.keys(), loc="upper left", fontsize=8, frameon=False, ncol=2)
    top = max(float(monthly[list(lines)].to_numpy().max()), float(c["observed"].max()) if len(c) else 0.0)
    ax.set_ylim(0, top * 1.3)
    return fig


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """PNG bytes of a figure (the figure is not kept open anywhere: no pyplot)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
