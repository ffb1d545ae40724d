"""`mpp occupancy` (project COA occupancy from a forecast directory) and `mpp occupancy-scenario` (write
documented scenario inflow paths in the forecast directory format)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from mpp.cli.app import app, console
from mpp.errors import DataError
from mpp.occupancy.scenario import scenario_inflow, seasonal_profile
from mpp.provenance import code_version, hash_file
from mpp.spec import load_assumptions, load_scenario_spec
from mpp.strict import month_option


@app.command(
    "occupancy",
    epilog="Example (bundled sample): mpp data sample --out sample.csv; mpp forecast --data "
    "sample.csv --out out/fc; mpp occupancy --forecast out/fc --assumptions "
    "config/assumptions/kernprognose_2025.yaml --out out/fc/occupancy",
)
def occupancy_cmd(
    forecast: Path = typer.Option(..., "--forecast", help="forecast directory (paths.parquet + manifest.json)"),
    assumptions: Path = typer.Option(..., "--assumptions", help="assumptions YAML (see config/assumptions/)"),
    out: Path = typer.Option(..., "--out", help="output directory"),
    sensitivity: bool = typer.Option(False, "--sensitivity", help="also write sensitivity.csv (+10% per assumption)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    as_json: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
    overlay: list[Path] = typer.Option(
        None,
        "--overlay",
        help="Overlay file (repeatable): its occupancy effects "
        "(grant rate, Dublin share, decision capacity, housing) change the assumption "
        "schedules; for its inflow effects pass the forecast's overlays/ folder.",
    ),
) -> None:
    """Project COA reception occupancy and write occupancy_bands.csv and manifest.json."""
    overlays = None
    if overlay:
        from mpp.spec import load_overlays

        overlays = load_overlays(overlay)
    from mpp.flows.occupancy import project_from_forecast
    from mpp.overlays import apply_to_assumptions

    manifest = project_from_forecast(
        forecast,
        load_assumptions(assumptions),
        out,
        sensitivity=sensitivity,
        overlays=overlays,
        assumptions_file=assumptions,
        overlay_effects=apply_to_assumptions,
    )
    if as_json:
        print(json.dumps(manifest, indent=2, default=str))
    if quiet or as_json:
        return
    for w in manifest["warnings"]:
        console.print(f"[yellow]warning:[/] {w}")
    for r in manifest["overlay_effects"]:
        console.print(
            f"overlay {r['overlay']}: {r['parameter']} {r['change']} {r['size']:+g} from {r['start']} "
            f"({r['before_first']:g} -> {r['after_last']:g} by the last month)",
            highlight=False,
        )
    console.print(occupancy_year_table(pd.read_csv(out / "occupancy_bands.csv", dtype={"period": str})))
    console.print(f"written to {out}", highlight=False, soft_wrap=True)


def occupancy_inflow(manifest_file: Path) -> str:
    """Which inflow paths drove a projection, from its manifest: the national forecast (every stream of the
    country) or a forecast of the monthly data's own series, with the streams it lacked."""
    m = json.loads(manifest_file.read_text(encoding="utf-8"))
    where = m.get("forecast_dir", "?")
    if (m.get("forecast") or {}).get("kind") == "national":
        return f"the national forecast, every stream of the whole country ({Path(where).name}/paths.parquet)"
    lacking = "; ".join(m.get("warnings") or [])
    return f"the forecast's own series ({Path(where).name}/paths.parquet)" + (f"; {lacking}" if lacking else "")


