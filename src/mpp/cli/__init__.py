"""The `mpp` command. Thin: parse options, call one function, print. Each command lives in its own module."""

from __future__ import annotations

import sys

from mpp.cli.app import app, console_err
from mpp.errors import MppError

# Importing a command module registers its commands on `app`.
from mpp.cli import data as _data  # noqa: F401,E402
from mpp.cli import report as _report  # noqa: F401,E402
from mpp.cli import forecast as _forecast  # noqa: F401,E402
from mpp.cli import occupancy as _occupancy  # noqa: F401,E402
from mpp.cli import backtest as _backtest  # noqa: F401,E402
from mpp.cli import monthly as _monthly  # noqa: F401,E402


def main() -> None:
    try:
        app(standalone_mode=False)
    except MppError as exc:
        console_err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        console_err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        raise
