"""Errors a user can act on, and the one place that turns any exception into a one-line message and an exit code.

The CLI (`mpp.cli.main`) prints `describe(exc)` and exits with `exit_code(exc)`; docs/scheduling.md lists
`EXIT_CODES`, and a test checks that every documented code is reachable and no other one is.
"""

from __future__ import annotations

import errno
import re

from mpp.redact import mask_secrets

EXIT_CODES: dict[int, str] = {
    0: "ok (or the month was already done)",
    1: "internal error: a bug in mpp (one line on stderr; MPP_DEBUG=1 shows the traceback)",
    2: "usage error: unknown command or option, a missing, malformed or conflicting option value (e.g. a month "
    "not YYYY-MM), or a request that cannot be served as asked (e.g. no tracked run at that cut-off)",
    3: "data invalid: file, row and problem named on stderr; nothing stored",
    4: "configuration invalid: file and field named; nothing stored",
    5: "a network service is unreachable (tracking server, download); nothing stored",
    6: "a stage failed; versions of this run deleted, aliases restored, MLflow runs FAILED",
    73: "cannot write: read-only or full disk, no permission (store, registry, output folder)",
    75: "another run holds the lock (EX_TEMPFAIL)",
    130: "interrupted with Ctrl-C",
}


class MppError(Exception):
    """Base class: a problem the user can fix. `exit_code` is what a scheduler sees: 2 for the base class
    (a request that cannot be served as asked: conflicting options, an unknown language, no such tracked run)."""

    exit_code = 2


class DataError(MppError):
    """Input data is invalid (bad file, bad rows, unknown codes)."""

    exit_code = 3


class ConfigError(MppError):
    """A configuration or assumptions file is invalid."""

    exit_code = 4


class OfflineError(MppError):
    """A download was asked for but there is no network, or a server (tracking) cannot be reached."""

    exit_code = 5


class RunFailed(MppError):
    """A pipeline stage failed; nothing was registered or promoted."""

    exit_code = 6


class StorageError(MppError):
    """A file or folder cannot be written (read-only file system, no permission, disk full)."""

    exit_code = 73


class RunLocked(MppError):
    """Another run holds the lock (EX_TEMPFAIL: try again later)."""

    exit_code = 75


_WRITE_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT}


def as_mpp_error(exc: BaseException) -> MppError | None:
    """The project error an exception stands for, or None when it is a bug. Knows the environment's
    failures a user can fix: a read-only or full disk, a missing permission."""
    if isinstance(exc, MppError):
        return exc
    if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
        where = f" {exc.filename}" if exc.filename else ""
        return StorageError(f"cannot write{where}: {exc.strerror or exc}")
    return None


def exit_code(exc: BaseException) -> int:
    err = as_mpp_error(exc)
    return err.exit_code if err is not None else 1


def describe(exc: BaseException) -> str:
    """One line for stderr, credentials masked; for a bug, the exception type and a hint."""

    err = as_mpp_error(exc)
    if err is not None:
        text = str(err)
    else:
        text = f"internal error ({type(exc).__name__}: {exc}); please report it (MPP_DEBUG=1 shows the traceback)"
    return re.sub(r"\s*\n\s*", " ", mask_secrets(text).strip())  # one line, whatever a library put in it