def occupancy_year_table(bands: pd.DataFrame) -> Table:
    """End-of-year scenarios of every occupancy quantity, as written to occupancy_bands.csv (rounded to hundreds;
    shares in %). The first column is the starting stock when the projection starts on 1 January."""
    from mpp.report.i18n import SCENARIOS, format_pct, format_rounded, is_share, t
    from mpp.report.tables import year_end_occupancy

    monthly = pd.PeriodIndex(bands.loc[bands["period"].str.len() == 7, "period"], freq="M")
    years = list(range(monthly.min().year - (1 if monthly.min().month == 1 else 0), monthly.max().year + 1))
    ends = year_end_occupancy(bands, years)
    table = Table(
        title="COA occupancy at the end of each year (minimum / median / medio / maximum)", title_justify="left"
    )
    table.add_column("quantity")
    for y in years:
        table.add_column(str(y), justify="right")
    for quantity, g in ends.groupby("quantity", sort=False):
        by_year = g.set_index("year")
        fmt = (lambda v: format_pct(v, "en", 1)) if is_share(quantity) else format_rounded
        cells = []
        for y in years:
            if y not in by_year.index:
                cells.append("-")
                continue
            r = by_year.loc[y]
            cells.append(
                fmt(r["median"]) + " (start)"
                if r["minimum"] == r["maximum"]
                else " / ".join(fmt(r[s]) for s in SCENARIOS)
            )
        table.add_row(t(quantity, "en"), *cells)
    return table


@app.command(
    "occupancy-scenario",
    epilog="Example: mpp occupancy-scenario --spec "
    "config/assumptions/kernprognose_2025_inflow.yaml --panel "
    "../shared/data/real/cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv --out out/scenario",
)
def occupancy_scenario_cmd(
    spec: Path = typer.Option(..., "--spec", help="scenario inflow YAML (e.g. config/assumptions/*_inflow.yaml)"),
    panel: Path = typer.Option(
        ...,
        "--panel",
        help="real monthly panel CSV (period, stream, value) for the "
        "seasonal profile, e.g. ../shared/data/real/cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv",
    ),
    out: Path = typer.Option(..., "--out", help="output directory in the forecast format"),
) -> None:
    """Write SCENARIO inflow paths (not a forecast) in the forecast directory format."""
    s = load_scenario_spec(spec)
    try:
        df = pd.read_csv(panel)
    except FileNotFoundError:
        raise DataError(f"panel not found: {panel}") from None
    names = {sc.seasonal_profile for sc in s.streams.values()} - {"flat"}
    profiles = {n: seasonal_profile(df, n) for n in names}
    streams, periods, paths = scenario_inflow(s, profiles)
    manifest = {
        "stage": "scenario_inflow",
        "label": s.label,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "cutoff": str(periods[0] - 1),
        "seed": s.seed,
        "data_hash": hash_file(panel),
        "config_hash": hash_file(spec),
        "profiles": {n: [round(float(v), 5) for v in p] for n, p in profiles.items()},
    }
    from mpp.flows.occupancy import write_stream_paths

    write_stream_paths(out, streams, periods, paths, manifest)
    console.print(f"scenario inflow ({s.n_samples} samples, {periods[0]}..{periods[-1]}) -> {out}")


SHORT_MEASURE = {
    "persons_in_coa_reception_total": "persons",
    "status_holders_in_coa_reception": "status holders",
    "persons_with_coa_reception_agreement": "with reception agreement",
    "persons_with_right_to_coa_reception": "with right to reception",
}


