"""Terminal tables shared by the commands."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from mpp.bands import BAND_NAMES as BANDS


def annual_bands_table(bands_annual: pd.DataFrame, title: str, levels=("total", "stream")) -> Table:
    """Annual scenario bands of the total and the streams, rounded to tens like the ministry letters."""
    t = Table(title=title, title_justify="left")
    for col in ("series", "year", *BANDS):
        t.add_column(col, justify="left" if col == "series" else "right")
    df = bands_annual[bands_annual["level"].isin(levels)]
    for _, row in df.sort_values(["level", "series_id", "year"], key=_level_order).iterrows():
        t.add_row(row["series_id"], str(row["year"]), *(f"{round(row[b], -1):,.0f}" for b in BANDS))
    return t


def _level_order(col: pd.Series) -> pd.Series:
    if col.name == "level":
        return col.map({"total": 0, "stream": 1, "nationality": 2, "stream_nationality": 3})
    return col


def overlay_summary_table(summary: pd.DataFrame, title: str, levels=("total", "stream")) -> Table:
    """Model / each overlay's contribution / total, medians per series and year, with the total's band."""
    from mpp.overlays import summary_wide

    wide = summary_wide(summary[summary["level"].isin(levels)])
    band = summary[summary["component"] == "total"].set_index(["series_id", "year"])
    t = Table(title=title, title_justify="left")
    comps = [c for c in wide.columns if c not in ("series_id", "year")]
    for col in ("series", "year", *comps, "total P5-P95"):
        t.add_column(col.replace("overlay: ", "+ "), justify="left" if col == "series" else "right", overflow="fold")
    for _, row in wide.iterrows():
        lo, hi = band.loc[(row["series_id"], row["year"]), ["minimum", "maximum"]]
        t.add_row(
            row["series_id"].replace("/TOTAL", "").replace("_asylum_request", ""),
            str(row["year"]),
            *(
                (
                    "-"
                    if row[c] is None
                    else f"{round(row[c], -1):+,.0f}"
                    if c.startswith("overlay")
                    else f"{round(row[c], -1):,.0f}"
                )
                for c in comps
            ),
            f"{round(lo, -1):,.0f}-{round(hi, -1):,.0f}",
        )
    return t


def plausibility_lines(table: pd.DataFrame) -> list[str]:
    """One sentence per published figure: its percentile in the model's distribution and the change it implies."""
    lines = []
    for _, r in table.iterrows():
        realised = (
            f"; this panel counted {r['panel_realised_total']:,.0f} in {int(r['panel_realised_year'])}"
            if "panel_realised_total" in r and pd.notna(r["panel_realised_total"])
            else ""
        )
        lines.append(
            f"{r['series_id']} {r['year']}: {r['figure']:,.0f} is at P{r['percentile']:.1f} of the model "
            f"(median {round(r['model_median'], -1):,.0f}, P5-P95 {round(r['model_minimum'], -1):,.0f}-"
            f"{round(r['model_maximum'], -1):,.0f}); implied change {r['implied_change_pct']:+.0f}% "
            f"({r['implied_change_pct_low']:+.0f}% to {r['implied_change_pct_high']:+.0f}%){realised}"
        )
    return lines


def print_overlay_run(console, run, out_dir) -> None:
    """What `mpp forecast --overlay` and `mpp overlay` print after writing `<out>/overlays/`."""

    from mpp.overlays import plausibility_of_targets

    m = run.model.manifest
    console.print(
        overlay_summary_table(
            run.summary(),
            f"Model / overlays / total (medians; overlays: per-path "
            f"difference), {m.get('variant') or m.get('kind') or ''} forecast, cut-off {m.get('cutoff')}",
        )
    )
    for lo in run.overlays:
        o = lo.overlay
        console.print(
            f"  overlay {o.name} v{o.version} [{o.status}] - {o.source.document} ({o.source.date}); "
            f"sha256 {lo.sha256[:12]}",
            highlight=False,
        )
        if o.status == "illustrative":
            console.print("    [yellow]illustrative: its size is not an estimate; do not publish it as one[/]")
    table = plausibility_of_targets(run)
    if not table.empty:
        labels = ", ".join(dict.fromkeys(table["figure_label"]))
        console.print(
            f"[bold]Published figures ({labels}) against the model-only forecast[/] (percentile = share "
            "of the model's paths below the figure; implied change against the model's median, range "
            "against its P95 and P5; compare the figure's scope with what this panel counts)"
        )
        for line in plausibility_lines(table):
            console.print(f"  {line}", highlight=False)
    for note in run.notes:
        console.print(f"  note: {note}", highlight=False)
    console.print(f"overlay outputs written to {out_dir}", highlight=False)
