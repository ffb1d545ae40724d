"""Every national source file named in config/national.yaml -> one mixed-frequency observation table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mpp.data.loaders import guarded
from mpp.data.observations import (
    make_observations,
    read_eurostat_tsv_national,
    read_realised_totals,
    read_tidy_national,
)
from mpp.errors import DataError
from mpp.national.config import NationalConfig

PANEL = "PANEL7"  # nationality code of the 7-nationality CBS panel summed (a partial national figure)


@guarded("CBS panel")
def read_panel_sum(path: str | Path, source: str, rounding: float = 5) -> pd.DataFrame:
    """The CBS 7-nationality monthly panel (period, nationality, stream, value): per month and stream, the sum
    over the nationalities, as nationality PANEL7 (derived: a sum of published cells)."""
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype={"value": float})
    except (OSError, pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    missing = [c for c in ("period", "nationality", "stream", "value") if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    df["_line"] = np.arange(2, len(df) + 2)
    g = df.groupby(["period", "stream"]).agg(value=("value", "sum"), n=("value", "size"), row=("_line", "min"))
    rows = [
        dict(
            period=p,
            stream=s,
            nationality=PANEL,
            value=r.value,
            rounding=rounding * r.n,
            source=source,
            publisher="CBS 83102NED",
            file=path.name,
            row=int(r.row),
            derived=f"sum of {int(r.n)} nationalities",
        )
        for (p, s), r in g.iterrows()
    ]
    return make_observations(rows)


def load_observations(cfg: NationalConfig, data_dir: str | Path) -> pd.DataFrame:
    """All configured sources (files named relative to `data_dir`), one observation table. A missing file is a
    DataError naming it."""
    data_dir = Path(data_dir)
    frames = []
    for key, src in cfg.sources.items():
        path = (data_dir / src.file).resolve()
        if not path.exists():
            raise DataError(f"{path}: national source '{key}' not found (config/national.yaml sources.{key})")
        if src.reader == "eurostat_tsv":
            frames.append(read_eurostat_tsv_national(path, source=key))
        elif src.reader == "tidy":
            frames.append(read_tidy_national(path, source=key, rounding=src.rounding))
        elif src.reader == "realised_totals":
            frames.append(read_realised_totals(path, source=key))
        else:
            frames.append(read_panel_sum(path, source=key, rounding=src.rounding))
    return pd.concat(frames, ignore_index=True)
