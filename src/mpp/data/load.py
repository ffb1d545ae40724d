"""Checked loading: read a source file (`mpp.data.loaders`), check it (`mpp.data.validation`), return the
canonical table. Kept apart from the readers so that validation can use them without an import cycle."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mpp.data.raw import FIRST
from mpp.data.tidy import read_panel_csv
from mpp.data.validation import check_file, check_raw, raise_for_problems


def load_file(path: str | Path, format: str = "auto", vintage: str | None = None) -> pd.DataFrame:
    """Read, check and return the canonical table. Raises DataError listing every problem."""
    return check_file(path, format, vintage)


def load_panel_csv(
    path: str | Path, key_column: str, stream: str = FIRST, vintage: str | None = None, **options
) -> pd.DataFrame:
    """A one-stream panel (UNHCR origins, Eurostat countries): the key becomes the bottom level."""
    frame, problems = check_raw(read_panel_csv(path, key_column, stream, **options), vintage=vintage)
    raise_for_problems(problems, path)
    return frame
