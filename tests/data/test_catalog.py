"""The data catalog (config/data.yaml): which source a run reads, how --data picks another, what identifies the
data; the registry's refusal to compare a champion with a challenger on other data."""

from __future__ import annotations

from pathlib import Path

import pytest

from mpp.data.catalog import DataCatalog, DataIdentity, DataSource, name_from_path, resolve_source
from mpp.errors import ConfigError
from mpp.project import Project
from mpp.spec import load_spec
from mpp.tracking.gating import other_data


def _resolve(catalog: DataCatalog, base: Path, data):
    return resolve_source(catalog, base, data, lambda p: base / p)


def test_a_bare_run_reads_the_declared_source_and_data_picks_another(tmp_path):
    (tmp_path / "cbs.csv").write_text("x")
    cat = DataCatalog.model_validate(
        {"default": "cbs", "sources": {"sample": {"sample": True}, "cbs": {"file": "cbs.csv"}}}
    )
    assert _resolve(cat, tmp_path, None) == DataSource("cbs", "file", tmp_path / "cbs.csv")
    assert _resolve(cat, tmp_path, "sample").is_sample
    # the entry's file given as a path is that entry; another file is a source named after it
    assert _resolve(cat, tmp_path, tmp_path / "cbs.csv").name == "cbs"
    (tmp_path / "cbs_2025-07.csv").write_text("x")
    assert _resolve(cat, tmp_path, tmp_path / "cbs_2025-07.csv").name == "cbs_2025-07"
    # NAME=PATH: this month's file of a named source keeps its lineage
    got = _resolve(cat, tmp_path, f"cbs={tmp_path / 'cbs_2025-07.csv'}")
    assert (got.name, got.path) == ("cbs", (tmp_path / "cbs_2025-07.csv").resolve())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("nowhere.csv", "neither a file or folder nor a data source"),
        ("cbs=missing.csv", "no file or folder"),
        ("sample=cbs.csv", "kept for the generated sample"),
        ("../x=cbs.csv", "cannot be used as a name"),
    ],
)
def test_data_that_is_no_source_is_one_line(tmp_path, monkeypatch, data, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cbs.csv").write_text("x")
    with pytest.raises(ConfigError, match=message):
        _resolve(DataCatalog(), tmp_path, data)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"default": "cbs"}, "default 'cbs' is not one of the sources"),
        ({"sources": {"sample": {"sample": True}, "x": {"file": "a", "vintage": "latest"}}}, "exactly one of"),
        ({"sources": {"sample": {"file": "a.csv"}}}, "kept for the generated sample"),
        ({"default": "sample", "sources": {"sample": {"sample": "yes"}}}, "valid boolean"),
    ],
)
def test_catalog_mistakes_are_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        DataCatalog.model_validate(raw)


def test_the_packaged_catalog_is_valid_and_read_into_the_spec():
    spec = load_spec(Project.discover())
    assert spec.catalog.defaults and all(d in spec.catalog.sources for d in spec.catalog.defaults)
    assert spec.files["data"].endswith("data.yaml")


def test_identity_names_the_source_and_the_content():
    ident = DataIdentity(DataSource("sample", "sample"), "0123456789abcdef")
    assert ident.key == "sample-01234567" and ident.kind == "sample"
    assert ident.tags() == {"data_source": "sample", "data_id": "sample-01234567", "data_kind": "sample"}
    assert DataIdentity(DataSource("cbs", "file", Path("x")), "ff" * 8).kind == "real"
    assert name_from_path(Path("downloads/CBS 83102NED (2025).csv")) == "CBS-83102NED-2025"


def test_a_champion_on_other_data_is_never_compared():
    assert other_data({"data_source": "cbs"}, "cbs", "3") is None
    why = other_data({"data_source": "sample"}, "cbs", "3")
    assert why is not None and "\n" not in why
    assert "champion v3 was fitted on data source 'sample', this version on 'cbs'" in why
    assert "(unrecorded)" in (other_data({}, "cbs", "1") or "")


def test_a_bare_run_takes_the_first_default_that_has_data(tmp_path):
    cat = DataCatalog.model_validate(
        {
            "default": ["cbs", "store", "sample"],
            "sources": {"sample": {"sample": True}, "cbs": {"file": "cbs.csv"}, "store": {"vintage": "latest"}},
        }
    )
    has = set()

    def available(s):
        return s.name in has

    assert _resolve_with(cat, tmp_path, available).is_sample  # nothing there: the last default
    has.add("store")
    assert _resolve_with(cat, tmp_path, available).kind == "vintage"
    has.add("cbs")
    assert _resolve_with(cat, tmp_path, available).name == "cbs"


def _resolve_with(catalog, base, available):
    return resolve_source(catalog, base, None, lambda p: base / p, available)


def test_a_bare_run_reads_the_projects_data_source_and_a_stored_vintage_keeps_its_lineage(tmp_path, monkeypatch):
    """The packaged catalog: a bare run reads the project's data_source (here the packaged snapshot's panel)
    under the name `cbs`, never the sample; `--data store` reads the newest real vintage under the name it was
    ingested with; `--data sample` the generated sample."""
    import pandas as pd

    from mpp.data.sample import generate_sample
    from mpp.data.store import VintageStore
    from mpp.flows import run_source

    monkeypatch.delenv("MPP_CONFIG_DIR", raising=False)
    project = Project.discover(tmp_path)
    spec = load_spec(project)
    bare = run_source(project, spec)
    assert (bare.name, bare.kind, bare.path) == ("cbs", "file", project.default_data())
    assert run_source(project, spec.with_run(str(project.default_data()))).name == "cbs"  # the same file by path
    assert run_source(project, spec.with_run("sample")).is_sample
    store = VintageStore(project.store)
    df = generate_sample(seed=0)
    store.ingest(df, "2025-07", source="sample", sample=True)
    real = df.assign(source="CBS 83102NED", value=df["value"] + 5)
    store.ingest(real[real["period"] <= pd.Period("2025-05", "M")], "2025-06", source="cbs-file")
    got = run_source(project, spec.with_run("store"))
    assert (got.name, got.kind, got.vintage) == ("cbs-file", "vintage", "2025-06")  # the sample is no real vintage
