"""The shared Typer application and consoles. Command modules register on `app` (or add a sub-app)."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="mpp",
    help="Forecasts of Dutch asylum inflow and COA occupancy (Meerjaren Productie Prognose).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
console_err = Console(stderr=True)
