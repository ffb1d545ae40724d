"""The data commands that write files: `mpp data sample` (the generated panel as tidy CSV) and `mpp data fetch`
(one source's download to a file, or a new dated snapshot made the project's data source in mpp.toml)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from mpp.data.fetch import SOURCES, check_fetched, fetch_snapshot
from mpp.data.sample import generate_sample
from mpp.errors import DataError
from mpp.project import PROJECT_FILE, Project
from mpp.provenance import atomic_write_bytes, atomic_write_csv, atomic_write_text


def write_sample(out: Path, seed: int = 0, start: str = "2015-01", end: str = "2025-06") -> pd.DataFrame:
    """The synthetic panel (`mpp.data.sample.generate_sample`) written to `out` as tidy CSV -> the panel."""
    df = generate_sample(seed=seed, start=start, end=end)
    atomic_write_csv(out, df.assign(period=df["period"].astype(str)))
    return df


def fetch_to_file(sources: list[str], out: Path) -> int:
    """Download exactly one source to `out` and validate it (an invalid download is removed) -> its rows."""
    names = list(sources) or list(SOURCES)
    if len(names) != 1 or names[0] not in SOURCES:
        raise DataError(f"--out takes exactly one source ({', '.join(SOURCES)})")
    atomic_write_bytes(out, SOURCES[names[0]][4]())
    try:
        return check_fetched(out)
    except DataError:
        out.unlink()  # an invalid download is not left where a run could read it
        raise


def fetch_into_project(
    sources: list[str], home: str | Path | None = None, date: str | None = None
) -> tuple[Path, dict[str, int], str]:
    """Download `sources` (default all) into a new dated snapshot beside the project's current one,
    `data/snapshot/<date>/` (a second fetch on one day: `<date>.2`, ...), and make it the project's data source
    in mpp.toml when that names one -> (the snapshot folder, rows per source, what was done with it)."""
    names = list(sources) or list(SOURCES)
    project = Project.for_writing(home)  # a new snapshot only inside a project
    day = date or dt.date.today().isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise DataError(f"--date: {day!r} is not YYYY-MM-DD")
    parent = project.home / "data" / "snapshot"
    name, n = day, 1
    while date is None and (parent / name).exists():
        n += 1
        name = f"{day}.{n}"
    folder, counts = fetch_snapshot(project.source_snapshot(), parent, name, names)
    rel = folder.relative_to(project.home).as_posix()
    toml = project.home / PROJECT_FILE
    line = re.compile(r"^data_source\s*=.*$", re.M)
    if toml.is_file() and line.search(text := toml.read_text(encoding="utf-8")):
        atomic_write_text(toml, line.sub(f'data_source = "{rel}"', text, count=1))
        return folder, counts, f"now the project's data source ({PROJECT_FILE})"
    return folder, counts, f'to use it, set data_source = "{rel}" in {PROJECT_FILE}'
