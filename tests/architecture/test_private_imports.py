"""A name with a leading underscore is private to its module: no other module of src/mpp imports it, nor reads it
as an attribute of an imported mpp module. A helper that another module needs is public (no underscore), so
a reader sees from its name that others depend on it.
"""

from __future__ import annotations

import ast

from test_import_graph import modules


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def imported_module(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom reads from (relative imports resolved against the importer)."""
    if node.level == 0:
        return node.module or ""
    base = importer.split(".")[: -node.level]
    return ".".join(base + ([node.module] if node.module else []))


def private_uses(name: str, source: str, mpp_modules: set[str]) -> list[str]:
    """'module.name' for every private name that module `name` takes from another mpp module: imported by name
    (`from mpp.x import _y`) or read off an imported mpp module (`import mpp.x as m; m._y`, `from mpp import x;
    x._y`)."""
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name -> mpp module it may be
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            mod = imported_module(name, node)
            if not mod.startswith("mpp"):
                continue
            for a in node.names:
                if private(a.name) and mod != name:
                    found.append(f"{mod}.{a.name}")
                aliases[a.asname or a.name] = f"{mod}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("mpp."):
                    aliases[a.asname or a.name] = a.name
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and private(node.attr):
            base = ast.unparse(node.value)
            target = aliases.get(base, base)
            if target in mpp_modules and target != name:
                found.append(f"{target}.{node.attr}")
    return found


def test_no_module_takes_a_private_name_from_another():
    mods = modules()
    uses = {
        name: private_uses(name, path.read_text(encoding="utf-8"), set(mods)) for name, path in sorted(mods.items())
    }
    bad = {name: sorted(set(u)) for name, u in uses.items() if u}
    assert not bad, f"private names used outside their module (make them public where others need them): {bad}"


def test_the_detector_finds_each_kind():
    src = (
        "from mpp.data.raw import _require, read\n"
        "from . import _helper\n"
        "from mpp.national import model as m\n"
        "import mpp.occupancy.model as om\n"
        "from mpp.cli import backtest as _backtest\n"
        "from mpp.x import __version__\n"
        "from pandas import _libs\n"
        "m._sources(1)\nom._simulate()\nread._ok\nmpp.flows._x\n"
    )
    mods = {"mpp.flows", "mpp.national.model", "mpp.occupancy.model", "mpp.data.raw"}
    assert sorted(private_uses("mpp.data.cbs", src, mods)) == [
        "mpp.data._helper",
        "mpp.data.raw._require",
        "mpp.flows._x",
        "mpp.national.model._sources",
        "mpp.occupancy.model._simulate",
    ]
    # a module's own names are not flagged, nor a private attribute of a function or class (read._ok)
    assert private_uses("mpp.data.raw", "from mpp.data.raw import _x\n", mods) == []