@app.command(
    "occupancy-replay",
    epilog="Example: mpp occupancy-replay --real ../shared/data/real "
    "--start 2015-01 --end 2023-03 --assumptions config/assumptions/replay_2015_2023.yaml "
    "--observations ../shared/data/real/coa_occupancy_observations.csv --fit-until 2019-12-31 --out out/replay",
)
def occupancy_replay_cmd(
    real: Path = typer.Option(..., "--real", help="folder of the real series (Eurostat, CBS, IND files)"),
    start: str = typer.Option(
        "2015-01", "--start", callback=month_option, help="first month (the first month of a quarter)"
    ),
    end: str = typer.Option("2023-03", "--end", callback=month_option, help="last month (the last month of a quarter)"),
    assumptions: Path = typer.Option(..., "--assumptions", help="base assumptions YAML (rates, intake shares)"),
    observations: Path = typer.Option(..., "--observations", help="COA observations CSV"),
    out: Path = typer.Option(..., "--out", help="output directory"),
    fit_until: str = typer.Option(..., "--fit-until", help="last observation date of the fit window; later ones check"),
    nareizigers_profile: str = typer.Option(
        "panel",
        "--nareizigers-profile",
        help="monthly profile of the annual nareizigers totals before 2018: "
        "panel or flat (an assumption; the other one is run as a sensitivity)",
    ),
    calibrate: list[str] = typer.Option([], "--calibrate", help="estimate PATH=LOW:HIGH on the fit window; repeatable"),
    band: bool = typer.Option(
        False, "--band", help="also re-estimate leaving out one estimation year at a time: the replay's band"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
) -> None:
    """The replay: COA occupancy driven by realised inflow, IND decisions, grant rates and backlog, against COA's
    figures (estimated on the observations up to --fit-until, checked on the later ones)."""
    from mpp.flows.occupancy import replay_to_dir

    manifest = replay_to_dir(
        real,
        start,
        end,
        load_assumptions(assumptions),
        observations,
        out,
        fit_until,
        nareizigers_profile,
        calibrate,
        assumptions_file=assumptions,
        band=band,
    )
    if as_json:
        print(json.dumps(manifest, indent=2, default=str))
        return
    for n in manifest["notes"]:
        console.print(f"[dim]{n}[/]")
    cmp = pd.read_csv(out / "replay_vs_observations.csv").drop_duplicates(["date", "measure", "observed"])
    table = Table(title=f"replay {start}..{end} vs COA observations (estimated until {fit_until})")
    for col in ("date", "measure", "observed", "model", "% error", "window"):
        table.add_column(col, justify="right" if col in ("observed", "model", "% error") else "left")
    for _, row in cmp.iterrows():
        table.add_row(
            row["date"],
            SHORT_MEASURE.get(row["measure"], row["measure"]),
            f"{row['observed']:,.0f}",
            f"{row['model']:,.0f}",
            f"{row['pct_error']:+.1f}",
            row["used_for"],
        )
    console.print(table)
    console.print("rates: " + ", ".join(f"{k} = {v:g}" for k, v in manifest["values"].items()))
    for e in manifest["errors"]:
        console.print(
            f"check window, {e['measure']} ({e['quality']}, n={e['n']}): mean |error| "
            f"{e['mean_abs_pct_error']:.1f}%, largest {e['max_abs_pct_error']:.1f}%, bias {e['mean_pct_error']:+.1f}%"
        )
    console.print(f"-> {out}")


@app.command(
    "occupancy-compare",
    epilog="Example: mpp occupancy-compare --forecast runs/kp25_inflow "
    "--ours config/assumptions/projection_2026.yaml --theirs config/assumptions/kernprognose_2025.yaml "
    "--published ../shared/data/mpp_published.csv --vintage 'Kernprognose 2025' "
    "--out out/compare",
)
def occupancy_compare_cmd(
    forecast: Path = typer.Option(..., "--forecast", help="forecast directory (the inflow paths both settings share)"),
    ours: Path = typer.Option(..., "--ours", help="our assumptions YAML"),
    theirs: Path = typer.Option(..., "--theirs", help="the other setting's assumptions YAML"),
    out: Path = typer.Option(..., "--out", help="output directory (setting_comparison.csv, .md)"),
    published: Path | None = typer.Option(None, "--published", help="published figures CSV (median occupancy)"),
    vintage: str = typer.Option("Kernprognose 2025", "--vintage", help="the published vintage to compare with"),
) -> None:
    """Each assumption, ours beside theirs, and its effect on the median end-of-year occupancy (one at a time)."""
    from mpp.flows.occupancy import compare_to_dir

    md = compare_to_dir(forecast, load_assumptions(ours), load_assumptions(theirs), out, published, vintage)
    console.print(md, highlight=False, soft_wrap=True)
