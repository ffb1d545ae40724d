"""The `mpp` command. Thin: parse options, call one function, print. Each command lives in its own module.

`main()` is the only place that turns exceptions into what the user sees: a usage mistake is click's short
usage message (exit 2), a project error one line and its documented exit code (`mpp.errors.EXIT_CODES`),
anything else one line saying it is a bug (exit 1). Credentials are masked in all of it.
"""

from __future__ import annotations

import os
import sys

from mpp.cli import backtest as _backtest  # noqa: F401,E402

# Importing a command module registers its commands on `app`.
from mpp.cli import data as _data  # noqa: F401,E402
from mpp.cli import forecast as _forecast  # noqa: F401,E402
from mpp.cli import monthly as _monthly  # noqa: F401,E402
from mpp.cli import occupancy as _occupancy  # noqa: F401,E402
from mpp.cli import report as _report  # noqa: F401,E402
from mpp.cli.app import app, console_err


def _usage_error_types() -> tuple[type, ...]:
    """Click's exception classes: the vendored copy inside typer (what typer raises) and click itself."""
    types: list[type] = []
    try:
        from typer._click.exceptions import ClickException as VendoredClickException

        types.append(VendoredClickException)
    except ImportError:  # an older typer that uses click directly
        pass
    import click

    types.append(click.exceptions.ClickException)
    return tuple(types)


def _abort_types() -> tuple[type, ...]:
    types: list[type] = []
    try:
        from typer.exceptions import Abort as TyperAbort

        types.append(TyperAbort)
    except ImportError:
        pass
    import click

    types.append(click.exceptions.Abort)
    return tuple(types)


def main(args: list[str] | None = None) -> None:
    from rich.markup import escape

    from mpp.errors import describe, exit_code
    from mpp.redact import mask_secrets

    try:
        rv = app(args=args, prog_name="mpp", standalone_mode=False)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        console_err.print("interrupted")
        sys.exit(130)
    except _usage_error_types() as exc:
        exc.show()
        sys.exit(2)  # every click error here is a usage mistake (click's own FileError would say 1)
    except _abort_types():
        console_err.print("aborted")
        sys.exit(130)
    except BaseException as exc:  # noqa: BLE001 (the one place that decides what a user sees)
        if exit_code(exc) == 1 and os.environ.get("MPP_DEBUG"):
            import traceback

            sys.stderr.write(mask_secrets("".join(traceback.format_exception(exc))))
        console_err.print(f"[bold red]error:[/] {escape(describe(exc))}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(exit_code(exc))
    # typer returns the code of an explicit `typer.Exit(code)` in non-standalone mode
    sys.exit(rv if isinstance(rv, int) else 0)
