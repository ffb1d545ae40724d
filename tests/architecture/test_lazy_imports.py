"""Imports inside functions: only where importing at the top would cost every user of the module, never to hide
an import cycle (the import graph test counts them, so a hidden cycle fails there too). Everything else imports
at the top of its module, where a reader sees what a module depends on.
"""

from __future__ import annotations

import ast

from test_import_graph import modules

# Third-party packages imported inside the function that needs them, and why.
LAZY_THIRD_PARTY = {
    "prophet": "optional family; Stan's backend takes a second to import",
    "lightgbm": "optional skill-protocol candidate",
    "mlflow": "only mpp.tracking imports it; one to two seconds to import",
    "statsmodels": "only when an ETS/SARIMA/theta model is fitted; a second to import",
    "dask": "optional parallel backend",
    "joblib": "a process pool only when workers > 1",
    "scoringrules": "optional cross-check of the CRPS in the skill protocol",
    "cbsodata": "network fetch only (mpp data fetch)",
    "requests": "network fetch only (mpp data fetch)",
    "pycountry": "country names only when a report is written",
    "matplotlib": "charts only",
    "scipy": "scipy.optimize only in the occupancy replay's calibration",
    "typer": "mpp.strict's option callbacks raise typer's BadParameter only while a command parses",
    "click": "the CLI's error handling only",
}
# mpp modules that pull in one of the heavy packages above (or the whole pipeline), imported where used.
LAZY_MPP = ("mpp.tracking", "mpp.report", "mpp.backtest.plots", "mpp.flows", "mpp.cli")
# The commands: each imports only the stages it runs, so `mpp --help` and a small command stay fast.
LAZY_IMPORTERS = ("mpp.cli",)
# In-function imports still to be moved to the top (importer, imported): this list may only shrink.
KNOWN: set[tuple[str, str]] = set()


def function_imports() -> list[tuple[str, str]]:
    """(importing module, imported module) for every import statement inside a function of src/mpp."""
    found = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import):
                    found += [(name, a.name) for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.append((name, node.module))
    return found


def allowed(importer: str, imported: str) -> bool:
    if imported.split(".")[0] in LAZY_THIRD_PARTY:
        return True
    if any(importer == p or importer.startswith(p + ".") for p in LAZY_IMPORTERS):
        return True
    return any(imported == p or imported.startswith(p + ".") for p in LAZY_MPP)


def test_imports_inside_functions_are_only_the_documented_heavy_ones():
    offenders = sorted({pair for pair in function_imports() if not allowed(*pair)} - KNOWN)
    assert not offenders, f"import these at the top of the module (or document why not): {offenders}"


def test_the_rule_sees_an_import_inside_a_function():
    assert allowed("mpp.models.prophet", "prophet") and allowed("mpp.cli.forecast", "mpp.flows")
    assert not allowed("mpp.occupancy.model", "mpp.occupancy.segments") and not allowed("mpp.strict", "json")
