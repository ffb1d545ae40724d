"""Only `mpp.flows` writes run folders: no other module of src/mpp writes a file, apart from the few low-level
writers listed below, each with the reason it writes. Stages take and return objects; the flows read their
inputs, call the stages and write what they return; the CLI parses, calls a flow and prints.

A write is a call that puts bytes on disk: `to_csv`/`to_parquet`/`to_excel`/`to_json` with a target,
`write_text`/`write_bytes`/`touch`/`mkdir`/`unlink`/`rmdir`, `savefig` into a file name, `numpy.save*`,
`json.dump`, `open(..., "w"/"a"/"x"/"+")`, `shutil.copy*/move/rmtree`, `os.replace/rename/remove`, and the
atomic write helpers of `mpp.provenance` (`atomic_write_*`). The list may only shrink: a listed module that no
longer writes fails too, so that the list says where writes are.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mpp

SRC = Path(mpp.__file__).resolve().parent

#: module or package (relative to src/mpp) -> why it may write files outside mpp.flows
LOW_LEVEL_WRITERS: dict[str, str] = {
    "provenance.py": "the atomic write helpers (temporary file + rename) that every writer uses",
    "data/store.py": "the vintage store: ingests a validated vintage atomically and never overwrites one",
    "data/snapshot.py": "the dated data snapshot: verbatim copies of the public sources with their provenance",
    "data/fetch.py": "`mpp data fetch`: downloads into a new dated snapshot, validated before it is kept",
    "project.py": "`mpp init`: scaffolds a project folder (config, data snapshot, mpp.toml)",
    "tracking/": "MLflow's store, the run lock and the registered model's artifacts (the only MLflow user)",
    "report/": "report rendering: report.html, report.xlsx and charts from a run folder (read, never changed)",
    "backtest/runner.py": (
        "the rolling-origin part cache: each (origin, variant) part is kept as its worker finishes it, with its "
        "key, so that an interrupted or repeated backtest resumes (docs/architecture.md, Caches)"
    ),
    "national/backtest.py": (
        "the national backtest's cache of sample sums per origin, keyed on the data known then, the settings "
        "and the model code (scripts/national_backtest.py)"
    ),
}

WRITE_METHODS = {"write_text", "write_bytes", "touch", "mkdir", "unlink", "rmdir"}
TARGET_METHODS = {"to_csv", "to_parquet", "to_excel", "to_json", "savefig"}  # write only when given a target
MODULE_CALLS = {
    "np": {"save", "savez", "savez_compressed", "savetxt"},
    "numpy": {"save", "savez", "savez_compressed", "savetxt"},
    "json": {"dump"},
    "shutil": {"copy", "copy2", "copyfile", "copytree", "move", "rmtree"},
    "os": {"replace", "rename", "remove", "unlink", "makedirs", "mkdir"},
}


def _writing_mode(call: ast.Call) -> bool:
    mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and any(c in mode.value for c in "wax+")


def _has_target(call: ast.Call) -> bool:
    return bool(call.args) or any(k.arg in ("path", "path_or_buf", "excel_writer", "fname") for k in call.keywords)


def writes(source: str) -> list[tuple[int, str]]:
    """(line, call) of every file write in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name):
            name = f.id
            if name.startswith("atomic_write_") or (name == "open" and _writing_mode(node)):
                found.append((node.lineno, name))
        elif isinstance(f, ast.Attribute):
            name, owner = f.attr, f.value.id if isinstance(f.value, ast.Name) else None
            if (
                name.startswith("atomic_write_")
                or name in WRITE_METHODS
                or (name in TARGET_METHODS and _has_target(node))
                or (name == "open" and _writing_mode(node))
                or (owner in MODULE_CALLS and name in MODULE_CALLS[owner])
            ):
                found.append((node.lineno, f"{owner + '.' if owner else ''}{name}"))
    return found


def _allowed(rel: str) -> str | None:
    return next((k for k in LOW_LEVEL_WRITERS if rel == k or (k.endswith("/") and rel.startswith(k))), None)


def all_writes() -> dict[str, list[tuple[int, str]]]:
    out = {}
    for f in sorted(SRC.rglob("*.py")):
        rel = f.relative_to(SRC).as_posix()
        if found := writes(f.read_text(encoding="utf-8")):
            out[rel] = found
    return out


def test_only_the_flows_and_the_listed_low_level_writers_write_files():
    offenders = {
        rel: [f"line {line}: {call}" for line, call in found]
        for rel, found in all_writes().items()
        if not rel.startswith("flows/") and _allowed(rel) is None
    }
    assert not offenders, f"modules outside mpp.flows that write files (move the write into a flow): {offenders}"


def test_every_listed_writer_still_writes():
    writing = {_allowed(rel) for rel in all_writes()}
    stale = sorted(set(LOW_LEVEL_WRITERS) - writing)
    assert not stale, f"listed as writers but they write nothing (remove them from the list): {stale}"


def test_the_flows_write_the_run_folders():
    flows = {rel for rel in all_writes() if rel.startswith("flows/")}
    expected = {f"flows/{m}.py" for m in ("forecast", "national", "overlays", "occupancy", "backtest", "skill")}
    assert expected <= flows, sorted(expected - flows)


def test_the_detector_sees_each_kind_of_write():
    source = """
import json, os, shutil
import numpy as np
def f(df, p, fig, obj):
    df.to_csv(p, index=False)
    df.to_parquet(path=p)
    p.write_text("x")
    fig.savefig(p)
    np.savez(p, a=1)
    json.dump(obj, p)
    open(p, "w")
    open(p, mode="ab")
    shutil.copyfile(p, p)
    os.replace(p, p)
    atomic_write_csv(p, df)
    p.mkdir()
"""
    assert len(writes(source)) == 12
    harmless = """
def g(df, p, fig, buf):
    text = df.to_csv(index=False)
    open(p)
    open(p, "rb")
    p.read_text()
    "a-b".replace("-", "")
"""
    assert writes(harmless) == []
