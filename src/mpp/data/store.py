"""The vintage store: every published state of the realisations, kept side by side.

A *vintage* is the month a dataset was published (YYYY-MM). Layout under `root` (default `data/store/`):

    index.json            {"vintages": [entry, ...]} in ingest order; written last
    <id>.parquet          one canonical table per vintage (with `source` and `vintage` columns)

An entry: id, vintage, seq, hash (content hash of the canonical table), source, file, rows, created (UTC),
and `sample: true` for the generated sample panel (marked in `mpp data list`, never a real vintage).
The first ingest of a month gets id "2024-05"; a second, different ingest in the same month (a revised
release) gets "2024-05.2", then "2024-05.3": a vintage is never overwritten. Ingesting content that equals a
stored vintage creates nothing and returns `created=False` with that vintage's id.

Ingest validates first (any problem raises `DataProblems` and touches nothing, not even the folder), then
writes the Parquet file atomically (temp file + rename) and updates `index.json` last, under a file lock,
so a crash leaves at most an unlisted Parquet file and readers never see a half-written vintage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from filelock import FileLock

from mpp.data.schema import canonical
from mpp.data.validation import find_problems, raise_for_problems
from mpp.errors import DataError, StorageError
from mpp.provenance import atomic_write_json, atomic_write_parquet, hash_frame
from mpp.strict import current_month, parse_month

DEFAULT_ROOT = Path("data/store")
INDEX = "index.json"


@dataclass(frozen=True)
class IngestResult:
    created: bool
    id: str
    vintage: str
    hash: str
    rows: int
    path: Path


def _month(value: str | pd.Period, published: bool = False) -> pd.Period:
    """A vintage month (`YYYY-MM` only); `published`: not after the current month."""
    return parse_month(value, "vintage", error=DataError, not_after=current_month() if published else None)


def content_hash(df: pd.DataFrame) -> str:
    """Hash of the canonical figures (period, stream, nationality, value, source), not of the vintage label."""
    return hash_frame(df.drop(columns=["vintage"], errors="ignore"))


class VintageStore:
    def __init__(self, root: str | Path = DEFAULT_ROOT):
        self.root = Path(root)

    # ------------------------------------------------------------------------------------------ reading
    def vintages(self) -> list[dict]:
        """Index entries in ingest order (empty when the store does not exist yet)."""
        path = self.root / INDEX
        if not path.is_file():
            return []
        return json.loads(path.read_text(encoding="utf-8"))["vintages"]

    def _entry(self, vintage_id: str) -> dict:
        for entry in self.vintages():
            if entry["id"] == vintage_id:
                return entry
        known = ", ".join(e["id"] for e in self.vintages()) or "none"
        raise DataError(f"no vintage {vintage_id!r} in {self.root} (stored: {known})")

    def read(self, vintage: str | None = None) -> pd.DataFrame:
        """One vintage by id ("2024-05", "2024-05.2"); the latest published one when None."""
        if vintage is None:
            entries = self._ordered()
            if not entries:
                raise DataError(f"the store {self.root} holds no vintages yet: run `mpp data ingest` first")
            entry = entries[-1]
        else:
            entry = self._entry(vintage)
        df = pd.read_parquet(self.root / entry["file"])
        if df.empty:  # only an older mpp could store one; never forecast from it
            raise DataError(
                f"vintage {entry['id']} in {self.root} holds no rows: ingest the data again "
                "(an empty vintage is never used)"
            )
        return df

    def read_as_of(self, month: str | pd.Period) -> pd.DataFrame:
        """The data as known at `month`: the latest vintage published in or before it (for backtests)."""
        m = _month(month)
        known = [e for e in self._ordered() if _month(e["vintage"]) <= m]
        if not known:
            raise DataError(f"no vintage published on or before {m} in {self.root}")
        return self.read(known[-1]["id"])

    def entry(self, vintage_id: str) -> dict:
        """The index entry of one vintage (DataError naming the stored ones when there is none)."""
        return self._entry(vintage_id)

    def latest_id(self, exclude_sample: bool = True) -> str:
        """The id of the latest published vintage (real data only unless `exclude_sample` is False)."""
        entries = [e for e in self._ordered() if not (exclude_sample and is_sample_entry(e))]
        if not entries:
            raise DataError(
                f"the store {self.root} holds no {'real ' if exclude_sample else ''}vintages yet: "
                "run `mpp data ingest FILE --vintage YYYY-MM` or `mpp data fetch cbs` first"
            )
        return entries[-1]["id"]

    def _ordered(self) -> list[dict]:
        """Entries by publication month, then sequence within the month."""
        return sorted(self.vintages(), key=lambda e: (e["vintage"], e["seq"]))

    # ------------------------------------------------------------------------------------------ writing
    def ingest(
        self,
        df: pd.DataFrame,
        vintage: str | pd.Period,
        source: str,
        file: str = "<frame>",
        rounding: int = 1,
        max_count: int | None = None,
        sample: bool = False,
    ) -> IngestResult:
        """Validate and store `df` as a vintage published in month `vintage` (not after the current month).
        A store that cannot be written (read-only, no permission, full disk) is a StorageError naming it."""
        month = _month(vintage, published=True)
        raise_for_problems(find_problems(df, file=file, vintage=month, rounding=rounding, max_count=max_count), file)
        try:
            return self._store(df, month, source, file, sample)
        except OSError as exc:
            raise StorageError(
                f"cannot write to the vintage store {self.root}: {exc.strerror or exc}"
                f"{f' ({exc.filename})' if exc.filename else ''}"
            ) from None

    def _store(self, df: pd.DataFrame, month: pd.Period, source: str, file: str, sample: bool) -> IngestResult:
        table = canonical(df.assign(source=df["source"] if "source" in df else source))
        table["vintage"] = pd.PeriodIndex([month] * len(table), freq="M")
        digest = content_hash(table)
        for entry in self.vintages():  # cheap check before taking the lock
            if entry["hash"] == digest:
                return self._result(False, entry)
        self.root.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.root / ".lock")):
            entries = self.vintages()
            for entry in entries:
                if entry["hash"] == digest:
                    return self._result(False, entry)
            seq = 1 + max((e["seq"] for e in entries if e["vintage"] == str(month)), default=0)
            vid = str(month) if seq == 1 else f"{month}.{seq}"
            entry = {
                "id": vid,
                "vintage": str(month),
                "seq": seq,
                "hash": digest,
                "source": source,
                "file": f"{vid}.parquet",
                "rows": int(len(table)),
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "read_from": file,
                **({"sample": True} if sample else {}),
            }
            atomic_write_parquet(self.root / entry["file"], table)
            atomic_write_json(self.root / INDEX, {"vintages": [*entries, entry]})
        return self._result(True, entry)

    def _result(self, created: bool, entry: dict) -> IngestResult:
        return IngestResult(
            created, entry["id"], entry["vintage"], entry["hash"], entry["rows"], self.root / entry["file"]
        )


def is_sample_entry(entry: dict) -> bool:
    """A vintage of the generated sample panel (also those stored before entries were marked: their source
    was the sample file's path)."""
    return bool(entry.get("sample")) or str(entry.get("source", "")).replace("\\", "/").endswith("sample/sample.csv")
