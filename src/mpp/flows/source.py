"""Where a monthly run's data comes from: the run's data source, read, validated and stored as a vintage."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mpp.data.catalog import SAMPLE, DataSource, name_from_path
from mpp.data.io import read_realisations
from mpp.data.sample import generate_sample
from mpp.data.scope import data_scope
from mpp.data.store import VintageStore, is_sample_entry
from mpp.errors import DataError
from mpp.flows.outcomes import VALUE_COLS
from mpp.project import Project
from mpp.provenance import (
    atomic_write_csv,
)
from mpp.spec import RunSpec
from mpp.strict import current_month, name_problem


def sample_path(loc: Project) -> Path:
    """The bundled generated sample panel, written once to data/sample/sample.csv."""

    path = loc.home / "data" / "sample" / "sample.csv"
    if not path.is_file():
        df = generate_sample(seed=0)
        atomic_write_csv(path, df.assign(period=df["period"].astype(str))[VALUE_COLS + ["source"]])
    return path


def run_source(loc: Project, spec: RunSpec) -> DataSource:
    """The data source of a run (see mpp.data.catalog): a default is taken only when it has data, and a stored
    vintage keeps the name of the source it was ingested from (its lineage)."""

    store = VintageStore(loc.store)

    def available(s: DataSource) -> bool:
        if s.kind == "vintage":
            return any(not is_sample_entry(e) for e in store.vintages())
        return s.is_sample or (s.path is not None and s.path.exists())

    source = spec.source(loc, available, declared=loc.default_data)
    if source.kind != "vintage":
        return source
    entry = store.entry(store.latest_id() if source.vintage == "latest" else str(source.vintage))
    if is_sample_entry(entry):
        return DataSource(SAMPLE, "sample")
    return DataSource(lineage_name(entry), "vintage", vintage=entry["id"])


def lineage_name(entry: dict) -> str:
    """The source name a stored vintage was ingested under (older entries stored a path or free text)."""

    name = str(entry.get("source", ""))
    return name if name_problem(name) is None else name_from_path(Path(name))


def read_source(loc: Project, source: DataSource) -> tuple[pd.DataFrame, str]:
    """The realisations of a data source, validated -> (table, where it was read from)."""

    if source.kind == "vintage":
        vid = str(source.vintage)
        return VintageStore(loc.store).read(vid), f"{loc.store} vintage {vid}"
    path = sample_path(loc) if source.is_sample else source.path
    assert path is not None
    return read_realisations(path)[0], str(path)


def ingest(loc: Project, source: DataSource, cutoff: str | None, vintage: str | None):
    """Read and validate the source, store what was known at the cut-off as a vintage (named after the source)
    -> (history, cutoff, entry, where it was read from, the source: `sample` when the rows say so)."""

    df, where = read_source(loc, source)
    if not source.is_sample and data_scope(df)["sample"]:  # a copy of the generated sample is the sample
        source = DataSource(SAMPLE, "sample", source.path)
    last = df["period"].max()
    cut = pd.Period(cutoff, freq="M") if cutoff else last
    if cut > last:
        raise DataError(f"the cut-off {cut} is after the last month of {where} ({last})")
    known = df.loc[df["period"] <= cut].reset_index(drop=True)
    store = VintageStore(loc.store)
    entry = store.ingest(
        known.drop(columns=["vintage"], errors="ignore"),
        vintage or str(min(cut + 1, current_month())),
        source=source.name,
        file=where,
        sample=source.is_sample,
    )
    return store.read(entry.id), cut, entry, where, source
