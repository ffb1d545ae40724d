"""`mpp data ...`: check, ingest, list, summarise, sample and fetch monthly realisations."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from mpp.cli.app import app, console
from mpp.data.catalog import SAMPLE_MARK
from mpp.errors import DataError
from mpp.strict import month_option, past_month_option

data_app = typer.Typer(help="Check, ingest, fetch and list monthly realisations.", no_args_is_help=True)
app.add_typer(data_app, name="data")

STORE_OPTION = typer.Option(None, "--store", help="Vintage store folder (default: the project's data/store).")
HOME_OPTION = typer.Option(
    None, "--home", help="Project folder (default: $MPP_HOME, else the project around the working directory)."
)


def project_store(store: Path | None, home: Path | None, writing: bool = False) -> Path:
    """--store, else the project's store; a command that writes refuses to create one outside a project."""
    from mpp.project import Project

    if store is not None:
        return store
    return (Project.for_writing(home) if writing else Project.discover(home)).store


MAX_COUNT_OPTION = typer.Option(
    None,
    "--max-count",
    min=1,
    help="Plausibility bound on one monthly count (default $MPP_MAX_COUNT or 1,000,000); larger counts are problems.",
)


@data_app.command("check")
def check(
    files: list[Path] = typer.Argument(..., help="Files to check (tidy CSV, CBS 83102NED, Eurostat TSV/SDMX)."),
    vintage: str | None = typer.Option(
        None,
        callback=past_month_option,
        help="Publication month YYYY-MM: later periods are problems (default: the current month).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per file (status, problems)."),
    max_count: int = MAX_COUNT_OPTION,
) -> None:
    """List every problem of every file at once; OK per good file. Exit code 3 if any problem.

    Example (bundled sample): mpp data sample --out sample.csv; mpp data check sample.csv
    """
    from mpp.data.validation import inspect_file

    def say(text: str) -> None:
        if not as_json:
            console.print(text, highlight=False, soft_wrap=True)

    n_bad = 0
    for path in files:
        record: dict = {"file": str(path)}
        try:
            frame, problems, raw = inspect_file(path, vintage=vintage, max_count=max_count)
        except DataError as exc:
            say(f"[red]REJECTED[/] {exc}")
            n_bad += 1
            record.update(status="rejected", problems=[{"reason": str(exc)}])
        else:
            for note in raw.notes:
                say(f"  note {path}: {note}")
            record.update(format=raw.format, notes=list(raw.notes))
            if problems:
                n_bad += 1
                say(f"[red]REJECTED[/] {path}: {len(problems)} problem(s)")
                for p in problems:
                    say(f"  {p}")
                record.update(
                    status="rejected",
                    problems=[
                        {"row": p.row, "column": p.column, "value": p.value, "reason": p.reason} for p in problems
                    ],
                )
            else:
                say(
                    f"[green]OK[/] {path} ({raw.format}, {len(frame)} rows, "
                    f"{frame['period'].min()}..{frame['period'].max()})"
                )
                record.update(
                    status="ok",
                    rows=len(frame),
                    first=str(frame["period"].min()),
                    last=str(frame["period"].max()),
                    problems=[],
                )
        if as_json:
            print(json.dumps(record, default=str))
    if n_bad:
        raise DataError(f"{n_bad} of {len(files)} file(s) have problems")


@data_app.command("ingest")
def ingest(
    file: Path = typer.Argument(..., help="File to validate and store."),
    vintage: str = typer.Option(
        ..., callback=past_month_option, help="Month the data was published, YYYY-MM (not after the current month)."
    ),
    store: Path = STORE_OPTION,
    home: Path = HOME_OPTION,
    name: str = typer.Option(
        None, "--source", help="Data source name the vintage belongs to (its lineage; default: the file's name)."
    ),
    max_count: int = MAX_COUNT_OPTION,
) -> None:
    """Validate a file and store it as a vintage (nothing is stored if it has any problem).

    Example (in a project, mpp init DIR): mpp data sample --out sample.csv; mpp data ingest sample.csv --vintage 2025-07
    (a generated sample file is stored as a SAMPLE vintage, never as real data)
    """
    from mpp.data.store import VintageStore
    from mpp.data.validation import inspect_file, raise_for_problems

    frame, problems, raw = inspect_file(file, vintage=vintage, max_count=max_count)
    raise_for_problems(problems, file)
    from mpp.data.catalog import SAMPLE, name_from_path
    from mpp.data.scope import data_scope
    from mpp.strict import safe_name

    sample = data_scope(frame)["sample"]
    lineage = SAMPLE if sample else safe_name(name or name_from_path(file), "--source")
    result = VintageStore(project_store(store, home, writing=True)).ingest(
        frame if "source" in frame else frame.assign(source=raw.source),  # rows keep their publisher
        vintage,
        source=lineage,
        file=str(file),
        rounding=raw.rounding,
        max_count=max_count,
        sample=sample,
    )
    state = "created" if result.created else "unchanged (same content as stored vintage)"
    mark = f" [bold red]{SAMPLE_MARK}[/]" if sample else ""
    console.print(
        f"vintage {result.id}: {state}; {result.rows} rows -> {result.path}{mark}", highlight=False, soft_wrap=True
    )


