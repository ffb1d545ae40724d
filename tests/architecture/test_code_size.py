"""Size limits of the library code: no module of src/mpp over 450 lines, no function body over 80 lines.

A function is measured from its first statement after the docstring to its end, so a command's declarative
option list (typer) does not count, its code does. The modules and functions that were over the limit when the
limits were introduced (issue 25) have all been split; the allow-lists below are empty and may only stay so
(any module or function over the limit fails).
"""

from __future__ import annotations

import ast
from pathlib import Path

import mpp

SRC = Path(mpp.__file__).resolve().parent
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80

# modules (relative to src/mpp) still over the limit, with their length when listed
KNOWN_LONG_MODULES: dict[str, int] = {}
# (module, function) still over the limit, with their body length when listed
KNOWN_LONG_FUNCTIONS: dict[tuple[str, str], int] = {}


def module_lengths() -> dict[str, int]:
    return {
        f.relative_to(SRC).as_posix(): len(f.read_text(encoding="utf-8").splitlines())
        for f in sorted(SRC.rglob("*.py"))
    }


def body_length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]  # the docstring
    return (node.end_lineno or node.lineno) - body[0].lineno + 1


def function_lengths(source: str) -> dict[str, int]:
    """qualified function name -> body length, for every function and method (nested ones too)."""
    out: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                out[name] = body_length(child)
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(ast.parse(source), "")
    return out


def all_function_lengths() -> dict[tuple[str, str], int]:
    return {
        (f.relative_to(SRC).as_posix(), name): n
        for f in sorted(SRC.rglob("*.py"))
        for name, n in function_lengths(f.read_text(encoding="utf-8")).items()
    }


def test_no_module_over_the_limit():
    over = {m: n for m, n in module_lengths().items() if n > MAX_MODULE_LINES}
    new = sorted(f"{m} ({n})" for m, n in over.items() if m not in KNOWN_LONG_MODULES)
    assert not new, f"modules over {MAX_MODULE_LINES} lines (split them): {new}"


def test_no_function_over_the_limit():
    over = {k: n for k, n in all_function_lengths().items() if n > MAX_FUNCTION_LINES}
    new = sorted(f"{m}:{f} ({n})" for (m, f), n in over.items() if (m, f) not in KNOWN_LONG_FUNCTIONS)
    assert not new, f"function bodies over {MAX_FUNCTION_LINES} lines (split them): {new}"


def test_the_measure_counts_code_not_signature_or_docstring():
    source = 'def f(\n    a=1,\n    b=2,\n):\n    """Doc\n    string."""\n    x = a\n    return x + b\n'
    assert function_lengths(source) == {"f": 2}
    nested = "class C:\n    def m(self):\n        def inner():\n            return 1\n        return inner()\n"
    assert function_lengths(nested) == {"C.m": 3, "C.m.inner": 1}
