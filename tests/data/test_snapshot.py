"""The packaged snapshot of the public sources: complete provenance, verified on load, seeded by `mpp init` and
declared as the project's data source."""

from __future__ import annotations

import csv
import shutil

import pytest

from mpp.data.snapshot import MANIFEST, PANEL, copy_snapshot, packaged_snapshot, read_manifest, verify_snapshot
from mpp.errors import DataError
from mpp.project import Project, init_project


def test_every_packaged_file_is_listed_with_source_licence_date_and_hash_and_verifies():
    snap = packaged_snapshot()
    rows = verify_snapshot(snap)
    listed = {r.file for r in rows}
    on_disk = {p.relative_to(snap).as_posix() for p in snap.rglob("*") if p.is_file()} - {MANIFEST}
    assert listed == on_disk  # nothing unlisted, nothing listed that is absent
    for r in rows:
        assert r.publisher and r.source and r.licence and len(r.sha256) == 64, r
        assert r.retrieved == snap.name  # the folder is named by the retrieval date
    assert PANEL in listed and "mpp_published.csv" in listed and "realised_totals.csv" in listed
    assert sum(r.bytes for r in rows) < 3_000_000  # a few MB at most: the wide panels stay outside


def _copy(tmp_path):
    return copy_snapshot(packaged_snapshot(), tmp_path / "snap")


def test_a_changed_or_missing_file_is_a_data_error_naming_it(tmp_path):
    snap = _copy(tmp_path)
    (snap / PANEL).write_text((snap / PANEL).read_text().replace("2015-01", "2015-02", 1))
    (snap / "realised_totals.csv").unlink()
    with pytest.raises(DataError) as err:
        verify_snapshot(snap)
    msg = str(err.value)
    assert f"{PANEL}: changed" in msg and "realised_totals.csv: missing" in msg


def test_a_manifest_without_its_columns_is_refused(tmp_path):
    snap = _copy(tmp_path)
    (snap / MANIFEST).write_text("file,sha\nx,y\n")
    with pytest.raises(DataError, match="not a snapshot provenance file"):
        read_manifest(snap)


def test_init_seeds_the_project_with_the_snapshot_and_declares_it(tmp_path, monkeypatch):
    for k in ("MPP_HOME", "MPP_CONFIG_DIR", "MPP_REFERENCE_DATA"):
        monkeypatch.delenv(k, raising=False)
    init_project(tmp_path / "p")
    p = Project.discover(start=tmp_path / "p")
    snap = tmp_path / "p" / "data" / "snapshot" / packaged_snapshot().name
    assert p.data_source == snap and p.default_data() == snap / PANEL and p.reference_folder() == snap
    assert (snap / PANEL).read_bytes() == (packaged_snapshot() / PANEL).read_bytes()  # verbatim
    # a project's changed copy is refused before any run reads it
    with open(snap / "mpp_published.csv", "a", encoding="utf-8") as fh:
        fh.write("MPP 2099-I,2099,,total_asylum_inflow,2099,medio,1,made up\n")
    with pytest.raises(DataError, match="mpp_published.csv: changed"):
        p.default_data()


def test_a_folder_without_provenance_is_not_a_data_source(tmp_path, monkeypatch):
    monkeypatch.delenv("MPP_HOME", raising=False)
    (tmp_path / "p" / "files").mkdir(parents=True)
    shutil.copy(packaged_snapshot() / PANEL, tmp_path / "p" / "files" / "panel.csv")
    (tmp_path / "p" / "mpp.toml").write_text('data_source = "files"\n')
    with pytest.raises(DataError, match="must be a snapshot"):
        Project.discover(start=tmp_path / "p").default_data()
    # one realisations file is a data source too: national sources then come from the packaged snapshot
    (tmp_path / "p" / "mpp.toml").write_text('data_source = "files/panel.csv"\n')
    p = Project.discover(start=tmp_path / "p")
    assert p.default_data() == tmp_path / "p" / "files" / "panel.csv"
    assert p.source_snapshot() == packaged_snapshot()


def test_provenance_is_a_plain_csv_an_analyst_can_open(real_dir):
    with open(packaged_snapshot() / MANIFEST, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == ["file", "publisher", "source", "licence", "retrieved", "bytes", "sha256"]
