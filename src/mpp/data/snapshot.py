"""The dated snapshot of the public sources that ships inside the package: the default data source.

A snapshot is a folder in the reference-data layout

    <date>/provenance.csv      file, publisher, source, licence, retrieved, bytes, sha256 (one row per file)
    <date>/real/...            the national sources, the CBS 7-nationality panel, COA, IND, Eurostat files
    <date>/mpp_published.csv   official MPP forecasts (the peer of the backtest), realised_totals.csv, ...

Files are verbatim copies of the public sources (scripts/make_snapshot.py), read by the same loaders and
validation as a user's files. `verify_snapshot` checks every file against its sha256 before a run reads it:
a changed or missing file is a DataError naming it, never a silent difference. `mpp init` copies the packaged
snapshot into the project (data/snapshot/<date>/) and declares it as the project's data source; `mpp data fetch`
writes a newer snapshot beside it.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mpp.errors import DataError
from mpp.provenance import hash_file

MANIFEST = "provenance.csv"
MANIFEST_COLUMNS = ("file", "publisher", "source", "licence", "retrieved", "bytes", "sha256")
#: The monthly panel a monthly run forecasts by default (7 nationalities x first requests and nareizigers).
PANEL = "real/cbs_83102NED_monthly_by_nationality_7nat_2015_2025H1.csv"
#: The CBS 83102NED table `mpp data fetch` writes (every nationality): a fetched snapshot's monthly panel.
FETCHED_PANEL = "real/cbs_83102NED.csv"
#: The folder of the national sources (national.yaml), COA and IND files inside a snapshot.
REAL = "real"


def packaged_snapshots() -> list[Path]:
    """Every snapshot that ships inside the package, oldest first (folders named by retrieval date)."""
    root = Path(str(resources.files("mpp.resources").joinpath("snapshot")))
    return sorted(p for p in root.iterdir() if (p / MANIFEST).is_file()) if root.is_dir() else []


def packaged_snapshot() -> Path:
    """The newest packaged snapshot (read only: never write here)."""
    found = packaged_snapshots()
    if not found:
        raise DataError("the installed mpp package holds no data snapshot (mpp/resources/snapshot/): reinstall it")
    return found[-1]


def panel_file(folder: Path) -> Path:
    """The monthly panel of a snapshot: the fetched CBS 83102NED table when it has one, else the 7-nationality
    panel."""
    fetched = Path(folder) / FETCHED_PANEL
    return fetched if fetched.is_file() else Path(folder) / PANEL


def is_snapshot(folder: Path) -> bool:
    return (Path(folder) / MANIFEST).is_file()


@dataclass(frozen=True)
class SnapshotFile:
    file: str
    publisher: str
    source: str
    licence: str
    retrieved: str
    bytes: int
    sha256: str


def read_manifest(folder: Path) -> list[SnapshotFile]:
    path = Path(folder) / MANIFEST
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise DataError(f"{path}: cannot read the snapshot's provenance ({exc.strerror})") from None
    if not rows or tuple(rows[0]) != MANIFEST_COLUMNS:
        raise DataError(f"{path}: not a snapshot provenance file (columns {', '.join(MANIFEST_COLUMNS)})")
    try:
        return [SnapshotFile(**{**r, "bytes": int(r["bytes"])}) for r in rows]
    except (TypeError, ValueError):
        raise DataError(f"{path}: a row has no whole number of bytes") from None


def verify_snapshot(folder: str | Path) -> list[SnapshotFile]:
    """Check every file of a snapshot against its recorded sha256 -> the manifest rows.

    Every missing or changed file is named in one DataError (exit code 3); nothing is read from a snapshot
    that does not verify."""
    folder = Path(folder)
    rows = read_manifest(folder)
    problems = []
    for r in rows:
        p = folder / r.file
        if not p.is_file():
            problems.append(f"{r.file}: missing")
        elif hash_file(p) != r.sha256:
            problems.append(f"{r.file}: changed (sha256 differs from {MANIFEST})")
    if problems:
        raise DataError(f"data snapshot {folder} does not verify: " + "; ".join(problems))
    return rows


def snapshot_hash(folder: str | Path) -> str:
    """Identity of a snapshot's contents: the hash of its verified provenance file (which holds every sha256)."""
    verify_snapshot(folder)
    return hash_file(Path(folder) / MANIFEST)


def copy_snapshot(src: Path, dest_parent: Path) -> Path:
    """Copy a verified snapshot into `dest_parent/<its folder name>` (kept when it is already there and
    verifies) -> the copy."""
    verify_snapshot(src)
    dest = Path(dest_parent) / Path(src).name
    if dest.is_dir() and is_snapshot(dest):
        verify_snapshot(dest)
        return dest
    tmp = dest.with_name(f".{dest.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp)
    verify_snapshot(tmp)
    tmp.rename(dest)
    return dest
