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
GRANTS, DECISIONS = "asylum_grants", "first_instance_decisions"
# Eurostat migr_asydcfstq measures of the decisions file -> observation streams (persons, first instance)
EUROSTAT_DECISION_MEASURES = {
    "eurostat_migr_asydcfstq_first_instance_decisions_positive": GRANTS,
    "eurostat_migr_asydcfstq_first_instance_decisions_total": DECISIONS,
}


def _read_table(path: Path, columns: tuple[str, ...], dtype: dict) -> pd.DataFrame:
    """A CSV with the named columns and `line` (its 1-based line in the file); a DataError naming the file."""
    try:
        df = pd.read_csv(path, dtype=dtype)
    except (OSError, pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    df["line"] = np.arange(2, len(df) + 2)
    return df


@guarded("CBS panel")
def read_panel_sum(path: str | Path, source: str, rounding: float = 5) -> pd.DataFrame:
    """The CBS 7-nationality monthly panel (period, nationality, stream, value): per month and stream, the sum
    over the nationalities, as nationality PANEL7 (derived: a sum of published cells)."""
    path = Path(path)
    df = _read_table(path, ("period", "nationality", "stream", "value"), {"value": float})
    g = df.groupby(["period", "stream"]).agg(value=("value", "sum"), n=("value", "size"), row=("line", "min"))
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


@guarded("Eurostat decisions")
def read_eurostat_decisions(path: str | Path, source: str, rounding: float = 5) -> pd.DataFrame:
    """Eurostat first-instance decisions per quarter (measure, period, value): positive decisions as stream
    asylum_grants, all decisions as first_instance_decisions; the file's other measures (pending, temporary
    protection) are not national flows of this model and are skipped."""
    path = Path(path)
    df = _read_table(path, ("measure", "period", "value"), {"measure": str, "period": str})
    df = df[df["measure"].isin(list(EUROSTAT_DECISION_MEASURES)) & df["value"].notna()]
    rows = [
        dict(
            period=r.period,
            stream=EUROSTAT_DECISION_MEASURES[r.measure],
            value=float(r.value),
            rounding=rounding,
            source=source,
            publisher="Eurostat migr_asydcfstq",
            file=path.name,
            row=int(r.line),
        )
        for r in df.itertuples(index=False)
    ]
    return make_observations(rows)


@guarded("CBS permits")
def read_cbs_permits(path: str | Path, source: str, rounding: float = 5) -> pd.DataFrame:
    """CBS 85400NED first-instance asylum permits per year (year, nationality, permit_type, value): the national
    total granted (the file's sum of the three permit types) as stream asylum_grants."""
    path = Path(path)
    df = _read_table(path, ("year", "nationality", "permit_type", "value"), {"nationality": str, "permit_type": str})
    df = df[(df["nationality"] == "Total") & (df["permit_type"] == "total_granted") & df["value"].notna()]
    rows = [
        dict(
            period=str(int(r.year)),
            stream=GRANTS,
            value=float(r.value),
            rounding=3 * rounding,
            source=source,
            publisher="CBS 85400NED",
            file=path.name,
            row=int(r.line),
            derived="sum of 3 permit types",
        )
        for r in df.itertuples(index=False)
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
        elif src.reader == "eurostat_decisions":
            frames.append(read_eurostat_decisions(path, source=key, rounding=src.rounding))
        elif src.reader == "cbs_permits":
            frames.append(read_cbs_permits(path, source=key, rounding=src.rounding))
        else:
            frames.append(read_panel_sum(path, source=key, rounding=src.rounding))
    return pd.concat(frames, ignore_index=True)
