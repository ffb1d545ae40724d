"""Output files (issue 14): they honour the umask like any other file (atomic writes used to make them 0600)."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from mpp.provenance import atomic_write_csv, atomic_write_json, atomic_write_parquet, atomic_write_text


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600), (0o002, 0o664)])
def test_atomic_writes_honour_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
        atomic_write_json(tmp_path / "a.json", {"a": 1})
        atomic_write_csv(tmp_path / "a.csv", pd.DataFrame({"a": [1]}))
        atomic_write_parquet(tmp_path / "a.parquet", pd.DataFrame({"a": [1]}))
        (tmp_path / "plain.txt").write_text("x")  # what any other program would get
    finally:
        os.umask(old)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert modes == dict.fromkeys(modes, mode), modes


def test_staged_dir_leaves_nothing_on_failure_and_replaces_on_success(tmp_path):
    from mpp.provenance import staged_dir

    final = tmp_path / "out" / "2025-06"
    final.mkdir(parents=True)
    (final / "report.html").write_text("earlier")
    with pytest.raises(RuntimeError):
        with staged_dir(final) as stage:
            (stage / "report.html").write_text("half")
            raise RuntimeError("a stage failed")
    assert sorted(p.name for p in final.parent.iterdir()) == ["2025-06"]
    assert (final / "report.html").read_text() == "earlier"
    with staged_dir(final) as stage:
        (stage / "report.html").write_text("new")
        assert not (final / "new").exists()
    assert sorted(p.name for p in final.parent.iterdir()) == ["2025-06"]
    assert (final / "report.html").read_text() == "new"
    old = os.umask(0o027)
    try:
        with staged_dir(tmp_path / "x") as stage:
            pass
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "x").stat().st_mode) == 0o750
