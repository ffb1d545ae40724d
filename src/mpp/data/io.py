"""One entry point for "the realisations at PATH": a source file (validated) or a vintage store folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mpp.data.load import load_file
from mpp.data.store import VintageStore
from mpp.errors import DataError


def read_realisations(path: str | Path, vintage: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """-> (canonical realisations, data vintage or None).

    A folder is read as a vintage store (the given vintage, or the latest); a file is loaded by its detected
    format and validated, raising DataError with every problem found.
    """
    p = Path(path)
    if p.is_dir():
        store = VintageStore(p)
        df = store.read(vintage)
        return df, str(df["vintage"].iloc[0]) if "vintage" in df.columns and len(df) else vintage
    if not p.exists():
        raise DataError(f"{p}: no such file or folder")
    return load_file(p, vintage=vintage), vintage
