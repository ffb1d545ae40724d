"""`mpp data ...`: check, ingest and list monthly realisations."""

from __future__ import annotations

import typer

from mpp.cli.app import app

data_app = typer.Typer(help="Check, ingest, fetch and list monthly realisations.", no_args_is_help=True)
app.add_typer(data_app, name="data")
