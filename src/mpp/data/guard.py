"""Guards for every reader of a file a user gives: `check_readable` refuses, before parsing, a missing file, a
folder, an oversized or non-UTF-8 file; `guarded_read` / `guarded` turn a layout the reader cannot follow into a
DataError naming the file and the format."""

from __future__ import annotations

import codecs
import csv
import functools
import os
from pathlib import Path

import pandas as pd

from mpp.errors import ConfigError, DataError

DEFAULT_MAX_FILE_MB = 100
NEWLINE = b"\n"


def max_file_bytes() -> int:
    """Largest data file read (default 100 MB, far above any real panel: the largest is under 1 MB);
    `MPP_MAX_DATA_MB` changes it. Larger files are refused before any of them is read."""
    raw = os.environ.get("MPP_MAX_DATA_MB", "").strip()
    if not raw:
        return DEFAULT_MAX_FILE_MB * 1_000_000
    try:
        mb = float(raw)
    except ValueError:
        raise ConfigError(f"MPP_MAX_DATA_MB={raw!r} is not a number of megabytes") from None
    if not mb > 0:
        raise ConfigError(f"MPP_MAX_DATA_MB={raw!r} must be a positive number of megabytes")
    return int(mb * 1_000_000)


def check_readable(path: str | Path) -> None:
    """Refuse, before parsing, what no loader should try: a missing file or a folder, a file larger than
    `max_file_bytes()` (decided from its size, nothing read), and anything that is not UTF-8 text (binary
    data, UTF-16, Latin-1), named with its line. The text check streams the file in 1 MB chunks."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if not path.is_file():
        raise DataError(f"{path}: not a file")
    size, limit = path.stat().st_size, max_file_bytes()
    if size > limit:
        raise DataError(
            f"{path}: {size / 1e6:,.1f} MB is larger than the {limit / 1e6:,.0f} MB limit for a data "
            "file (real panels are under 1 MB; set MPP_MAX_DATA_MB to raise the limit)"
        )
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    line, offset = 1, 0
    try:
        with open(path, "rb") as f:
            head = f.read(4)
            if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or head[:4] in (
                codecs.BOM_UTF32_LE,
                codecs.BOM_UTF32_BE,
            ):
                raise DataError(f"{path}: UTF-16/UTF-32 text: save it as UTF-8 (CSV UTF-8 in Excel)")
            f.seek(0)
            for chunk in iter(lambda: f.read(1 << 20), b""):
                nul = chunk.find(b"\0")
                try:
                    decoder.decode(chunk[:nul] if nul >= 0 else chunk)
                except UnicodeDecodeError as exc:
                    where, byte = line + chunk.count(NEWLINE, 0, exc.start), exc.object[exc.start]
                    raise DataError(
                        f"{path}:{where}: not UTF-8 text (byte 0x{byte:02x} at byte {offset + exc.start})"
                        "; binary data, or save it as UTF-8"
                    ) from None
                if nul >= 0:
                    where = line + chunk.count(NEWLINE, 0, nul)
                    raise DataError(
                        f"{path}:{where}: binary data (a NUL byte at byte {offset + nul}): not a text "
                        "file, or UTF-16: save it as UTF-8"
                    )
                line += chunk.count(NEWLINE)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise DataError(f"{path}:{line}: not UTF-8 text (the file ends inside a character)") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None


LAYOUT_ERRORS = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    OverflowError,
    RecursionError,
    csv.Error,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
)


def guarded_read(reader, path: str | Path, what: str, *args, **kwargs):
    """`reader(path, ...)` for a file a user gave: first `check_readable`, then any error from a file whose
    layout the reader cannot follow (ragged rows, missing parts, wrong nesting) becomes a DataError naming the
    file and the format, instead of a library's exception and a traceback."""
    check_readable(path)
    try:
        return reader(path, *args, **kwargs)
    except DataError:
        raise
    except LAYOUT_ERRORS as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{path}: does not have the layout of a {what} file ({detail})") from None


def guarded(what: str):
    """Decorator form of `guarded_read` for a reader whose first argument is the path."""

    def wrap(reader):
        @functools.wraps(reader)
        def read(path, *args, **kwargs):
            return guarded_read(reader, path, what, *args, **kwargs)

        return read

    return wrap
