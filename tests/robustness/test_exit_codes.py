"""docs/scheduling.md lists every exit code any command can return (issue 14): each documented code is made to
happen here by a command, and nothing in the code can return another one."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from clihelpers import run_main
from robusthelpers import HEADER, write_config, write_panel

import mpp
from mpp.errors import EXIT_CODES, MppError

ROOT = Path(__file__).resolve().parents[2]


def documented_codes() -> dict[int, str]:
    text = (ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8")
    section = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(m[1]): m[2] for m in re.finditer(r"^\|\s*(\d+)\s*\|([^|]*)\|", section, re.M)}


def test_the_documented_table_is_the_code_table():
    assert set(documented_codes()) == set(EXIT_CODES)


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_no_error_class_and_no_exit_call_has_an_undocumented_code():
    for info in pkgutil.walk_packages(mpp.__path__, "mpp."):
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional dependency missing: its classes cannot be raised either
            continue
    codes = {cls.__qualname__: cls.exit_code for cls in [MppError, *_all_subclasses(MppError)]}
    assert {k: v for k, v in codes.items() if v not in EXIT_CODES} == {}
    assert len(codes) > 8
    # The only way out besides an exception is mpp.cli.main; nothing else calls exit with a code of its own.
    for f in [*(ROOT / "src").rglob("*.py"), *(ROOT / "pipelines").rglob("*.py")]:
        if f.name == "__init__.py" and f.parent.name == "cli":
            continue
        for m in re.finditer(
            r"(sys\.exit|os\._exit|SystemExit|typer\.Exit|click\.exceptions\.Exit)\(([^)]*)\)",
            f.read_text(encoding="utf-8"),
        ):
            assert m[2].strip() in ("", "0"), f"{f}: {m[0]} can return an undocumented code"


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MPP_CONFIG_DIR", str(write_config(tmp_path / "config")))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MPP_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    write_panel(tmp_path / "good.csv")
    (tmp_path / "header.csv").write_text(HEADER)
    return tmp_path


def _bug(monkeypatch, home):
    monkeypatch.setattr("mpp.cli.data.summarise", lambda df: 1 / 0)
    return ["data", "summary", "--file", str(home / "good.csv")]


def _config(monkeypatch, home):
    (home / "config" / "forecast.yaml").write_text("horizon: [\n")
    return ["forecast", "--data", str(home / "good.csv"), "--out", str(home / "o")]


def _offline(monkeypatch, home):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{port}")
    return ["compare", "--cutoff", "2024-12", "--variants", "drift", "--home", str(home)]


def _stage_failed(monkeypatch, home):
    import mpp.flows.monthly as pipeline

    def broken(*a, **k):
        raise RuntimeError("a stage broke")

    monkeypatch.setattr(pipeline, "gating_scores", broken)
    return ["monthly", "--data", str(home / "good.csv"), "--home", str(home / "h"), "-q"]


def _cannot_write(monkeypatch, home):
    import errno
    import os

    store = home / "store"
    real = os.open

    def ro_open(path, flags, *a, **k):
        if str(path).startswith(str(store)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", ro_open)
    monkeypatch.setattr(os, "mkdir", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EROFS, "Read-only", a[0])))
    return ["data", "ingest", str(home / "good.csv"), "--vintage", "2025-01", "--store", str(store)]


def _locked(monkeypatch, home):
    from filelock import FileLock

    lock = FileLock(str(home / "h" / "mlruns" / ".mpp.lock"))
    (home / "h" / "mlruns").mkdir(parents=True)
    lock.acquire()
    HELD.append(lock)  # held until the test ends
    return ["monthly", "--data", str(home / "good.csv"), "--home", str(home / "h"), "-q"]


def _interrupted(monkeypatch, home):
    def ctrl_c(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("mpp.data.loaders.check_readable", ctrl_c)
    return ["data", "check", str(home / "good.csv")]


HELD: list = []

HOW = {
    0: lambda mp, h: ["data", "check", str(h / "good.csv")],
    1: _bug,
    2: lambda mp, h: ["forecast", "--data", str(h / "good.csv"), "--out", "o", "--cutoff", "06-2024"],
    3: lambda mp, h: ["data", "check", str(h / "header.csv")],
    4: _config,
    5: _offline,
    6: _stage_failed,
    73: _cannot_write,
    75: _locked,
    130: _interrupted,
}


def test_every_documented_code_has_a_way_to_happen_here():
    assert set(HOW) == set(documented_codes())


@pytest.mark.parametrize("code", sorted(HOW))
def test_each_documented_code_is_reachable(code, home, monkeypatch, capsys):
    args = HOW[code](monkeypatch, home)
    try:
        res = run_main(capsys, *args)
    finally:
        while HELD:
            HELD.pop().release()
    assert res.code == code, res
    assert "Traceback" not in res.err
    if code not in (0, 2):
        assert res.err.startswith("error: ") or code == 130, res.err
