"""Errors a user can act on. The CLI prints them as one line and exits with their code (no traceback)."""

from __future__ import annotations


class MppError(Exception):
    """Base class: a problem the user can fix. `exit_code` is what a scheduler sees."""

    exit_code = 1


class DataError(MppError):
    """Input data is invalid (bad file, bad rows, unknown codes)."""

    exit_code = 3


class ConfigError(MppError):
    """A configuration or assumptions file is invalid."""

    exit_code = 4


class OfflineError(MppError):
    """A download was asked for but there is no network."""

    exit_code = 5


class RunFailed(MppError):
    """A pipeline stage failed; nothing was registered or promoted."""

    exit_code = 6


class RunLocked(MppError):
    """Another run holds the lock (EX_TEMPFAIL: try again later)."""

    exit_code = 75
