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


def _print_version(value: bool) -> None:
    if value:
        from mpp import __version__
        from mpp.provenance import code_version

        print(f"mpp {__version__} (code {code_version()})")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        callback=_print_version,
        help="Print the version and code revision, then exit.",
    ),
) -> None:
    """Forecasts of Dutch asylum inflow and COA occupancy (Meerjaren Productie Prognose)."""
