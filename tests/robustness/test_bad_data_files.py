"""Bad data files (issue 14): each is refused with file, row and reason, a documented exit code, no traceback,
and the store and earlier outputs stay byte-identical, through every command that reads data."""

from __future__ import annotations

import errno
import os
import re
import time
from pathlib import Path

import pytest
from clihelpers import run_main
from robusthelpers import HEADER, assert_unchanged, panel_rows, snapshot, write_config, write_panel


def _dutch(tmp: Path) -> Path:
    rows = panel_rows()
    rows[3] = rows[3].rsplit(",", 1)[0] + ",1.000"
    rows[7] = rows[7].rsplit(",", 1)[0] + ",2.000"
    return write_panel(tmp / "dutch.csv", rows)


def _value_at_row_11(value: str):
    def make(tmp: Path) -> Path:
        rows = panel_rows()
        rows[9] = rows[9].rsplit(",", 1)[0] + f",{value}"  # line 11: header is line 1
        return write_panel(tmp / "big.csv", rows)

    return make


def _future(tmp: Path) -> Path:
    return write_panel(tmp / "future.csv", panel_rows() + ["2099-01,first_asylum_request,SY,5"])


def _huge(tmp: Path) -> Path:
    """200 MB without writing 200 MB: a valid start, then a sparse hole (the size decides, nothing is read)."""
    p = tmp / "huge.csv"
    with open(p, "wb") as f:
        f.write((HEADER + "\n".join(panel_rows()) + "\n").encode())
        f.truncate(200_000_000)
    return p


CASES = {
    "dutch thousands separators": (_dutch, r"dutch\.csv:5: value='1\.000': count written with a thousands separator"),
    "header only": (
        lambda t: (t / "header.csv").write_text(HEADER) and t / "header.csv",
        r"header\.csv: .*no data rows",
    ),
    "binary garbage": (
        lambda t: (t / "garbage.csv").write_bytes(bytes(range(256)) * 40) and t / "garbage.csv",
        r"garbage\.csv:\d+: (not UTF-8 text|binary data)",
    ),
    "utf-16": (
        lambda t: (
            (t / "utf16.csv").write_bytes((HEADER + "2024-01,first_asylum_request,SY,5\n").encode("utf-16"))
            and t / "utf16.csv"
        ),
        r"utf16\.csv: UTF-16/UTF-32 text: save it as UTF-8",
    ),
    "utf-16 without BOM": (
        lambda t: (t / "u16.csv").write_bytes(HEADER.encode("utf-16-le")) and t / "u16.csv",
        r"u16\.csv:1: binary data \(a NUL byte",
    ),
    "latin-1": (
        lambda t: (
            (t / "latin.csv").write_bytes((HEADER + "2024-01,first_asylum_request,Curaçao,5\n").encode("latin-1"))
            and t / "latin.csv"
        ),
        r"latin\.csv:2: not UTF-8 text \(byte 0xe7",
    ),
    "20-digit number": (
        _value_at_row_11("12345678901234567890"),
        r"big\.csv:11: value='12345678901234567890': count above the plausibility bound of 1,000,000",
    ),
    "1e18": (_value_at_row_11("1e18"), r"big\.csv:11: value='1e18': count above the plausibility bound"),
    "2^63-1": (_value_at_row_11("9223372036854775807"), r"big\.csv:11: value='9223372036854775807': count above"),
    "1e19": (_value_at_row_11("1e19"), r"big\.csv:11: value='1e19': count above the plausibility bound"),
    "1e300": (_value_at_row_11("1e300"), r"big\.csv:11: value='1e300': count above the plausibility bound"),
    "future month": (_future, r"future\.csv:\d+: period='2099-01': period after the vintage \d{4}-\d{2} \(future"),
    "200 MB file": (_huge, r"huge\.csv: 200\.0 MB is larger than the 100 MB limit"),
    "missing file": (lambda t: t / "absent.csv", r"absent\.csv: no such file"),
}


@pytest.fixture()
def world(tmp_path, monkeypatch):
    """A store with one good vintage and the outputs of an earlier forecast, as a user would have them."""
    monkeypatch.setenv("MPP_CONFIG_DIR", str(write_config(tmp_path / "config")))
    monkeypatch.chdir(tmp_path)
    good = write_panel(tmp_path / "good.csv")
    store, out = tmp_path / "store", tmp_path / "out"
    assert run_main_ok("data", "ingest", str(good), "--vintage", "2025-01", "--store", str(store))
    (out / "earlier").mkdir(parents=True)
    (out / "earlier" / "bands_annual.csv").write_text("series_id,year,median\nTOTAL/TOTAL,2025,100\n")
    return tmp_path, store, out


def run_main_ok(*args: str) -> bool:
    from mpp.cli import main

    try:
        main(list(args))
    except SystemExit as exc:
        return exc.code in (0, None)
    return True


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_is_refused_everywhere_and_nothing_changes(case, world, capsys):
    tmp, store, out = world
    make, message = CASES[case]
    bad = make(tmp)
    before = snapshot(store, out)
    commands = {
        "check": ["data", "check", str(bad)],
        "ingest": ["data", "ingest", str(bad), "--vintage", "2025-02", "--store", str(store)],
        "summary": ["data", "summary", "--file", str(bad)],
        "forecast": ["forecast", "--data", str(bad), "--out", str(out / "new")],
    }
    for name, args in commands.items():
        started = time.perf_counter()
        res = run_main(capsys, *args)
        assert res.code == 3, (name, res)
        assert re.search(message, res.err + res.out), (name, res)
        assert "Traceback" not in res.err + res.out, (name, res.err)
        assert time.perf_counter() - started < 20, f"{name} took too long: the file was read"
        assert_unchanged(before, store, out)


