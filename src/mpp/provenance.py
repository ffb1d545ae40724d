"""What made an output: code version, content hashes, atomic writes. Every stage's manifest uses these."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from mpp import __version__


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Package version plus git commit (and `-dirty` when the tree has uncommitted changes) when this module is a
    tracked file of a git checkout (an editable install); an installed wheel is its package version."""
    here = Path(__file__).resolve()

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(here.parent), *args], capture_output=True, text=True, check=True, timeout=5
        ).stdout.strip()

    try:
        git("ls-files", "--error-unmatch", here.name)  # fails outside a checkout that tracks this very file
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
        return f"{__version__}+g{commit}{'-dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return __version__


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_json(obj: Any) -> str:
    """Hash of a JSON-serialisable object, independent of key order."""
    return hash_bytes(json.dumps(obj, sort_keys=True, default=str, separators=(",", ":")).encode())


def hash_frame(df: pd.DataFrame) -> str:
    """Content hash of a table, independent of row order but not of values or column names."""
    cols = sorted(df.columns)
    d = df[cols].astype(str).sort_values(cols).reset_index(drop=True)
    return hash_bytes(pd.util.hash_pandas_object(d, index=False).values.tobytes() + ",".join(cols).encode())


def current_umask() -> int:
    """The process umask, read without changing it where the system allows (Linux /proc), else set-and-restore."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename: readers never see half a file.
    The file gets the mode any new file gets (0666 minus the umask), not mkstemp's private 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def atomic_write_csv(path: str | os.PathLike, df: pd.DataFrame) -> None:
    atomic_write_text(path, df.to_csv(index=False))


def atomic_write_parquet(path: str | os.PathLike, df: pd.DataFrame) -> None:

    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    atomic_write_bytes(path, buf.getvalue())


@contextlib.contextmanager
def staged_dir(final: str | os.PathLike) -> Iterator[Path]:
    """Build a folder of outputs in a hidden staging folder beside `final` and put it in place only when the
    block succeeds: a failed or killed run never leaves a finished-looking folder (report.html, bands) behind,
    and an earlier `final` stays exactly as it was until the new one is complete. On success the earlier folder
    is replaced as a whole (rename, rename, remove)."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))
    os.chmod(stage, 0o777 & ~current_umask())
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        os.replace(final, old / final.name)
    os.replace(stage, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
