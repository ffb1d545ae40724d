"""The project's data sources (`config/data.yaml`, a small catalog) and the identity of the data a run reads.

    default: cbs                       # what a bare `mpp monthly` reads (a list: the first one that has data)
    sources:
      cbs:    {data_source: true}      # the project's data source (mpp.toml `data_source`: the snapshot's panel)
      sample: {sample: true}           # the generated sample panel (synthetic: marked as such everywhere)
      cbs:    {file: ../data/raw/cbs_83102NED.csv}   # a file (CSV, CBS, Eurostat), relative to config/
      store:  {vintage: latest}        # the newest real vintage of data/store (`mpp data ingest`, earlier runs)

A stored vintage keeps the name of the source it was ingested from (its lineage), so a bare run after
`mpp monthly --data cbs.csv` reads that real vintage under the name `cbs`, never the sample.

`--data` names an entry, gives a path, or both as NAME=PATH (this month's file of the source NAME, e.g.
`--data cbs=downloads/cbs_2025-07.csv`: same lineage as earlier months). A path that is some entry's file is
that entry; any other path is a source named after the file (`cbs_2025-06.csv` -> `cbs_2025-06`). Data whose
rows say they are the generated sample is the source `sample`, whatever it is called. A run's data is then identified by the
source's *name* (the lineage: registered models, champions and revisions are per name) and the content hash
of what was known at the cut-off: `DataIdentity.key`, e.g. `cbs-1a2b3c4d`, keys the output folder
(`out/<cut-off>/<key>/`), the run key and every registered version's tags, so a run on one source never
reads, overwrites, reuses or gates against another's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, model_validator

from mpp.errors import ConfigError
from mpp.strict import StrictModel, safe_name

SAMPLE = "sample"
SAMPLE_MARK = "SAMPLE DATA (generated, synthetic: not real figures)"


class SourceEntry(StrictModel):
    """One catalog entry: exactly one of a file, a folder (a vintage store), a stored vintage or the sample."""

    file: str | None = None
    folder: str | None = None
    vintage: str | None = None  # a vintage id of the project's store, or "latest"
    data_source: bool = False  # the project's `data_source` (mpp.toml; by default the packaged snapshot's panel)
    sample: bool = False
    description: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> SourceEntry:
        given = [k for k in ("file", "folder", "vintage") if getattr(self, k)]
        given += [k for k in ("data_source", "sample") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of file, folder, vintage, data_source: true or sample: true (got {given or 'none'})"
            )
        return self

    @property
    def kind(self) -> str:
        if self.sample or self.data_source:
            return "sample" if self.sample else "data_source"
        return "file" if self.file else "folder" if self.folder else "vintage"


class DataCatalog(StrictModel):
    default: str | list[str] = SAMPLE  # a name, or names: the first whose data is there
    sources: dict[str, SourceEntry] = Field(default_factory=lambda: {SAMPLE: SourceEntry(sample=True)})

    @property
    def defaults(self) -> list[str]:
        return [self.default] if isinstance(self.default, str) else list(self.default)

    @model_validator(mode="after")
    def _names(self) -> DataCatalog:
        for name in self.sources:
            safe_name(name, "data source name")
        if not self.defaults:
            raise ValueError("default: name at least one source")
        for d in self.defaults:
            if d not in self.sources:
                raise ValueError(f"default {d!r} is not one of the sources ({', '.join(self.sources)})")
        if SAMPLE in self.sources and not self.sources[SAMPLE].sample:
            raise ValueError(f"the name {SAMPLE!r} is kept for the generated sample (sample: true)")
        return self


@dataclass(frozen=True)
class DataSource:
    """A resolved source: its name (lineage), kind and where it is read from (None for the sample)."""

    name: str
    kind: str  # sample | file | folder | vintage
    path: Path | None = None
    vintage: str | None = None

    @property
    def is_sample(self) -> bool:
        return self.kind == "sample"

    def describe(self) -> str:
        where = {"sample": "the generated sample panel", "vintage": f"stored vintage {self.vintage}"}.get(
            self.kind, str(self.path)
        )
        return f"data source {self.name!r} ({where})" + (f" — {SAMPLE_MARK}" if self.is_sample else "")


@dataclass(frozen=True)
class DataIdentity:
    """What a run's data is: the source and the content hash of the table known at the cut-off."""

    source: DataSource
    data_hash: str

    @property
    def key(self) -> str:
        """Short, readable and unique per content: `<name>-<8 hex>` (the output folder of the run)."""
        return f"{self.source.name}-{self.data_hash[:8]}"

    @property
    def kind(self) -> str:
        return "sample" if self.source.is_sample else "real"

    def tags(self) -> dict[str, str]:
        """What every MLflow run and registered version of this data carries."""
        return {"data_source": self.source.name, "data_id": self.key, "data_kind": self.kind}


def name_from_path(path: Path) -> str:
    """A source name for a path outside the catalog: the file name without its extension, made safe."""
    stem = path.name if path.is_dir() else path.name.split(".")[0]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "data"
    return name if name != SAMPLE else "sample-file"


def resolve_source(
    catalog: DataCatalog, base: Path, data: str | Path | None, resolve, available=None, declared=None
) -> DataSource:
    """The source of a run: `data` (an entry's name or a path), else the first of the catalog's defaults that
    `available(source)` says has data (the last one regardless). `resolve(text)` turns a path written in the
    catalog into a Path (relative to the config folder); `declared()` is the project's data source file."""

    def entry(name: str) -> DataSource:
        return entry_source(name, catalog.sources[name], resolve, declared)

    if data is None:
        candidates = [entry(n) for n in catalog.defaults]
        return next((s for s in candidates[:-1] if available is None or available(s)), candidates[-1])
    if str(data) in catalog.sources:
        return entry(str(data))
    text = str(data)
    if "=" in text and not Path(text).exists():
        name, _, where = text.partition("=")
        safe_name(name, "--data NAME=PATH: NAME")
        path = Path(where).resolve()
        if not path.exists():
            raise ConfigError(f"--data {text}: no file or folder {where}")
        if name == SAMPLE:
            raise ConfigError(f"--data {text}: the name {SAMPLE!r} is kept for the generated sample")
        return DataSource(name, "folder" if path.is_dir() else "file", path)
    path = Path(data).resolve()
    for name, entry in catalog.sources.items():
        if entry.kind in ("file", "folder") and resolve(entry.file or entry.folder).resolve() == path:
            return entry_source(name, entry, resolve)
        if entry.data_source and declared is not None and Path(declared()).resolve() == path:
            return entry_source(name, entry, resolve, declared)
    if not path.exists():
        known = ", ".join(catalog.sources)
        raise ConfigError(f"--data {data}: neither a file or folder nor a data source of {base} ({known})")
    return DataSource(name_from_path(path), "folder" if path.is_dir() else "file", path)


def entry_source(name: str, entry: SourceEntry, resolve, declared=None) -> DataSource:
    if entry.sample:
        return DataSource(name, "sample")
    if entry.data_source:
        if declared is None:
            raise ConfigError(f"data source {name!r}: the project's data_source is not known here")
        path = Path(declared())
        return DataSource(name, "folder" if path.is_dir() else "file", path)
    if entry.vintage:
        return DataSource(name, "vintage", vintage=entry.vintage)
    return DataSource(name, entry.kind, resolve(entry.file or entry.folder))