def test_huge_file_is_refused_by_size_without_reading(tmp_path, monkeypatch):
    """The refusal happens from the size: no byte of the file is opened for reading."""
    from mpp.data.loaders import read_file
    from mpp.errors import DataError

    bad = _huge(tmp_path)
    real_open = open

    def guarded_open(file, *a, **k):
        assert Path(file) != bad, "the 200 MB file was opened"
        return real_open(file, *a, **k)

    monkeypatch.setattr("builtins.open", guarded_open)
    with pytest.raises(DataError, match="larger than the 100 MB limit"):
        read_file(bad)
    monkeypatch.setenv("MPP_MAX_DATA_MB", "500")
    monkeypatch.setattr("builtins.open", real_open)
    with pytest.raises(DataError, match=r"huge\.csv:\d+: binary data"):  # the sparse hole is NULs
        read_file(bad)


def test_plausibility_bound_is_configurable(world, capsys):
    tmp, store, _ = world
    bad = _value_at_row_11("5000")(tmp)
    res = run_main(capsys, "data", "check", str(bad), "--max-count", "1000")
    assert res.code == 3 and "big.csv:11: value='5000': count above the plausibility bound of 1,000" in res.out
    assert run_main(capsys, "data", "check", str(bad)).code == 0


@pytest.mark.parametrize(
    "vintage, message",
    [
        ("2099-01", "Invalid value for '--vintage': 2099-01 is later than"),
        ("../../etc", "Invalid value for '--vintage': '../../etc' is not a month"),
        ("2025-6", "'2025-6' is not a month: expected YYYY-MM"),
    ],
)
def test_bad_vintage_is_a_usage_error_and_stores_nothing(world, capsys, vintage, message):
    tmp, store, out = world
    before = snapshot(store, out)
    res = run_main(capsys, "data", "ingest", str(tmp / "good.csv"), "--vintage", vintage, "--store", str(store))
    assert res.code == 2 and message in res.err
    assert_unchanged(before, store, out)


def test_future_vintage_refused_by_the_store_api(world):
    from mpp.data.io import read_realisations
    from mpp.data.store import VintageStore
    from mpp.errors import DataError

    tmp, store, _ = world
    before = snapshot(store)
    df, _ = read_realisations(tmp / "good.csv")
    with pytest.raises(DataError, match="vintage: 2099-01 is later than"):
        VintageStore(store).ingest(df, "2099-01", source="x")
    with pytest.raises(DataError, match="no data rows"):
        VintageStore(store).ingest(df.iloc[:0], "2025-03", source="x")
    assert_unchanged(before, store)


def _read_only(monkeypatch, root: Path) -> None:
    """Make `root` behave as a read-only file system even for root (who ignores file modes)."""
    real_open, real_mkdir = os.open, os.mkdir
    root = str(root.resolve())

    def deny(path) -> bool:
        return str(Path(os.fspath(path)).resolve()).startswith(root)

    def ro_open(path, flags, *a, **k):
        if deny(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", os.fspath(path))
        return real_open(path, flags, *a, **k)

    def ro_mkdir(path, *a, **k):
        if deny(path):
            raise OSError(errno.EROFS, "Read-only file system", os.fspath(path))
        return real_mkdir(path, *a, **k)

    monkeypatch.setattr(os, "open", ro_open)
    monkeypatch.setattr(os, "mkdir", ro_mkdir)


def test_read_only_store_exits_73_naming_it(world, capsys, monkeypatch):
    tmp, store, out = world
    other = write_panel(tmp / "other.csv", panel_rows(seed=1))
    before = snapshot(store, out)
    _read_only(monkeypatch, store)
    res = run_main(capsys, "data", "ingest", str(other), "--vintage", "2025-02", "--store", str(store))
    assert res.code == 73, res
    assert f"cannot write to the vintage store {store}: Read-only file system" in res.err
    assert "Traceback" not in res.err and len(res.err.strip().splitlines()) == 1
    assert_unchanged(before, store, out)


def test_an_empty_vintage_left_by_an_older_version_is_never_read(world, capsys):
    """Before issue 14 a header-only file became an empty vintage and then 'latest'; such a store is refused
    with one line (exit 3) instead of `ValueError: cannot convert float NaN to integer`."""
    import json

    import pandas as pd

    tmp, store, out = world
    index = json.loads((store / "index.json").read_text())
    empty = pd.read_parquet(store / index["vintages"][0]["file"]).iloc[:0]
    empty.to_parquet(store / "2025-02.parquet", index=False)
    index["vintages"].append(
        {
            **index["vintages"][0],
            "id": "2025-02",
            "vintage": "2025-02",
            "file": "2025-02.parquet",
            "rows": 0,
            "hash": "empty",
        }
    )
    (store / "index.json").write_text(json.dumps(index))
    res = run_main(capsys, "forecast", "--data", str(store), "--out", str(out / "new"))
    assert res.code == 3 and "vintage 2025-02 in" in res.err and "holds no rows" in res.err
    assert not (out / "new").exists()