@data_app.command("list")
def list_vintages(
    store: Path = STORE_OPTION,
    home: Path = HOME_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the vintages as a JSON list."),
) -> None:
    """Table of stored vintages.

    Example (in a project, after `mpp monthly`): mpp data list
    """
    from mpp.data.store import VintageStore, is_sample_entry

    vintages = [{**e, "sample": is_sample_entry(e)} for e in VintageStore(project_store(store, home)).vintages()]
    if as_json:
        print(json.dumps(vintages, indent=2, default=str))
        return
    table = Table("id", "vintage", "rows", "source", "kind", "created", "hash")
    for e in vintages:
        kind = "[bold red]SAMPLE (synthetic)[/]" if e["sample"] else "real"
        table.add_row(e["id"], e["vintage"], str(e["rows"]), e["source"], kind, e["created"], e["hash"][:12])
    console.print(table)


def summarise(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Annual totals per stream (rows: year, columns: streams) and headline facts of a canonical table."""
    annual = df.assign(year=df["period"].dt.year).pivot_table(
        index="year", columns="stream", values="value", aggfunc="sum", fill_value=0
    )
    months = df.groupby("year" if "year" in df else df["period"].dt.year)["period"].nunique()
    annual["months"] = months
    facts = {
        "series": int(df[["stream", "nationality"]].drop_duplicates().shape[0]),
        "nationalities": int(df["nationality"].nunique()),
        "first": str(df["period"].min()),
        "last": str(df["period"].max()),
        "rows": int(len(df)),
    }
    return annual, facts


@data_app.command("summary")
def summary(
    store: Path = STORE_OPTION,
    home: Path = HOME_OPTION,
    file: Path | None = typer.Option(None, "--file", help="Summarise a file instead of the store."),
    vintage: str | None = typer.Option(None, help="Store vintage id (default: latest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the facts and annual totals as one JSON object."),
) -> None:
    """Per-stream annual totals, number of series and date range.

    Example (bundled sample): mpp data sample --out sample.csv; mpp data summary --file sample.csv
    """
    from mpp.data.load import load_file
    from mpp.data.store import VintageStore

    df = load_file(file) if file is not None else VintageStore(project_store(store, home)).read(vintage)
    annual, facts = summarise(df)
    if as_json:
        print(
            json.dumps(
                {**facts, "annual": {str(y): {str(k): int(v) for k, v in row.items()} for y, row in annual.iterrows()}},
                indent=2,
            )
        )
        return
    console.print(
        f"{facts['series']} series, {facts['nationalities']} nationalities, "
        f"{facts['first']}..{facts['last']}, {facts['rows']} rows",
        highlight=False,
        soft_wrap=True,
    )
    table = Table("year", *[str(c) for c in annual.columns])
    for year, row in annual.iterrows():
        table.add_row(str(year), *[f"{int(v):,}" for v in row])
    console.print(table)


@data_app.command("sample")
def sample(
    out: Path = typer.Option(..., "--out", help="CSV file to write."),
    seed: int = typer.Option(0, help="Random seed (same seed, same panel)."),
    start: str = typer.Option("2015-01", callback=month_option, help="First month (YYYY-MM)."),
    end: str = typer.Option("2025-06", callback=month_option, help="Last month (YYYY-MM)."),
) -> None:
    """Write the synthetic ~40-nationality x 4-stream panel as tidy CSV.

    Example: mpp data sample --out sample.csv --seed 0
    """
    from mpp.flows.data import write_sample

    df = write_sample(out, seed=seed, start=start, end=end)
    console.print(
        f"wrote {len(df)} rows ({df['nationality'].nunique()} nationalities) to {out}", highlight=False, soft_wrap=True
    )


@data_app.command("fetch")
def fetch(
    sources: list[str] = typer.Argument(
        None, help="Sources to download: cbs (StatLine 83102NED), eurostat (migr_asyappctzm, NL); default both."
    ),
    out: Path = typer.Option(None, "--out", help="Write one source's file here instead of a new snapshot."),
    home: Path = typer.Option(None, "--home", help="Project folder (default: the project around the working folder)."),
    date: str = typer.Option(None, "--date", help="Name of the new snapshot folder, YYYY-MM-DD (default: today)."),
) -> None:
    """Download the public sources again (needs a network) into a new dated snapshot beside the project's
    current one, data/snapshot/<date>/ (the current files kept verbatim, the fetched ones validated like any
    file, provenance.csv updated), and make it the project's data source. Without a network: one line, exit 5.

    Example: mpp data fetch   (or: mpp data fetch cbs --out data/raw/cbs_83102NED.csv)
    """
    from mpp.flows.data import fetch_into_project, fetch_to_file

    if out is not None:
        rows = fetch_to_file(sources or [], out)
        console.print(f"wrote {out} ({rows} rows, validated)", highlight=False, soft_wrap=True)
        return
    folder, counts, used = fetch_into_project(sources or [], home=home, date=date)
    got = ", ".join(f"{s} {n} rows" for s, n in counts.items())
    console.print(f"new snapshot {folder} ({got}, validated); {used}", highlight=False, soft_wrap=True)
