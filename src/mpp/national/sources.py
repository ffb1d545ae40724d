"""Every national source file named in config/national.yaml -> one mixed-frequency observation table. The readers
are records of the shared reader registry (`mpp.data.readers`), named by each source's `reader`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mpp.data.readers import national_reader
from mpp.errors import DataError
from mpp.national.config import NationalConfig


def load_observations(cfg: NationalConfig, data_dir: str | Path) -> pd.DataFrame:
    """All configured sources (files named relative to `data_dir`), one observation table. A missing file is a
    DataError naming it."""
    data_dir = Path(data_dir)
    frames = []
    for key, src in cfg.sources.items():
        path = (data_dir / src.file).resolve()
        if not path.exists():
            raise DataError(f"{path}: national source '{key}' not found (config/national.yaml sources.{key})")
        frames.append(national_reader(src.reader)(path, key, src.rounding))
    return pd.concat(frames, ignore_index=True)
